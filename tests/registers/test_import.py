"""Beneficiary lists from Excel: header variants, per-row errors, planted duplicates (accent and
spacing variants, same ID, repeats in the file), decisions per duplicate, atomic apply."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from chiso.core.errors import ChisoError
from chiso.registers.imports import (
    beneficiary_import_apply,
    beneficiary_import_preview,
    beneficiary_template,
    read_table,
)
from chiso.registers.models import BeneficiaryImport, Classification, Household, Member


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Địa chỉ", "Thôn/Ấp"]


@pytest.fixture
def registered(make_household, tree):
    """Two households of Xã An already in the register."""
    return {
        "an": make_household("Nguyễn Văn An", birth_year=1970),
        "binh": make_household("Trần Thị Bình", birth_year=1985, citizen_id="070185012345"),
    }


def _preview(user, tree, rows, **kw):
    return beneficiary_import_preview(
        user=user,
        commune=tree["a"],
        filename="danh-sach.xlsx",
        content=xlsx([["DANH SÁCH HỘ NGHÈO NĂM 2023"], [], HEADER, *rows]),
        **kw,
    )


def _flags(batch):
    return {
        r["number"]: [(d["reason"], d["household_code"] or d["row"]) for d in r["duplicates"]]
        for r in batch.rows
    }


def test_planted_duplicates_are_flagged(registered, officer_a, tree):
    rows = [
        [1, "NGUYEN VAN  AN", 1970, "", "Tổ 3", "Ấp Một"],  # accents and spacing
        [2, "Nguyễn VănAn", 1970, "", "", "Ấp Một"],  # a missing space
        [3, "Trần T. Bình", 1986, "070185012345", "", "Ấp Một"],  # same ID, other spelling
        [4, "Lê Văn Cường", 1990, "", "", "Ấp Một"],  # new
        [5, "Le Van Cuong", 1990, "", "", "Ấp Một"],  # repeats row 4 of the file... (row 7)
        [6, "Nguyễn Văn An", 1971, "", "", "Ấp Một"],  # other birth year: not flagged
    ]
    batch = _preview(officer_a, tree, rows)
    an, binh = registered["an"].code, registered["binh"].code
    assert _flags(batch) == {
        4: [("name", an)],
        5: [("name", an), ("name", 4)],
        6: [("id", binh)],
        7: [],
        8: [("name", 7)],
        9: [],
    }
    # row 6 has a birth year the ID contradicts: an error, named by row and column
    assert batch.rows[2]["errors"] == [
        "Dòng 6, cột Số CCCD: Số định danh cá nhân '070185012345' ghi năm sinh 1985, không khớp"
        " năm sinh 1986"
    ]
    assert Household.objects.count() == 2  # nothing written by a preview


def test_same_id_flags_without_a_birth_year(registered, officer_a, tree):
    batch = _preview(officer_a, tree, [[1, "Tran Thi Binh", "", "070185012345", "", "1"]])
    assert _flags(batch) == {4: [("id", registered["binh"].code)]}  # one entry per household
    assert batch.rows[0]["hamlet_name"] == "Ấp Một"  # "1" names Ấp Một


def test_a_match_outside_the_scope_names_only_the_commune(make_household, tree, officer_a):
    make_household("Phạm Văn Dũng", hamlet=tree["b1"], birth_year=1980, citizen_id="070080099999")
    batch = _preview(officer_a, tree, [[1, "Phạm Văn Dũng", 1980, "070080099999", "", "Ấp Một"]])
    (dup,) = batch.rows[0]["duplicates"]
    assert dup == {
        "reason": "id",
        "score": 100,
        "household_id": None,
        "household_code": "",
        "name": "",
        "birth_year": None,
        "place": "Xã Bình",
        "in_scope": False,
        "row": None,
    }


def test_decisions_merge_skip_new_are_applied_atomically(registered, officer_a, tree):
    rows = [
        [1, "NGUYEN VAN AN", 1970, "", "", "Ấp Một"],
        [2, "Lê Văn Cường", 1990, "", "Tổ 5", "Ấp Một"],
        [3, "Le Van Cuong", 1990, "", "", "Ấp Một"],
    ]
    batch = _preview(officer_a, tree, rows, kind="HO_NGHEO", valid_from=date(2023, 1, 1))
    with pytest.raises(ChisoError) as caught:
        beneficiary_import_apply(user=officer_a, batch=batch, decisions={5: "new"})
    assert caught.value.code == "import.decision_missing"
    assert Household.objects.count() == 2
    counts = beneficiary_import_apply(
        user=officer_a,
        batch=batch,
        decisions={4: f"merge:{registered['an'].pk}", 5: "new", 6: "skip"},
    )
    assert counts == {"created": 1, "merged": 1, "skipped": 1}
    assert Household.objects.count() == 3
    assert set(
        Classification.objects.filter(kind="HO_NGHEO").values_list(
            "household__head_name", flat=True
        )
    ) == {"Nguyễn Văn An", "Lê Văn Cường"}
    batch.refresh_from_db()
    assert (batch.status, batch.rows) == (BeneficiaryImport.Status.DONE, [])


def test_rows_with_errors_block_the_import_unless_partial(officer_a, tree, catalog):
    rows = [
        [1, "Đỗ Thị Em", "năm 1990", "", "", "Ấp Một"],
        [2, "Võ Văn Phúc", 1962, "", "", "Ấp Chín"],
        [3, "Bùi Thị Giang", 1975, "12345", "", "Ấp Một"],
        [4, "Hồ Văn Hải", 1980, "", "", "Ấp Một"],
    ]
    batch = _preview(officer_a, tree, rows)
    assert [r["errors"] for r in batch.rows] == [
        ["Dòng 4, cột Năm sinh: năm sinh 'năm 1990' không hợp lệ"],
        ["Dòng 5, cột Thôn/Ấp: không có thôn, ấp 'Ấp Chín' trong Xã An"],
        ["Dòng 6, cột Số CCCD: Số định danh cá nhân '12345' không hợp lệ: phải gồm đúng 12 chữ số"],
        [],
    ]
    with pytest.raises(ChisoError) as caught:
        beneficiary_import_apply(user=officer_a, batch=batch, decisions={})
    assert caught.value.code == "import.has_errors"
    assert Member.objects.count() == 0
    counts = beneficiary_import_apply(user=officer_a, batch=batch, decisions={}, partial=True)
    assert counts == {"created": 1, "merged": 0, "skipped": 3}
    assert list(Household.objects.values_list("head_name", flat=True)) == ["Hồ Văn Hải"]


def test_another_communes_officer_cannot_import_into_it(officer_b, tree):
    from chiso.accounts.access import UnitNotFound

    with pytest.raises(UnitNotFound):
        _preview(officer_b, tree, [[1, "Nguyễn Văn An", 1970, "", "", "Ấp Một"]])
    assert BeneficiaryImport.objects.count() == 0


def test_the_template_reads_back_with_its_own_columns(officer_a, tree):
    content = beneficiary_template()
    table = read_table("mau.xlsx", content)
    assert table[0][:7] == [
        "Họ tên chủ hộ",
        "Năm sinh",
        "Giới tính",
        "Dân tộc",
        "Số CCCD",
        "Địa chỉ",
        "Thôn/Ấp",
    ]
    batch = beneficiary_import_preview(
        user=officer_a, commune=tree["a"], filename="mau.xlsx", content=content
    )
    (row,) = batch.rows
    assert (row["head_name"], row["birth_year"], row["citizen_id"], row["kind"], row["errors"]) == (
        "Nguyễn Văn Mẫu",
        1975,
        "070075000001",
        "HO_NGHEO",
        [],
    )
