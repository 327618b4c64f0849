"""Full-hierarchy rollup of one indicator group for a year: analytics against hand-written SQL.

On the data of ``bench/generate.py`` (``--values N``, commune-level monthly values), for every
province valid at the end of the year: the year's total of each indicator of the group over
all its districts, communes (and their predecessors, across the 1 July 2025 reform) through
``chiso.analytics.selectors.analytics_table``, which also computes last year's figures and
targets. Baseline: one hand-written SQL query on the same engine that sums the same values
grouped by province and indicator (no successions, no last year). For information: the same
sums by one hand-written query over the subtree totals analytics reads (the floor for
analytics' own work), and DuckDB when it is installed.

Prints times, values/s and the ratios. Never asserts a timing.

    .venv/bin/python bench/rollup.py --values 1000000                 # SQLite, reuses the file
    .venv/bin/python bench/rollup.py --values 1000000 --database postgres  # + dashboard p50/p95
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_HOME, ms, throwaway_postgres
from generate import BENCH_USER, prepare, sqlite_path

DEFAULT_GROUP = "LAO_DONG_VIEC_LAM"
REPEAT = 3


def busiest_year() -> int:
    from django.db.models import Count

    from chiso.datavalues.models import DataValue

    rows = (
        DataValue.objects.values("period_start__year")
        .annotate(n=Count("id"))
        .order_by("-n", "-period_start__year")
    )
    return rows[0]["period_start__year"]


def _sql(vendor: str) -> str:
    province = (
        "split_part(o.path, '/', 2)"
        if vendor == "postgresql"
        else "substr(o.path, 2, instr(substr(o.path, 2), '/') - 1)"
    )
    return (
        f"SELECT {province} AS province, v.indicator_id, SUM(v.value), COUNT(*) "
        "FROM datavalues_datavalue v JOIN orgunits_orgunit o ON o.id = v.orgunit_id "
        "WHERE v.indicator_id IN ({ids}) AND v.period_start >= %s AND v.period_end <= %s "
        "AND v.period_type = 'month' AND NOT v.deleted "
        "GROUP BY 1, 2"
    )


# The same sums read from the subtree totals the services keep (``chiso.datavalues.totals``):
# what analytics reads, without successions, last year or targets.
_TOTALS_SQL = (
    "SELECT t.unit_id, t.indicator_id, SUM(t.total), SUM(t.count) "
    "FROM datavalues_subtreetotal t WHERE t.unit_id IN ({{units}}) AND t.indicator_id IN ({ids}) "
    "AND t.period_start >= %s AND t.period_end <= %s AND t.period_type = 'month' "
    "GROUP BY 1, 2"
)


def run(name: str, group: str, year: int | None) -> None:
    from django.db import connection

    from chiso.accounts.models import User
    from chiso.analytics.selectors import analytics_table
    from chiso.core.periods import Period
    from chiso.datavalues.models import DataValue
    from chiso.indicators.selectors import indicator_list
    from chiso.orgunits.models import OrgUnit, Tier
    from chiso.orgunits.selectors import orgunit_valid_on

    year = year or busiest_year()
    period = Period.parse(str(year))
    user = User.objects.get(username=BENCH_USER)
    indicators = [i for i in indicator_list(group) if i.period_type == "month"]
    codes = [i.code for i in indicators]
    provinces = list(OrgUnit.objects.filter(orgunit_valid_on(period.end), tier=Tier.PROVINCE))
    scanned = DataValue.objects.filter(
        indicator__in=indicators, period_start__gte=period.start, period_end__lte=period.end
    ).count()
    total_values = DataValue.objects.count()

    def with_analytics():
        total = Decimal(0)
        for province in provinces:
            for row in analytics_table(
                user=user, indicators=codes, orgunit=province, period=period
            ):
                total += row.value or 0
        return total

    sql = _sql(connection.vendor).format(ids=", ".join(str(i.pk) for i in indicators))

    def with_sql():
        with connection.cursor() as cursor:
            cursor.execute(sql, [period.start, period.end])
            return sum(Decimal(str(r[2])) for r in cursor.fetchall())

    totals_sql = _TOTALS_SQL.format(ids=", ".join(str(i.pk) for i in indicators))
    province_ids = [p.pk for p in provinces]

    def with_totals_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                totals_sql.format(units=", ".join(["%s"] * len(province_ids))),
                [*province_ids, period.start, period.end],
            )
            return sum(Decimal(str(r[2])) for r in cursor.fetchall())

    times: dict[str, list[float]] = {"analytics": [], "sql": [], "totals": []}
    for _ in range(REPEAT):
        for key, fn in (
            ("analytics", with_analytics),
            ("sql", with_sql),
            ("totals", with_totals_sql),
        ):
            started = time.perf_counter()
            result = fn()
            times[key].append(time.perf_counter() - started)
            if key == "analytics":
                a_total = result
            elif key == "sql":
                s_total = result
    a, s, t = (min(times[key]) for key in ("analytics", "sql", "totals"))
    print(
        f"{name}: rollup of {len(codes)} indicators ({group}) for {year} over "
        f"{len(provinces)} provinces, {scanned:,} of {total_values:,} values in range"
    )
    print(
        f"{name}: analytics {ms(a)} ({scanned / a:,.0f} values/s); hand-written SQL over the "
        f"values {ms(s)}, analytics/SQL = {a / s:.2f}x; hand-written SQL over the subtree "
        f"totals {ms(t)}, analytics/that = {a / t:.2f}x (best of {REPEAT}); "
        f"totals {a_total:,.0f} vs {s_total:,.0f}"
        + (" (analytics adds predecessors' values across the reform)" if a_total != s_total else "")
    )
    if connection.vendor == "sqlite":
        _duckdb(name, sql, period)


def _duckdb(name: str, sql: str, period) -> None:
    """The hand-written query in DuckDB, on the same rows copied out of the SQLite file (through
    CSV: DuckDB's SQLite reader is an extension it downloads, and this machine is offline)."""
    try:
        import duckdb
    except ImportError:
        print(f"{name}: DuckDB not installed (information only): skipped")
        return
    from django.db import connection

    tables = {
        "datavalues_datavalue": "id, indicator_id, orgunit_id, period_type, period_start,"
        " period_end, value, CASE WHEN deleted THEN 'true' ELSE 'false' END AS deleted",
        "orgunits_orgunit": "id, path",
    }
    con = duckdb.connect()
    with (
        tempfile.TemporaryDirectory() as tmp,
        sqlite3.connect(connection.settings_dict["NAME"]) as db,
    ):
        for table, columns in tables.items():
            with open(f"{tmp}/{table}.csv", "w", newline="") as out:
                rows = db.execute(f"SELECT {columns} FROM {table}")
                writer = csv.writer(out)
                writer.writerow([column[0] for column in rows.description])
                writer.writerows(rows)
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv_auto('{tmp}/{table}.csv')")
    query = sql.replace("%s", "?")
    best = None
    for _ in range(REPEAT):
        started = time.perf_counter()
        con.execute(query, [period.start, period.end]).fetchall()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(
        f"{name}: DuckDB {duckdb.__version__} on the same rows, in memory: {ms(best)} "
        f"(best of {REPEAT})"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME)
    parser.add_argument("--group", default=DEFAULT_GROUP)
    parser.add_argument("--year", type=int)
    parser.add_argument(
        "--dashboard-runs",
        type=int,
        default=10,
        help="PostgreSQL only: also run bench/dashboard_latency.py this many times on the "
        "throwaway cluster (0: no)",
    )
    args = parser.parse_args(argv)
    if args.database == "postgres":
        with throwaway_postgres() as url:
            prepare(args.home, args.values, url)
            run("PostgreSQL", args.group, args.year)
            if args.dashboard_runs:
                # The cluster dies with this process: time the dashboard on it too.
                from dashboard_latency import run as dashboard_run

                dashboard_run("PostgreSQL", args.dashboard_runs, None, args.year)
    else:
        prepare(args.home, args.values)
        print(f"SQLite file: {sqlite_path(args.home)}", file=sys.stderr)
        run("SQLite", args.group, args.year)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
