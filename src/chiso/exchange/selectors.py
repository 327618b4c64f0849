"""Reads for exports: the unit, the indicators and the values, all scoped through
``chiso.accounts.access``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from chiso.accounts.access import Action, UnitNotFound, require_unit, scope_filter
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.periods import Period
from chiso.datavalues.models import DataValue
from chiso.datavalues.selectors import canonical_value
from chiso.exchange.rows import ExportRow
from chiso.indicators.models import Indicator, IndicatorGroup
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_get_by_code

register_messages(
    {
        "exchange.unknown_dx": gettext_noop("Không có chỉ tiêu hoặc nhóm chỉ tiêu mã '%(dx)s'"),
    }
)

EXPORT_CHUNK = 2000


def export_unit_get(user, code: str, period: Period, action: Action = Action.VIEW) -> OrgUnit:
    """The version of unit ``code`` valid on the period's last day, if ``user`` may ``action``
    it; ``UnitNotFound`` otherwise (missing and forbidden alike)."""
    try:
        unit = orgunit_get_by_code(code.strip(), period.end)
    except (OrgUnit.DoesNotExist, OrgUnit.MultipleObjectsReturned):
        raise UnitNotFound() from None
    return require_unit(user, unit, action)


def indicators_for_codes(codes: Iterable[str]) -> list[Indicator]:
    """Indicators named by code, a group code standing for its members (in group order);
    ChisoError ``exchange.unknown_dx`` for a code that is neither."""
    found: dict[int, Indicator] = {}
    for code in (c.strip() for c in codes):
        if not code:
            continue
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is not None:
            found.setdefault(indicator.pk, indicator)
            continue
        group = IndicatorGroup.objects.filter(code=code).first()
        if group is None:
            raise ChisoError("exchange.unknown_dx", dx=code)
        members = Indicator.objects.filter(memberships__group=group).order_by(
            "memberships__sort_order", "code"
        )
        for indicator in members:
            found.setdefault(indicator.pk, indicator)
    return list(found.values())


def datavalue_export_rows(
    *,
    user,
    unit: OrgUnit,
    period: Period,
    indicators: Iterable[Indicator] | None = None,
    children: bool = True,
) -> Iterator[ExportRow]:
    """Every live value of ``unit`` (and its whole subtree unless ``children`` is False) whose
    period lies within ``period``, in the user's view scope, ordered by unit, period,
    indicator and option combo. Streams from the database in chunks."""
    qs = DataValue.objects.filter(
        scope_filter(user, Action.VIEW, field="orgunit__"),
        deleted=False,
        period_start__gte=period.start,
        period_end__lte=period.end,
    )
    if children:
        qs = qs.filter(orgunit__path__startswith=unit.path)
    else:
        qs = qs.filter(orgunit=unit)
    if indicators is not None:
        qs = qs.filter(indicator_id__in=[i.pk for i in indicators])
    qs = qs.order_by(
        "orgunit__path",
        "period_start",
        "period_end",
        "indicator__code",
        "option_combo__sort_order",
        "option_combo_id",
    ).values_list(
        "indicator__code",
        "indicator__value_type",
        "option_combo__code",
        "orgunit__code",
        "period",
        "value",
        "text_value",
        "comment",
        "status",
        "stored_by__username",
        "created",
        "updated",
        "option_combo_id",
        "orgunit_id",
    )
    for (
        indicator,
        value_type,
        combo,
        orgunit,
        period_id,
        value,
        text_value,
        comment,
        status,
        stored_by,
        created,
        updated,
        combo_id,
        orgunit_id,
    ) in qs.iterator(chunk_size=EXPORT_CHUNK):
        yield ExportRow(
            indicator=indicator,
            option_combo=combo,
            orgunit=orgunit,
            period=period_id,
            value=canonical_value(value_type, value, text_value),
            comment=comment,
            status=status,
            stored_by=stored_by or "",
            created=created.isoformat(timespec="seconds") if created else "",
            updated=updated.isoformat(timespec="seconds") if updated else "",
            option_combo_id=combo_id,
            orgunit_id=orgunit_id,
        )
