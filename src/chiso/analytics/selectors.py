"""Analytics: aggregates of stored values, computed in the database at query time.

``analytics_table`` answers "what is indicator X for unit U over period P", for one unit or
for every unit of a tier under it, with the derived measures a report needs. Nothing is
precomputed: a value saved a second ago is in every aggregate (DESIGN.md section 3).

How values combine
------------------
Values are selected in SQL by two joins: the value's unit lies in the row unit's subtree
(materialized path prefix, ``path LIKE '/1/12/%'``) and the value's period lies wholly inside
the requested range (``period_start >= start AND period_end <= end``), so months roll up into
quarters, halves, years and year-to-date ranges without a period table. Only values of the
indicator's own period type are used (a stray yearly value beside monthly ones would otherwise
be counted twice). Per the indicator's ``aggregation_type``:

- ``sum``: the sum of every value in the subtree and range.
- ``average``: the arithmetic mean of those values (each stored value counts once, whatever
  its unit or period).
- ``last`` (stock figures: households, schools, loudspeakers): for each unit that stores values,
  the value of the latest period inside the range (the shortest one when two end on the same
  day); these are then summed over the subtree.
- ``min`` / ``max``: the smallest / largest value in the subtree and range.
- ``none``: no aggregation at all: only values stored at exactly the row's unit and exactly the
  requested period (e.g. a province's rank or a rate the province reports itself).

Values are assumed to be entered at one level per indicator: a commune total stored beside its
hamlets' values would be counted twice by ``sum`` (as in DHIS2).

Disaggregations: without ``by_option_combo`` a row aggregates all option combos together
(partial aggregates per combo are combined: sums add, counts add, minima/maxima combine); with
it, the total row is followed by one row per option combo of the indicator's category combo.

Derived measures
----------------
- ``target``: the target stored at the row's unit for exactly the requested period; if there is
  none, the sum of the targets of the nearest descendants that have one (the districts' targets
  for a province without its own). For a year-to-date range the year's target is used, as
  reports do ("lũy kế ... đạt X% kế hoạch năm"). Totals use targets without option combo;
  option-combo rows use the targets of that combo.
- ``percent_of_target`` = value / target x 100; None when either is missing or the target is 0.
- ``value_last_year``: the same aggregate over the same period one year earlier (same
  year-to-date range for year-to-date); ``change`` = value - value_last_year; ``change_percent``
  = change / value_last_year x 100, None when last year is missing or 0.
- ``share_of_parent`` = value / the parent unit's value x 100 (``sum`` and ``last`` only, and
  only when the parent is in the user's view scope, so a share never reveals a total the user
  may not see).

Units over time (DESIGN.md section 4)
-------------------------------------
A code means the unit version valid on the range's last day; ``level`` rows are the versions of
that tier under the unit valid on that day. When a row's unit (or a unit under it) came into
being from predecessors during or after the start of the ranges compared, the predecessors'
values *before* the succession's effective date are included through ``whole`` succession links
(followed transitively). A ``partial`` link (a predecessor split between several successors, no
apportioning applied) makes the row ``comparable = False`` with the note "không so sánh được":
the value and last year's value are shown, the change is not.

Numbers are ``Decimal``; SQLite sums in double precision, so results are rounded to the six
decimals values are stored with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from django.db import connection
from django.db.models import Case, Count, IntegerField, Max, Q, Sum, When
from django.utils.translation import gettext

from chiso.accounts.access import Action, UnitNotFound, require_unit, scope_filter
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.periods import Period, PeriodType, YearToDate
from chiso.datavalues.models import DataValue, Status, Target
from chiso.indicators.models import AggregationType, CategoryOptionCombo, Indicator
from chiso.orgunits.models import OrgUnit, Succession, Tier
from chiso.orgunits.selectors import orgunit_valid_on

__all__ = ["ROW_FIELDS", "Row", "analytics_table"]

register_messages(
    {
        "analytics.no_indicator": gettext_noop("Chưa chọn chỉ tiêu nào"),
        "analytics.unknown_indicator": gettext_noop("Không có chỉ tiêu mã '%(indicator)s'"),
        "analytics.bad_level": gettext_noop(
            "'%(level)s' không phải cấp đơn vị hợp lệ (chọn một trong: %(levels)s)"
        ),
    }
)

NOT_COMPARABLE = gettext_noop("không so sánh được")

_FAR_FUTURE = date(9999, 12, 31)
_SIX_PLACES = Decimal("0.000001")
_HUNDRED = Decimal(100)
_SHARE_TYPES = {AggregationType.SUM, AggregationType.LAST}
# Rows per VALUES list: 4 parameters each keeps a statement well under SQLite's limit.
_CHUNK = 2000
# OR-ed path prefixes per query: SQLite limits expression depth to 1000.
_OR_CHUNK = 200


@dataclass(frozen=True)
class Row:
    """One line of an analytics table: an indicator (total, or one option combo) for one unit
    over one period, with its derived measures. Percentages are percentages (96.015, not
    0.96015); every number is a ``Decimal`` or None when there is nothing to show."""

    indicator: str
    indicator_name: str
    option_combo: str | None  # None: the total over all option combos
    option_combo_name: str
    orgunit: str
    orgunit_name: str
    tier: str
    period: str
    year_to_date: bool
    aggregation_type: str
    value: Decimal | None
    value_count: int  # how many stored values went into ``value``
    estimate: bool  # at least one of them is an estimate (reports write "ước")
    target: Decimal | None
    percent_of_target: Decimal | None
    value_last_year: Decimal | None
    change: Decimal | None
    change_percent: Decimal | None
    share_of_parent: Decimal | None
    comparable: bool
    note: str  # "không so sánh được" (translated) when not comparable, else ""


ROW_FIELDS: tuple[str, ...] = tuple(Row.__dataclass_fields__)
"""Column order of the API table: the ``Row`` fields."""


@dataclass(frozen=True)
class _Range:
    start: date
    end: date


@dataclass
class _Partial:
    """A partial aggregate of one (unit, indicator, option combo) group."""

    total: Decimal | None = None
    count: int = 0
    low: Decimal | None = None
    high: Decimal | None = None
    estimate: bool = False

    def merge(self, other: _Partial) -> None:
        if other.count == 0:
            return
        self.total = other.total if self.total is None else self.total + other.total
        self.count += other.count
        self.low = other.low if self.low is None else min(self.low, other.low)
        self.high = other.high if self.high is None else max(self.high, other.high)
        self.estimate = self.estimate or other.estimate

    def value(self, aggregation_type: str) -> Decimal | None:
        if self.count == 0:
            return None
        if aggregation_type == AggregationType.AVERAGE:
            with localcontext() as context:
                context.prec = 40
                return _clean(self.total / self.count)
        if aggregation_type == AggregationType.MIN:
            return self.low
        if aggregation_type == AggregationType.MAX:
            return self.high
        return self.total


@dataclass
class _Sources:
    """Where a unit's values come from: its own subtree, plus whole predecessors' subtrees
    before the succession's effective date."""

    prefixes: list[tuple[str, date, int]] = field(default_factory=list)  # (path, before, own)
    comparable: bool = True


# --- public ---------------------------------------------------------------------------------


def _resolve_period(period: str | Period | YearToDate) -> Period | YearToDate:
    """A ``Period`` from an id (``2023``, ``2023Q3``, ``202309`` ...); ranges pass through."""
    if isinstance(period, Period | YearToDate):
        return period
    return Period.parse(str(period).strip())


def analytics_table(
    *,
    user,
    indicators: Iterable[str],
    orgunit: OrgUnit | str,
    period: str | Period | YearToDate,
    level: str | None = None,
    by_option_combo: bool = False,
    year_to_date: bool = False,
) -> list[Row]:
    """Aggregate ``indicators`` (codes, in the order given) for ``orgunit`` over ``period``.

    ``orgunit``: a unit version, or a code resolved on the period's last day; it must be in the
    user's view scope (``UnitNotFound`` otherwise, exactly as for a missing unit). ``level``: a
    tier (``tinh``, ``huyen``, ``xa``, ``thon``): one row per unit of that tier under the unit,
    valid on the period's last day, instead of one row for the unit. ``year_to_date``: from 1
    January to the end of ``period`` (lũy kế từ đầu năm); a ``YearToDate`` does the same.
    Rows: for each unit (by code), for each indicator, the total and, with
    ``by_option_combo``, one row per option combo. See the module docstring for the rules.
    """
    resolved = _resolve_period(period)
    if isinstance(resolved, YearToDate):
        base, year_to_date = resolved.period, True
    else:
        base = resolved
    current = _range_of(base, year_to_date)
    last_year = _range_of(base.same_period_last_year(), year_to_date)
    target_period = Period.containing(PeriodType.YEAR, base.end) if year_to_date else base

    inds = _indicators(indicators)
    unit = _resolve_unit(user, orgunit, current.end)
    if level is not None and level not in Tier.values:
        raise ChisoError("analytics.bad_level", level=level, levels=", ".join(Tier.values))

    row_units = _row_units(user, unit, level, current.end)
    if not row_units:
        return []
    parents = _visible_parents(user, row_units)
    units = {u.pk: u for u in [*row_units, *parents.values()]}

    sources = _sources(units.values(), min(current.start, last_year.start))
    now = _aggregate(inds, units, sources, current)
    before = _aggregate(inds, units, sources, last_year)
    targets = _targets(inds, row_units, target_period)
    combos = _option_combos(inds) if by_option_combo else {}

    note = gettext(NOT_COMPARABLE)
    rows: list[Row] = []
    for u in row_units:
        parent = parents.get(u.parent_id)
        comparable = sources[u.pk].comparable
        for ind in inds:
            keys: list[tuple[int | None, str | None, str]] = [(None, None, "")]
            keys += [(c.pk, c.code, c.name) for c in combos.get(ind.pk, ())]
            for combo_id, combo_code, combo_name in keys:
                part = _pick(now, u.pk, ind.pk, combo_id)
                value = part.value(ind.aggregation_type)
                old = _pick(before, u.pk, ind.pk, combo_id).value(ind.aggregation_type)
                target = targets.get((u.pk, ind.pk, combo_id))
                share = None
                if parent is not None and ind.aggregation_type in _SHARE_TYPES:
                    whole = _pick(now, parent.pk, ind.pk, combo_id).value(ind.aggregation_type)
                    share = _percent(value, whole)
                change = change_percent = None
                if comparable and value is not None and old is not None:
                    change = _clean(value - old)
                    change_percent = _percent(change, abs(old))
                rows.append(
                    Row(
                        indicator=ind.code,
                        indicator_name=ind.name,
                        option_combo=combo_code,
                        option_combo_name=combo_name,
                        orgunit=u.code,
                        orgunit_name=u.name,
                        tier=u.tier,
                        period=base.id,
                        year_to_date=year_to_date,
                        aggregation_type=ind.aggregation_type,
                        value=value,
                        value_count=part.count,
                        estimate=part.estimate,
                        target=target,
                        percent_of_target=_percent(value, target),
                        value_last_year=old,
                        change=change,
                        change_percent=change_percent,
                        share_of_parent=share,
                        comparable=comparable,
                        note="" if comparable else note,
                    )
                )
    return rows


# --- resolution -----------------------------------------------------------------------------


def _range_of(period: Period, year_to_date: bool) -> _Range:
    span = period.year_to_date() if year_to_date else period
    return _Range(span.start, span.end)


def _indicators(codes: Iterable[str]) -> list[Indicator]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        raise ChisoError("analytics.no_indicator")
    found = {i.code: i for i in Indicator.objects.filter(code__in=wanted)}
    for code in wanted:
        if code not in found:
            raise ChisoError("analytics.unknown_indicator", indicator=code)
    return [found[c] for c in wanted]


def _resolve_unit(user, orgunit: OrgUnit | str, day: date) -> OrgUnit:
    if isinstance(orgunit, OrgUnit):
        return require_unit(user, orgunit, Action.VIEW)
    unit = (
        OrgUnit.objects.filter(scope_filter(user, Action.VIEW), orgunit_valid_on(day))
        .filter(code=str(orgunit).strip())
        .order_by("-valid_from", "pk")
        .first()
    )
    if unit is None:
        raise UnitNotFound()
    return unit


def _row_units(user, unit: OrgUnit, level: str | None, day: date) -> list[OrgUnit]:
    if level is None:
        return [unit]
    return list(
        OrgUnit.objects.filter(scope_filter(user, Action.VIEW), orgunit_valid_on(day))
        .filter(tier=level, path__startswith=unit.path)
        .order_by("code", "pk")
    )


def _visible_parents(user, units: list[OrgUnit]) -> dict[int, OrgUnit]:
    ids = {u.parent_id for u in units if u.parent_id}
    if not ids:
        return {}
    return OrgUnit.objects.filter(scope_filter(user, Action.VIEW)).in_bulk(ids)


def _option_combos(inds: list[Indicator]) -> dict[int, list[CategoryOptionCombo]]:
    by_combo: dict[int, list[CategoryOptionCombo]] = defaultdict(list)
    for combo in CategoryOptionCombo.objects.filter(
        category_combo_id__in={i.category_combo_id for i in inds}
    ).order_by("sort_order", "pk"):
        if not combo.is_default:
            by_combo[combo.category_combo_id].append(combo)
    return {i.pk: by_combo.get(i.category_combo_id, []) for i in inds}


# --- successions ----------------------------------------------------------------------------


def _sources(units: Iterable[OrgUnit], since: date) -> dict[int, _Sources]:
    """Each unit's value sources: its own subtree, and the subtrees of the predecessors that
    became (part of) it after ``since``, with the effective date before which their values
    count. A predecessor split by a ``partial`` link still counts whole when all of its
    successors lie inside the unit, or when it lies inside a predecessor already counted (a
    province absorbed whole); otherwise the unit is not comparable. Reads succession links only
    (metadata), never values."""
    units = list(units)
    links = _links_under([u.path for u in units], since)
    result: dict[int, _Sources] = {}
    partial: dict[int, list[tuple[int, str, date]]] = {}
    for unit in units:
        found = _Sources(prefixes=[(unit.path, _FAR_FUTURE, 1)])
        seen: set[int] = set()
        stack: list[tuple[int, date]] = [(unit.pk, _FAR_FUTURE)]
        while stack:
            unit_id, before = stack.pop()
            for kind, effective, pred_id, pred_path in links.get(unit_id, ()):
                if effective >= before or pred_path.startswith(unit.path):
                    continue  # a later link, or a reorganisation inside the unit itself
                if kind == Succession.Kind.PARTIAL:
                    partial.setdefault(unit.pk, []).append((pred_id, pred_path, effective))
                elif pred_id not in seen:
                    seen.add(pred_id)
                    found.prefixes.append((pred_path, effective, 0))
                    stack.append((pred_id, effective))
        result[unit.pk] = found

    # Partial links not already covered by a whole source: whole for this unit only if every
    # successor of the predecessor (on that date) lies inside the unit.
    uncovered = {
        unit_id: [
            (pred_id, pred_path, effective)
            for pred_id, pred_path, effective in items
            if not _covered(result[unit_id].prefixes, pred_path, effective)
        ]
        for unit_id, items in partial.items()
    }
    pred_ids = {pred_id for items in uncovered.values() for pred_id, _, _ in items}
    successors: dict[tuple[int, date], list[str]] = defaultdict(list)
    for pred_id, effective, path in Succession.objects.filter(
        predecessor_id__in=pred_ids
    ).values_list("predecessor_id", "effective", "successor__path"):
        successors[(pred_id, effective)].append(path)
    paths = {u.pk: u.path for u in units}
    for unit_id, items in uncovered.items():
        found = result[unit_id]
        for pred_id, pred_path, effective in items:
            if all(p.startswith(paths[unit_id]) for p in successors[(pred_id, effective)]):
                found.prefixes.append((pred_path, effective, 0))
            else:
                found.comparable = False
    for found in result.values():
        found.prefixes = _prune(found.prefixes)
    return result


def _covered(prefixes: list[tuple[str, date, int]], path: str, effective: date) -> bool:
    """Whether values under ``path`` dated before ``effective`` are already in ``prefixes``."""
    return any(path.startswith(p) and effective <= before for p, before, _own in prefixes)


def _prune(prefixes: list[tuple[str, date, int]]) -> list[tuple[str, date, int]]:
    """Drop sources inside another source that already covers their dates (fewer joins; the
    query de-duplicates anyway)."""
    kept: list[tuple[str, date, int]] = []
    for prefix in sorted(prefixes, key=lambda p: (len(p[0]), -p[2])):
        if not _covered(kept, prefix[0], prefix[1]):
            kept.append(prefix)
    return kept


def _links_under(paths: list[str], since: date) -> dict[int, list[tuple[str, date, int, str]]]:
    """Succession links effective after ``since`` whose successor lies under one of ``paths``
    (and, transitively, under their predecessors), indexed by every ancestor of the
    successor: ``links[unit_id]`` are the links into the subtree of ``unit_id``."""
    by_ancestor: dict[int, list[tuple[str, date, int, str]]] = defaultdict(list)
    seen_links: set[int] = set()
    frontier = sorted(set(paths))
    done: set[str] = set()
    while frontier:
        done.update(frontier)
        next_paths: set[str] = set()
        for i in range(0, len(frontier), _OR_CHUNK):
            condition = Q()
            for path in frontier[i : i + _OR_CHUNK]:
                condition |= Q(successor__path__startswith=path)
            rows = Succession.objects.filter(condition, effective__gt=since).values_list(
                "pk",
                "kind",
                "effective",
                "predecessor_id",
                "predecessor__path",
                "successor__path",
            )
            for pk, kind, effective, pred_id, pred_path, succ_path in rows:
                if pk in seen_links:
                    continue
                seen_links.add(pk)
                link = (kind, effective, pred_id, pred_path)
                for part in succ_path.strip("/").split("/"):
                    by_ancestor[int(part)].append(link)
                if kind == Succession.Kind.WHOLE and pred_path not in done:
                    next_paths.add(pred_path)
        frontier = sorted(next_paths - done)
    return by_ancestor


# --- aggregation in SQL ---------------------------------------------------------------------


def _values_sql(count: int, width: int) -> str:
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * count)


_HIT = """
hit AS (
    SELECT src.unit_id AS unit_id, dv.id AS dv_id, MAX(src.own) AS own
    FROM {dv} dv
    JOIN {ind} ind ON ind.id = dv.indicator_id
    JOIN {ou} ou ON ou.id = dv.orgunit_id
    JOIN src ON ou.path LIKE src.prefix || '%%' AND dv.period_end < src.before_day
    WHERE dv.indicator_id IN ({indicator_ids})
      AND dv.deleted = %s AND dv.value IS NOT NULL
      AND dv.period_start >= %s AND dv.period_end <= %s
      AND dv.period_type = ind.period_type
    GROUP BY src.unit_id, dv.id
)"""

_AGGREGATE_SQL = """
WITH src (unit_id, prefix, before_day, own) AS (VALUES {src_values}),
{hit}
SELECT hit.unit_id, dv.indicator_id, dv.option_combo_id, 1,
       SUM(dv.value), COUNT(*), MIN(dv.value), MAX(dv.value),
       MAX(CASE WHEN dv.status = %s THEN 1 ELSE 0 END)
FROM hit JOIN {dv} dv ON dv.id = hit.dv_id
GROUP BY hit.unit_id, dv.indicator_id, dv.option_combo_id
"""

# ``last``: per storing unit and option combo, the value of the latest period in the range.
_LAST_SQL = """
WITH src (unit_id, prefix, before_day, own) AS (VALUES {src_values}),
{hit},
ranked AS (
    SELECT hit.unit_id AS unit_id, hit.own AS own, dv.indicator_id AS indicator_id,
           dv.option_combo_id AS option_combo_id, dv.value AS value, dv.status AS status,
           ROW_NUMBER() OVER (
               PARTITION BY hit.unit_id, dv.indicator_id, dv.option_combo_id, dv.orgunit_id
               ORDER BY dv.period_end DESC, dv.period_start DESC
           ) AS rn
    FROM hit JOIN {dv} dv ON dv.id = hit.dv_id
)
SELECT unit_id, indicator_id, option_combo_id, own,
       SUM(value), COUNT(*), MIN(value), MAX(value),
       MAX(CASE WHEN status = %s THEN 1 ELSE 0 END)
FROM ranked WHERE rn = 1
GROUP BY unit_id, indicator_id, option_combo_id, own
"""

_TARGET_SQL = """
WITH tu (unit_id, prefix) AS (VALUES {unit_values})
SELECT tu.unit_id, t.indicator_id, t.option_combo_id, SUM(t.value)
FROM {target} t
JOIN {ou} ou ON ou.id = t.orgunit_id
JOIN tu ON ou.path LIKE tu.prefix || '%%'
WHERE t.indicator_id IN ({indicator_ids})
  AND t.period_start = %s AND t.period_end = %s
  AND NOT EXISTS (
      SELECT 1 FROM {target} t2 JOIN {ou} o2 ON o2.id = t2.orgunit_id
      WHERE t2.indicator_id = t.indicator_id
        AND COALESCE(t2.option_combo_id, 0) = COALESCE(t.option_combo_id, 0)
        AND t2.period_start = t.period_start AND t2.period_end = t.period_end
        AND o2.id <> ou.id
        AND o2.path LIKE tu.prefix || '%%'
        AND ou.path LIKE o2.path || '%%'
  )
GROUP BY tu.unit_id, t.indicator_id, t.option_combo_id
"""

_Key = tuple[int, int]  # (unit id, indicator id)
_Groups = dict[_Key, dict[int, _Partial]]  # -> option combo id -> partial aggregate


def _tables() -> dict[str, str]:
    qn = connection.ops.quote_name
    return {
        "dv": qn(DataValue._meta.db_table),
        "ind": qn(Indicator._meta.db_table),
        "ou": qn(OrgUnit._meta.db_table),
        "target": qn(Target._meta.db_table),
    }


def _aggregate(
    inds: list[Indicator], units: dict[int, OrgUnit], sources: dict[int, _Sources], span: _Range
) -> _Groups:
    """Partial aggregates per (unit, indicator, option combo) over ``span``."""
    groups: _Groups = defaultdict(dict)
    by_type: dict[str, list[int]] = defaultdict(list)
    for ind in inds:
        by_type[ind.aggregation_type].append(ind.pk)
    last_ids = by_type.pop(AggregationType.LAST, [])
    none_ids = by_type.pop(AggregationType.NONE, [])
    rolled_ids = [pk for ids in by_type.values() for pk in ids]

    src_rows = [
        (unit_id, prefix, before, own)
        for unit_id, found in sources.items()
        if unit_id in units
        for prefix, before, own in found.prefixes
    ]
    if rolled_ids:
        for row in _run_chunked(_AGGREGATE_SQL, src_rows, rolled_ids, span):
            _add(groups, row)
    if last_ids:
        own_found: set[_Key] = set()
        rows = list(_run_chunked(_LAST_SQL, src_rows, last_ids, span))
        for row in rows:
            if row[3]:
                own_found.add((row[0], row[1]))
        for row in rows:
            # Predecessors' stock counts only where the unit itself has no value in the range.
            if row[3] or (row[0], row[1]) not in own_found:
                _add(groups, row)
    if none_ids:
        exact = (
            DataValue.objects.filter(
                orgunit_id__in=list(units),
                indicator_id__in=none_ids,
                period_start=span.start,
                period_end=span.end,
                deleted=False,
                value__isnull=False,
            )
            .values("orgunit_id", "indicator_id", "option_combo_id")
            .annotate(
                total=Sum("value"),
                n=Count("id"),
                est=Max(
                    Case(
                        When(status=Status.ESTIMATE, then=1), default=0, output_field=IntegerField()
                    )
                ),
            )
            .order_by()
        )
        for g in exact:
            _add(
                groups,
                (
                    g["orgunit_id"],
                    g["indicator_id"],
                    g["option_combo_id"],
                    1,
                    g["total"],
                    g["n"],
                    g["total"],
                    g["total"],
                    g["est"],
                ),
            )
    return groups


def _run_chunked(sql: str, src_rows: list, indicator_ids: list[int], span: _Range):
    """Run ``sql`` over ``src_rows`` in chunks; chunks hold whole units (a unit's sources must
    stay together for the per-unit de-duplication), so results simply concatenate."""
    by_unit: dict[int, list] = defaultdict(list)
    for row in src_rows:
        by_unit[row[0]].append(row)
    chunk: list = []
    for unit_rows in by_unit.values():
        if chunk and len(chunk) + len(unit_rows) > _CHUNK:
            yield from _run(sql, chunk, indicator_ids, span)
            chunk = []
        chunk.extend(unit_rows)
    if chunk:
        yield from _run(sql, chunk, indicator_ids, span)


def _run(sql: str, src_rows: list, indicator_ids: list[int], span: _Range):
    tables = _tables()
    hit = _HIT.format(indicator_ids=", ".join(["%s"] * len(indicator_ids)), **tables)
    text = sql.format(src_values=_values_sql(len(src_rows), 4), hit=hit, **tables)
    params: list = [p for row in src_rows for p in row]
    params += [*indicator_ids, False, span.start, span.end, Status.ESTIMATE.value]
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        yield from cursor.fetchall()


def _add(groups: _Groups, row) -> None:
    unit_id, indicator_id, combo_id, _own, total, count, low, high, est = row
    part = _Partial(_dec(total), int(count), _dec(low), _dec(high), bool(est))
    groups[(unit_id, indicator_id)].setdefault(combo_id, _Partial()).merge(part)


def _pick(groups: _Groups, unit_id: int, indicator_id: int, combo_id: int | None) -> _Partial:
    """The partial aggregate for one option combo, or for all of them (``combo_id`` None)."""
    by_combo = groups.get((unit_id, indicator_id), {})
    if combo_id is not None:
        return by_combo.get(combo_id, _Partial())
    total = _Partial()
    for part in by_combo.values():
        total.merge(part)
    return total


def _targets(
    inds: list[Indicator], units: list[OrgUnit], period: Period
) -> dict[tuple[int, int, int | None], Decimal]:
    """Targets per (unit, indicator, option combo or None) for exactly ``period``: the unit's
    own, else the sum of its nearest descendants' (one query, in SQL)."""
    result: dict[tuple[int, int, int | None], Decimal] = {}
    ids = [i.pk for i in inds]
    tables = _tables()
    for i in range(0, len(units), _CHUNK):
        chunk = units[i : i + _CHUNK]
        text = _TARGET_SQL.format(
            unit_values=_values_sql(len(chunk), 2),
            indicator_ids=", ".join(["%s"] * len(ids)),
            **tables,
        )
        params: list = [p for u in chunk for p in (u.pk, u.path)]
        params += [*ids, period.start, period.end]
        with connection.cursor() as cursor:
            cursor.execute(text, params)
            for unit_id, indicator_id, combo_id, total in cursor.fetchall():
                result[(unit_id, indicator_id, combo_id)] = _dec(total)
    return result


# --- numbers --------------------------------------------------------------------------------


def _clean(number: Decimal) -> Decimal:
    """Rounded to six decimals, without trailing zeros (an integer stays an integer)."""
    with localcontext() as context:
        context.prec = 40
        rounded = number.quantize(_SIX_PLACES)
        if rounded == rounded.to_integral_value():
            return rounded.quantize(Decimal(1))
        return rounded.normalize()


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    return _clean(Decimal(value))


def _percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    with localcontext() as context:
        context.prec = 40
        return _clean(part * _HUNDRED / whole)
