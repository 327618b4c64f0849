"""Synthetic national data for the benchmarks (DESIGN.md section 3: plan for all of Vietnam).

Loads both official unit structures with the real loader (``chiso.orgunits.services.units_load``:
63 provinces / 696 districts / ~10,000 communes until 30/06/2025, 34 provinces / 3,321 communes
from 01/07/2025, with the successions), the seeded indicator catalog, a superuser ``bench``, and
``--values N`` (default 10 million) monthly values at commune level: every numeric monthly
series (indicator × option combo) for every commune valid in the month, filling months backwards
from December 2025 (so 2025 mixes both structures, then 2024, 2023, ... in full), plus a yearly
total target per province for the indicators that have one.

Values are written with the engine's own bulk path (SQLite ``executemany``, PostgreSQL ``COPY``)
straight into the data-value table, without audit rows: this builds a data set to measure reads
on; ``bench/import_rate.py`` measures writing through the services.

    .venv/bin/python bench/generate.py --values 1000000            # SQLite under /tmp/chiso-bench
    .venv/bin/python bench/generate.py --values 1000000 --database postgres  # throwaway cluster

Other scripts import ``generate()`` and ``prepare()``.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_HOME, django_setup, log, require_disk, throwaway_postgres

DEFAULT_VALUES = 10_000_000
BYTES_PER_VALUE = 260  # SQLite row plus its four indexes, measured on a 1-million-value run
BATCH = 20_000
LAST_MONTH = (2025, 12)
BENCH_USER = "bench"


@dataclass
class Generated:
    values: int
    months: list[str]
    seconds: float
    series: int
    targets: int

    @property
    def years(self) -> list[int]:
        return sorted({int(m[:4]) for m in self.months})


def sqlite_path(home: Path) -> Path:
    return home / "chiso.sqlite3"


def existing_count(home: Path) -> int | None:
    """The number of values in the SQLite database under ``home``, or None if there is none."""
    path = sqlite_path(home)
    if not path.exists():
        return None
    try:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM datavalues_datavalue").fetchone()[0]
    except sqlite3.Error:
        return None


def prepare(
    home: Path, n_values: int, database_url: str | None = None, *, reuse: bool = True
) -> Generated | None:
    """Set Django up on a database holding exactly ``n_values`` generated values: reuse the
    SQLite file under ``home`` when it has that many (returns None then), else start afresh
    and generate (returns what was generated)."""
    if database_url is None:
        count = existing_count(home)
        if reuse and count == n_values:
            log(f"reusing {sqlite_path(home)} ({n_values:,} values)")
            django_setup(home)
            return None
        require_disk(home, n_values * BYTES_PER_VALUE + 500_000_000)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path(home)}{suffix}").unlink(missing_ok=True)
    django_setup(home, database_url)
    return generate(n_values)


def _series():
    """Every (indicator id, option combo id, value scale) of the numeric monthly indicators."""
    from chiso.indicators.models import CategoryOptionCombo, Indicator

    combos: dict[int, list[int]] = {}
    for combo in CategoryOptionCombo.objects.order_by("category_combo_id", "sort_order", "id"):
        combos.setdefault(combo.category_combo_id, []).append(combo.pk)
    series = []
    for indicator in Indicator.objects.filter(
        period_type="month", value_type__in=["integer", "number", "money"]
    ).order_by("code"):
        scale = 100_000 if indicator.value_type == "money" else 1
        for combo_id in combos.get(indicator.category_combo_id, []):
            series.append((indicator.pk, combo_id, scale))
    return series


def _months_backwards():
    from chiso.core.periods import Period

    year, month = LAST_MONTH
    period = Period.parse(f"{year}{month:02d}")
    while True:
        yield period
        period = period.previous()


def generate(n_values: int) -> Generated:
    """Load units, catalog and ``n_values`` values into the (empty) database Django uses."""
    from django.db import connection, transaction

    from chiso.accounts.models import User
    from chiso.accounts.services import role_sync, user_create
    from chiso.datavalues.totals import totals_rebuild
    from chiso.indicators.services import catalog_load
    from chiso.orgunits.models import OrgUnit, Tier
    from chiso.orgunits.selectors import orgunit_valid_on
    from chiso.orgunits.services import units_load

    started = time.perf_counter()
    result = units_load()
    log(f"units: {result.created:,} created ({result.counts})")
    catalog_load()
    role_sync()
    if not User.objects.filter(username=BENCH_USER).exists():
        user_create(username=BENCH_USER, password="bench-bench-bench", is_superuser=True)
    series = _series()
    log(f"series: {len(series)} (indicator × option combo, monthly, numeric)")

    columns = (
        "indicator_id, option_combo_id, orgunit_id, period, period_type, period_start, "
        "period_end, value, text_value, status, comment, created, updated, deleted, "
        "version"
    )
    now = time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime())
    written = 0
    months: list[str] = []
    communes_cache: dict[tuple, list[int]] = {}
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        for period in _months_backwards():
            if written >= n_values:
                break
            day = period.end
            key = (day < date(2025, 7, 1),)
            communes = communes_cache.get(key)
            if communes is None:
                communes = list(
                    OrgUnit.objects.filter(orgunit_valid_on(day), tier=Tier.COMMUNE)
                    .order_by("path")
                    .values_list("pk", flat=True)
                )
                communes_cache[key] = communes
            months.append(period.id)
            month_index = period.start.year * 12 + period.start.month
            start, end = period.start.isoformat(), period.end.isoformat()

            def rows(
                communes=communes, month_index=month_index, start=start, end=end, pid=period.id
            ):
                nonlocal written
                for unit_id in communes:
                    for s_index, (indicator_id, combo_id, scale) in enumerate(series):
                        if written >= n_values:
                            return
                        value = (
                            (unit_id * 2654435761 + s_index * 40503 + month_index * 97) % 997 + 1
                        ) * scale
                        written += 1
                        yield (
                            indicator_id,
                            combo_id,
                            unit_id,
                            pid,
                            "month",
                            start,
                            end,
                            value,
                            "",
                            "official",
                            "",
                            now,
                            now,
                            False,
                            1,
                        )

            if postgres:
                copy_sql = f"COPY datavalues_datavalue ({columns}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in rows():
                        copy.write_row(row)
            else:
                sql = (
                    f"INSERT INTO datavalues_datavalue ({columns}) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                )
                batch = []
                raw = cursor.cursor
                for row in rows():
                    batch.append(row)
                    if len(batch) >= BATCH:
                        raw.executemany(sql, batch)
                        batch.clear()
                if batch:
                    raw.executemany(sql, batch)
            log(f"  {period.id}: {written:,} values")
    targets = _targets(series, sorted({int(m[:4]) for m in months}))
    # The values went around the services: their subtree totals are computed once, in SQL.
    timed = time.perf_counter()
    rows = totals_rebuild()
    log(f"subtree totals: {rows:,} rows in {time.perf_counter() - timed:,.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Generated(
        values=written,
        months=months,
        seconds=time.perf_counter() - started,
        series=len(series),
        targets=targets,
    )


def _targets(series, years: list[int]) -> int:
    """A yearly total target per province for indicators that have one: about the generated
    yearly total, so % of plan reads like a real figure."""
    from chiso.core.periods import Period
    from chiso.datavalues.models import Target
    from chiso.indicators.models import Indicator
    from chiso.orgunits.models import OrgUnit, Tier
    from chiso.orgunits.selectors import orgunit_valid_on

    with_target = set(
        Indicator.objects.filter(has_target=True, pk__in={s[0] for s in series}).values_list(
            "pk", flat=True
        )
    )
    targets = []
    for year in years:
        period = Period.parse(str(year))
        for province in OrgUnit.objects.filter(orgunit_valid_on(period.end), tier=Tier.PROVINCE):
            for indicator_id in sorted(with_target):
                targets.append(
                    Target(
                        indicator_id=indicator_id,
                        orgunit=province,
                        period=period.id,
                        period_start=period.start,
                        period_end=period.end,
                        value=150 * 500 * 12,
                        document="Kế hoạch (số liệu thử nghiệm)",
                    )
                )
    Target.objects.bulk_create(targets, batch_size=2000)
    return len(targets)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=int, default=DEFAULT_VALUES)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME)
    args = parser.parse_args(argv)
    if args.database == "postgres":
        with throwaway_postgres() as url:
            generated = prepare(args.home, args.values, url)
            _report(generated, "PostgreSQL")
        return 0
    generated = prepare(args.home, args.values, reuse=False)
    _report(generated, f"SQLite {sqlite_path(args.home)}")
    size = sqlite_path(args.home).stat().st_size
    print(f"database size: {size / 1e9:.2f} GB ({size / max(1, generated.values):.0f} bytes/value)")
    return 0


def _report(generated: Generated | None, where: str) -> None:
    if generated is None:
        return
    print(
        f"generated {generated.values:,} values ({generated.series} series, months "
        f"{generated.months[-1]}..{generated.months[0]}) and {generated.targets} targets "
        f"into {where} in {generated.seconds:,.1f} s "
        f"({generated.values / generated.seconds:,.0f} values/s including units and catalog)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
