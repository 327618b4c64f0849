"""Analytics: aggregates of stored values, computed in the database at query time.

``analytics_table`` answers "what is indicator X for unit U over period P", for one unit or
for every unit of a tier under it, with the derived measures a report needs. A value saved a
second ago is in every aggregate (DESIGN.md section 3): the only precomputed figures are the
subtree totals (``chiso.datavalues.totals``), which the write services keep current in the same
transaction as the values.

How values combine
------------------
Values are selected in SQL: the value's unit lies in the row unit's subtree and the value's
period lies wholly inside the requested range (``period_start >= start AND period_end <= end``),
so months roll up into quarters, halves, years and year-to-date ranges without a period table.
Sums and averages read the subtree totals of the row unit (and of its predecessors) plus the
values stored at the unit itself; stock figures, minima and maxima read the values of the units
in the subtree (a materialized path range on the unit table, ``'/1/12/' <= path < '/1/12/~'``,
gives the units; values are then read by unit, indicator and period through a covering index).
One grouped query per kind of aggregation answers this year and last year for every row unit at
once. Only
values of the indicator's own period type are used (a stray yearly value beside monthly ones
would otherwise be counted twice). Per the indicator's ``aggregation_type``:

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
(followed transitively, each predecessor up to the latest date it is reached with; resolved
once per request from the succession links under the units, in a few indexed queries). A
``partial`` link (a predecessor split between several successors, no apportioning applied)
makes the row ``comparable = False`` with the note "không so sánh được": the value and last
year's value are shown, the change is not.

Numbers are ``Decimal``; SQLite sums in double precision, so results are rounded to the six
decimals values are stored with.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, localcontext

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Max, Q, Sum, When
from django.utils.translation import gettext

from chiso.accounts.access import Action, UnitNotFound, require_unit, scope_filter
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.periods import Period, PeriodType, YearToDate
from chiso.datavalues.models import DataValue, Status, SubtreeTotal, Target
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
# The covering index of values for analytics (datavalues migration 0002).
ANALYTICS_INDEX = "datavalue_analytics_idx"
# Source rows per VALUES list: 5 parameters each keeps a statement under SQLite's usual limit
# of 32,766 parameters.
_SOURCE_CHUNK = 5000
# OR-ed path conditions per query: SQLite limits expression depth to 1000.
_OR_CHUNK = 200
# Ids per IN list.
_ID_CHUNK = 900


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
        if other.low is not None:  # None: not asked for (sums and averages)
            self.low = other.low if self.low is None else min(self.low, other.low)
        if other.high is not None:
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
    now, before = _aggregate(inds, units, sources, (current, last_year), by_option_combo)
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
        .filter(_under([unit.path]), tier=level)
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


# --- unit subtrees by materialized path -----------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def _path_ids(path: str) -> tuple[int, ...]:
    """The unit ids of a materialized path, top first: ``/1/12/345/`` -> (1, 12, 345)."""
    return tuple(int(part) for part in path.strip("/").split("/") if part)


def _covering(paths: Iterable[str]) -> list[str]:
    """The fewest paths whose subtrees hold every given path's subtree (nested ones dropped)."""
    kept: list[str] = []
    for path in sorted(set(paths)):  # a prefix sorts right before the paths it starts
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def _under(paths: list[str], field: str = "path") -> Q:
    """Rows whose ``field`` (a materialized path) starts with one of ``paths``, written so the
    path index serves it on each engine: a range ``[p, p + '~')`` on SQLite, where LIKE cannot
    use an index (paths hold only digits and '/', which sort before '~' in SQLite's binary
    collation); ``LIKE 'p%'`` on PostgreSQL, where Django's ``varchar_pattern_ops`` index serves
    it whatever the database collation (a range would follow a linguistic collation there)."""
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        if connection.vendor == "sqlite":
            condition |= Q(**{f"{field}__gte": path, f"{field}__lt": path + "~"})
        else:
            condition |= Q(**{f"{field}__startswith": path})
    return condition


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- successions ----------------------------------------------------------------------------

_Link = tuple[str, date, int, str]  # (kind, effective, predecessor id, predecessor path)


def _sources(units: Iterable[OrgUnit], since: date) -> dict[int, _Sources]:
    """Each unit's value sources: its own subtree, and the subtrees of the predecessors that
    became (part of) it after ``since``, with the effective date before which their values
    count. A predecessor split by a ``partial`` link still counts whole when all of its
    successors lie inside the unit, or when it lies inside a predecessor already counted (a
    province absorbed whole); otherwise the unit is not comparable. Reads succession links only
    (metadata), never values: a few queries for all the units together."""
    units = list(units)
    links = _links_under([u.path for u in units], since, units[0] if len(units) == 1 else None)
    result: dict[int, _Sources] = {}
    partial: dict[int, list[tuple[int, str, date]]] = {}
    for unit in units:
        found = _Sources(prefixes=[(unit.path, _FAR_FUTURE, 1)])
        seen: dict[int, int] = {}  # predecessor id -> its index in found.prefixes
        # ``links`` are in a fixed order (effective date, predecessor): the walk must not depend
        # on the order a database returns rows in.
        stack: list[tuple[int, date]] = [(unit.pk, _FAR_FUTURE)]
        while stack:
            unit_id, before = stack.pop()
            for kind, effective, pred_id, pred_path in links.get(unit_id, ()):
                if effective >= before or pred_path.startswith(unit.path):
                    continue  # a later link, or a reorganisation inside the unit itself
                if kind == Succession.Kind.PARTIAL:
                    partial.setdefault(unit.pk, []).append((pred_id, pred_path, effective))
                    continue
                index = seen.get(pred_id)
                if index is None:
                    seen[pred_id] = len(found.prefixes)
                    found.prefixes.append((pred_path, effective, 0))
                    stack.append((pred_id, effective))
                elif found.prefixes[index][1] < effective:
                    # Reached again through a later link: its values count up to the later date.
                    found.prefixes[index] = (pred_path, effective, 0)
                    stack.append((pred_id, effective))
        result[unit.pk] = found

    # Partial links not already covered by a whole source: whole for this unit only if every
    # successor of the predecessor (on that date) lies inside the unit.
    uncovered: dict[int, list[tuple[int, str, date]]] = {}
    for unit_id, items in partial.items():
        index = _index(result[unit_id].prefixes)
        uncovered[unit_id] = [item for item in items if not _covered(index, item[1], item[2])]
    pred_ids = sorted({pred_id for items in uncovered.values() for pred_id, _, _ in items})
    successors: dict[tuple[int, date], list[str]] = defaultdict(list)
    for chunk in _chunks(pred_ids, _ID_CHUNK):
        for pred_id, effective, path in Succession.objects.filter(
            predecessor_id__in=chunk
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


def _index(prefixes: list[tuple[str, date, int]]) -> dict[int, date]:
    """Sources by unit id (the last id of the path), with the latest date they count before."""
    index: dict[int, date] = {}
    for path, before, _own in prefixes:
        unit_id = _path_ids(path)[-1]
        if index.get(unit_id, date.min) < before:
            index[unit_id] = before
    return index


def _covered(index: dict[int, date], path: str, effective: date) -> bool:
    """Whether values under ``path`` dated before ``effective`` are already counted by a source
    of ``index`` (the path's unit or one above it)."""
    return any(index.get(unit_id, date.min) >= effective for unit_id in _path_ids(path))


def _prune(prefixes: list[tuple[str, date, int]]) -> list[tuple[str, date, int]]:
    """Drop sources inside another source that already covers their dates (fewer units to
    list; values are counted once per unit anyway)."""
    kept: list[tuple[str, date, int]] = []
    index: dict[int, date] = {}
    for prefix in sorted(prefixes, key=lambda p: (len(p[0]), -p[2], p[0], -p[1].toordinal())):
        path, before, _own = prefix
        if not _covered(index, path, before):
            kept.append(prefix)
            unit_id = _path_ids(path)[-1]
            index[unit_id] = max(before, index.get(unit_id, date.min))
    return kept


def _links_under(
    paths: list[str], since: date, only: OrgUnit | None = None
) -> dict[int, list[_Link]]:
    """Succession links effective after ``since`` whose successor lies under one of ``paths``
    (and, transitively, under their whole predecessors), indexed by every ancestor of the
    successor: ``links[unit_id]`` are the links into the subtree of ``unit_id``, by effective
    date then predecessor. One query per step back in time (and per ``_OR_CHUNK`` subtrees),
    each served by the path index. (Not one recursive query: PostgreSQL cannot estimate one,
    and plans, even compiles, for a hundred million rows.)

    ``only``: the one unit asked about. Its whole predecessors are its sources for the dates
    before their link, so links from inside them into its subtree (the communes of a province
    absorbed whole) change nothing and are not read."""
    qn = connection.ops.quote_name
    tables = {"s": qn(Succession._meta.db_table), "ou": qn(OrgUnit._meta.db_table)}
    covered = _Sql()
    if only is not None:
        covered.add(
            " AND NOT EXISTS (SELECT 1 FROM {s} d JOIN {ou} dp ON dp.id = d.predecessor_id"
            " WHERE d.successor_id = %s AND d.kind = %s AND d.effective > %s"
            " AND l.successor_id <> %s AND l.effective <= d.effective AND "
            + _path_in_range("p.path", "dp.path", "dp.path || '~'")
            + " AND NOT ("
            + _path_in_range("dp.path", "%s", "%s")
            + "))",
            only.pk,
            Succession.Kind.WHOLE.value,
            since,
            only.pk,
            only.path,
            only.path + "~",
        )
    found: dict[int, tuple[_Link, str]] = {}
    done: list[str] = []
    frontier = _covering(paths)
    while frontier:
        done = _covering([*done, *frontier])
        next_paths: set[str] = set()
        for chunk in _chunks(frontier, _OR_CHUNK):
            q = _Sql().add(
                "SELECT l.id, l.kind, l.effective, l.predecessor_id, p.path, o.path FROM {s} l"
                " JOIN {ou} o ON o.id = l.successor_id JOIN {ou} p ON p.id = l.predecessor_id"
                " WHERE ("
            )
            for n, path in enumerate(chunk):
                q.add(" OR " if n else "").add(
                    f"({_path_in_range('o.path', '%s', '%s')})", path, path + "~"
                )
            q.add(") AND l.effective > %s", since).add(covered.text, *covered.params)
            with connection.cursor() as cursor:
                cursor.execute(q.text.format(**tables), q.params)
                rows = cursor.fetchall()
            for pk, kind, effective, pred_id, pred_path, succ_path in rows:
                found[pk] = ((kind, effective, pred_id, pred_path), succ_path)
                if kind == Succession.Kind.WHOLE:
                    next_paths.add(pred_path)
        # Whole predecessors' subtrees not searched yet: links into them, if any, come next.
        frontier = [p for p in _covering(next_paths) if not any(p.startswith(d) for d in done)]
    by_ancestor: dict[int, list[_Link]] = defaultdict(list)
    for link, succ_path in sorted(found.values(), key=lambda item: (item[0][1], item[0][2])):
        for unit_id in _path_ids(succ_path):
            by_ancestor[unit_id].append(link)
    return by_ancestor


# --- aggregation in SQL ---------------------------------------------------------------------


def _values_sql(count: int, width: int) -> str:
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * count)


def _path_in_range(column: str, low: str, high: str) -> str:
    """SQL: ``column`` (a materialized path) is in ``[low, high)``, compared byte by byte so
    that ``[p, p + '~')`` is exactly the subtree of ``p`` (paths hold digits and '/', which sort
    before '~'). SQLite compares text that way (BINARY collation) and its path index serves the
    range; on PostgreSQL the plain operators would follow the database collation, which may be
    linguistic, so the pattern operators are used, served by Django's ``varchar_pattern_ops``
    index on the path."""
    if connection.vendor == "postgresql":
        return f"{column} ~>=~ ({low}) AND {column} ~<~ ({high})"
    return f"{column} >= ({low}) AND {column} < ({high})"


class _Sql:
    """SQL text built in pieces, each with its parameters in order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list = []

    def add(self, text: str, *params) -> _Sql:
        self.parts.append(text)
        self.params.extend(params)
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _value_query(
    kind: str,
    src_rows: list,
    inds: list[Indicator],
    spans: tuple[_Range, _Range],
    by_combo: bool,
) -> _Sql:
    """The grouped query over the values of ``inds`` for the row units whose sources are
    ``src_rows``: rows (row unit, span, indicator, option combo, own, sum, count, minimum,
    maximum, estimate flag) of the values (``kind`` "last": of each storing unit's latest value
    in the span only; "max": of every value, for minima and maxima; sums and averages read the
    subtree totals instead, ``_totals_query``). Option combos are kept apart only ``by_combo``
    (else None).

    - ``src``: each row unit's sources (subtree, date before which its values count, own
      subtree or a predecessor's). ``m``: the unit versions under them, once per row unit (a
      unit reached through two sources counts up to the later date), found through the path
      index on the small unit table.
    - The values of the ``m`` units, of the indicators (of their own period type), wholly
      inside a span (0: the requested range, 1: the same range a year earlier), dated before
      the ``m`` row's date. A value matches one ``m`` row of a row unit at most: nothing counts
      twice. They are read through the covering (orgunit, indicator, period_start) index.
    - Both engines misjudge how many values a few hundred units hold, so the plan is spelled
      out. PostgreSQL: for each ``m`` row, a LATERAL subquery (``OFFSET 0`` keeps it from being
      turned into a join that may scan an indicator's values nationwide), hash aggregated.
      SQLite (which aggregates by sorting, the dearest step): ``_sqlite_extremes``, or for stock
      figures the values of the ``m`` units driven by the IN lists (``INDEXED BY``: with one
      indicator SQLite would rather build a throwaway index over all of its values), then the
      ``m`` rows by unit (``+``: the other way round it first builds a Bloom filter by reading
      the whole value table).
    - When last year's range ends the day before this one starts (years, year to date) one
      index range per unit and indicator reads both, else one per span (``s``).
    - Dates are bound as dates: PostgreSQL types the VALUES columns ``date``; SQLite stores and
      compares ISO text. Paths compare byte by byte (``_path_in_range``).
    """
    q = _units_cte(src_rows)
    sqlite = connection.vendor == "sqlite"
    extremes = "MIN(dv.value), MAX(dv.value)"
    if sqlite and kind != AggregationType.LAST:
        return _sqlite_extremes(q, src_rows, inds, spans, by_combo, extremes)
    current, last_year = spans
    contiguous = last_year.end + timedelta(days=1) == current.start
    if not contiguous:
        q.add(",\ns (span, start_day, end_day) AS (VALUES (0, %s, %s), (1, %s, %s))")
        q.params += [current.start, current.end, last_year.start, last_year.end]

    def span(q: _Sql) -> _Sql:
        if contiguous:
            return q.add("CASE WHEN dv.period_start >= %s THEN 0 ELSE 1 END", current.start)
        return q.add("s.span")

    combo = "dv.option_combo_id" if by_combo else "NULL"
    if kind == AggregationType.LAST:
        q.add(",\nranked AS (SELECT m.unit_id AS unit_id, ")
        span(q).add(" AS span, m.own AS own, dv.indicator_id AS indicator_id,")
        q.add(f" {combo} AS option_combo_id, dv.value AS value,")
        q.add(" CASE WHEN dv.status = %s THEN 1 ELSE 0 END AS estimate,", Status.ESTIMATE.value)
        span(q.add(" ROW_NUMBER() OVER (PARTITION BY m.unit_id, "))
        q.add(", dv.indicator_id, dv.option_combo_id, dv.orgunit_id")
        q.add(" ORDER BY dv.period_end DESC, dv.period_start DESC) AS rn")
    else:
        span(q.add("\nSELECT m.unit_id, "))
        q.add(f", dv.indicator_id, {combo}, 1, SUM(dv.value), COUNT(*), {extremes},")
        q.add(" MAX(CASE WHEN dv.status = %s THEN 1 ELSE 0 END)", Status.ESTIMATE.value)

    w = _Sql()
    if contiguous:
        # Wholly inside one of the two ranges (a week across New Year is in neither).
        w.add(" AND dv.period_start >= %s AND dv.period_start <= %s", last_year.start, current.end)
        w.add(" AND dv.period_end <= %s", current.end)
        w.add(" AND (dv.period_start >= %s OR dv.period_end <= %s)", current.start, last_year.end)
    else:
        w.add(" AND dv.period_start >= s.start_day AND dv.period_start <= s.end_day")
        w.add(" AND dv.period_end <= s.end_day")
    w.add(" AND dv.period_end < m.before_day")
    _kept(w, inds)

    dv = connection.ops.quote_name(DataValue._meta.db_table)
    if sqlite:
        q.add(f"\nFROM {dv} dv INDEXED BY {ANALYTICS_INDEX}" if contiguous else "\nFROM s")
        if not contiguous:
            q.add(f" JOIN {dv} dv INDEXED BY {ANALYTICS_INDEX} ON TRUE")
        q.add("\nJOIN m ON m.orgunit_id = +dv.orgunit_id")
        q.add("\nWHERE dv.orgunit_id IN (SELECT orgunit_id FROM m)")
        q.add(w.text, *w.params)
    else:
        q.add("\nFROM m" if contiguous else "\nFROM m CROSS JOIN s")
        q.add(
            " CROSS JOIN LATERAL (SELECT dv.orgunit_id, dv.indicator_id, dv.option_combo_id,"
            f" dv.period_start, dv.period_end, dv.value, dv.status FROM {dv} dv"
            " WHERE dv.orgunit_id = m.orgunit_id"
        )
        q.add(w.text, *w.params).add(" OFFSET 0) dv")
    if kind == AggregationType.LAST:
        q.add(
            ")\nSELECT unit_id, span, indicator_id, option_combo_id, own, SUM(value), COUNT(*),"
            " MIN(value), MAX(value), MAX(estimate) FROM ranked WHERE rn = 1"
            " GROUP BY unit_id, span, indicator_id, option_combo_id, own"
        )
    else:
        q.add("\nGROUP BY 1, 2, 3, 4")
    return q


def _units_cte(src_rows: list) -> _Sql:
    """``WITH src ..., m ...``: the row units' sources, and the unit versions under them."""
    q = _Sql().add("WITH src (unit_id, low, high, before_day, own) AS (VALUES ")
    q.add(_values_sql(len(src_rows), 5), *(p for row in src_rows for p in row))
    return q.add(
        "),\nm AS (SELECT src.unit_id AS unit_id, ou.id AS orgunit_id,"
        " MAX(src.before_day) AS before_day, MAX(src.own) AS own"
        f" FROM src JOIN {connection.ops.quote_name(OrgUnit._meta.db_table)} ou"
        f" ON {_path_in_range('ou.path', 'src.low', 'src.high')}"
        " GROUP BY src.unit_id, ou.id)"
    )


def _kept(w: _Sql, inds: list[Indicator], alias: str = "dv") -> _Sql:
    """The conditions every value read must meet besides unit and dates: one of the
    indicators, of that indicator's period type, not deleted, numeric (``alias`` "t": the same
    for subtree totals, which hold live numeric values only)."""
    ids = ", ".join(["%s"] * len(inds))
    w.add(f" AND {alias}.indicator_id IN ({ids})", *(i.pk for i in inds))
    by_type: dict[str, list[int]] = defaultdict(list)
    for ind in inds:
        by_type[ind.period_type].append(ind.pk)
    if len(by_type) == 1:
        w.add(f" AND {alias}.period_type = %s", inds[0].period_type)
    else:
        w.add(" AND (")
        for n, (period_type, ids) in enumerate(by_type.items()):
            w.add(" OR " if n else "")
            w.add(
                f"({alias}.period_type = %s"
                f" AND {alias}.indicator_id IN ({', '.join(['%s'] * len(ids))}))"
            )
            w.params += [period_type, *ids]
        w.add(")")
    if alias == "t":
        return w.add(" AND t.count > 0")
    return w.add(f" AND NOT {alias}.deleted AND {alias}.value IS NOT NULL")


def _sqlite_extremes(
    q: _Sql,
    src_rows: list,
    inds: list[Indicator],
    spans: tuple[_Range, _Range],
    by_combo: bool,
    extremes: str,
) -> _Sql:
    """SQLite, sums/counts/minima/maxima: first per storing unit and indicator, read in index
    order so that SQLite aggregates as it reads instead of sorting every value, one part per
    span and "values before" date (the ``m`` units with that date); then the few partial rows
    per row unit (sorted, and combined: sums add, minima combine...)."""
    dv = connection.ops.quote_name(DataValue._meta.db_table)
    combo = ", dv.option_combo_id" if by_combo else ""
    parts = []
    for span_no, span in enumerate(spans):
        for before in sorted({row[3] for row in src_rows}):
            part = _Sql().add("SELECT %s AS span, %s AS before_day,", span_no, before)
            part.add(" dv.orgunit_id AS orgunit_id, dv.indicator_id AS indicator_id")
            part.add(", dv.option_combo_id AS combo" if by_combo else "")
            low, high = extremes.split(", ")
            part.add(f", SUM(dv.value) AS total, COUNT(*) AS n, {low} AS low, {high} AS high,")
            part.add(" MAX(CASE WHEN dv.status = %s THEN 1 ELSE 0 END)", Status.ESTIMATE.value)
            part.add(f" AS estimate FROM {dv} dv INDEXED BY {ANALYTICS_INDEX}")
            part.add(" WHERE dv.orgunit_id IN (SELECT orgunit_id FROM m WHERE before_day = %s)")
            part.params.append(before)
            part.add(" AND dv.period_start >= %s AND dv.period_start <= %s", span.start, span.end)
            part.add(" AND dv.period_end <= %s", span.end)
            if before != _FAR_FUTURE:
                part.add(" AND dv.period_end < %s", before)
            _kept(part, inds).add(f" GROUP BY dv.orgunit_id, dv.indicator_id{combo}")
            parts.append(part)
    q.add(",\nv AS (")
    for n, part in enumerate(parts):
        q.add("\nUNION ALL " if n else "").add(part.text, *part.params)
    q.add(f")\nSELECT m.unit_id, v.span, v.indicator_id, {'v.combo' if by_combo else 'NULL'},")
    q.add(" 1, SUM(v.total), SUM(v.n), MIN(v.low), MAX(v.high), MAX(v.estimate)")
    q.add(" FROM v JOIN m ON m.orgunit_id = v.orgunit_id AND m.before_day = v.before_day")
    return q.add(" GROUP BY 1, 2, 3, 4")


def _summed(
    inds: list[Indicator],
    units: dict[int, OrgUnit],
    sources: dict[int, _Sources],
    spans: tuple[_Range, _Range],
    by_combo: bool,
):
    """Sums and averages: rows (row unit, span, indicator, option combo, 1, sum, count, None,
    None, estimates) from each source unit's subtree totals (``chiso.datavalues.totals``) plus
    the values stored at the source unit itself, read in chunks of ``_SOURCE_CHUNK`` sources
    (the rows add up). A source inside another source of the same row unit counts only the
    dates the outer one does not: values ending on or after the outer one's date."""
    src: list[tuple[int, int, date, date]] = []
    for unit_id in units:
        prefixes = sources[unit_id].prefixes
        for path, before, _own in prefixes:
            low = max(
                (b for p, b, _ in prefixes if p != path and path.startswith(p)), default=date.min
            )
            if low < before:
                src.append((unit_id, _path_ids(path)[-1], low, before))
    for chunk in _chunks(src, _SOURCE_CHUNK):
        q = _totals_query(chunk, inds, spans, by_combo)
        yield from _fetch_without_jit(q.text, q.params)


def _totals_query(
    src: list[tuple[int, int, date, date]],
    inds: list[Indicator],
    spans: tuple[_Range, _Range],
    by_combo: bool,
) -> _Sql:
    """``src``: (row unit, source unit, first day, day before which) per source. The subtree
    totals of the source units, then the values stored at the source units themselves, each
    grouped per row unit, span, indicator (and option combo ``by_combo``). Both are read by
    index, source by source: (unit, indicator, period_start) keys the totals, the covering
    analytics index the values. The plan is spelled out (SQLite: ``CROSS JOIN`` fixes the
    join order; PostgreSQL: a ``LATERAL`` subquery per source, see ``_value_query``)."""
    q = _Sql().add("WITH src (unit_id, source_id, low_day, before_day) AS (VALUES ")
    q.add(_values_sql(len(src), 4), *(p for row in src for p in row))
    q.add("),\ns (span, start_day, end_day) AS (VALUES ")
    q.add(_values_sql(len(spans), 3))
    q.params += [p for n, span in enumerate(spans) for p in (n, span.start, span.end)]
    q.add(")")
    qn = connection.ops.quote_name
    sqlite = connection.vendor == "sqlite"
    totals, values = qn(SubtreeTotal._meta.db_table), qn(DataValue._meta.db_table)
    estimate = "MAX(CASE WHEN dv.status = %s THEN 1 ELSE 0 END)"
    parts = (
        ("t", totals, "unit_id", "total", "SUM(t.count)", "MAX(t.estimates)"),
        ("dv", values, "orgunit_id", "value", "COUNT(*)", estimate),
    )
    for n, (alias, table, unit, amount, count, estimates) in enumerate(parts):
        combo = f"{alias}.option_combo_id" if by_combo else "NULL"
        q.add("\nUNION ALL " if n else "\n")
        q.add(
            f"SELECT src.unit_id, s.span, {alias}.indicator_id, {combo}, 1, SUM({alias}.{amount}),"
        )
        q.add(f" {count}, NULL, NULL, {estimates}")
        if alias == "dv":
            q.params.append(Status.ESTIMATE.value)
        w = _Sql().add(f" AND {alias}.period_start >= s.start_day")
        w.add(f" AND {alias}.period_start <= s.end_day AND {alias}.period_end <= s.end_day")
        w.add(f" AND {alias}.period_end >= src.low_day AND {alias}.period_end < src.before_day")
        _kept(w, inds, alias)
        if sqlite:
            index = f" INDEXED BY {ANALYTICS_INDEX}" if alias == "dv" else ""
            q.add(f" FROM src CROSS JOIN s CROSS JOIN {table} {alias}{index}")
            q.add(f" WHERE {alias}.{unit} = src.source_id").add(w.text, *w.params)
        else:
            columns = ", ".join(
                f"{alias}.{c}"
                for c in ("indicator_id", "option_combo_id", amount)
                + (("count", "estimates") if alias == "t" else ("status",))
            )
            q.add(f" FROM src CROSS JOIN s CROSS JOIN LATERAL (SELECT {columns} FROM {table}")
            q.add(f" {alias} WHERE {alias}.{unit} = src.source_id").add(w.text, *w.params)
            q.add(f" OFFSET 0) {alias}")
        q.add(" GROUP BY 1, 2, 3, 4")
    return q


_Key = tuple[int, int]  # (unit id, indicator id)
_Groups = dict[_Key, dict[int, _Partial]]  # -> option combo id -> partial aggregate


def _aggregate(
    inds: list[Indicator],
    units: dict[int, OrgUnit],
    sources: dict[int, _Sources],
    spans: tuple[_Range, _Range],
    by_combo: bool = False,
) -> tuple[_Groups, _Groups]:
    """Partial aggregates per (unit, indicator, option combo: None for all of them unless
    ``by_combo``) over each span: one grouped query per kind of aggregation for both spans (per
    ``_SOURCE_CHUNK`` source rows)."""
    groups: tuple[_Groups, _Groups] = (defaultdict(dict), defaultdict(dict))
    by_type: dict[str, list[Indicator]] = defaultdict(list)
    for ind in inds:
        by_type[ind.aggregation_type].append(ind)
    last = by_type.pop(AggregationType.LAST, [])
    exact = by_type.pop(AggregationType.NONE, [])
    extremes = by_type.pop(AggregationType.MIN, []) + by_type.pop(AggregationType.MAX, [])
    sums = [ind for kind in by_type.values() for ind in kind]  # sum, average
    src_rows = [
        [
            (unit_id, path, path + "~", before, own)
            for path, before, own in sources[unit_id].prefixes
        ]
        for unit_id in units
    ]

    if sums:
        for row in _summed(sums, units, sources, spans, by_combo):
            _add(groups, row)
    if extremes:
        for row in _run(AggregationType.MAX, src_rows, extremes, spans, by_combo):
            _add(groups, row)
    if last:
        rows = list(_run(AggregationType.LAST, src_rows, last, spans, by_combo))
        own_found = {(row[1], row[0], row[2]) for row in rows if row[4]}
        for row in rows:
            # Predecessors' stock counts only where the unit itself has no value in the span.
            if row[4] or (row[1], row[0], row[2]) not in own_found:
                _add(groups, row)
    if exact:
        span_of = {(span.start, span.end): i for i, span in enumerate(spans)}
        in_spans = Q()
        for span in spans:
            in_spans |= Q(period_start=span.start, period_end=span.end)
        found = (
            DataValue.objects.filter(
                in_spans,
                orgunit_id__in=list(units),
                indicator_id__in=[i.pk for i in exact],
                deleted=False,
                value__isnull=False,
            )
            .values("orgunit_id", "indicator_id", "option_combo_id", "period_start", "period_end")
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
        for g in found:
            span = span_of[(g["period_start"], g["period_end"])]
            total = g["total"]
            key = (g["orgunit_id"], span, g["indicator_id"], g["option_combo_id"], 1)
            _add(groups, (*key, total, g["n"], total, total, g["est"]))
    return groups


def _run(
    kind: str,
    src_rows: list[list],
    inds: list[Indicator],
    spans: tuple[_Range, _Range],
    by_combo: bool,
):
    """Run the ``kind`` query over the sources of the units (``src_rows``: one list per unit) in
    chunks of whole units (the ``m`` step de-duplicates a unit's sources), so that results
    simply add up."""
    chunk: list = []
    for i, unit_rows in enumerate(src_rows):
        chunk.extend(unit_rows)
        if i + 1 < len(src_rows) and len(chunk) + len(src_rows[i + 1]) <= _SOURCE_CHUNK:
            continue
        q = _value_query(kind, chunk, inds, spans, by_combo)
        yield from _fetch_without_jit(q.text, q.params)
        chunk = []


def _fetch_without_jit(sql: str, params: list) -> list[tuple]:
    """Run a value query; on PostgreSQL without JIT compilation. These queries read thousands
    to a few hundred thousand index entries: their estimated cost passes ``jit_above_cost``,
    and compiling them takes longer (tens of milliseconds) than it saves. ``SET LOCAL`` lasts
    until the end of the transaction: sent in the same string as the query (psycopg 3 binding
    on the client, Django's default) it is one round trip and one implicit transaction; else
    an atomic block holds both (inside an outer transaction, until that one ends)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    options = connection.settings_dict.get("OPTIONS", {})
    if is_psycopg3 and not options.get("server_side_binding"):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off; " + sql, params)
            cursor.nextset()
            return cursor.fetchall()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _add(groups: tuple[_Groups, _Groups], row) -> None:
    unit_id, span, indicator_id, combo_id, _own, total, count, low, high, est = row
    part = _Partial(_dec(total), int(count), _dec(low), _dec(high), bool(est))
    groups[span][(unit_id, indicator_id)].setdefault(combo_id, _Partial()).merge(part)


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
    own, else the sum of its nearest descendants' (those with no target between them and the
    unit). One indexed query for the targets under the units (plans: a few per unit, not
    values), combined along their paths."""
    by_key: dict[tuple[int, int | None], dict[int, tuple[str, Decimal]]] = defaultdict(dict)
    qn = connection.ops.quote_name
    ids = [i.pk for i in inds]
    for chunk in _chunks(_covering(u.path for u in units), _OR_CHUNK):
        under = " OR ".join(f"({_path_in_range('o.path', '%s', '%s')})" for _ in chunk)
        sql = (
            "SELECT t.orgunit_id, o.path, t.indicator_id, t.option_combo_id, t.value"
            f" FROM {qn(Target._meta.db_table)} t"
            f" JOIN {qn(OrgUnit._meta.db_table)} o ON o.id = t.orgunit_id"
            f" WHERE ({under}) AND t.indicator_id IN ({', '.join(['%s'] * len(ids))})"
            " AND t.period_start = %s AND t.period_end = %s"
        )
        params = [p for path in chunk for p in (path, path + "~")]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *ids, period.start, period.end])
            for unit_id, path, indicator_id, combo_id, value in cursor.fetchall():
                by_key[(indicator_id, combo_id)][unit_id] = (path, _dec(value))
    wanted = {u.pk for u in units}
    result: dict[tuple[int, int, int | None], Decimal] = {}
    for (indicator_id, combo_id), targets in by_key.items():
        sums: dict[int, Decimal] = {}
        for unit_id, (path, value) in targets.items():
            if unit_id in wanted:
                result[(unit_id, indicator_id, combo_id)] = value
            # Up the path until the nearest unit with a target of its own: the units on the
            # way count this target as one of their nearest descendants'.
            for ancestor_id in reversed(_path_ids(path)[:-1]):
                if ancestor_id in targets:
                    break
                sums[ancestor_id] = sums.get(ancestor_id, Decimal(0)) + value
        for unit_id, total in sums.items():
            if unit_id in wanted and unit_id not in targets:
                result[(unit_id, indicator_id, combo_id)] = _clean(total)
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
