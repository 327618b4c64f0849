"""Household register at province size: import rate, duplicate detection, and dashboard latency
with register-fed indicators.

On a fresh database (SQLite under ``--home``, or a throwaway PostgreSQL with ``--database
postgresql``) with the national units and the catalog, for Tỉnh Bình Phước (70, its 111 communes
in 2023, 8 generated hamlets each):

1. generate ``--households`` households (default 300,000) with about 4 members each (1.2 million
   people), residences and classifications, and a Tết programme with a hand-over to every
   fourth household (bulk SQL: generation is not what is measured);
2. import: an XLSX list of ``--rows`` rows for one commune (10% planted duplicates of
   registered people: accent/case/spacing variants, half with the same citizen ID) —
   baseline: reading the file alone (openpyxl); measured: the preview (parse, validate, detect
   duplicates, as the commune officer) and the apply (write) → rows/s;
3. duplicate detection against the whole register (the province administrator's scope: 1.2
   million people) — baseline: exact matching (folded name + birth year, dict look-up) of the
   same rows; measured: ``find_duplicates`` (rapidfuzz, same year, ID anywhere); recall of the
   planted duplicates for both;
4. dashboard: ``register_values_refresh`` of the province for 2023 (writes the register-fed
   values), then ``analytics_table`` for the four gift and rice indicators by beneficiary group
   for the province-year, ``--runs`` times — baseline: the same query on four entered
   indicators holding the same number of values; also one hand-over recorded through the
   service (its refresh included).

Prints figures and ratios; never asserts a timing.

    .venv/bin/python bench/registers.py                     # province size, SQLite
    .venv/bin/python bench/registers.py --households 20000  # a quick run
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_HOME, django_setup, log, ms, percentiles, rate, throwaway_postgres

PROVINCE = "70"
DAY = date(2023, 12, 31)
HAMLETS_PER_COMMUNE = 8
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Điểu", "Thạch", "Danh", "Lâm")  # fmt: skip
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh", "Thanh", "Quốc", "Kim", "Thu", "Mỹ", "Công")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam", "Phúc",
         "Quang", "Sơn", "Tài", "Thắng", "Tuấn", "Việt", "Vinh", "Anh", "Bích", "Chi", "Dung",
         "Giang", "Hạnh", "Hoa", "Hương", "Lan", "Liên", "Mai", "Nga", "Nhung", "Oanh",
         "Phượng", "Thảo", "Trang", "Yến", "Tâm", "Lộc", "Phát", "Tiến")  # fmt: skip
GIFTS = ["ASXH_QUA_SO_LUONG", "ASXH_QUA_GIA_TRI", "ASXH_GAO_KG", "ASXH_GAO_NHAN_KHAU"]
ENTERED = ["VL_VIEC_LAM_MOI", "VL_TU_VAN", "VL_DAO_TAO_NGHE", "VL_DAO_TAO_LAI"]


class Rng:
    """A small deterministic generator (xorshift), so runs are comparable."""

    def __init__(self, seed: int = 88172645463325252):
        self.x = seed

    def next(self) -> int:
        x = self.x
        x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 7
        x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
        self.x = x
        return x

    def pick(self, seq):
        return seq[self.next() % len(seq)]


def _name(rng: Rng) -> str:
    return f"{rng.pick(FAMILY)} {rng.pick(MIDDLE)} {rng.pick(GIVEN)}"


def _setup():
    from chiso.accounts.services import role_sync, user_create
    from chiso.indicators.services import catalog_load
    from chiso.orgunits.loaders import HamletRow
    from chiso.orgunits.models import OrgUnit, Tier
    from chiso.orgunits.selectors import orgunit_valid_on
    from chiso.orgunits.services import hamlets_import, units_load

    units_load()
    catalog_load()
    role_sync()
    admin = user_create(username="bench", password="bench-bench-bench", is_superuser=True)
    province = OrgUnit.objects.get(orgunit_valid_on(DAY), code=PROVINCE, tier=Tier.PROVINCE)
    communes = list(
        OrgUnit.objects.filter(
            orgunit_valid_on(DAY), path__startswith=province.path, tier=Tier.COMMUNE
        ).order_by("code")
    )
    for commune in communes:
        rows = [
            HamletRow(i, f"{i:02d}", f"Ấp {i}", "ap") for i in range(1, HAMLETS_PER_COMMUNE + 1)
        ]
        hamlets_import(commune=commune, rows=rows)
    officer = user_create(username="bench_xa", password="bench-bench-bench",
                          capture_units=[communes[0]])  # fmt: skip
    return admin, officer, province, communes


def _columns(model, fields):
    return [
        model._meta.get_field(f if f in ("id", "citizen_id") else f.removesuffix("_id")).column
        for f in fields
    ]


def _insert(model, fields, rows):
    from django.db import connection

    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(c) for c in _columns(model, fields))}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20000):
            cursor.executemany(sql, rows[start : start + 20000])


def _reset_sequences(models):
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def generate(n: int, admin, province, communes) -> dict:
    """Bulk-insert ``n`` households of the province with members, residences, classes and a Tết
    programme; returns what the measurements need."""
    from decimal import Decimal

    from django.db import connection, transaction
    from django.utils import timezone

    from chiso.core.text import fold
    from chiso.orgunits.models import OrgUnit, Tier
    from chiso.registers.models import (
        Classification,
        Distribution,
        Household,
        Member,
        Programme,
        ProgrammeItem,
        Residence,
    )
    from chiso.registers.services import programme_create
    from chiso.registers.types import ItemInput

    rng = Rng()
    hamlets = list(
        OrgUnit.objects.filter(parent__in=communes, tier=Tier.HAMLET)
        .order_by("code")
        .values_list("pk", "parent__code")
    )
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    since = connection.ops.adapt_datefield_value(date(2022, 1, 1))
    households, members, residences, classes = [], [], [], []
    kinds = ["HO_NGHEO", "HO_CAN_NGHEO", "BAO_TRO_XA_HOI", "NGUOI_CO_CONG"]
    member_id = 0
    planted = []
    for pk in range(1, n + 1):
        hamlet, commune_code = hamlets[pk % len(hamlets)]
        head = _name(rng)
        year = 1935 + rng.next() % 70
        address = f"Tổ {1 + rng.next() % 9}"
        households.append(
            (pk, f"{commune_code}-B{pk:07d}", head, fold(f"{head} {address}"), address, hamlet,
             "rural", None, True, now, now, admin.pk)
        )  # fmt: skip
        residences.append((pk, hamlet, address, since, None))
        size = 1 + rng.next() % 7  # 1..7: 4 on average
        for i in range(size):
            member_id += 1
            name = head if i == 0 else _name(rng)
            birth = year if i == 0 else min(2022, year + (rng.next() % 40))
            sex = "nu" if rng.next() % 2 else "nam"
            century = (0 if birth < 2000 else 2) + (1 if sex == "nu" else 0)
            citizen = f"070{century}{birth % 100:02d}{member_id:06d}" if member_id < 999999 else ""
            members.append(
                (member_id, pk, name, fold(name), birth, sex, "Kinh",
                 "chu_ho" if i == 0 else "con", citizen)
            )  # fmt: skip
        if pk % 4 == 0:
            classes.append((pk, kinds[pk % 16 // 4], since, None, "", "", "", None, now))
        if pk % max(1, n // 1000) == 0:
            planted.append((head, year, members[-size][8], hamlet))
    with transaction.atomic():
        _insert(Household, ["id", "code", "head_name", "search_name", "address", "hamlet_id",
                            "area", "size", "is_demo", "created", "updated", "created_by_id"],
                households)  # fmt: skip
        _insert(Residence, ["household_id", "hamlet_id", "address", "valid_from", "valid_to"],
                residences)  # fmt: skip
        _insert(Member, ["id", "household_id", "full_name", "search_name", "birth_year", "sex",
                         "ethnicity", "relation", "citizen_id"], members)  # fmt: skip
        _insert(Classification, ["household_id", "kind", "valid_from", "valid_to", "document",
                                 "document_kind", "document_number", "document_date",
                                 "created"], classes)  # fmt: skip
        _reset_sequences([Household, Member, Residence, Classification])
        programme = programme_create(
            user=admin,
            orgunit=province,
            name="Quà Tết 2023 (bench)",
            start=date(2023, 1, 1),
            end=date(2023, 1, 31),
            eligible_classes=kinds,
            items=[ItemInput(f"Quà {k}", "gift", Decimal(400000), beneficiary_class=k)
                   for k in kinds],
        )  # fmt: skip
        items = {i.beneficiary_class: i.pk for i in ProgrammeItem.objects.filter(
            programme=programme)}  # fmt: skip
        hamlet_of = {h[0]: h[0] for h in households}
        rows = []
        for pk, kind, *_ in classes:
            day = connection.ops.adapt_datefield_value(date(2023, 1, 5 + pk % 20))
            rows.append((programme.pk, items[kind], pk, households[pk - 1][5], kind, 1, 400000,
                         0, day, "", now, admin.pk))  # fmt: skip
        _insert(Distribution, ["programme_id", "item_id", "household_id", "hamlet_id",
                               "beneficiary_group", "quantity", "value", "people", "date",
                               "handed_over_by", "created", "recorded_by_id"], rows)  # fmt: skip
        _reset_sequences([Distribution, Programme, ProgrammeItem])
    del hamlet_of
    return {"members": len(members), "distributions": len(rows), "planted": planted,
            "programme": programme}  # fmt: skip


def _variant(name: str, k: int) -> str:
    from chiso.core.text import fold

    if k % 4 == 0:
        return fold(name).upper()  # no accents
    if k % 4 == 1:
        return "  ".join(name.split())  # double spaces
    if k % 4 == 2:
        parts = name.split()
        return f"{parts[0]} {''.join(parts[1:])}"  # a missing space
    return name[:-1]  # a typo: the last letter missing


def _list_file(rows_wanted: int, planted, commune_hamlets) -> tuple[bytes, int]:
    from openpyxl import Workbook

    rng = Rng(12345)
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỘ CẬN NGHÈO (bench)"])
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Địa chỉ", "Thôn/Ấp"])
    n_planted = 0
    for i in range(rows_wanted):
        if i % 10 == 0 and n_planted < len(planted):
            name, year, citizen, _ = planted[n_planted]
            n_planted += 1
            sheet.append([i + 1, _variant(name, n_planted), year, citizen if i % 20 == 0 else "",
                          "Tổ 1", f"Ấp {1 + i % HAMLETS_PER_COMMUNE}"])  # fmt: skip
        else:
            sheet.append([i + 1, _name(rng) + " Mới", 1940 + rng.next() % 60, "", "Tổ 2",
                          f"Ấp {1 + i % HAMLETS_PER_COMMUNE}"])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), n_planted


def _recall(rows, n_planted: int) -> int:
    return sum(1 for r in rows[::10][:n_planted] if r.duplicates)


def run(args, database_url: str | None) -> None:
    home = Path(args.home)
    shutil.rmtree(home, ignore_errors=True)
    django_setup(home, database_url)
    from django.db import connection

    engine = connection.vendor
    started = time.perf_counter()
    admin, officer, province, communes = _setup()
    log(f"[{engine}] units, catalog, {len(communes)} communes with hamlets: "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    t, generated = _timed(lambda: generate(args.households, admin, province, communes))
    log(f"[{engine}] generated {args.households:,} households, {generated['members']:,} people, "
        f"{generated['distributions']:,} hand-overs in {t:.1f} s")  # fmt: skip

    from openpyxl import load_workbook

    from chiso.core.text import fold
    from chiso.registers.imports import (
        beneficiary_import_apply,
        beneficiary_import_preview,
        find_duplicates,
        parse_rows,
        read_table,
    )

    # -- 2. import rate -------------------------------------------------------------------
    commune = communes[0]
    planted = [p for p in generated["planted"]]
    content, n_planted = _list_file(args.rows, planted, None)
    t_read, _ = _timed(lambda: list(load_workbook(io.BytesIO(content), read_only=True)
                                    .worksheets[0].iter_rows(values_only=True)))  # fmt: skip
    t_preview, batch = _timed(lambda: beneficiary_import_preview(
        user=officer, commune=commune, filename="bench.xlsx", content=content))  # fmt: skip

    # -- 3. duplicate detection against the whole register -----------------------------------
    table = read_table("bench.xlsx", content)
    rows, _ = parse_rows(table, commune)
    from chiso.registers.models import Member

    def exact():
        index = set()
        for name, year in Member.objects.values_list("search_name", "birth_year").iterator(
            chunk_size=20000
        ):
            index.add((name.replace(" ", ""), year))
        return {
            r.number for r in rows if (fold(r.head_name).replace(" ", ""), r.birth_year) in index
        }

    t_exact, exact_matched = _timed(exact)
    planted_rows = {r.number for r in rows[::10][:n_planted]}
    exact_recall = len(planted_rows & exact_matched)
    exact_found = len(exact_matched)
    t_fuzzy, _ = _timed(lambda: find_duplicates(admin, rows, commune))
    recall = _recall(rows, n_planted)
    flagged = sum(1 for r in rows if r.duplicates)

    decisions = {r["number"]: "skip" if r["duplicates"] else "new" for r in batch.rows}
    t_apply, counts = _timed(
        lambda: beneficiary_import_apply(
            user=officer, batch=batch, decisions=decisions, partial=True
        )
    )

    # -- 4. dashboard ----------------------------------------------------------------------------
    from chiso.analytics.selectors import analytics_table
    from chiso.datavalues.models import Channel, DataValue
    from chiso.datavalues.services import datavalue_bulk_upsert
    from chiso.datavalues.types import ValueInput
    from chiso.registers.feed import register_values_refresh
    from chiso.registers.services import distribution_create

    t_refresh, written = _timed(lambda: register_values_refresh(province, "2023", user=admin))
    fed = list(
        DataValue.objects.filter(indicator__code__in=GIFTS, deleted=False).values_list(
            "orgunit__code", "period", "value"
        )
    )
    entered = [
        ValueInput(i + 1, code, None, unit, period, str(int(value)))
        for i, ((unit, period, value), code) in enumerate(
            (row, ENTERED[k % len(ENTERED)]) for k, row in enumerate(fed)
        )
    ]
    seen, unique = set(), []
    for item in entered:
        key = (item.indicator_code, item.orgunit_code, item.period_id)
        if key not in seen and len(item.period_id) == 6:
            seen.add(key)
            unique.append(item)
    datavalue_bulk_upsert(user=admin, items=unique, channel=Channel.IMPORT, atomic=False)

    def latency(codes):
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            analytics_table(user=admin, indicators=codes, orgunit=PROVINCE, period="2023",
                            by_option_combo=True)  # fmt: skip
            samples.append(time.perf_counter() - start)
        return percentiles(samples)

    latency(GIFTS)  # warm-up
    reg50, reg95 = latency(GIFTS)
    base50, base95 = latency(ENTERED)
    from chiso.registers.models import Distribution
    from chiso.registers.services import distribution_delete

    sample = (
        Distribution.objects.filter(hamlet__parent=commune)
        .select_related("item", "household")
        .first()
    )
    one = None
    if sample is not None:
        item, household, day = sample.item, sample.household, sample.date
        gone, _ = _timed(lambda: distribution_delete(user=admin, distribution=sample))
        made, _ = _timed(
            lambda: distribution_create(user=admin, item=item, household=household, on=day)
        )
        one = (gone, made)
    n = len(rows)
    print(f"== household register, province size ({engine}) ==")
    print(f"register: {args.households:,} households, {generated['members']:,} people, "
          f"{generated['distributions']:,} hand-overs; {len(communes)} communes")  # fmt: skip
    print(f"import of {n:,} rows ({n_planted} planted duplicates) into one commune:")
    print(f"  baseline read only (openpyxl)   {rate(n, t_read):>12}  ({t_read:.2f} s)")
    print(f"  preview (parse+check+dupes)     {rate(n, t_preview):>12}  ({t_preview:.2f} s)")
    print(f"  apply (write, {counts['created']:,} new)        {rate(n, t_apply):>12}  "
          f"({t_apply:.2f} s)")  # fmt: skip
    print(f"  whole import (preview+apply)    {rate(n, t_preview + t_apply):>12}  "
          f"ratio to read-only: {(t_preview + t_apply) / t_read:.1f}x")  # fmt: skip
    print(f"duplicate detection of {n:,} rows against {generated['members']:,} people:")
    print(f"  baseline exact (name+year)      {t_exact:8.2f} s  recall {exact_recall}/{n_planted}"
          f"  ({exact_found:,} rows matched)")  # fmt: skip
    print(f"  rapidfuzz + ID                  {t_fuzzy:8.2f} s  recall {recall}/{n_planted}  "
          f"({flagged:,} rows flagged)  ratio {t_fuzzy / t_exact:.1f}x")  # fmt: skip
    print(f"register values refresh, province-year: {t_refresh:.2f} s ({written})")
    print(f"dashboard query ({len(GIFTS)} indicators by group, province-year, {args.runs} runs):")
    print(f"  register-fed   p50 {ms(reg50)}  p95 {ms(reg95)}")
    print(f"  baseline entered p50 {ms(base50)}  p95 {ms(base95)}  ratio p50 {reg50 / base50:.2f}")
    if one is not None:
        print(
            f"one hand-over through the service, refresh included: delete {ms(one[0])},"
            f" record {ms(one[1])}"
        )


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--home", default=str(DEFAULT_HOME / "registers"))
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    if args.database == "postgresql":
        with throwaway_postgres("chiso_bench_registers") as url:
            run(args, url)
    else:
        run(args, None)


if __name__ == "__main__":
    main()
