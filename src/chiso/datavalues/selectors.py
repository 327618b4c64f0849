"""Reads of data values, targets and their audit. Every read scoped to a unit asks
``chiso.accounts.access``; a unit outside the user's view scope raises ``UnitNotFound`` exactly
like a missing one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from chiso.accounts.access import Action, require_unit
from chiso.core.periods import Period
from chiso.datavalues.models import DataValue, DataValueAudit, Target
from chiso.indicators.models import CategoryOptionCombo, Indicator, ValueType
from chiso.orgunits.models import OrgUnit

__all__ = [
    "FormCell",
    "canonical_value",
    "datavalue_get",
    "datavalue_history",
    "datavalues_for_form",
    "period_of",
    "target_get",
    "typed_value",
]


def period_of(period: str | Period) -> Period:
    """``period`` as a ``Period``; ChisoError ``period.*`` for a malformed id."""
    return period if isinstance(period, Period) else Period.parse(period.strip())


def canonical_value(value_type: str, value: Decimal | None, text_value: str) -> str:
    """A stored value as one canonical string (audit rows, exports): ``1234.5``, ``38406``,
    ``true``/``false``, or the text itself."""
    if value is None:
        return text_value
    if value_type == ValueType.BOOLEAN:
        return "true" if value else "false"
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def typed_value(value_type: str, value: Decimal | None, text_value: str) -> Decimal | bool | str:
    """A stored value as the Python type of its indicator: ``Decimal`` (integral for integer
    and money indicators), ``bool``, or ``str``."""
    if value is None:
        return text_value
    if value_type == ValueType.BOOLEAN:
        return bool(value)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _pk(obj) -> int | None:
    return obj if obj is None or isinstance(obj, int) else obj.pk


def datavalue_get(
    *,
    user,
    indicator: Indicator,
    option_combo: CategoryOptionCombo,
    orgunit: OrgUnit | int,
    period: str | Period,
    include_deleted: bool = False,
) -> DataValue | None:
    """The value stored for the key, or None (also when soft-deleted, unless
    ``include_deleted``). ``UnitNotFound`` outside the user's view scope."""
    unit = require_unit(user, orgunit, Action.VIEW)
    found = DataValue.objects.filter(
        indicator=indicator,
        option_combo=option_combo,
        orgunit=unit,
        period=period_of(period).id,
    ).first()
    if found is None or (found.deleted and not include_deleted):
        return None
    return found


def datavalue_history(datavalue: DataValue, *, user=None) -> QuerySet[DataValueAudit]:
    """Every change of ``datavalue``, oldest first. With ``user``, checks their view scope
    (``UnitNotFound`` otherwise); without, the caller has already read the value through a
    scoped selector."""
    if user is not None:
        require_unit(user, datavalue.orgunit_id, Action.VIEW)
    return (
        DataValueAudit.objects.filter(datavalue=datavalue)
        .select_related("user")
        .order_by("at", "pk")
    )


@dataclass(frozen=True)
class FormCell:
    """One cell of an entry grid. A soft-deleted value shows as empty (``value`` None) but
    keeps its ``version``: post it back as ``expected_version``; an empty cell with no row
    has version 0."""

    value: Decimal | bool | str | None
    status: str
    comment: str
    version: int
    deleted: bool
    stored_by: str
    updated: datetime


def datavalues_for_form(
    user,
    orgunit: OrgUnit | int,
    period: str | Period,
    indicators: Iterable[Indicator],
) -> dict[tuple[int, int], FormCell]:
    """The grid for one unit and period: ``{(indicator_id, option_combo_id): FormCell}`` for
    every stored value (soft-deleted ones included, with their versions) of ``indicators``.
    Missing keys are empty cells (version 0). ``UnitNotFound`` outside the view scope."""
    unit = require_unit(user, orgunit, Action.VIEW)
    value_types = {indicator.pk: indicator.value_type for indicator in indicators}
    rows = (
        DataValue.objects.filter(
            orgunit=unit, period=period_of(period).id, indicator_id__in=list(value_types)
        )
        .select_related("stored_by")
        .order_by("pk")
    )
    cells = {}
    for row in rows:
        author = row.stored_by
        cells[(row.indicator_id, row.option_combo_id)] = FormCell(
            value=None
            if row.deleted
            else typed_value(value_types[row.indicator_id], row.value, row.text_value),
            status=row.status,
            comment="" if row.deleted else row.comment,
            version=row.version,
            deleted=row.deleted,
            stored_by=(author.full_name or author.username) if author else "",
            updated=row.updated,
        )
    return cells


def target_get(
    *,
    user,
    indicator: Indicator,
    orgunit: OrgUnit | int,
    period: str | Period,
    option_combo: CategoryOptionCombo | None = None,
) -> Target | None:
    """The target for the key (``option_combo`` None: the total target), or None.
    ``UnitNotFound`` outside the user's view scope."""
    unit = require_unit(user, orgunit, Action.VIEW)
    return Target.objects.filter(
        indicator=indicator,
        option_combo_id=_pk(option_combo),
        orgunit=unit,
        period=period_of(period).id,
    ).first()
