"""Dashboard latency for one province-year: p50/p95 of the dashboard's query and of the page.

On the data of ``bench/generate.py``: the province with the most communes at the end of the
year (or ``--unit``), ``--runs`` times each:

- the dashboard query: ``analytics_table`` for every indicator shown, then the breakdown of one
  indicator by the tier below (the two calls ``/dashboard/`` makes);
- the whole page: ``GET /dashboard/?ou=CODE&pe=YEAR`` through Django's test client, logged in
  as a superuser (template rendering included, no network);
- baseline: one hand-written SQL query summing the same province-year values per indicator.

Prints p50/p95 and the ratios query/baseline and page/query. Never asserts a timing.

    .venv/bin/python bench/dashboard_latency.py --values 1000000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_HOME, ms, percentiles, throwaway_postgres
from generate import BENCH_USER, prepare
from rollup import busiest_year

DEFAULT_RUNS = 30


def _province(year: int):
    from django.db.models import Count, Q

    from chiso.core.periods import Period
    from chiso.orgunits.models import OrgUnit, Tier
    from chiso.orgunits.selectors import orgunit_valid_on

    end = Period.parse(str(year)).end
    provinces = OrgUnit.objects.filter(orgunit_valid_on(end), tier=Tier.PROVINCE)
    best, most = None, -1
    for province in provinces:
        n = OrgUnit.objects.filter(
            Q(path__startswith=province.path), orgunit_valid_on(end), tier=Tier.COMMUNE
        ).aggregate(n=Count("id"))["n"]
        if n > most:
            best, most = province, n
    return best, most


def run(name: str, runs: int, unit_code: str | None, year: int | None) -> None:
    from django.db import connection
    from django.test import Client

    from chiso.accounts.models import User
    from chiso.analytics.selectors import analytics_table
    from chiso.core.periods import Period
    from chiso.datavalues.models import DataValue
    from chiso.indicators.selectors import indicator_group_list
    from chiso.orgunits.models import OrgUnit
    from chiso.orgunits.selectors import orgunit_get_by_code, orgunit_valid_on

    year = year or busiest_year()
    period = Period.parse(str(year))
    if unit_code:
        province = orgunit_get_by_code(unit_code, period.end)
        communes = "?"
    else:
        province, communes = _province(year)
    user = User.objects.get(username=BENCH_USER)
    codes = []
    for group in indicator_group_list():
        for member in group.members.all():
            if member.indicator.code not in codes:
                codes.append(member.indicator.code)
    child_tier = (
        OrgUnit.objects.filter(orgunit_valid_on(period.end), parent=province)
        .values_list("tier", flat=True)
        .first()
    )
    in_range = DataValue.objects.filter(
        orgunit__path__startswith=province.path,
        period_start__gte=period.start,
        period_end__lte=period.end,
    ).count()

    def query():
        analytics_table(user=user, indicators=codes, orgunit=province, period=period)
        analytics_table(
            user=user,
            indicators=["VL_VIEC_LAM_MOI"],
            orgunit=province,
            period=period,
            level=child_tier,
        )

    sql = (
        "SELECT v.indicator_id, SUM(v.value) FROM datavalues_datavalue v "
        "JOIN orgunits_orgunit o ON o.id = v.orgunit_id WHERE o.path LIKE %s "
        "AND v.period_start >= %s AND v.period_end <= %s AND NOT v.deleted GROUP BY 1"
    )

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, [province.path + "%", period.start, period.end])
            cursor.fetchall()

    client = Client()
    client.force_login(user)
    url = f"/dashboard/?ou={province.code}&pe={period.id}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    samples: dict[str, list[float]] = {"query": [], "page": [], "sql": []}
    for fn in (query, page, baseline):  # warm-up
        fn()
    for _ in range(runs):
        for key, fn in (("query", query), ("page", page), ("sql", baseline)):
            started = time.perf_counter()
            fn()
            samples[key].append(time.perf_counter() - started)
    q50, q95 = percentiles(samples["query"])
    p50, p95 = percentiles(samples["page"])
    s50, s95 = percentiles(samples["sql"])
    print(
        f"{name}: {province.name} ({province.code}), {period.id}: {communes} communes, "
        f"{in_range:,} values in range, {len(codes)} indicators; {runs} runs"
    )
    print(
        f"{name}: dashboard query p50 {ms(q50)} p95 {ms(q95)}; page p50 {ms(p50)} p95 "
        f"{ms(p95)}; hand-written SQL p50 {ms(s50)} p95 {ms(s95)}; "
        f"query/SQL = {q50 / s50:.1f}x, page/query = {p50 / q50:.2f}x (p50)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--unit", help="province code (default: the largest)")
    parser.add_argument("--year", type=int)
    args = parser.parse_args(argv)
    if args.database == "postgres":
        with throwaway_postgres() as url:
            prepare(args.home, args.values, url)
            run("PostgreSQL", args.runs, args.unit, args.year)
    else:
        prepare(args.home, args.values)
        run("SQLite", args.runs, args.unit, args.year)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
