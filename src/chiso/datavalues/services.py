"""Writes of data values and targets (DESIGN.md sections 3, 4 and 7).

Every write checks, in this order: the user's capture scope (through ``chiso.accounts.access``,
so an out-of-scope unit reads exactly like a missing one), that the option combo belongs to the
indicator's category combo, that the period is of the indicator's period type, that the unit
version is valid for the whole period, and the value against the indicator's value type; then,
when it writes, that no form containing the indicator is submitted, approved or locked for the
unit (or a unit above it) and period (``chiso.approvals``: ChisoError ``approval.locked*``).
Every create, update and delete of a value writes exactly one ``DataValueAudit`` row; re-posting
an unchanged value writes nothing. Deletes are soft: the row stays with ``deleted=True``, and
posting a value again undeletes it.

Values arrive in one of two formats (``parse_value``): machine format (``1234.5``, ``true``),
used by the API and DHIS2/ADX files, and Vietnamese format (``1.234,5``, ``103,6%``,
``2,5 tỷ đồng``, ``có``), typed into the web form or an XLSX template.

``datavalue_bulk_upsert`` is the import path: it resolves codes and loads stored values in a few
set-based queries, validates every row, and writes in batches of plain SQL (executemany on
SQLite, COPY on PostgreSQL) with the same audit rows.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from decimal import Context, Decimal
from operator import attrgetter

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from psycopg.copy import QueuedLibpqWriter

from chiso.accounts.access import Action, require_unit, scope_filter
from chiso.approvals.selectors import approval_check_open, approval_locks
from chiso.core.dates import format_date_short
from chiso.core.docrefs import format_docref, parse_docref
from chiso.core.errors import ChisoError
from chiso.core.numbers import parse_money, parse_number, parse_percent
from chiso.core.periods import Period, PeriodType
from chiso.datavalues.models import Channel, DataValue, DataValueAudit, Status, Target
from chiso.datavalues.selectors import canonical_value, period_of
from chiso.datavalues.totals import TotalsChange
from chiso.datavalues.types import (
    ERROR,
    PERIOD_NOUNS,
    PROPERTY_INDICATOR,
    PROPERTY_OPTION_COMBO,
    PROPERTY_ORGUNIT,
    PROPERTY_PERIOD,
    PROPERTY_STATUS,
    PROPERTY_VALUE,
    SOMEONE_ELSE,
    SUCCESS,
    WARNING,
    BulkResult,
    Conflict,
    StaleEdit,
    UpsertResult,
    ValueInput,
)
from chiso.indicators.models import DEFAULT_CODE, CategoryOptionCombo, Indicator, ValueType
from chiso.orgunits.models import OrgUnit

__all__ = [
    "MAX_DECIMALS",
    "MAX_DIGITS",
    "BulkResult",
    "Conflict",
    "StaleEdit",
    "UpsertResult",
    "ValueInput",
    "datavalue_bulk_upsert",
    "datavalue_delete",
    "datavalue_upsert",
    "parse_value",
    "target_set",
]

MAX_DECIMALS = 6
"""Decimal places stored (``DataValue.value``)."""
MAX_DIGITS = 15
"""Significant digits: SQLite sums in double precision (DESIGN.md section 3)."""
_MAX_ADJUSTED = 21  # DecimalField(max_digits=28, decimal_places=6): below 10**22

_CHUNK = 2000  # rows per query when loading stored values
_BATCH = 50_000  # rows checked, then written, at a time by the bulk path

ParsedValue = Decimal | bool | str
RawValue = str | Decimal | int | bool | None

_MACHINE_NUMBER = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_SQLITE_REAL = Context(prec=MAX_DIGITS)  # how Django reads SQLite's doubles back
_MACHINE_INTEGER = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")  # fits every numeric type as it is
_BOOLEANS = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "có": True,
    "không": False,
}
_STATUSES = {
    Status.OFFICIAL.value: Status.OFFICIAL.value,
    Status.ESTIMATE.value: Status.ESTIMATE.value,
    "chính thức": Status.OFFICIAL.value,
    "ước tính": Status.ESTIMATE.value,
    "ước": Status.ESTIMATE.value,
}
_NUMERIC_TYPES = frozenset(
    t.value for t in (ValueType.INTEGER, ValueType.NUMBER, ValueType.PERCENTAGE, ValueType.MONEY)
)
_PERIOD_ORDER = [
    PeriodType.YEAR,
    PeriodType.HALF,
    PeriodType.QUARTER,
    PeriodType.MONTH,
    PeriodType.WEEK,
    PeriodType.DAY,
]


# --- values -------------------------------------------------------------------------------


def parse_value(indicator: Indicator, raw: RawValue, *, locale_format: bool) -> ParsedValue | None:
    """Parse ``raw`` for ``indicator``'s value type; ChisoError (``datavalue.*``,
    ``number.*``, ``money.*``, ``percent.*``) when it does not fit.

    Returns ``Decimal`` for integer, number, percentage (the percentage itself: ``103.6``) and
    money (whole đồng) indicators, ``bool`` for boolean ones, ``str`` for text, and None for an
    empty value (which means "delete"). ``locale_format`` selects the Vietnamese format of the
    web form and XLSX templates (``1.234,5``, ``103,6%``, ``2,5 tỷ đồng``, ``có``/``không``)
    instead of the machine format of the API and DHIS2 files (``1234.5``, ``true``/``false``).
    ``Decimal``, ``int`` and ``bool`` inputs are checked against the type, not parsed.
    """
    return _coerce(indicator.value_type, raw, locale_format)


def _coerce(value_type: str, raw: RawValue, locale_format: bool) -> ParsedValue | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return _parse_text(value_type, raw, locale_format)
    if isinstance(raw, bool):
        if value_type == ValueType.BOOLEAN:
            return raw
        if value_type == ValueType.TEXT:
            return "true" if raw else "false"
        raise ChisoError("datavalue.not_number", text=str(raw).lower())
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
        if value_type == ValueType.BOOLEAN:
            if number in (0, 1):
                return number == 1
            raise ChisoError("datavalue.not_boolean", text=str(raw))
        if value_type == ValueType.TEXT:
            return canonical_value(ValueType.NUMBER, number, "")
        if not number.is_finite():
            raise ChisoError("datavalue.not_number", text=str(raw))
        return _check_number(value_type, number, str(raw))
    raise TypeError(f"a value is a str, Decimal, int or bool, not {type(raw).__name__}")


def _parse_text(value_type: str, raw: str, locale_format: bool) -> ParsedValue | None:
    text = raw.strip()
    if not text:
        return None
    if value_type == ValueType.TEXT:
        return unicodedata.normalize("NFC", text)
    if value_type == ValueType.BOOLEAN:
        flag = _BOOLEANS.get(unicodedata.normalize("NFC", text).lower())
        if flag is None:
            raise ChisoError("datavalue.not_boolean", text=text)
        return flag
    if not locale_format:
        match = _MACHINE_NUMBER.fullmatch(text)
        if match is None:
            raise ChisoError("datavalue.not_number", text=text)
        sign, whole, fraction = match.groups()
        if not sign and fraction is None and len(whole) <= MAX_DIGITS:
            return Decimal(whole)  # the common case: fits every numeric type as it is
        number = Decimal(text)
    elif value_type == ValueType.INTEGER:
        number = parse_number(text, allow_decimal=False)
    elif value_type == ValueType.PERCENTAGE:
        number = parse_percent(text) if text.endswith("%") else parse_number(text)
    elif value_type == ValueType.MONEY:
        if any(ch.isalpha() or ch == "₫" for ch in text):
            number = parse_money(text)
        else:
            number = parse_number(text, allow_decimal=False)
    else:
        number = parse_number(text)
    return _check_number(value_type, number, text)


def _check_number(value_type: str, number: Decimal, text: str) -> Decimal:
    if value_type not in _NUMERIC_TYPES:
        raise ValueError(f"unknown value type {value_type!r}")
    integral = number == number.to_integral_value()
    if value_type == ValueType.INTEGER and not integral:
        raise ChisoError("datavalue.not_integer", text=text)
    if value_type == ValueType.MONEY and (not integral or number < 0):
        raise ChisoError("datavalue.not_money", text=text)
    if value_type == ValueType.PERCENTAGE and number < 0:
        raise ChisoError("datavalue.negative_percentage", text=text)
    if number == 0:
        return Decimal(0)
    normal = number.normalize()
    _sign, digits, exponent = normal.as_tuple()
    if exponent < -MAX_DECIMALS:
        raise ChisoError("datavalue.too_many_decimals", text=text, max=MAX_DECIMALS)
    if len(digits) > MAX_DIGITS or normal.adjusted() > _MAX_ADJUSTED:
        raise ChisoError("datavalue.too_many_digits", text=text, max=MAX_DIGITS)
    return normal.quantize(Decimal(1)) if integral else normal


def _storage(parsed: ParsedValue) -> tuple[Decimal | None, str]:
    """(``DataValue.value``, ``DataValue.text_value``) for a parsed value."""
    if isinstance(parsed, bool):
        return Decimal(int(parsed)), ""
    if isinstance(parsed, str):
        return None, parsed
    return parsed, ""


def _status(raw) -> str:
    text = unicodedata.normalize("NFC", " ".join(str(raw).split())).lower()
    status = _STATUSES.get(text)
    if status is None:
        raise ChisoError("datavalue.bad_status", text=str(raw))
    return status


def _comment(raw: str | None) -> str:
    return unicodedata.normalize("NFC", raw or "").strip()


def _actor_id(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


# --- checks shared by the single and the bulk path ------------------------------------------


def _check_option_combo(indicator: Indicator, option_combo: CategoryOptionCombo) -> None:
    if option_combo.category_combo_id != indicator.category_combo_id:
        raise ChisoError(
            "datavalue.option_combo", indicator=indicator.code, option_combo=option_combo.code
        )


def _check_period_type(indicator: Indicator, period: Period) -> None:
    if period.type.value != indicator.period_type:
        raise ChisoError(
            "datavalue.period_type",
            indicator=indicator.code,
            expected=PERIOD_NOUNS.get(indicator.period_type, indicator.period_type),
            given=PERIOD_NOUNS[period.type.value],
            period=period.id,
        )


def _check_unit_valid(unit: OrgUnit, period: Period) -> None:
    """The unit version must be valid on every day of the period."""
    if unit.valid_on(period.start) and unit.valid_on(period.end):
        return
    params = {"unit": unit.name, "unit_code": unit.code, "period": period.format_label(gettext)}
    if unit.valid_from is not None:
        params["valid_from"] = format_date_short(unit.valid_from)
    if unit.valid_to is not None:
        params["valid_to"] = format_date_short(unit.valid_to)
    if unit.valid_from is not None and unit.valid_to is not None:
        code = "datavalue.unit_valid_from_to"
    elif unit.valid_from is not None:
        code = "datavalue.unit_valid_from"
    else:
        code = "datavalue.unit_valid_to"
    raise ChisoError(code, **params)


def _check_version(existing: DataValue | None, expected_version: int | None) -> None:
    if expected_version is None:
        return
    current = existing.version if existing is not None else 0
    if current == expected_version:
        return
    author, at = SOMEONE_ELSE, "—"
    if existing is not None:
        if existing.stored_by_id is not None:
            person = existing.stored_by
            author = person.full_name or person.username
        moment = timezone.localtime(existing.updated)
        at = format_lazy(
            gettext_lazy("{time} ngày {date}"),
            time=moment.strftime("%H:%M"),
            date=format_date_short(moment.date()),
        )
    raise StaleEdit(user=author, at=at, version=current, datavalue=existing)


# --- single values --------------------------------------------------------------------------


def _locked(indicator, option_combo, unit, period: Period) -> DataValue | None:
    return (
        DataValue.objects.select_for_update()
        .filter(indicator=indicator, option_combo=option_combo, orgunit=unit, period=period.id)
        .first()
    )


def _recount(
    datavalue: DataValue, unit: OrgUnit, period: Period, *, old: tuple | None, new: tuple | None
) -> None:
    """Move one value's key in the subtree totals above it: ``old`` (value, status) out,
    ``new`` in (None: nothing), in one write."""
    change = TotalsChange()
    key = (datavalue.indicator_id, datavalue.option_combo_id, unit.pk, period.id)
    info = _period_info(period.id)
    if old is not None:
        change.add(unit.path, key, info, *old, -1)
    if new is not None:
        change.add(unit.path, key, info, *new, 1)
    change.apply()


def _audit(
    datavalue: DataValue,
    action: str,
    *,
    old: str,
    new: str,
    old_status: str,
    new_status: str,
    user_id: int | None,
    channel: str,
) -> DataValueAudit:
    return DataValueAudit(
        datavalue_id=datavalue.pk,
        action=action,
        old_value=old,
        new_value=new,
        old_status=old_status,
        new_status=new_status,
        user_id=user_id,
        channel=channel,
    )


def datavalue_upsert(
    *,
    user,
    indicator: Indicator,
    option_combo: CategoryOptionCombo,
    orgunit: OrgUnit | int,
    period: str | Period,
    value: RawValue,
    status: str | None = Status.OFFICIAL,
    comment: str = "",
    expected_version: int | None = None,
    channel: str,
) -> UpsertResult:
    """Create, update or undelete one value; an empty value (None or blank) deletes it.

    A ``str`` value is read in machine format (``1234.5``); parse form input with
    ``parse_value(..., locale_format=True)`` first. With ``expected_version`` (the version the
    editor loaded, 0 for an empty cell) a value changed in the meantime raises ``StaleEdit``.
    ``status`` None keeps the stored status (official for a new value).
    Raises ``UnitNotFound`` outside the user's capture scope and ``ChisoError`` for a value,
    option combo, period or unit validity that does not fit. Outcome: ``created`` (also an
    undelete), ``updated``, ``ignored`` (unchanged: nothing written), ``deleted``.
    """
    period = period_of(period)
    unit = require_unit(user, orgunit, Action.CAPTURE)
    _check_option_combo(indicator, option_combo)
    _check_period_type(indicator, period)
    _check_unit_valid(unit, period)
    parsed = _coerce(indicator.value_type, value, False)
    channel = Channel(channel).value
    if parsed is None:
        return _delete_one(user, indicator, option_combo, unit, period, expected_version, channel)
    number, text = _storage(parsed)
    status = None if status is None else _status(status)
    comment = _comment(comment)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _upsert_one(
                    user,
                    indicator,
                    option_combo,
                    unit,
                    period,
                    number,
                    text,
                    status,
                    comment,
                    expected_version,
                    channel,
                )
        except IntegrityError:
            # Someone created the same key concurrently (PostgreSQL): run again as an update.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _upsert_one(
    user,
    indicator,
    option_combo,
    unit,
    period,
    number,
    text,
    status,
    comment,
    expected_version,
    channel,
) -> UpsertResult:
    existing = _locked(indicator, option_combo, unit, period)
    _check_version(existing, expected_version)
    approval_check_open(indicator.pk, unit, period)
    actor = _actor_id(user)
    new = canonical_value(indicator.value_type, number, text)
    if status is None:
        status = existing.status if existing is not None else Status.OFFICIAL.value
    if existing is None:
        datavalue = DataValue.objects.create(
            indicator=indicator,
            option_combo=option_combo,
            orgunit=unit,
            period=period.id,
            period_type=period.type.value,
            period_start=period.start,
            period_end=period.end,
            value=number,
            text_value=text,
            status=status,
            comment=comment,
            stored_by_id=actor,
            version=1,
        )
        _recount(datavalue, unit, period, old=None, new=(number, status))
        _audit(
            datavalue,
            DataValueAudit.Action.CREATE,
            old="",
            new=new,
            old_status="",
            new_status=status,
            user_id=actor,
            channel=channel,
        ).save()
        return UpsertResult(datavalue, "created")
    if (
        not existing.deleted
        and existing.value == number
        and existing.text_value == text
        and existing.status == status
        and existing.comment == comment
    ):
        return UpsertResult(existing, "ignored")
    undelete = existing.deleted
    old = (
        ""
        if undelete
        else canonical_value(indicator.value_type, existing.value, existing.text_value)
    )
    old_status = "" if undelete else existing.status
    counted = None if undelete else (existing.value, existing.status)
    existing.value, existing.text_value = number, text
    existing.status, existing.comment = status, comment
    existing.deleted = False
    existing.stored_by_id = actor
    existing.version += 1
    existing.save(
        update_fields=[
            "value",
            "text_value",
            "status",
            "comment",
            "deleted",
            "stored_by",
            "version",
            "updated",
        ]
    )
    _recount(existing, unit, period, old=counted, new=(number, status))
    action = DataValueAudit.Action.CREATE if undelete else DataValueAudit.Action.UPDATE
    _audit(
        existing,
        action,
        old=old,
        new=new,
        old_status=old_status,
        new_status=status,
        user_id=actor,
        channel=channel,
    ).save()
    return UpsertResult(existing, "created" if undelete else "updated")


def datavalue_delete(
    *,
    user,
    indicator: Indicator,
    option_combo: CategoryOptionCombo,
    orgunit: OrgUnit | int,
    period: str | Period,
    expected_version: int | None = None,
    channel: str,
) -> UpsertResult:
    """Soft-delete one value (the row stays, ``deleted=True``, with one audit row).

    Outcome ``deleted``, or ``ignored`` when there is no live value. ``StaleEdit`` and
    ``UnitNotFound`` as in ``datavalue_upsert``.
    """
    period = period_of(period)
    unit = require_unit(user, orgunit, Action.CAPTURE)
    _check_option_combo(indicator, option_combo)
    return _delete_one(
        user, indicator, option_combo, unit, period, expected_version, Channel(channel).value
    )


def _delete_one(
    user, indicator, option_combo, unit, period, expected_version, channel
) -> UpsertResult:
    with transaction.atomic():
        existing = _locked(indicator, option_combo, unit, period)
        _check_version(existing, expected_version)
        approval_check_open(indicator.pk, unit, period)
        if existing is None or existing.deleted:
            return UpsertResult(existing, "ignored")
        old = canonical_value(indicator.value_type, existing.value, existing.text_value)
        actor = _actor_id(user)
        existing.deleted = True
        existing.stored_by_id = actor
        existing.version += 1
        existing.save(update_fields=["deleted", "stored_by", "version", "updated"])
        _recount(existing, unit, period, old=(existing.value, existing.status), new=None)
        _audit(
            existing,
            DataValueAudit.Action.DELETE,
            old=old,
            new="",
            old_status=existing.status,
            new_status="",
            user_id=actor,
            channel=channel,
        ).save()
        return UpsertResult(existing, "deleted")


# --- bulk -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _PeriodInfo:
    period: Period
    id: str
    type: str
    start: object  # the dates as the database driver takes them
    end: object


@dataclass(slots=True)
class _Row:
    index: int
    key: tuple[int, int, int, str]  # (indicator_id, option_combo_id, orgunit_id, period id)
    value_type: str
    period: _PeriodInfo
    number: Decimal | None
    text: str
    status: str | None
    comment: str
    delete: bool
    canonical: str  # the new value as the audit writes it ("" for a delete)
    path: str  # the unit's materialized path (the units above it get the value in their totals)


class _Refusal:
    """Why a row is refused: what the conflict is about (``Conflict`` without its index).
    Cached per distinct input, so the message is rendered once."""

    __slots__ = ("message", "parts")

    def __init__(self, object: str, property: str, value: str, error: ChisoError):
        self.parts = (object, property, value, error.code)
        self.message = error.render(gettext)

    @classmethod
    def of(cls, check, args, object: str, property: str, value: str) -> _Refusal | None:
        """The refusal if ``check(*args)`` raises a ChisoError, else None."""
        try:
            check(*args)
        except ChisoError as error:
            return cls(object, property, value, error)
        return None

    def at(self, index: int) -> Conflict:
        object, property, value, code = self.parts
        return Conflict(index, object, property, value, self.message, code)


def _chunks(seq: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _resolve_indicators(codes: set[str]) -> dict[str, Indicator]:
    found: dict[str, Indicator] = {}
    for chunk in _chunks(sorted(codes), 500):
        for indicator in Indicator.objects.filter(code__in=chunk).only(
            "id", "code", "value_type", "period_type", "category_combo_id"
        ):
            found[indicator.code] = indicator
    return found


def _resolve_option_combos(indicators: Iterable[Indicator]) -> dict[tuple[int, str], int]:
    combo_ids = sorted({indicator.category_combo_id for indicator in indicators})
    found: dict[tuple[int, str], int] = {}
    for chunk in _chunks(combo_ids, 500):
        for combo_id, code, pk in CategoryOptionCombo.objects.filter(
            category_combo_id__in=chunk
        ).values_list("category_combo_id", "code", "id"):
            found[(combo_id, code)] = pk
    return found


def _resolve_units(user, codes: set[str]) -> dict[str, list[OrgUnit]]:
    """Every version of each code that lies in the user's capture scope. Versions outside
    the scope are never loaded, so they read exactly like unknown codes."""
    scope = scope_filter(user, Action.CAPTURE)
    found: dict[str, list[OrgUnit]] = {}
    for chunk in _chunks(sorted(codes), 500):
        for unit in OrgUnit.objects.filter(scope, code__in=chunk).only(
            "id", "code", "name", "path", "valid_from", "valid_to"
        ):
            found.setdefault(unit.code, []).append(unit)
    return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the duration (if it was on). A bulk import allocates
    hundreds of thousands of objects that all live until it ends, and every full collection
    would walk all of them: a third of the Python time of a large import. Reference counting
    frees the rest as usual; any cycle waits for the next collection after the import."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@_collector_paused()
def datavalue_bulk_upsert(
    *,
    user,
    items: Sequence[ValueInput],
    channel: str,
    dry_run: bool = False,
    atomic: bool = True,
) -> BulkResult:
    """Import many values identified by codes (the exchange layer's entry point).

    Each row is checked like ``datavalue_upsert`` (a unit code means the version valid on the
    period's last day, DESIGN.md section 4; a unit outside the user's capture scope is
    reported like an unknown code); a second row for the same key is refused. Refused rows
    become ``Conflict`` entries. ``atomic``: any conflict and nothing is written (``ERROR``);
    otherwise the good rows are written (``WARNING``). ``dry_run`` computes the same result and
    writes nothing. An empty value or ``delete=True`` soft-deletes. Every write is audited (one
    row per created, updated, deleted or undeleted value); unchanged values are not. Raises
    ChisoError ``datavalue.concurrent_import`` (nothing written) if someone else created one
    of the values while this import ran.

    Codes are resolved and stored values loaded in a few set-based queries; rows are checked
    and written in batches (executemany on SQLite, COPY on PostgreSQL): no per-row queries.
    """
    channel = Channel(channel).value
    total = len(items)
    conflicts: list[Conflict] = []
    batches = _validate(user, items, conflicts)
    if dry_run:
        rows = [row for batch in batches for row in _refuse_locked(batch, conflicts)]
        if conflicts and atomic:
            counts = None
        else:
            counts = _apply(user, rows, channel, write=False, known={})
    else:
        counts = _write(user, batches, channel, conflicts, atomic)
    conflicts.sort(key=attrgetter("index"))
    if counts is None:
        return BulkResult(status=ERROR, ignored=total, conflicts=conflicts, dry_run=dry_run)
    imported, updated, deleted = counts
    return BulkResult(
        status=WARNING if conflicts else SUCCESS,
        imported=imported,
        updated=updated,
        deleted=deleted,
        ignored=total - imported - updated - deleted,
        conflicts=conflicts,
        dry_run=dry_run,
    )


class _Refused(Exception):
    """A conflict in an all-or-nothing import: roll back what is written so far."""


def _write(
    user, batches: Iterator[list[_Row]], channel: str, conflicts: list[Conflict], atomic: bool
) -> tuple[int, int, int] | None:
    """Write the batches of checked rows in one transaction; returns (imported, updated,
    deleted), or None when ``atomic`` and a row is refused (nothing written).

    Checking and storing overlap: new values are sent to the database as they are decided,
    and the next batch is checked while it stores the current one's audit rows (``_apply``'s
    ``meanwhile``).
    """
    counts = [0, 0, 0]
    known: dict[tuple, bool] = {}
    ahead: list[list[_Row] | None] = []
    totals = TotalsChange()

    def check_next() -> None:
        ahead.append(next(batches, None))

    try:
        with transaction.atomic():
            batch = next(batches, None)
            while batch is not None:
                rows = _refuse_locked(batch, conflicts)
                if conflicts and atomic:
                    raise _Refused
                written = _apply(
                    user,
                    rows,
                    channel,
                    write=True,
                    known=known,
                    totals=totals,
                    meanwhile=check_next,
                )
                counts = [before + now for before, now in zip(counts, written, strict=True)]
                batch = ahead.pop() if ahead else next(batches, None)
            if conflicts and atomic:  # among the rows checked after the last batch
                raise _Refused
            totals.apply()
    except _Refused:
        for batch in batches:  # the remaining rows are checked for the report
            _refuse_locked(batch, conflicts)
        return None
    except IntegrityError as error:
        # Another import or edit created one of these keys meanwhile: nothing was written.
        raise ChisoError("datavalue.concurrent_import") from error
    imported, updated, deleted = counts
    return imported, updated, deleted


def _validate(user, items: Sequence[ValueInput], conflicts: list[Conflict]) -> Iterator[list[_Row]]:
    """Check every row; append a ``Conflict`` for each refused one and yield the others in
    batches of ``_BATCH`` (approval locks are left to ``_refuse_locked``).

    Codes are resolved before the first batch; after that, checking runs no queries, so a
    batch can be checked while a COPY is in progress. Each check runs once per distinct input
    (indicator code, option combo code, period id, unit code and period) and its outcome is
    cached: a file repeats them on every row.
    """
    indicators = _resolve_indicators({item.indicator_code.strip() for item in items})
    option_combos = _resolve_option_combos(indicators.values())
    units = _resolve_units(user, {item.orgunit_code.strip() for item in items})
    indicator_of: dict[str, Indicator | _Refusal] = {}
    combo_of: dict[tuple[int, str | None], int | _Refusal] = {}
    period_info: dict[str, _PeriodInfo | _Refusal] = {}
    period_type_of: dict[tuple[int, str], _Refusal | None] = {}
    unit_of: dict[tuple[str, str], OrgUnit | _Refusal] = {}
    seen: dict[tuple[int, int, int, str], int] = {}
    rows: list[_Row] = []
    append, refuse = rows.append, conflicts.append
    fast_number = _MACHINE_INTEGER.fullmatch
    numeric = _NUMERIC_TYPES

    for item in items:
        index = item.index
        indicator = indicator_of.get(item.indicator_code)
        if indicator is None:
            indicator = indicator_of[item.indicator_code] = _indicator_for(
                indicators, item.indicator_code
            )
        if indicator.__class__ is _Refusal:
            refuse(indicator.at(index))
            continue
        combo_key = (indicator.id, item.option_combo_code)
        combo_id = combo_of.get(combo_key)
        if combo_id is None:
            combo_id = combo_of[combo_key] = _option_combo_for(
                option_combos, indicator, item.option_combo_code
            )
        if combo_id.__class__ is _Refusal:
            refuse(combo_id.at(index))
            continue
        info = period_info.get(item.period_id)
        if info is None:
            info = period_info[item.period_id] = _period_info(item.period_id)
        if info.__class__ is _Refusal:
            refuse(info.at(index))
            continue
        if indicator.period_type != info.type:
            type_key = (indicator.id, item.period_id)
            if type_key not in period_type_of:
                period_type_of[type_key] = _Refusal.of(
                    _check_period_type,
                    (indicator, info.period),
                    info.id,
                    PROPERTY_PERIOD,
                    item.period_id,
                )
            refuse(period_type_of[type_key].at(index))
            continue
        unit_key = (item.orgunit_code, info.id)
        unit = unit_of.get(unit_key)
        if unit is None:
            unit = unit_of[unit_key] = _unit_for(units, item.orgunit_code, info)
        if unit.__class__ is _Refusal:
            refuse(unit.at(index))
            continue
        key = (indicator.id, combo_id, unit.id, info.id)
        first = seen.get(key)
        if first is not None:
            error = ChisoError("datavalue.duplicate", first=first)
            refuse(_Refusal(indicator.code, PROPERTY_VALUE, item.value, error).at(index))
            continue
        seen[key] = index
        status = item.status
        if status is not None:
            if str(status).strip():
                try:
                    status = _status(status)
                except ChisoError as error:
                    refusal = _Refusal(indicator.code, PROPERTY_STATUS, str(status), error)
                    refuse(refusal.at(index))
                    continue
            else:
                status = None
        value_type = indicator.value_type
        raw = item.value
        canonical = None
        if item.delete:
            parsed = None
        elif (
            value_type in numeric
            and raw.__class__ is str
            and not item.locale_format
            and fast_number(raw)
        ):
            parsed = Decimal(raw)  # the common case: a plain count fits every numeric type
            canonical = raw if raw[0] != "0" else str(parsed)
        else:
            try:
                parsed = _coerce(value_type, raw, item.locale_format)
            except ChisoError as error:
                refuse(_Refusal(indicator.code, PROPERTY_VALUE, raw, error).at(index))
                continue
        if parsed is None:
            number, text, canonical = None, "", ""
        else:
            if parsed.__class__ is Decimal:
                number, text = parsed, ""
            else:
                number, text = _storage(parsed)
            if canonical is None:
                canonical = canonical_value(value_type, number, text)
        comment = item.comment
        append(
            _Row(
                index,
                key,
                value_type,
                info,
                number,
                text,
                status,
                _comment(comment) if comment else "",
                parsed is None,
                canonical,
                unit.path,
            )
        )
        if len(rows) == _BATCH:
            yield rows
            rows = []
            append = rows.append
    if rows:
        yield rows


def _refuse_locked(rows: list[_Row], conflicts: list[Conflict]) -> list[_Row]:
    """Refuse the rows whose form is submitted, approved or locked for their unit and period
    (``chiso.approvals``), checked for all rows at once."""
    if not rows:
        return rows
    locks = approval_locks((row.key[0], row.key[2], row.period.period) for row in rows)
    if not locks:
        return rows
    kept: list[_Row] = []
    refusals: dict[int, _Refusal] = {}
    for row in rows:
        lock = locks.get((row.key[0], row.key[2], row.period.period))
        if lock is None:
            kept.append(row)
            continue
        refusal = refusals.get(lock.approval.pk)
        if refusal is None:
            code = lock.approval.orgunit.code
            refusal = refusals[lock.approval.pk] = _Refusal(
                code, PROPERTY_ORGUNIT, code, lock.error
            )
        conflicts.append(refusal.at(row.index))
    conflicts.sort(key=attrgetter("index"))
    return kept


def _indicator_for(indicators: dict[str, Indicator], raw: str) -> Indicator | _Refusal:
    code = raw.strip()
    indicator = indicators.get(code)
    if indicator is None:
        error = ChisoError("datavalue.unknown_indicator", indicator=code)
        return _Refusal(code, PROPERTY_INDICATOR, raw, error)
    return indicator


def _option_combo_for(
    option_combos: dict[tuple[int, str], int], indicator: Indicator, raw: str | None
) -> int | _Refusal:
    code = raw.strip() if raw else ""
    if not code or code.lower() == DEFAULT_CODE.lower():
        code = DEFAULT_CODE  # DHIS2 writes "default"
    combo_id = option_combos.get((indicator.category_combo_id, code))
    if combo_id is None:
        error = ChisoError("datavalue.option_combo", indicator=indicator.code, option_combo=code)
        return _Refusal(code, PROPERTY_OPTION_COMBO, raw or "", error)
    return combo_id


def _period_info(raw: str) -> _PeriodInfo | _Refusal:
    period_id = raw.strip()
    try:
        period = Period.parse(period_id)
    except ChisoError as error:
        return _Refusal(period_id, PROPERTY_PERIOD, raw, error)
    adapt = connection.ops.adapt_datefield_value
    return _PeriodInfo(period, period.id, period.type.value, adapt(period.start), adapt(period.end))


def _unit_for(units: dict[str, list[OrgUnit]], raw: str, info: _PeriodInfo) -> OrgUnit | _Refusal:
    """The version of the code valid on the period's last day (DESIGN.md section 4), if it is
    valid for the whole period."""
    code = raw.strip()
    end = info.period.end
    unit = next((version for version in units.get(code, ()) if version.valid_on(end)), None)
    if unit is None:
        error = ChisoError("datavalue.unknown_unit", unit_code=code, date=format_date_short(end))
        return _Refusal(code, PROPERTY_ORGUNIT, raw, error)
    return _Refusal.of(_check_unit_valid, (unit, info.period), code, PROPERTY_ORGUNIT, raw) or unit


_STORED_FIELDS = (
    "id",
    "indicator_id",
    "option_combo_id",
    "orgunit_id",
    "period",
    "value",
    "text_value",
    "status",
    "comment",
    "deleted",
    "version",
)


# Columns written by the bulk path, in the order of the tuples built by ``_apply``.
_CREATE_FIELDS = (
    "id",
    "indicator_id",
    "option_combo_id",
    "orgunit_id",
    "period",
    "period_type",
    "period_start",
    "period_end",
    "value",
    "text_value",
    "status",
    "comment",
    "stored_by_id",
    "created",
    "updated",
    "deleted",
    "version",
)
_UPDATE_FIELDS = (
    "value",
    "text_value",
    "status",
    "comment",
    "deleted",
    "stored_by_id",
    "updated",
    "version",
)
_AUDIT_FIELDS = (
    "datavalue_id",
    "action",
    "old_value",
    "new_value",
    "old_status",
    "new_status",
    "user_id",
    "channel",
    "at",
)


def _load_stored(rows: list[_Row], lock: bool, known: dict[tuple, bool]) -> dict[tuple, tuple]:
    """Stored values for the rows' keys, keyed like ``_Row.key``: tuples of
    ``_STORED_FIELDS`` as the driver returns them (``_stored_number`` reads the value).

    Rows of an (indicator, period) that had no stored value before the import, such as a new
    period's figures, are not looked up one by one (``known``: see ``_periods_with_values``).
    The others: one query per ``_CHUNK`` rows, sorted by key so that each chunk covers few
    indicators, units and periods; read with a plain cursor (the ORM's per-row converters
    would cost more than the query).
    """
    stored: dict[tuple, tuple] = {}
    present = _periods_with_values(rows, known)
    if not present:
        return stored
    ordered = sorted(
        (row for row in rows if (row.key[0], row.key[3]) in present), key=attrgetter("key")
    )
    quote = connection.ops.quote_name
    table = quote(DataValue._meta.db_table)
    columns = ", ".join(quote(column) for column in _columns(DataValue, _STORED_FIELDS))
    # period_start lets the database use its (indicator or unit, period_start) index.
    filters = ("period_start", "period", "orgunit_id", "indicator_id")
    lock_clause = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        for chunk in _chunks(ordered, _CHUNK):
            keys = {row.key for row in chunk}
            conditions, params = _among(
                DataValue,
                filters,
                [
                    {row.period.start for row in chunk},
                    {key[3] for key in keys},
                    {key[2] for key in keys},
                    {key[0] for key in keys},
                ],
            )
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {conditions}{lock_clause}", params)
            for found in cursor.fetchall():
                key = found[1:5]
                if key in keys:
                    stored[key] = found
    return stored


def _periods_with_values(rows: list[_Row], known: dict[tuple, bool]) -> set[tuple[int, str]]:
    """The (indicator id, period id) pairs of the rows' keys that had any stored value
    (deleted ones included) before the import. ``known`` keeps the answers for the import's
    earlier batches: the values those batches wrote are not stored values for the later ones
    (whose keys differ)."""
    wanted = {(row.key[0], row.period.start, row.key[3]) for row in rows}
    table = connection.ops.quote_name(DataValue._meta.db_table)
    found: set[tuple[int, str]] = set()
    unknown = sorted(wanted - known.keys())
    with connection.cursor() as cursor:
        for chunk in _chunks(unknown, 300):
            cursor.execute(
                f"WITH wanted (indicator_id, period_start, period) AS"
                f" (VALUES {', '.join(['(%s, %s, %s)'] * len(chunk))})"
                " SELECT indicator_id, period FROM wanted WHERE EXISTS"
                f" (SELECT 1 FROM {table} AS v WHERE v.indicator_id = wanted.indicator_id"
                " AND v.period_start = wanted.period_start AND v.period = wanted.period)",
                [value for pair in chunk for value in pair],
            )
            found.update(cursor.fetchall())
    for pair in unknown:
        known[pair] = (pair[0], pair[2]) in found
    return {(pair[0], pair[2]) for pair in wanted if known[pair]}


def _among(model, fields: Sequence[str], groups: Sequence[set]) -> tuple[str, list]:
    """SQL and parameters for "each field's value is among its group". PostgreSQL takes each
    group as one array of the column's type (no query with thousands of placeholders to split,
    and the database hashes the array instead of searching it row by row)."""
    quote = connection.ops.quote_name
    columns = [quote(column) for column in _columns(model, fields)]
    if connection.vendor == "postgresql":
        types = _copy_types(model, fields)
        conditions = [
            f"{column} = ANY(%s::{kind}[])" for column, kind in zip(columns, types, strict=True)
        ]
        return " AND ".join(conditions), [list(group) for group in groups]
    conditions = [
        f"{column} IN ({', '.join(['%s'] * len(group))})"
        for column, group in zip(columns, groups, strict=True)
    ]
    return " AND ".join(conditions), [value for group in groups for value in group]


def _stored_number(value) -> Decimal | None:
    """A stored ``value`` as a Decimal: SQLite hands back int or float (read with 15
    significant digits, as Django does), PostgreSQL a Decimal."""
    if value is None or value.__class__ is Decimal:
        return value
    if value.__class__ is float:
        return _SQLITE_REAL.create_decimal_from_float(value)
    return Decimal(value)


def _apply(
    user,
    rows: list[_Row],
    channel: str,
    *,
    write: bool,
    known: dict[tuple, bool],
    totals: TotalsChange | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[int, int, int]:
    """Decide each row's outcome against the stored values and, if ``write``, write them
    (inside the caller's transaction). Returns (imported, updated, deleted). ``known``: see
    ``_periods_with_values``. New values go to the database as they are decided;
    ``meanwhile`` runs while it stores the audit rows, if there are any (it must not query).
    With ``write``, the changes to the subtree totals are collected in ``totals`` (for the
    caller to apply once for all batches)."""
    stored = _load_stored(rows, lock=write, known=known) if rows else {}
    actor = _actor_id(user)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    changes: list[tuple] = []  # _UPDATE_FIELDS + id
    audits: list[tuple] = []  # _AUDIT_FIELDS
    imported = updated = deleted = 0
    official = Status.OFFICIAL.value
    create = DataValueAudit.Action.CREATE.value
    update = DataValueAudit.Action.UPDATE.value
    delete = DataValueAudit.Action.DELETE.value
    fresh = sum(1 for row in rows if not row.delete and row.key not in stored) if write else 0
    if fresh:
        new_id = iter(_allocate_ids(DataValue, fresh)).__next__
    if write:
        count = totals.add  # (path, key, period, value, status, sign)

    # add_value(row of _CREATE_FIELDS) sends each new value to the database at once.
    with _inserting(DataValue, _CREATE_FIELDS) if fresh else nullcontext() as add_value:
        for row in rows:
            found = stored.get(row.key)
            if found is None:
                if row.delete:
                    continue
                imported += 1
                if write:
                    pk = new_id()
                    status = row.status or official
                    period = row.period
                    add_value(
                        (pk, *row.key, period.type, period.start, period.end, row.number, row.text,
                         status, row.comment, actor, now, now, False, 1)
                    )  # fmt: skip
                    audits.append((pk, create, "", row.canonical, "", status, actor, channel, now))
                    count(row.path, row.key, row.period, row.number, status, 1)
                continue
            # found: id, indicator, option combo, unit, period, value, text, status, comment,
            # deleted, version
            pk, was_deleted, old_status = found[0], bool(found[9]), found[7]
            if row.delete:
                if was_deleted:
                    continue
                deleted += 1
                if write:
                    number = _stored_number(found[5])
                    changes.append(
                        (number, found[6], old_status, found[8], True, actor, now,
                         found[10] + 1, pk)
                    )  # fmt: skip
                    old = canonical_value(row.value_type, number, found[6])
                    audits.append((pk, delete, old, "", old_status, "", actor, channel, now))
                    count(row.path, row.key, row.period, number, old_status, -1)
                continue
            status = row.status or old_status
            number = _stored_number(found[5])
            if (
                not was_deleted
                and number == row.number
                and found[6] == row.text
                and old_status == status
                and found[8] == row.comment
            ):
                continue
            if was_deleted:
                imported += 1
            else:
                updated += 1
            if write:
                changes.append(
                    (row.number, row.text, status, row.comment, False, actor, now,
                     found[10] + 1, pk)
                )  # fmt: skip
                if was_deleted:
                    audits.append((pk, create, "", row.canonical, "", status, actor, channel, now))
                else:
                    old = canonical_value(row.value_type, number, found[6])
                    audits.append(
                        (pk, update, old, row.canonical, old_status, status, actor, channel, now)
                    )
                    count(row.path, row.key, row.period, number, old_status, -1)
                count(row.path, row.key, row.period, row.number, status, 1)

    if changes:
        _update(DataValue, _UPDATE_FIELDS, changes)
    if audits:
        with _inserting(DataValueAudit, _AUDIT_FIELDS) as add:
            for audit in audits:
                add(audit)
            if meanwhile is not None:
                meanwhile()
    return imported, updated, deleted


# --- batched SQL for the bulk path ------------------------------------------------------------
# Rows are tuples of driver-ready values (dates and datetimes adapted with ``connection.ops``).
# SQLite: executemany (a C loop, one statement compiled once). PostgreSQL: binary COPY (for
# updates into a temporary table, then one UPDATE ... FROM). The ORM's bulk_create/bulk_update
# are an order of magnitude slower here (SQLite caps a statement at 999 parameters in Django).


def _columns(model, fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name.removesuffix("_id")).column for name in fields]


def _allocate_ids(model, count: int) -> Sequence[int]:
    """``count`` fresh primary keys for ``model``, reserved before inserting with them (so the
    audit rows can refer to new values without reading them back)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Usually one contiguous block, returned as a range; the ids themselves only when
            # concurrent writers took some from the sequence in between.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT min(id), max(id),"
                " CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL ELSE array_agg(id) END"
                " FROM (SELECT nextval(%s::regclass) AS id FROM generate_series(1, %s)) AS ids",
                [sequence, count],
            )
            first, last, scattered = cursor.fetchone()
            return scattered if scattered is not None else range(first, last + 1)
        if connection.vendor == "sqlite":
            # chiso opens SQLite transactions with BEGIN IMMEDIATE: the write lock is held, so
            # max(id) cannot move under us (and the primary key would refuse a duplicate).
            # The AUTOINCREMENT sequence also remembers ids of rows deleted since.
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT max({connection.ops.quote_name(model._meta.pk.column)}) FROM {quoted}"
            )
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            start = max(highest, found[0] if found else 0) + 1
            return range(start, start + count)
    raise NotImplementedError(
        f"bulk import supports SQLite and PostgreSQL, not {connection.vendor}"
    )


@contextmanager
def _copy(cursor, table: str, columns: str, types: list[str]) -> Iterator[Callable[[tuple], None]]:
    """PostgreSQL: a binary COPY into ``table`` (no text to format on our side or to parse on
    the server's), fed row by row through the yielded function. A thread of the driver sends
    the data, so the server stores it while the caller goes on. Errors are raised as Django's
    (``IntegrityError`` for a duplicate key), like those of the queries."""
    statement = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
    writer = QueuedLibpqWriter(cursor.cursor)
    with connection.wrap_database_errors, cursor.cursor.copy(statement, writer=writer) as copy:
        copy.set_types(types)
        yield copy.write_row


def _copy_types(model, fields: Sequence[str]) -> list[str]:
    """The PostgreSQL type of each field's column, as ``Copy.set_types`` names it."""
    return [
        model._meta.get_field(name.removesuffix("_id")).db_type(connection).partition("(")[0]
        for name in fields
    ]


@contextmanager
def _inserting(model, fields: Sequence[str]) -> Iterator[Callable[[tuple], None]]:
    """Insert the rows (values of ``fields``) given to the yielded function: on PostgreSQL
    they are streamed into a COPY as they come, on SQLite inserted with executemany at the
    end."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(column) for column in _columns(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with _copy(cursor, table, columns, _copy_types(model, fields)) as write:
                yield write
            return
        rows: list[tuple] = []
        yield rows.append
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        for batch in _chunks(rows, 10_000):
            cursor.executemany(sql, batch)


def _update(model, fields: Sequence[str], rows: list[tuple]) -> None:
    """Set ``fields`` from each row (the fields' values, then the primary key)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(column) for column in _columns(model, fields)]
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = quote("chiso_bulk_update")
            definitions = [
                f"{quote(field.column)} {field.db_type(connection)}"
                for field in (model._meta.get_field(name.removesuffix("_id")) for name in fields)
            ]
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} ({', '.join(definitions)}, {pk} bigint)"
                " ON COMMIT DROP"
            )
            types = [*_copy_types(model, fields), "bigint"]
            with _copy(cursor, staging, ", ".join([*columns, pk]), types) as write:
                for row in rows:
                    write(row)
            assignments = ", ".join(f"{column} = s.{column}" for column in columns)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s WHERE t.{pk} = s.{pk}"
            )
            cursor.execute(f"DROP TABLE {staging}")
            return
        assignments = ", ".join(f"{column} = %s" for column in columns)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
        for batch in _chunks(rows, 10_000):
            cursor.executemany(sql, batch)


# --- targets --------------------------------------------------------------------------------


def _check_target_period(indicator: Indicator, period: Period) -> None:
    """A target is set for the indicator's period type or a longer one (a year plan for a
    monthly indicator)."""
    expected = PeriodType(indicator.period_type)
    if _PERIOD_ORDER.index(period.type) > _PERIOD_ORDER.index(expected):
        raise ChisoError(
            "target.period_type",
            indicator=indicator.code,
            expected=PERIOD_NOUNS[expected.value],
            given=PERIOD_NOUNS[period.type.value],
            period=period.id,
        )


def target_set(
    *,
    user,
    indicator: Indicator,
    orgunit: OrgUnit | int,
    period: str | Period,
    value: str | Decimal | int,
    option_combo: CategoryOptionCombo | None = None,
    document: str = "",
) -> Target:
    """Set the planned figure for (indicator, option combo or None for the total, unit,
    period), with the plan document it comes from ("Kế hoạch số 42/KH-UBND ngày 10/02/2023",
    parsed with ``parse_docref``: kind, symbol and date are stored).

    Scope and unit validity are checked like values; the period may be the indicator's type or
    longer. A ``str`` value is in machine format. Raises ``UnitNotFound`` or ``ChisoError``.
    """
    period = period_of(period)
    unit = require_unit(user, orgunit, Action.CAPTURE)
    if option_combo is not None:
        _check_option_combo(indicator, option_combo)
    _check_target_period(indicator, period)
    _check_unit_valid(unit, period)
    if indicator.value_type not in _NUMERIC_TYPES:
        raise ChisoError(
            "target.not_numeric",
            indicator=indicator.code,
            type=ValueType(indicator.value_type).label,
        )
    parsed = _coerce(indicator.value_type, value, False)
    if parsed is None:
        raise ChisoError("number.empty", text="")
    fields = {
        "period_start": period.start,
        "period_end": period.end,
        "value": parsed,
        "document": "",
        "document_kind": "",
        "document_number": "",
        "document_date": None,
        "updated_by_id": _actor_id(user),
    }
    if document and document.strip():
        ref = parse_docref(document)
        fields.update(
            document=format_docref(ref),
            document_kind=ref.kind or "",
            document_number=ref.symbol,
            document_date=ref.date,
        )
    target, _ = Target.objects.update_or_create(
        indicator=indicator,
        option_combo=option_combo,
        orgunit=unit,
        period=period.id,
        defaults=fields,
    )
    return target
