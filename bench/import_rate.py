"""Bulk import rate: values/s through ``datavalue_bulk_upsert`` on SQLite and PostgreSQL.

For each engine, on a fresh database with the national units and the catalog:

- baseline: one-by-one ORM saves (``DataValue.objects.create`` per row, autocommit) of a
  sample, and, for information, the web form's path (``datavalue_upsert`` per value, with its
  audit row);
- measured: ``datavalue_bulk_upsert`` of ``--values`` rows given by codes (``ValueInput``, as the
  exchange layer builds them from a file): validation, scope, unit validity, audit rows;
- limit: the engine's own bulk load of the same rows into the same table (SQLite
  ``executemany``, PostgreSQL ``COPY``): no checks, no audit.

Prints values/s and the ratios measured/baseline and measured/limit. Never asserts a timing.

    .venv/bin/python bench/import_rate.py --values 200000 --database both
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_setup, log, throwaway_postgres

DEFAULT_VALUES = 200_000
DEFAULT_SAMPLE = 2_000


def _inputs(n: int, year: int):
    """``n`` ValueInput rows: numeric monthly series × communes valid in ``year`` × months."""
    from chiso.core.periods import Period
    from chiso.datavalues.types import ValueInput
    from chiso.indicators.models import CategoryOptionCombo, Indicator
    from chiso.orgunits.models import OrgUnit, Tier
    from chiso.orgunits.selectors import orgunit_valid_on

    combos: dict[int, list[str]] = {}
    for combo in CategoryOptionCombo.objects.order_by("category_combo_id", "sort_order", "id"):
        combos.setdefault(combo.category_combo_id, []).append(combo.code)
    series = [
        (indicator.code, code)
        for indicator in Indicator.objects.filter(
            period_type="month", value_type__in=["integer", "number"]
        ).order_by("code")
        for code in combos[indicator.category_combo_id]
    ]
    end = Period.parse(f"{year}12").end
    communes = list(
        OrgUnit.objects.filter(orgunit_valid_on(end), tier=Tier.COMMUNE)
        .order_by("path")
        .values_list("code", flat=True)
    )
    rows = []
    index = 0
    for month in range(1, 13):
        period = f"{year}{month:02d}"
        for code in communes:
            for indicator, combo in series:
                if index >= n:
                    return rows
                rows.append(
                    ValueInput(
                        index=index,
                        indicator_code=indicator,
                        option_combo_code=combo,
                        orgunit_code=code,
                        period_id=period,
                        value=str((index * 7919) % 1000 + 1),
                    )
                )
                index += 1
    return rows


def _raw_rows(items):
    """The same rows as table tuples (ids resolved up front: the limit pays no lookups)."""
    from chiso.core.periods import Period
    from chiso.indicators.models import CategoryOptionCombo, Indicator
    from chiso.orgunits.models import OrgUnit
    from chiso.orgunits.selectors import orgunit_valid_on

    indicators = dict(Indicator.objects.values_list("code", "id"))
    combos = {
        (cc, code): pk
        for pk, cc, code in CategoryOptionCombo.objects.values_list(
            "id", "category_combo_id", "code"
        )
    }
    combo_of = dict(Indicator.objects.values_list("code", "category_combo_id"))
    periods = {p: Period.parse(p) for p in {i.period_id for i in items}}
    units: dict[tuple[str, str], int] = {}
    for p_id, period in periods.items():
        for pk, code in OrgUnit.objects.filter(orgunit_valid_on(period.end)).values_list(
            "id", "code"
        ):
            units[(p_id, code)] = pk
    now = time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime())
    out = []
    for item in items:
        period = periods[item.period_id]
        out.append(
            (
                indicators[item.indicator_code],
                combos[(combo_of[item.indicator_code], item.option_combo_code)],
                units[(item.period_id, item.orgunit_code)],
                period.id,
                "month",
                period.start.isoformat(),
                period.end.isoformat(),
                int(item.value),
                "",
                "official",
                "",
                now,
                now,
                False,
                1,
            )
        )
    return out


_COLUMNS = (
    "indicator_id, option_combo_id, orgunit_id, period, period_type, period_start, period_end, "
    "value, text_value, status, comment, created, updated, deleted, version"
)


def _engine_load(rows) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY datavalues_datavalue ({_COLUMNS}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        else:
            sql = f"INSERT INTO datavalues_datavalue ({_COLUMNS}) VALUES ({', '.join('?' * 15)})"
            for start in range(0, len(rows), 20_000):
                cursor.cursor.executemany(sql, rows[start : start + 20_000])


def _clear() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM datavalues_datavalueaudit")
        cursor.execute("DELETE FROM datavalues_datavalue")


def run_engine(name: str, n: int, sample: int) -> dict[str, float]:
    from generate import BENCH_USER, generate

    from chiso.accounts.models import User
    from chiso.datavalues.models import DataValue
    from chiso.datavalues.services import datavalue_bulk_upsert, datavalue_upsert
    from chiso.indicators.models import CategoryOptionCombo, Indicator
    from chiso.orgunits.models import OrgUnit

    generate(0)  # units, catalog and the bench user only
    user = User.objects.get(username=BENCH_USER)
    items = _inputs(n, 2024)
    n = len(items)
    raw = _raw_rows(items)
    log(f"[{name}] {n:,} rows prepared")
    figures: dict[str, float] = {}

    # Baseline: one-by-one ORM saves of a sample (2023 keys, so nothing collides).
    sample_rows = raw[:sample]
    started = time.perf_counter()
    for row in sample_rows:
        DataValue.objects.create(
            indicator_id=row[0],
            option_combo_id=row[1],
            orgunit_id=row[2],
            period=row[3].replace("2024", "2023", 1),
            period_type="month",
            period_start=row[5].replace("2024", "2023", 1),
            period_end=row[6].replace("2024", "2023", 1),
            value=row[7],
        )
    figures["orm"] = len(sample_rows) / (time.perf_counter() - started)

    # For information: the form's path, one datavalue_upsert (and audit row) per value.
    indicators = {i.pk: i for i in Indicator.objects.all()}
    combos = {c.pk: c for c in CategoryOptionCombo.objects.all()}
    units = OrgUnit.objects.in_bulk({r[2] for r in sample_rows[: sample // 2]})
    started = time.perf_counter()
    for row in sample_rows[: sample // 2]:
        datavalue_upsert(
            user=user,
            indicator=indicators[row[0]],
            option_combo=combos[row[1]],
            orgunit=units[row[2]],
            period=row[3].replace("2024", "2022", 1),
            value=row[7],
            channel="form",
        )
    figures["upsert"] = (sample // 2) / (time.perf_counter() - started)
    _clear()

    started = time.perf_counter()
    result = datavalue_bulk_upsert(user=user, items=items, channel="import")
    figures["bulk"] = n / (time.perf_counter() - started)
    assert result.imported == n, result.summary()
    _clear()

    started = time.perf_counter()
    _engine_load(raw)
    figures["limit"] = n / (time.perf_counter() - started)
    _clear()

    print(
        f"{name}: bulk import {figures['bulk']:,.0f} values/s ({n:,} values); "
        f"baseline one-by-one ORM saves {figures['orm']:,.0f}/s ({len(sample_rows):,}); "
        f"datavalue_upsert one by one {figures['upsert']:,.0f}/s ({sample // 2:,}); "
        f"engine bulk load {figures['limit']:,.0f}/s"
    )
    print(
        f"{name}: bulk/baseline = {figures['bulk'] / figures['orm']:.1f}x, "
        f"bulk/limit = {figures['bulk'] / figures['limit']:.2f} "
        f"(limit/bulk = {figures['limit'] / figures['bulk']:.1f}x)"
    )
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=int, default=DEFAULT_VALUES)
    parser.add_argument("--sample", type=int, default=DEFAULT_SAMPLE)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args(argv)
    # One engine per process: Django is set up once.
    if args.database == "postgres":
        with throwaway_postgres() as url:
            django_setup(Path(tempfile.mkdtemp(prefix="chiso-bench-import.")), url)
            run_engine("PostgreSQL", args.values, args.sample)
    else:
        home = Path(tempfile.mkdtemp(prefix="chiso-bench-import."))
        django_setup(home)
        run_engine("SQLite", args.values, args.sample)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{home}/chiso.sqlite3{suffix}").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
