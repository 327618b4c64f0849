"""The values expressions read, fetched through analytics.

``fetch_values`` takes the references of any number of expressions and answers, for one unit
(or for every unit of a tier under it, ``level``) and one period, the value of each reference.
References are grouped by period shift (``periodOffset``, ``yearToDate``): one
``analytics_table`` call per shift fetches every indicator referenced with that shift (with
``by_option_combo`` when some reference names an option). So a value means exactly what it
means everywhere else in chiso (aggregated over the unit's subtree and the period, predecessors
included).

``#{CODE.OPTION}``: ``OPTION`` is an option combo code of the indicator, or a category option
code meaning the sum of the option combos that contain it (``#{YT_TIEM_CHUNG_MUI.TU_18_TUOI}``:
every dose given to people aged 18 and over). An unknown indicator or option has no value (the
services refuse such expressions when they are saved).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from chiso.accounts.access import Action, UnitNotFound, require_unit, scope_filter
from chiso.analytics.selectors import Row, analytics_table
from chiso.core.errors import ChisoError
from chiso.core.expressions import Ref
from chiso.core.periods import Period
from chiso.indicators.models import CategoryOptionCombo, Indicator
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_valid_on

__all__ = ["UnitValues", "fetch_values", "known_options", "level_units"]


@dataclass
class UnitValues:
    """The referenced values for one unit: ``values[ref]`` (None: no value)."""

    unit: OrgUnit
    values: dict[Ref, Decimal | None] = field(default_factory=dict)

    def __call__(self, ref: Ref) -> Decimal | None:
        return self.values.get(ref)


def level_units(user, unit: OrgUnit, level: str | None, period: Period) -> list[OrgUnit]:
    """``unit`` itself, or the units of tier ``level`` under it valid on the period's last day
    and in the user's view scope (the rows ``analytics_table`` gives for ``level``)."""
    if level is None:
        return [require_unit(user, unit, Action.VIEW)]
    require_unit(user, unit, Action.VIEW)
    return list(
        OrgUnit.objects.filter(scope_filter(user, Action.VIEW), orgunit_valid_on(period.end))
        .filter(tier=level, path__startswith=unit.path)
        .order_by("code", "pk")
    )


def known_options(codes: Iterable[str]) -> tuple[set[str], dict[str, dict[str, set[str]]]]:
    """The catalog indicators among ``codes`` and, for each, option token -> option combo
    codes: every combo code names itself, every category option code names the combos
    containing it."""
    indicators = {
        i.code: i.category_combo_id
        for i in Indicator.objects.filter(code__in=set(codes)).only("code", "category_combo_id")
    }
    by_combo: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    combos = CategoryOptionCombo.objects.filter(
        category_combo_id__in=set(indicators.values())
    ).prefetch_related("options")
    for combo in combos:
        tokens = by_combo[combo.category_combo_id]
        tokens[combo.code].add(combo.code)
        for option in combo.options.all():
            tokens[option.code].add(combo.code)
    return set(indicators), {code: by_combo[cc] for code, cc in indicators.items()}


def fetch_values(
    user,
    refs: Iterable[Ref],
    unit: OrgUnit,
    period: Period,
    *,
    level: str | None = None,
) -> dict[str, UnitValues]:
    """Unit code -> the value of every reference in ``refs`` for that unit and ``period``.

    ``UnitNotFound`` when ``unit`` is outside the user's view scope.
    """
    units = level_units(user, unit, level, period)
    result = {u.code: UnitValues(u) for u in units}
    refs = set(refs)
    if not refs or not units:
        for found in result.values():
            found.values = dict.fromkeys(refs)
        return result
    known, options = known_options({r.code for r in refs})
    shifts: dict[tuple[int, bool], list[Ref]] = defaultdict(list)
    for ref in refs:
        shifts[(ref.offset, ref.ytd)].append(ref)
    for (offset, ytd), group in shifts.items():
        rows = _rows(user, group, known, unit, period, offset, ytd, level)
        for code, found in result.items():
            for ref in group:
                found.values[ref] = _value(ref, rows.get(code, {}), options.get(ref.code, {}))
    return result


def _rows(user, refs, known, unit, period, offset, ytd, level) -> dict[str, dict]:
    """Unit code -> (indicator code, option combo code or None) -> analytics row."""
    codes = sorted({r.code for r in refs if r.code in known})
    if not codes:
        return {}
    try:
        shifted = period.shift(offset) if offset else period
        rows = analytics_table(
            user=user,
            indicators=codes,
            orgunit=unit,
            period=shifted,
            level=level,
            by_option_combo=any(r.option is not None for r in refs),
            year_to_date=ytd,
        )
    except (ChisoError, UnitNotFound):
        if not offset:
            raise
        return {}  # a period before the calendar starts, or a unit that did not exist yet
    found: dict[str, dict[tuple[str, str | None], Row]] = defaultdict(dict)
    for row in rows:
        found[row.orgunit][(row.indicator, row.option_combo)] = row
    return found


def _value(ref: Ref, rows: dict, tokens: dict[str, set[str]]) -> Decimal | None:
    def pick(row: Row | None) -> Decimal | None:
        if row is None:
            return None
        return row.value if ref.kind == "value" else row.target

    if ref.option is None:
        return pick(rows.get((ref.code, None)))
    combos = tokens.get(ref.option, set())
    if ref.option in combos and len(combos) == 1:
        return pick(rows.get((ref.code, ref.option)))
    parts = [pick(rows.get((ref.code, combo))) for combo in sorted(combos)]
    present = [p for p in parts if p is not None]
    return sum(present, Decimal(0)) if present else None
