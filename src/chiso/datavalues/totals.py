"""Subtree totals: what analytics reads instead of every value under a unit (DESIGN.md section 3).

For each unit version, indicator, option combo and period, ``SubtreeTotal`` holds the sum, the
number and the number of estimates of the live numeric values stored *strictly below* the unit
(a province's row sums its districts', communes' and hamlets' values; values stored at the
unit itself are read from the value table). A province-year is then a few hundred rows instead
of hundreds of thousands of values.

The totals are kept current by the services that write values, in the same transaction: each
write collects its changes in a ``TotalsChange`` (the old value out, the new one in, for every
unit above the value's unit) and applies them once, as one upsert per touched row. Nothing else
writes values (the admin is read-only), so the totals always equal the values; ``totals_rebuild``
recomputes them from scratch in SQL (after loading data with raw SQL, after moving units, and
in the migration that created the table).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction

from chiso.datavalues.models import DataValue, Status, SubtreeTotal
from chiso.orgunits.models import OrgUnit

__all__ = ["TotalsChange", "ancestor_ids", "totals_rebuild"]

_KEY = ("unit_id", "indicator_id", "period_start", "period", "option_combo_id")
_FIELDS = (*_KEY, "period_type", "period_end", "total", "count", "estimates")


def ancestor_ids(path: str) -> list[int]:
    """The ids of the units strictly above the unit of a materialized path (``/1/12/345/`` ->
    [1, 12])."""
    return [int(part) for part in path.strip("/").split("/")[:-1]]


class TotalsChange:
    """The changes one write makes to the subtree totals, collected and then applied once."""

    __slots__ = ("_ancestors", "_deltas")

    def __init__(self) -> None:
        # (unit, indicator, period_start, period, option combo) -> [type, end, sum, n, estimates]
        self._deltas: dict[tuple, list] = {}
        self._ancestors: dict[str, list[int]] = {}

    def add(self, path: str, key: tuple, period, value, status: str, sign: int) -> None:
        """Count a value stored at the unit of ``path`` in (``sign`` 1) or out (-1) of the totals
        of every unit above it. ``key``: the value's (indicator id, option combo id, unit id,
        period id); ``period``: its ``type``, ``start`` and ``end`` as the driver takes them.
        ``value`` None (a text value) counts nowhere."""
        if value is None:
            return
        indicator_id, option_combo_id, _unit_id, period_id = key
        start = period.start
        ancestors = self._ancestors.get(path)
        if ancestors is None:
            ancestors = self._ancestors[path] = ancestor_ids(path)
        if not ancestors:
            return
        amount = value if sign > 0 else -value
        estimate = sign if status == Status.ESTIMATE else 0
        deltas = self._deltas
        for unit_id in ancestors:
            key = (unit_id, indicator_id, start, period_id, option_combo_id)
            delta = deltas.get(key)
            if delta is None:
                deltas[key] = [period.type, period.end, amount, sign, estimate]
            else:
                delta[2] += amount
                delta[3] += sign
                delta[4] += estimate

    def apply(self) -> None:
        """Write the collected changes (inside the caller's transaction), in key order so that
        concurrent writers lock shared rows in the same order."""
        rows = [
            (*key, kind, end, _decimal(total), n, estimates)
            for key, (kind, end, total, n, estimates) in sorted(
                self._deltas.items(), key=lambda item: _sort_key(item[0])
            )
            if n or estimates or total
        ]
        self._deltas.clear()
        if rows:
            _upsert(rows)


def _sort_key(key: tuple) -> tuple:
    return (key[0], key[1], str(key[2]), key[3], key[4])


def _decimal(total) -> Decimal:
    return total if total.__class__ is Decimal else Decimal(total)


def _names(fields) -> list[str]:
    quote = connection.ops.quote_name
    return [quote(SubtreeTotal._meta.get_field(name.removesuffix("_id")).column) for name in fields]


def _upsert(rows: list[tuple]) -> None:
    """Add each row's sum and counts to the stored row of its key (or insert it)."""
    quote = connection.ops.quote_name
    table = quote(SubtreeTotal._meta.db_table)
    columns = ", ".join(_names(_FIELDS))
    key = ", ".join(_names(_KEY))
    added = ", ".join(
        f"{column} = {table}.{column} + excluded.{column}"
        for column in _names(("total", "count", "estimates"))
    )
    conflict = f"ON CONFLICT ({key}) DO UPDATE SET {added}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 200:
            staging = quote("chiso_totals_change")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP"
                f" AS SELECT {columns} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}"
                f" ORDER BY {key} {conflict}"
            )
            cursor.execute(f"DROP TABLE {staging}")
            return
        placeholders = ", ".join(["%s"] * len(_FIELDS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) {conflict}"
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


def totals_rebuild() -> int:
    """Recompute every subtree total from the values, in SQL; returns the number of rows.

    Units above each unit come from a temporary table built from the unit paths (about three
    rows per unit), so the values are read once and grouped by the database."""
    quote = connection.ops.quote_name
    table = quote(SubtreeTotal._meta.db_table)
    values = quote(DataValue._meta.db_table)
    ancestry = quote("chiso_ancestry")
    pairs = [
        (unit_id, ancestor)
        for unit_id, path in OrgUnit.objects.values_list("id", "path").iterator(chunk_size=5000)
        for ancestor in ancestor_ids(path)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        # Temporary (and created in the transaction: gone with it, whatever happens).
        cursor.execute(f"CREATE TEMPORARY TABLE {ancestry} (unit_id bigint, ancestor_id bigint)")
        for start in range(0, len(pairs), 10_000):
            cursor.executemany(
                f"INSERT INTO {ancestry} VALUES (%s, %s)", pairs[start : start + 10_000]
            )
        cursor.execute(f"CREATE INDEX chiso_ancestry_unit ON {ancestry} (unit_id)")
        columns = ", ".join(_names(_FIELDS))
        cursor.execute(
            f"INSERT INTO {table} ({columns})"
            " SELECT a.ancestor_id, v.indicator_id, v.period_start, v.period, v.option_combo_id,"
            " v.period_type, v.period_end, SUM(v.value), COUNT(*),"
            " SUM(CASE WHEN v.status = %s THEN 1 ELSE 0 END)"
            f" FROM {values} v JOIN {ancestry} a ON a.unit_id = v.orgunit_id"
            " WHERE NOT v.deleted AND v.value IS NOT NULL"
            " GROUP BY a.ancestor_id, v.indicator_id, v.period_start, v.period,"
            " v.option_combo_id, v.period_type, v.period_end",
            [Status.ESTIMATE.value],
        )
        count = cursor.rowcount
        cursor.execute(f"DROP TABLE {ancestry}")
    return count
