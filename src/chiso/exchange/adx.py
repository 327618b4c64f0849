"""ADX (IHE QRPH Aggregate Data Exchange, namespace ``urn:ihe:qrph:adx:2015``)::

    <adx xmlns="urn:ihe:qrph:adx:2015">
      <group orgUnit="25195" period="2023-09-01/P1M" dataSet="CHISO">
        <dataValue dataElement="ASXH_QUA_SO_LUONG" NHOM_DOI_TUONG="HO_NGHEO" value="120">
          <annotation>ghi chú</annotation>
        </dataValue>
      </group>
    </adx>

Periods are an ISO 8601 start date and duration (``ADX_DURATIONS``); every other attribute of
a ``dataValue`` names a category by code and its option by code, and together they select the
indicator's option combo. chiso writes a lowercase ``status="estimate"`` on estimated values
(category codes are upper case, so it cannot clash) and reads it back.

Parsing is safe against hostile XML: no DTDs, no entity expansion, no network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from lxml import etree

from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.periods import Period, PeriodType
from chiso.datavalues.types import (
    PROPERTY_INDICATOR,
    PROPERTY_ORGUNIT,
    PROPERTY_PERIOD,
    PROPERTY_VALUE,
)
from chiso.exchange.catalog import CatalogCache, ComboError
from chiso.exchange.parsing import ParseResult, ValueInput
from chiso.exchange.rows import ExportRow

ADX_NS = "urn:ihe:qrph:adx:2015"
ADX_DURATIONS: dict[str, PeriodType] = {
    "P1Y": PeriodType.YEAR,
    "P12M": PeriodType.YEAR,
    "P6M": PeriodType.HALF,
    "P3M": PeriodType.QUARTER,
    "P1M": PeriodType.MONTH,
    "P7D": PeriodType.WEEK,
    "P1W": PeriodType.WEEK,
    "P1D": PeriodType.DAY,
}
_DURATION_OF = {
    PeriodType.YEAR: "P1Y",
    PeriodType.HALF: "P6M",
    PeriodType.QUARTER: "P3M",
    PeriodType.MONTH: "P1M",
    PeriodType.WEEK: "P7D",
    PeriodType.DAY: "P1D",
}
_ADX_PERIOD = re.compile(r"(?P<start>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?P<duration>P[0-9A-Z]+)")
GROUP_ATTRIBUTES = {"orgUnit", "period", "dataSet", "completeDate", "id"}
VALUE_ATTRIBUTES = {"dataElement", "value"}
STATUS_ATTRIBUTE = "status"
_ATTR_ENTITIES = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
DEFAULT_DATASET = "CHISO"

register_messages(
    {
        "adx.period_syntax": gettext_noop(
            "'%(text)s' không phải kỳ ADX hợp lệ (dạng ngày-bắt-đầu/độ-dài, ví dụ"
            " 2023-01-01/P1Y, 2023-07-01/P3M, 2023-09-01/P1M)"
        ),
        "adx.period_duration": gettext_noop(
            "'%(text)s': độ dài kỳ '%(duration)s' không được hỗ trợ (chỉ P1Y, P6M, P3M, P1M,"
            " P7D, P1D)"
        ),
        "adx.period_start": gettext_noop(
            "'%(text)s': kỳ %(kind)s phải bắt đầu ngày %(expected)s, không phải %(start)s"
        ),
    }
)


def adx_period_to_id(text: str) -> str:
    """The chiso period id of an ADX period: ``2023-01-01/P1Y`` → ``2023``, ``2023-07-01/P6M``
    → ``2023S2``, ``2023-07-01/P3M`` → ``2023Q3``, ``2023-09-01/P1M`` → ``202309``,
    ``2023-01-30/P7D`` → ``2023W5``, ``2023-01-15/P1D`` → ``20230115``. ChisoError ``adx.*``
    when the text is malformed, the duration unsupported or the start not the period's first
    day."""
    match = _ADX_PERIOD.fullmatch(text.strip())
    if match is None:
        raise ChisoError("adx.period_syntax", text=text)
    try:
        start = date.fromisoformat(match["start"])
    except ValueError:
        raise ChisoError("adx.period_syntax", text=text) from None
    period_type = ADX_DURATIONS.get(match["duration"])
    if period_type is None:
        raise ChisoError("adx.period_duration", text=text, duration=match["duration"])
    period = Period.containing(period_type, start)
    if period.start != start:
        raise ChisoError(
            "adx.period_start",
            text=text,
            kind=period_type.noun,
            expected=period.start.strftime("%d/%m/%Y"),
            start=start.strftime("%d/%m/%Y"),
        )
    return period.id


def period_id_to_adx(period_id: str) -> str:
    """The ADX form of a chiso period id: ``202309`` → ``2023-09-01/P1M``."""
    period = Period.parse(period_id)
    return f"{period.start.isoformat()}/{_DURATION_OF[period.type]}"


def _attr(text: str) -> str:
    return quoteattr(text, _ATTR_ENTITIES)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def adx_location(number: int, line: int | None) -> str:
    if line:
        return _("dataValue thứ %(number)s (dòng %(line)s)") % {"number": number, "line": line}
    return _("dataValue thứ %(number)s") % {"number": number}


def parse_adx(content: bytes, catalog: CatalogCache | None = None) -> ParseResult:
    result = ParseResult()
    catalog = catalog or CatalogCache()
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        return result.fail(
            _("Tệp XML không hợp lệ ở dòng %(line)s (lỗi cú pháp XML; chi tiết: %(error)s).")
            % {"line": line, "error": exc.msg}
        )
    except ValueError as exc:
        return result.fail(_("Tệp XML không hợp lệ: %(error)s") % {"error": exc})
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        return result.fail(_("Tệp ADX không được chứa khai báo DOCTYPE/DTD."))
    if root.tag != f"{{{ADX_NS}}}adx":
        found = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
        return result.fail(
            _(
                "Tệp XML không phải ADX: phần tử gốc phải là <adx> với không gian tên %(ns)s,"
                " tệp có <%(tag)s> (không gian tên: %(found_ns)s)."
            )
            % {"ns": ADX_NS, "tag": found, "found_ns": namespace or _("không có")},
            property="adx",
        )
    index = 0
    for group in root:
        if not isinstance(group.tag, str):
            continue
        if group.tag != f"{{{ADX_NS}}}group":
            continue
        index = _parse_group(result, catalog, group, index)
    result.total = index
    return result


def _parse_group(result: ParseResult, catalog: CatalogCache, group, index: int) -> int:
    orgunit = (group.get("orgUnit") or "").strip()
    period_text = (group.get("period") or "").strip()
    group_problems: list[tuple[str, str, str, str]] = []  # (property, object, value, message)
    period_id = ""
    if not orgunit:
        group_problems.append(
            (
                PROPERTY_ORGUNIT,
                "",
                "",
                _("Nhóm <group> (dòng %(line)s) thiếu thuộc tính orgUnit.")
                % {"line": group.sourceline},
            )
        )
    if not period_text:
        group_problems.append(
            (
                PROPERTY_PERIOD,
                "",
                "",
                _("Nhóm <group> (dòng %(line)s) thiếu thuộc tính period.")
                % {"line": group.sourceline},
            )
        )
    else:
        try:
            period_id = adx_period_to_id(period_text)
        except ChisoError as exc:
            group_problems.append((PROPERTY_PERIOD, period_text, period_text, exc.render(_)))
    extra = sorted(set(group.attrib) - GROUP_ATTRIBUTES)
    if extra:
        group_problems.append(
            (
                "attributeOptionCombo",
                extra[0],
                extra[0],
                _(
                    "chiso không dùng attributeOptionCombo: nhóm <group> không được có thuộc tính"
                    " %(attributes)s."
                )
                % {"attributes": ", ".join(extra)},
            )
        )
    for element in group:
        if not isinstance(element.tag, str) or element.tag != f"{{{ADX_NS}}}dataValue":
            continue
        result.locations[index] = adx_location(index + 1, element.sourceline)
        for prop, obj, value, message in group_problems:
            result.conflict(index, message, object=obj, property=prop, value=value)
        if not group_problems:
            _parse_value(result, catalog, element, index, orgunit, period_id)
        index += 1
    return index


def _parse_value(
    result: ParseResult, catalog: CatalogCache, element, index: int, orgunit: str, period_id: str
) -> None:
    indicator = (element.get("dataElement") or "").strip()
    if not indicator:
        result.conflict(
            index, _("dataValue thiếu thuộc tính dataElement."), property=PROPERTY_INDICATOR
        )
        return
    value = element.get("value")
    if value is None:
        result.conflict(
            index, _("dataValue thiếu thuộc tính value."), object=indicator, property=PROPERTY_VALUE
        )
        return
    attributes = {
        name: (raw or "").strip()
        for name, raw in element.attrib.items()
        if name not in VALUE_ATTRIBUTES and name != STATUS_ATTRIBUTE
    }
    try:
        combo = catalog.option_combo_code(indicator, attributes)
    except ComboError as exc:
        result.conflict(index, str(exc), object=exc.object, property=exc.property)
        return
    comment = ""
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == "annotation":
            comment = "".join(child.itertext()).strip()
    result.items.append(
        ValueInput(
            index=index,
            indicator_code=indicator,
            option_combo_code=combo,
            orgunit_code=orgunit,
            period_id=period_id,
            value=value.strip(),
            status=element.get(STATUS_ATTRIBUTE) or None,
            comment=comment,
        )
    )


def write_adx(
    rows: Iterable[ExportRow],
    *,
    data_set: str = DEFAULT_DATASET,
    catalog: CatalogCache | None = None,
) -> Iterator[str]:
    """An ADX document, one <group> per (unit, period), streamed in chunks. ``rows`` must come
    ordered by unit then period (as ``datavalue_export_rows`` gives them)."""
    catalog = catalog or CatalogCache()
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<adx xmlns="{ADX_NS}">\n'
    current = None
    parts: list[str] = []
    for row in rows:
        key = (row.orgunit, row.period)
        if key != current:
            if current is not None:
                parts.append("  </group>\n")
            parts.append(
                f"  <group orgUnit={_attr(row.orgunit)}"
                f" period={_attr(period_id_to_adx(row.period))}"
                f" dataSet={_attr(data_set)}>\n"
            )
            current = key
        attrs = "".join(
            f" {category}={_attr(option)}"
            for category, option in catalog.combo_attributes(row.option_combo_id)
        )
        if row.status == "estimate":
            attrs += f' {STATUS_ATTRIBUTE}="estimate"'
        head = f"    <dataValue dataElement={_attr(row.indicator)}{attrs} value={_attr(row.value)}"
        if row.comment:
            parts.append(f"{head}><annotation>{escape(row.comment)}</annotation></dataValue>\n")
        else:
            parts.append(f"{head}/>\n")
        if len(parts) >= 500:
            yield "".join(parts)
            parts = []
    if current is not None:
        parts.append("  </group>\n")
    parts.append("</adx>\n")
    yield "".join(parts)
