"""Hamlet files: reading CSV/XLSX, row checks, legacy encodings, and the atomic import."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from chiso.core.errors import ChisoError
from chiso.core.text import encode_legacy
from chiso.orgunits.loaders import HamletRow, read_hamlet_file
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.services import hamlets_import

UNTIL = date(2025, 6, 30)


@pytest.fixture
def commune(make_unit):
    province = make_unit("Tỉnh Thử Nghiệm", tier="tinh", code="T9", valid_to=UNTIL)
    return make_unit("Xã Thử Nghiệm", parent=province, code="C9", valid_to=UNTIL)


def write_csv(tmp_path, text: str, name: str = "thon.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def hamlets(commune) -> list[tuple]:
    return list(
        commune.children.order_by("code").values_list(
            "code", "name", "unit_type", "tier", "valid_from", "valid_to", "is_demo"
        )
    )


def test_good_csv_creates_hamlets_with_the_commune_validity(commune, tmp_path):
    path = write_csv(
        tmp_path,
        "ma,ten,loai\n01,Bàu Trư,ấp\n02,Khu phố Ninh Thịnh,khu phố\n03,Sóc Lớn,\n"
        "04,ap Cây Sung,Ấp\n05,Tân Lập,TO DAN PHO\n",
    )
    result = hamlets_import(commune=commune, rows=read_hamlet_file(path))
    assert (result.created, result.updated, result.unchanged, result.errors) == (5, 0, 0, [])
    assert hamlets(commune) == [
        ("C9-01", "Ấp Bàu Trư", "ap", "thon", None, UNTIL, False),
        ("C9-02", "Khu phố Ninh Thịnh", "khu_pho", "thon", None, UNTIL, False),
        ("C9-03", "Sóc Lớn", "soc", "thon", None, UNTIL, False),
        ("C9-04", "Ấp Cây Sung", "ap", "thon", None, UNTIL, False),
        ("C9-05", "Tổ dân phố Tân Lập", "to_dan_pho", "thon", None, UNTIL, False),
    ]
    first = OrgUnit.objects.get(code="C9-01")
    assert first.path == f"{commune.path}{first.pk}/"
    assert first.search_name == "ap bau tru"


def test_reimport_updates_changed_rows_only(commune, tmp_path):
    hamlets_import(
        commune=commune,
        rows=read_hamlet_file(write_csv(tmp_path, "ma,ten,loai\n01,Ấp 1,ấp\n02,Ấp 2,ấp\n")),
    )
    result = hamlets_import(
        commune=commune,
        rows=read_hamlet_file(
            write_csv(tmp_path, "ma,ten,loai\n01,Ấp 1,ấp\n02,Ấp Hai,ấp\n03,Thôn 3,thôn\n", "b.csv")
        ),
    )
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert [h[:2] for h in hamlets(commune)] == [
        ("C9-01", "Ấp 1"),
        ("C9-02", "Ấp Hai"),
        ("C9-03", "Thôn 3"),
    ]


def test_xlsx_with_accented_headers_and_number_codes(commune, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã", "Tên", "Loại"])
    ws.append([1, "Bản Nà Phặc", "bản"])
    ws.append([2, "Xóm Đồi", None])
    ws.append([None, None, None])
    path = tmp_path / "thon.xlsx"
    wb.save(path)
    rows = read_hamlet_file(path)
    assert rows == [
        HamletRow(number=2, code="1", name="Bản Nà Phặc", unit_type="bản"),
        HamletRow(number=3, code="2", name="Xóm Đồi", unit_type=""),
    ]
    hamlets_import(commune=commune, rows=rows)
    assert [h[:3] for h in hamlets(commune)] == [
        ("C9-1", "Bản Nà Phặc", "ban"),
        ("C9-2", "Xóm Đồi", "xom"),
    ]


def test_bad_rows_write_nothing_and_are_all_named(commune, tmp_path):
    path = write_csv(
        tmp_path,
        "ma,ten,loai\n01,Ấp 1,ấp\n,Ấp 2,ấp\n03,,ấp\n04,Ấp 4,hamlet\n01,Ấp 5,ấp\n"
        "06,Ấp 1,\n07,Ấp 7,thôn\n08,Không rõ,\nmã 9,Ấp 9,ấp\n",
    )
    result = hamlets_import(commune=commune, rows=read_hamlet_file(path))
    assert [e.render() for e in result.errors] == [
        "Dòng 3, cột ma: thiếu mã",
        "Dòng 4, cột ten: thiếu tên",
        "Dòng 5, cột loai: không rõ loại 'hamlet' (dùng một trong: thôn, ấp, khu phố, sóc, "
        "tổ dân phố, bản, buôn, plei, xóm, khóm, làng)",
        "Dòng 6, cột ma: mã '01' trùng với dòng 2",
        "Dòng 7, cột ten: tên 'Ấp 1' trùng với dòng 2",
        "Dòng 8, cột loai: tên 'Ấp 7' không khớp với loại 'thôn'",
        "Dòng 9, cột loai: thiếu loại (tên 'Không rõ' không bắt đầu bằng thôn, ấp, khu phố…)",
        "Dòng 10, cột ma: mã 'mã 9' chỉ được gồm chữ cái không dấu, chữ số và các dấu - _ . "
        "(tối đa 20 ký tự)",
    ]
    assert result.created == 0
    assert hamlets(commune) == []


def test_dry_run_counts_without_writing(commune, tmp_path):
    rows = read_hamlet_file(write_csv(tmp_path, "ma,ten\n01,Ấp 1\n02,Ấp 2\n"))
    result = hamlets_import(commune=commune, rows=rows, dry_run=True)
    assert (result.created, result.ok) == (2, True)
    assert hamlets(commune) == []


def test_tcvn3_csv_is_detected_and_can_be_converted(tmp_path):
    path = tmp_path / "thon.csv"
    text = "ma,ten,loai\n01,Ấp Bàu Trư,ấp\n02,Thôn Đồng Tâm,thôn\n"
    path.write_bytes(encode_legacy(text, "tcvn3").encode("latin-1"))
    with pytest.raises(ChisoError) as caught:
        read_hamlet_file(path)
    assert caught.value.code == "hamlets.legacy_encoding"
    assert caught.value.render() == (
        f"Tệp '{path}' dùng bảng mã cũ TCVN3 (ABC), không phải Unicode. Hãy chuyển mã sang "
        "Unicode (ví dụ: Unikey > Công cụ chuyển mã, từ TCVN3 (ABC) sang Unicode) rồi nhập lại."
    )
    rows = read_hamlet_file(path, legacy_encoding="tcvn3")
    assert [(r.code, r.name, r.unit_type) for r in rows] == [
        ("01", "ấp Bàu Trư", "ấp"),
        ("02", "Thôn Đồng Tâm", "thôn"),  # TCVN3: no "Ấp"
    ]


def test_vni_text_in_an_xlsx_is_detected(tmp_path):
    wb = Workbook()
    wb.active.append(["ma", "ten", "loai"])
    wb.active.append(["01", encode_legacy("Ấp Lộc Thịnh", "vni"), encode_legacy("ấp", "vni")])
    wb.active.append(["02", encode_legacy("Khu phố Ninh Thuận", "vni"), "khu pho"])
    path = tmp_path / "thon.xlsx"
    wb.save(path)
    with pytest.raises(ChisoError) as caught:
        read_hamlet_file(path)
    assert caught.value.params["encoding"] == "VNI"


def test_unusable_files(tmp_path):
    with pytest.raises(ChisoError) as caught:
        read_hamlet_file(tmp_path / "khong-co.csv")
    assert caught.value.code == "hamlets.file_missing"
    with pytest.raises(ChisoError) as caught:
        read_hamlet_file(write_csv(tmp_path, "so;nhan\n01;Ấp 1\n"))
    assert caught.value.render() == "Tệp thiếu cột ma, ten (dòng tiêu đề cần có: ma, ten, loai)"
    with pytest.raises(ChisoError) as caught:
        read_hamlet_file(write_csv(tmp_path, "ma,ten,loai\n"))
    assert caught.value.code == "hamlets.empty"
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(ChisoError) as caught:
        read_hamlet_file(broken)
    assert caught.value.code == "hamlets.file_unreadable"


def test_semicolon_csv_with_bom(commune, tmp_path):
    path = tmp_path / "thon.csv"
    path.write_bytes("\ufeffma;ten;loai\n01;Ấp Chợ;ấp\n".encode())
    assert read_hamlet_file(path) == [HamletRow(2, "01", "Ấp Chợ", "ấp")]


def test_hamlets_only_under_a_commune(commune):
    with pytest.raises(ChisoError) as caught:
        hamlets_import(commune=commune.parent, rows=[HamletRow(2, "01", "Ấp 1", "")])
    assert caught.value.render() == (
        "Tỉnh Thử Nghiệm (mã T9) không phải đơn vị cấp xã; thôn, ấp chỉ thuộc cấp xã"
    )
