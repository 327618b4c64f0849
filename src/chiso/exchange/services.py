"""Import and export orchestration (DESIGN.md section 5, Exchange).

``import_file`` reads a file in any supported format, hands the rows to
``chiso.datavalues.services.datavalue_bulk_upsert`` and returns an ``ImportSummary``: the
DHIS2-style ``{status, importCount, conflicts}``, where conflicts from reading the file and from
validating its values are reported together. Atomic by default: any conflict and nothing is
written (status ``ERROR``); ``atomic=False`` writes the good rows (``WARNING``).

``export_values`` streams the values of a unit (and its subtree) within a period in any format;
``template_build`` makes the XLSX entry template.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.accounts.access import Action, scope_filter
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.periods import Period, PeriodType, periods_in
from chiso.datavalues.models import Channel, DataValue
from chiso.datavalues.selectors import canonical_value
from chiso.datavalues.services import datavalue_bulk_upsert
from chiso.datavalues.types import ERROR, SUCCESS, WARNING
from chiso.exchange import adx, dhis2, xlsx
from chiso.exchange.parsing import ParseResult
from chiso.exchange.rows import ExportRow
from chiso.exchange.selectors import (
    datavalue_export_rows,
    export_unit_get,
    indicators_for_codes,
)
from chiso.indicators.models import (
    DEFAULT_CODE,
    CategoryOptionCombo,
    Indicator,
    IndicatorGroup,
)
from chiso.indicators.selectors import indicator_list, option_combos_for
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.validation.services import rules_run_for_values

__all__ = [
    "FORMATS",
    "Export",
    "ImportSummary",
    "SummaryConflict",
    "detect_format",
    "export_values",
    "import_file",
    "template_build",
]

FORMATS = ("json", "csv", "adx", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "adx": "application/adx+xml; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"json": "json", "csv": "csv", "adx": "adx.xml", "xlsx": "xlsx"}
_BY_EXTENSION = {".json": "json", ".csv": "csv", ".xml": "adx", ".adx": "adx", ".xlsx": "xlsx"}
# importStrategy values (DHIS2): create-and-update is what every import does; delete deletes.
STRATEGIES = {
    "CREATE_AND_UPDATE": False,
    "NEW_AND_UPDATES": False,
    "DELETE": True,
    "DELETES": True,
}

register_messages(
    {
        "exchange.format": gettext_noop(
            "Định dạng '%(format)s' không được hỗ trợ (chọn một trong: json, csv, adx, xlsx)"
        ),
        "exchange.strategy": gettext_noop(
            "importStrategy '%(strategy)s' không được hỗ trợ (chỉ CREATE_AND_UPDATE hoặc DELETE)"
        ),
        "exchange.no_indicators": gettext_noop(
            "Nhóm chỉ tiêu '%(group)s' không có chỉ tiêu nào nhập theo kỳ %(period)s"
        ),
        "exchange.unknown_group": gettext_noop("Không có nhóm chỉ tiêu mã '%(group)s'"),
    }
)


# --- import ------------------------------------------------------------------------------------


@dataclass
class SummaryConflict:
    """Conflicts with the same object, property and message, merged; ``value`` in
    ``to_dict`` is the message, as in DHIS2."""

    object: str
    property: str
    message: str
    code: str = ""
    indexes: list[int] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "object": self.object,
            "property": self.property,
            "value": self.message,
            "errorCode": self.code,
            "indexes": self.indexes,
            "locations": self.locations,
        }


@dataclass
class ImportSummary:
    status: str
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[SummaryConflict] = field(default_factory=list)
    dry_run: bool = False
    # The file could not be read at all (CLI exit 2, API 400).
    unreadable: bool = False
    format: str = ""
    total: int = 0
    # Validation-rule violations of the imported values that do not block the import.
    warnings: list[SummaryConflict] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return self.status == ERROR

    def to_dict(self) -> dict:
        """The DHIS2-style summary: ``{status, dryRun, importCount: {imported, updated,
        ignored, deleted}, conflicts: [{object, property, value, errorCode, indexes,
        locations}]}``; ``value`` is the message, ``indexes`` are 0-based positions of the
        values in the file and ``locations`` say where they are ("dòng 3", "ô J12"). Rule
        violations that do not block the import are listed under ``warnings`` (same shape,
        ``property`` "validationRule"), present only when there are some."""
        summary = {
            "status": self.status,
            "dryRun": self.dry_run,
            "importCount": {
                "imported": self.imported,
                "updated": self.updated,
                "ignored": self.ignored,
                "deleted": self.deleted,
            },
            "conflicts": [conflict.to_dict() for conflict in self.conflicts],
        }
        if self.warnings:
            summary["warnings"] = [warning.to_dict() for warning in self.warnings]
        return summary


def detect_format(filename: str, content: bytes) -> str | None:
    """The format by file extension, else by content; None if neither says."""
    extension = os.path.splitext((filename or "").lower())[1]
    if extension in _BY_EXTENSION:
        return _BY_EXTENSION[extension]
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if head[:1] in (b"{", b"["):
        return "json"
    if head[:1] == b"<":
        return "adx"
    if head:
        return "csv"
    return None


def parse_content(fmt: str, content: bytes) -> ParseResult:
    if fmt == "json":
        return dhis2.parse_json(content)
    if fmt == "csv":
        return dhis2.parse_csv(content)
    if fmt == "adx":
        return adx.parse_adx(content)
    if fmt == "xlsx":
        return xlsx.parse_xlsx(content)
    raise ChisoError("exchange.format", format=fmt)


def import_file(
    *,
    user,
    filename: str = "",
    content: bytes,
    fmt: str | None = None,
    dry_run: bool = False,
    atomic: bool = True,
    channel: str = Channel.IMPORT,
    strategy: str | None = None,
) -> ImportSummary:
    """Import ``content`` (``fmt`` one of ``FORMATS``, or detected from ``filename`` and the
    content) as ``user``. Never raises on bad input: everything wrong is in the summary.
    ``strategy`` is DHIS2's importStrategy (``CREATE_AND_UPDATE`` default, ``DELETE``);
    ChisoError ``exchange.strategy`` for any other."""
    deleting = False
    if strategy:
        if strategy.upper() not in STRATEGIES:
            raise ChisoError("exchange.strategy", strategy=strategy)
        deleting = STRATEGIES[strategy.upper()]
    if not content or not content.strip():
        return _unreadable(_("Tệp rỗng, không có số liệu."), fmt or "", dry_run)
    fmt = (fmt or detect_format(filename, content) or "").lower()
    if fmt not in FORMATS:
        return _unreadable(
            _("Không nhận ra định dạng tệp %(name)s (cần .json, .csv, .xml (ADX) hoặc .xlsx).")
            % {"name": filename or ""},
            fmt,
            dry_run,
        )
    parsed = parse_content(fmt, content)
    if parsed.fatal:
        summary = ImportSummary(status=ERROR, dry_run=dry_run, unreadable=True, format=fmt)
        summary.conflicts = _merge(parsed, [])
        return summary
    items = parsed.items
    if deleting:
        items = [dataclasses.replace(item, delete=True) for item in items]
    parse_failed = {c.index for c in parsed.conflicts if c.index is not None}
    total = max(parsed.total, len(items) + len(parse_failed))
    reject_all = atomic and bool(parse_failed)
    # The values are written (a dry run too) so that the validation rules see them; a dry run,
    # or a violation of a blocking rule, then rolls everything back.
    with transaction.atomic():
        result = datavalue_bulk_upsert(
            user=user, items=items, channel=channel, dry_run=reject_all, atomic=atomic
        )
        refused = {c.index for c in result.conflicts}
        written = [i for i in items if i.index not in refused]
        violations = []
        if not reject_all and result.status != ERROR and written:
            violations = rules_run_for_values(
                user, [(i.indicator_code, i.orgunit_code, i.period_id) for i in written]
            )
        blocking = [_rule_conflict(v, written, parsed) for v in violations if v.rule.blocking]
        if dry_run or blocking:
            transaction.set_rollback(True)
    conflicts = _merge(parsed, result.conflicts) + blocking
    summary = ImportSummary(
        status=SUCCESS, dry_run=dry_run, format=fmt, total=total, conflicts=conflicts
    )
    summary.warnings = [
        _rule_conflict(v, written, parsed) for v in violations if not v.rule.blocking
    ]
    if blocking:
        summary.status = ERROR
        summary.ignored = total
        return summary
    if conflicts and atomic:
        summary.status = ERROR
        summary.ignored = total
        return summary
    summary.status = WARNING if conflicts else SUCCESS
    summary.imported = result.imported
    summary.updated = result.updated
    summary.deleted = result.deleted
    summary.ignored = total - result.imported - result.updated - result.deleted
    return summary


def _rule_conflict(violation, written, parsed: ParseResult) -> SummaryConflict:
    """A rule violation as a summary entry, pointing at the values of the file it reads."""
    codes = set(violation.rule.indicator_codes)
    indexes = [
        i.index
        for i in written
        if i.indicator_code.strip() in codes
        and i.orgunit_code.strip() == violation.orgunit.code
        and i.period_id.strip() == violation.period.id
    ]
    where = _("%(unit)s (mã %(code)s), %(period)s") % {
        "unit": violation.orgunit.name,
        "code": violation.orgunit.code,
        "period": violation.period.format_label(_),
    }
    return SummaryConflict(
        object=violation.rule.code,
        property="validationRule",
        message=f"{where}: {violation.message}",
        code="validation.blocking" if violation.rule.blocking else "validation.warning",
        indexes=indexes,
        locations=[parsed.locations[i] for i in indexes if parsed.locations.get(i)],
    )


def _unreadable(message: str, fmt: str, dry_run: bool) -> ImportSummary:
    return ImportSummary(
        status=ERROR,
        dry_run=dry_run,
        unreadable=True,
        format=fmt,
        conflicts=[SummaryConflict(object="", property="file", message=message)],
    )


def _merge(parsed: ParseResult, validation) -> list[SummaryConflict]:
    """Parse and validation conflicts, merged by (object, property, message), in file order."""
    ordered = sorted(
        [(c.index, c.object, c.property, c.message, "") for c in parsed.conflicts]
        + [(c.index, c.object, c.property, c.message, c.code) for c in validation],
        key=lambda c: -1 if c[0] is None else c[0],
    )
    merged: dict[tuple, SummaryConflict] = {}
    for index, obj, prop, message, code in ordered:
        key = (obj, prop, message, code)
        conflict = merged.get(key)
        if conflict is None:
            conflict = merged[key] = SummaryConflict(obj, prop, message, code)
        if index is not None and index not in conflict.indexes:
            conflict.indexes.append(index)
            location = parsed.locations.get(index)
            if location:
                conflict.locations.append(location)
    return list(merged.values())


# --- export ------------------------------------------------------------------------------------


@dataclass
class Export:
    format: str
    filename: str
    content_type: str
    chunks: Iterator[bytes]


def export_values(
    *,
    user,
    unit_code: str,
    period_id: str,
    fmt: str = "json",
    indicator_codes: Iterable[str] | None = None,
    children: bool = True,
) -> Export:
    """The live values of unit ``unit_code`` (the version valid on the period's last day; its
    whole subtree unless ``children`` is False) whose periods lie within ``period_id``, in the
    user's view scope. ``indicator_codes``: indicator or group codes (None: all).
    Raises ``UnitNotFound`` (missing or outside the view scope alike) or ``ChisoError`` (bad
    period, format or code) before anything is streamed."""
    fmt = (fmt or "json").lower()
    if fmt not in FORMATS:
        raise ChisoError("exchange.format", format=fmt)
    period = Period.parse(period_id.strip())
    unit = export_unit_get(user, unit_code, period)
    codes = [c for c in (indicator_codes or []) if c.strip()]
    indicators = indicators_for_codes(codes) if codes else None
    rows = datavalue_export_rows(
        user=user, unit=unit, period=period, indicators=indicators, children=children
    )
    filename = f"chiso-{unit.code}-{period.id}.{EXTENSIONS[fmt]}"
    if fmt == "json":
        chunks = _encode(dhis2.write_json(rows))
    elif fmt == "csv":
        chunks = _encode(dhis2.write_csv(rows))
    elif fmt == "adx":
        chunks = _encode(adx.write_adx(rows))
    else:
        header = xlsx.SheetHeader(
            title=_("SỐ LIỆU CHỈ TIÊU"),
            unit=_unit_label(unit, children),
            period=f"{period.format_label(_)} ({period.id})",
            group=", ".join(codes) if codes else _("tất cả chỉ tiêu"),
        )
        chunks = iter([xlsx.build_workbook(header, _sheet_rows(rows))])
    return Export(format=fmt, filename=filename, content_type=CONTENT_TYPES[fmt], chunks=chunks)


def _encode(chunks: Iterable[str]) -> Iterator[bytes]:
    for chunk in chunks:
        if chunk:
            yield chunk.encode("utf-8")


def _unit_label(unit: OrgUnit, children: bool) -> str:
    label = _("%(name)s (mã %(code)s)") % {"name": unit.name, "code": unit.code}
    if children:
        label = _("%(unit)s và các đơn vị trực thuộc") % {"unit": label}
    return label


def _period_label(period_id: str, cache: dict[str, str]) -> str:
    if period_id not in cache:
        cache[period_id] = Period.parse(period_id).format_label(_)
    return cache[period_id]


def _combo_name(combo: CategoryOptionCombo) -> str:
    return "" if combo.code == DEFAULT_CODE else combo.name


def _sheet_rows(rows: Iterable[ExportRow]) -> Iterator[xlsx.SheetRow]:
    indicators: dict[str, Indicator] = {}
    combos: dict[int, str] = {}
    units: dict[int, str] = {}
    periods: dict[str, str] = {}
    for row in rows:
        indicator = indicators.get(row.indicator)
        if indicator is None:
            indicator = indicators[row.indicator] = Indicator.objects.get(code=row.indicator)
        if row.option_combo_id not in combos:
            combos[row.option_combo_id] = _combo_name(
                CategoryOptionCombo.objects.get(pk=row.option_combo_id)
            )
        if row.orgunit_id not in units:
            units[row.orgunit_id] = OrgUnit.objects.get(pk=row.orgunit_id).name
        yield xlsx.SheetRow(
            indicator=row.indicator,
            option_combo=row.option_combo,
            orgunit=row.orgunit,
            period=row.period,
            orgunit_name=units[row.orgunit_id],
            period_label=_period_label(row.period, periods),
            indicator_name=indicator.name,
            option_combo_name=combos[row.option_combo_id],
            unit=indicator.unit,
            value_type=indicator.value_type,
            value=row.value,
            comment=row.comment,
        )


# --- template ----------------------------------------------------------------------------------


def template_build(
    *,
    user,
    group_code: str,
    unit_code: str,
    period_id: str,
    children: bool = False,
) -> tuple[str, bytes]:
    """(file name, XLSX bytes): the entry template for the indicators of group ``group_code``
    at unit ``unit_code`` (and, with ``children``, the units directly under it) for every
    period of each indicator's period type within ``period_id``, pre-filled with the values
    already stored. ``UnitNotFound`` outside the user's view scope; ``ChisoError`` for an
    unknown group, a bad period or a group with nothing to enter for that period."""
    period = Period.parse(period_id.strip())
    unit = export_unit_get(user, unit_code, period)
    group = IndicatorGroup.objects.filter(code=group_code.strip()).first()
    if group is None:
        raise ChisoError("exchange.unknown_group", group=group_code)
    units = [unit]
    if children:
        units += list(
            OrgUnit.objects.filter(
                scope_filter(user, Action.VIEW), orgunit_valid_on(period.end), parent=unit
            ).order_by("path")
        )
    slots: list[tuple[Indicator, Period, list[CategoryOptionCombo]]] = []
    for indicator in indicator_list(group):
        for sub in periods_in(period, PeriodType(indicator.period_type)):
            slots.append((indicator, sub, list(option_combos_for(indicator))))
    if not slots:
        raise ChisoError("exchange.no_indicators", group=group.code, period=period.id)
    # By period end, the shorter period first: 202301, 202302, 202303, 2023Q1.
    slots.sort(key=lambda slot: (slot[1].end, -slot[1].start.toordinal()))
    stored = _stored_values(user, units, period, [slot[0] for slot in slots])
    labels: dict[str, str] = {}
    rows = [
        xlsx.SheetRow(
            indicator=indicator.code,
            option_combo=combo.code,
            orgunit=target.code,
            period=sub.id,
            orgunit_name=target.name,
            period_label=_period_label(sub.id, labels),
            indicator_name=indicator.name,
            option_combo_name=_combo_name(combo),
            unit=indicator.unit,
            value_type=indicator.value_type,
            value=stored.get((indicator.pk, combo.pk, target.pk, sub.id), (None, ""))[0],
            comment=stored.get((indicator.pk, combo.pk, target.pk, sub.id), (None, ""))[1],
        )
        for target in units
        for indicator, sub, combos in slots
        for combo in combos
    ]
    header = xlsx.SheetHeader(
        title=_("BIỂU NHẬP SỐ LIỆU"),
        unit=_unit_label(unit, children),
        period=f"{period.format_label(_)} ({period.id})",
        group=group.name,
    )
    filename = f"bieu-mau-{group.code}-{unit.code}-{period.id}.xlsx"
    return filename, xlsx.build_workbook(header, rows)


def _stored_values(user, units, period: Period, indicators) -> dict[tuple, tuple[str, str]]:
    qs = DataValue.objects.filter(
        scope_filter(user, Action.VIEW, field="orgunit__"),
        orgunit__in=units,
        indicator__in={i.pk for i in indicators},
        deleted=False,
        period_start__gte=period.start,
        period_end__lte=period.end,
    ).values_list(
        "indicator_id",
        "option_combo_id",
        "orgunit_id",
        "period",
        "indicator__value_type",
        "value",
        "text_value",
        "comment",
    )
    return {
        (ind, combo, unit, pid): (canonical_value(vtype, value, text), comment)
        for ind, combo, unit, pid, vtype, value, text, comment in qs
    }
