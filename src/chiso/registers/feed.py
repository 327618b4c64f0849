"""Register totals into the indicator values (DESIGN.md section 3: one data model).

``register_values_refresh(unit, period)`` recomputes, for each commune with register data under
``unit`` and each month / year of ``period``, the totals the catalog has indicators for, and
writes them through ``datavalue_bulk_upsert`` with channel ``register`` (audited like any other
write; the stored comment says the figure comes from the register):

=========================  ===================================================  =======
indicator                  register total                                       period
=========================  ===================================================  =======
ASXH_QUA_SO_LUONG (group)  gifts and cash gifts handed over (sum of quantity)    month
ASXH_QUA_GIA_TRI (group)   their value in đồng                                   month
ASXH_GAO_KG                rice handed over, kg                                  month
ASXH_GAO_NHAN_KHAU         persons of the households that received rice          month
DTTS_NHA_O (XAY_MOI /      houses built / repaired for households classified     quarter
SUA_CHUA)                  dân tộc thiểu số on the day
GN_HO_NGHEO                households classified hộ nghèo on the year's last     year
                           day, by where they lived that day
GN_HO_CAN_NGHEO            the same for hộ cận nghèo                             year
GN_HO_NGHEO_DTTS           poor households also classified dân tộc thiểu số      year
=========================  ===================================================  =======

The register owns a value it has written: a total that becomes zero deletes the value it wrote
earlier; a value entered by hand for a key the register has nothing for is left alone. The
services call this after every change (explicitly, no signals); it is idempotent.

Months where the commune version is not valid for the whole period (a commune that ended on
30/06/2025) are skipped: the service would refuse them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from chiso.core.periods import Period, PeriodType
from chiso.datavalues.models import Channel, DataValue, DataValueAudit
from chiso.datavalues.services import datavalue_bulk_upsert
from chiso.datavalues.types import SUCCESS, ValueInput
from chiso.indicators.models import DEFAULT_CODE
from chiso.orgunits.models import OrgUnit, Tier
from chiso.registers.models import (
    Classification,
    ClassKind,
    Distribution,
    Household,
    ItemKind,
    Residence,
)
from chiso.registers.selectors import GIFT_KINDS, GROUP_ORDER, classified_on

logger = logging.getLogger("chiso.registers")

REGISTER_COMMENT = "Tổng hợp từ sổ hộ gia đình"
"""The stored comment of every value the register writes (data, not interface text)."""

GIFTS, GIFT_VALUE = "ASXH_QUA_SO_LUONG", "ASXH_QUA_GIA_TRI"
RICE_KG, RICE_PEOPLE = "ASXH_GAO_KG", "ASXH_GAO_NHAN_KHAU"
HOUSING = "DTTS_NHA_O"
POOR, NEAR_POOR, POOR_ETHNIC = "GN_HO_NGHEO", "GN_HO_CAN_NGHEO", "GN_HO_NGHEO_DTTS"
HOUSING_COMBOS = {ItemKind.HOUSE_NEW.value: "XAY_MOI", ItemKind.HOUSE_REPAIR.value: "SUA_CHUA"}

MONTHLY = {GIFTS: GROUP_ORDER, GIFT_VALUE: GROUP_ORDER, RICE_KG: [None], RICE_PEOPLE: [None]}
QUARTERLY = {HOUSING: list(HOUSING_COMBOS.values())}
YEARLY = {POOR: [None], NEAR_POOR: [None], POOR_ETHNIC: [None]}
REGISTER_INDICATORS = (*MONTHLY, *QUARTERLY, *YEARLY)

Key = tuple[str, str | None, str]  # (indicator, option combo or None, period id)


def _system_user():
    return get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def register_communes(unit: OrgUnit) -> list[OrgUnit]:
    """The commune-tier versions under (or above, for a hamlet) ``unit`` that have households
    or hand-overs in the register."""
    if unit.tier == Tier.HAMLET:
        return [unit.parent] if unit.parent_id else []
    if unit.tier == Tier.COMMUNE:
        return [unit]
    ids: set[int] = set()
    for model in (Household, Distribution, Residence):
        ids |= set(
            model.objects.filter(hamlet__path__startswith=unit.path)
            .order_by()
            .values_list("hamlet__parent", flat=True)
            .distinct()
        )
    return list(OrgUnit.objects.filter(pk__in=ids, tier=Tier.COMMUNE).order_by("code"))


def _covers(unit: OrgUnit, period: Period) -> bool:
    return (unit.valid_from is None or unit.valid_from <= period.start) and (
        unit.valid_to is None or period.end <= unit.valid_to
    )


def _in_years(years: set[int]) -> dict[str, date]:
    """A date range (index-friendly) covering ``years``."""
    return {"date__gte": date(min(years), 1, 1), "date__lte": date(max(years), 12, 31)}


def _monthly_totals(commune: OrgUnit, years: set[int]) -> dict[Key, Decimal]:
    """Every monthly total of the commune's hand-overs in ``years`` (one grouped query)."""
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    rows = (
        Distribution.objects.filter(hamlet__parent=commune, **_in_years(years))
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("y", "m", "item__kind", "beneficiary_group")
        .annotate(n=Sum("quantity"), v=Sum("value"), p=Sum("people"))
        .order_by()
    )
    for row in rows:
        period = f"{row['y']}{row['m']:02d}"
        kind, group = row["item__kind"], row["beneficiary_group"]
        if kind in GIFT_KINDS:
            totals[(GIFTS, group, period)] += Decimal(str(row["n"] or 0))
            totals[(GIFT_VALUE, group, period)] += Decimal(str(row["v"] or 0))
        elif kind == ItemKind.RICE_KG:
            totals[(RICE_KG, None, period)] += Decimal(str(row["n"] or 0))
            totals[(RICE_PEOPLE, None, period)] += Decimal(row["p"] or 0)
    return totals


def _housing_totals(commune: OrgUnit, years: set[int]) -> dict[Key, Decimal]:
    ethnic = Classification.objects.filter(
        household=OuterRef("household"),
        kind=ClassKind.ETHNIC_MINORITY,
        valid_from__lte=OuterRef("date"),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("date")))
    houses = Distribution.objects.filter(
        hamlet__parent=commune, item__kind__in=list(HOUSING_COMBOS), **_in_years(years)
    )
    if not houses.exists():
        return {}
    rows = (
        Distribution.objects.filter(pk__in=list(houses.values_list("pk", flat=True)))
        .filter(Exists(ethnic))
        .annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("y", "m", "item__kind")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    for row in rows:
        quarter = (row["m"] - 1) // 3 + 1
        totals[(HOUSING, HOUSING_COMBOS[row["item__kind"]], f"{row['y']}Q{quarter}")] += Decimal(
            row["n"]
        )
    return totals


def _yearly_totals(commune: OrgUnit, years: set[int]) -> dict[Key, Decimal]:
    """Poor / near-poor households living in the commune on each year's last day."""
    totals: dict[Key, Decimal] = {}
    for year in sorted(years):
        day = date(year, 12, 31)
        living = (
            Residence.objects.filter(hamlet__parent=commune, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .values("household")
        )
        by_kind: dict[str, set[int]] = defaultdict(set)
        rows = (
            Classification.objects.filter(
                classified_on(
                    day, [ClassKind.POOR, ClassKind.NEAR_POOR, ClassKind.ETHNIC_MINORITY]
                ),
                household__in=living,
            )
            .order_by()
            .values_list("kind", "household")
        )
        for kind, household in rows:
            by_kind[kind].add(household)
        poor = by_kind[ClassKind.POOR]
        totals[(POOR, None, str(year))] = Decimal(len(poor))
        totals[(NEAR_POOR, None, str(year))] = Decimal(len(by_kind[ClassKind.NEAR_POOR]))
        totals[(POOR_ETHNIC, None, str(year))] = Decimal(
            len(poor & by_kind[ClassKind.ETHNIC_MINORITY])
        )
    return totals


def _keys(period: Period) -> tuple[set[int], list[Key]]:
    """The years and every register key whose period lies in (or, for years, overlaps)
    ``period``."""
    months = [period] if period.type is PeriodType.MONTH else list(period.months())
    if not months:  # a week or a day: its month
        months = [Period.containing(PeriodType.MONTH, period.start)]
    years = {m.year for m in months}
    quarters = sorted({Period.containing(PeriodType.QUARTER, m.start).id for m in months})
    keys: list[Key] = []
    for m in months:
        keys += [(code, c, m.id) for code, combos in MONTHLY.items() for c in combos]
    for q in quarters:
        keys += [(code, c, q) for code, combos in QUARTERLY.items() for c in combos]
    for y in sorted(years):
        keys += [(code, c, str(y)) for code, combos in YEARLY.items() for c in combos]
    return years, keys


def _register_written(commune: OrgUnit, keys: list[Key]) -> set[Key]:
    """Keys whose stored (not deleted) value was last written by the register."""
    last_channel = (
        DataValueAudit.objects.filter(datavalue=OuterRef("pk"))
        .order_by("-at", "-pk")
        .values("channel")[:1]
    )
    rows = (
        DataValue.objects.filter(
            orgunit=commune,
            deleted=False,
            indicator__code__in=sorted({k[0] for k in keys}),
            period__in=sorted({k[2] for k in keys}),
        )
        .annotate(last=Subquery(last_channel))
        .values_list("indicator__code", "option_combo__code", "period", "last")
    )
    written = set()
    for code, combo, period, last in rows:
        if last == Channel.REGISTER:
            written.add((code, None if combo == DEFAULT_CODE else combo, period))
    return written


def register_values_refresh(unit: OrgUnit, period: Period | str, *, user=None) -> dict[str, int]:
    """Recompute and write the register totals of every commune with register data under
    ``unit`` for ``period`` (its months, quarters and years). ``user``: who writes them (the
    person whose change triggered the refresh; default the first superuser). Returns the
    counts written ``{"imported", "updated", "deleted"}``."""
    if isinstance(period, str):
        period = Period.parse(period)
    years, keys = _keys(period)
    counts = {"imported": 0, "updated": 0, "deleted": 0}
    for commune in register_communes(unit):
        totals = {
            **_monthly_totals(commune, years),
            **_housing_totals(commune, years),
            **_yearly_totals(commune, years),
        }
        _write(commune, keys, totals, user, counts)
    return counts


def refresh_yearly(commune: OrgUnit, years: list[int], *, user=None) -> dict[str, int]:
    """Only the yearly totals (poor / near-poor households) of ``commune`` for ``years``: what
    a classification or a move changes."""
    keys = [(code, c, str(y)) for y in years for code, combos in YEARLY.items() for c in combos]
    counts = {"imported": 0, "updated": 0, "deleted": 0}
    _write(commune, keys, _yearly_totals(commune, set(years)), user, counts)
    return counts


def _write(
    commune: OrgUnit, keys: list[Key], totals: dict[Key, Decimal], user, counts: dict[str, int]
) -> None:
    user = user or _system_user()
    if user is None:
        logger.warning("register values: no user to write them, skipped")
        return
    written = _register_written(commune, keys)
    items: list[ValueInput] = []
    for key in keys:
        code, combo, period_id = key
        if not _covers(commune, Period.parse(period_id)):
            continue
        value = totals.get(key, Decimal(0))
        if value:
            items.append(
                ValueInput(
                    index=len(items) + 1,
                    indicator_code=code,
                    option_combo_code=combo,
                    orgunit_code=commune.code,
                    period_id=period_id,
                    value=format(value.normalize(), "f"),
                    status="official",
                    comment=REGISTER_COMMENT,
                )
            )
        elif key in written:
            items.append(
                ValueInput(
                    index=len(items) + 1,
                    indicator_code=code,
                    option_combo_code=combo,
                    orgunit_code=commune.code,
                    period_id=period_id,
                    value="",
                    delete=True,
                )
            )
    if not items:
        return
    result = datavalue_bulk_upsert(user=user, items=items, channel=Channel.REGISTER, atomic=False)
    if result.status != SUCCESS:
        logger.warning(
            "register values for %s: %s refused (first: %s)",
            commune.code,
            len(result.conflicts),
            result.conflicts[:1],
        )
    counts["imported"] += result.imported
    counts["updated"] += result.updated
    counts["deleted"] += result.deleted
