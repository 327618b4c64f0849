"""The official structures loaded from ``vietnamadminunits``: counts, codes on dates, tiers,
successions, search, the demo hamlets, ``chiso units`` and the unit browser.

Every test here uses the module-scoped ``national`` fixture, which loads the package once.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from django.test import Client

import chiso.cli
from chiso.accounts.models import Role
from chiso.cli import main
from chiso.orgunits.loaders import package_dir
from chiso.orgunits.models import OrgUnit, Succession
from chiso.orgunits.selectors import (
    orgunit_display_order,
    orgunit_get_by_code,
    orgunit_list_ancestors,
    orgunit_list_descendants,
    orgunit_list_predecessors,
    orgunit_list_successors,
    orgunit_list_tier,
    orgunit_search,
    orgunit_sorted,
)
from chiso.orgunits.services import orgunit_move_to_successor, units_load

BEFORE = date(2023, 1, 1)
AFTER = date(2025, 8, 1)
UNTIL = date(2025, 6, 30)
REFORM = date(2025, 7, 1)

pytestmark = pytest.mark.usefixtures("national")


@pytest.fixture
def units_command(monkeypatch):
    """Parse with the units command alone, so other commands' imports do not matter here."""
    assert "units" in chiso.cli.COMMAND_MODULES
    monkeypatch.setattr(chiso.cli, "COMMAND_MODULES", ("units",))


def package_counts() -> dict[str, int]:
    """Counted straight from the package's database, independently of the loader."""
    con = sqlite3.connect(package_dir() / "dataset.db")
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    try:
        return {
            "legacy_provinces": one("SELECT COUNT(DISTINCT provinceCode) FROM admin_units_legacy"),
            "legacy_districts": one("SELECT COUNT(DISTINCT districtCode) FROM admin_units_legacy"),
            "legacy_communes": one("SELECT COUNT(DISTINCT wardCode) FROM admin_units_legacy"),
            "provinces": one("SELECT COUNT(DISTINCT provinceCode) FROM admin_units"),
            "communes": one("SELECT COUNT(DISTINCT wardCode) FROM admin_units"),
        }
    finally:
        con.close()


def names(units) -> list[str]:
    return [u.name for u in units]


def test_loader_counts_match_the_package(national, db):
    assert package_counts() == {
        "legacy_provinces": 63,
        "legacy_districts": 696,
        "legacy_communes": 10035,
        "provinces": 34,
        "communes": 3321,
    }
    result = national["result"]
    assert result.counts == {
        "legacy": {"tinh": 63, "huyen": 696, "xa": 10035},
        "2025": {"tinh": 34, "xa": 3321},
        "successions": {"whole": 9632, "partial": 1033},
    }
    assert (result.created, result.updated, result.unchanged) == (14149, 0, 0)
    official = OrgUnit.objects.filter(is_demo=False)
    assert official.filter(valid_to=UNTIL, tier="tinh").count() == 63
    assert official.filter(valid_to=UNTIL, tier="huyen").count() == 696
    assert official.filter(valid_to=UNTIL, tier="xa").count() == 10035
    assert official.filter(valid_from=REFORM, tier="tinh").count() == 34
    assert official.filter(valid_from=REFORM, tier="xa").count() == 3321
    assert official.filter(valid_from=REFORM, tier="huyen").count() == 0
    assert Succession.objects.count() == 10665
    assert set(Succession.objects.values_list("effective", flat=True)) == {REFORM}


def test_loading_again_changes_nothing(db):
    before = list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "name", "uid"))
    result = units_load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 14149)
    assert (result.successions_created, result.successions_updated) == (0, 0)
    assert list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "name", "uid")) == before


def test_code_25195_names_a_different_unit_before_and_after_the_reform(db):
    before = orgunit_get_by_code("25195", BEFORE)
    assert (before.name, before.unit_type, before.tier) == ("Phường Tân Phú", "phuong", "xa")
    assert names(orgunit_list_ancestors(before)) == ["Tỉnh Bình Phước", "Thành phố Đồng Xoài"]
    after = orgunit_get_by_code("25195", AFTER)
    assert (after.name, after.unit_type) == ("Phường Bình Phước", "phuong")
    assert names(orgunit_list_ancestors(after)) == ["Tỉnh Đồng Nai"]
    assert str(after.area_km2) == "86.40"
    assert (str(after.latitude), str(after.longitude)) == ("11.520900", "106.899000")
    assert [(s.unit.name, s.kind, s.effective) for s in orgunit_list_successors(before)] == [
        ("Phường Bình Phước", "whole", REFORM)
    ]
    with pytest.raises(OrgUnit.DoesNotExist):
        orgunit_get_by_code("692", AFTER)  # Huyện Lộc Ninh: no districts after the reform


def test_communes_of_a_province_on_a_date(db):
    binh_phuoc = orgunit_get_by_code("70", BEFORE)
    assert orgunit_list_tier("xa", on=BEFORE, under=binh_phuoc).count() == 111
    assert orgunit_list_tier("huyen", on=BEFORE, under=binh_phuoc).count() == 11
    assert orgunit_list_tier("xa", on=AFTER, under=binh_phuoc).count() == 0
    dong_nai = orgunit_get_by_code("75", AFTER)
    assert orgunit_list_tier("xa", on=AFTER, under=dong_nai).count() == 95
    assert orgunit_list_tier("tinh", on=AFTER).count() == 34
    assert orgunit_list_tier("xa", on=BEFORE).count() == 10035


def test_binh_phuoc_ends_on_30_june_2025_and_continues_as_dong_nai(db):
    binh_phuoc = orgunit_get_by_code("70", BEFORE)
    assert (binh_phuoc.name, binh_phuoc.valid_from, binh_phuoc.valid_to) == (
        "Tỉnh Bình Phước",
        None,
        UNTIL,
    )
    assert binh_phuoc.uid == "vn.70.to2025-06-30"
    assert [
        (s.unit.code, s.unit.name, s.kind, s.effective) for s in orgunit_list_successors(binh_phuoc)
    ] == [("75", "Tỉnh Đồng Nai", "whole", REFORM)]
    dong_nai = orgunit_get_by_code("75", AFTER)
    assert (dong_nai.valid_from, dong_nai.valid_to) == (REFORM, None)
    assert [
        (p.unit.name, p.unit.valid_to, p.kind) for p in orgunit_list_predecessors(dong_nai)
    ] == [
        ("Tỉnh Bình Phước", UNTIL, "whole"),
        ("Tỉnh Đồng Nai", UNTIL, "whole"),
    ]
    # Đồng Nai continues under its code and name: both versions share the stable id.
    assert orgunit_get_by_code("75", BEFORE).uid == dong_nai.uid == "vn.75"


def test_a_split_commune_has_partial_successors(db):
    xuan_tam = orgunit_get_by_code("26449", BEFORE)
    assert xuan_tam.name == "Xã Xuân Tâm"
    assert [(s.unit.code, s.unit.name, s.kind) for s in orgunit_list_successors(xuan_tam)] == [
        ("26359", "Xã Xuân Đông", "partial"),
        ("26446", "Xã Xuân Hòa", "partial"),
    ]


def test_xa_loc_ninh_took_over_three_communes_whole(db):
    loc_ninh = orgunit_get_by_code("25270", AFTER)
    assert (loc_ninh.name, loc_ninh.unit_type) == ("Xã Lộc Ninh", "xa")
    assert [(p.unit.code, p.unit.name, p.kind) for p in orgunit_list_predecessors(loc_ninh)] == [
        ("25270", "Thị trấn Lộc Ninh", "whole"),
        ("25297", "Xã Lộc Thái", "whole"),
        ("25288", "Xã Lộc Thuận", "whole"),
    ]


def test_types_come_from_the_names(db):
    bac_kan = OrgUnit.objects.get(code="058", valid_to=UNTIL)
    assert (bac_kan.name, bac_kan.unit_type) == ("Thành phố Bắc Kạn", "thanh_pho")
    thu_duc = OrgUnit.objects.get(name="Thành phố Thủ Đức")
    assert (thu_duc.unit_type, thu_duc.tier) == ("thanh_pho_thuoc_tp", "huyen")
    # The package types this township "Xã"; its name says Thị trấn.
    assert OrgUnit.objects.get(code="15061", valid_to=UNTIL).unit_type == "thi_tran"
    assert orgunit_get_by_code("79", AFTER).unit_type == "thanh_pho_tw"
    assert OrgUnit.objects.filter(unit_type="dac_khu").count() == 13


def test_descendants_and_ancestors_of_huyen_loc_ninh(db):
    district = orgunit_get_by_code("692", BEFORE)
    communes = orgunit_sorted(orgunit_list_descendants(district, tier="xa"))
    assert names(communes) == [
        "Thị trấn Lộc Ninh",
        "Xã Lộc An",
        "Xã Lộc Điền",
        "Xã Lộc Hiệp",
        "Xã Lộc Hòa",
        "Xã Lộc Hưng",
        "Xã Lộc Khánh",
        "Xã Lộc Phú",
        "Xã Lộc Quang",
        "Xã Lộc Tấn",
        "Xã Lộc Thái",
        "Xã Lộc Thành",
        "Xã Lộc Thạnh",
        "Xã Lộc Thiện",
        "Xã Lộc Thịnh",
        "Xã Lộc Thuận",
    ]
    assert orgunit_list_descendants(district).count() == 1 + 16 + 122
    assert orgunit_list_descendants(district, include_self=False, tier="huyen").count() == 0
    hamlet = OrgUnit.objects.get(code="25270-01")
    assert names(orgunit_list_ancestors(hamlet)) == [
        "Tỉnh Bình Phước",
        "Huyện Lộc Ninh",
        "Thị trấn Lộc Ninh",
    ]


def test_demo_hamlets_of_huyen_loc_ninh(national, db):
    assert national["hamlets"] == 122
    township = orgunit_get_by_code("25270", BEFORE)
    hamlets = orgunit_sorted(orgunit_list_descendants(township, tier="thon"))
    assert [(h.code, h.name, h.unit_type, h.is_demo, h.valid_to) for h in hamlets] == [
        (f"25270-0{i}", f"Khu phố {i} (dữ liệu mẫu)", "khu_pho", True, UNTIL) for i in range(1, 7)
    ]
    loc_hoa = orgunit_get_by_code("25273", BEFORE)
    assert names(orgunit_sorted(loc_hoa.children.all())) == [
        f"Ấp {i} (dữ liệu mẫu)" for i in range(1, 10)
    ]
    assert OrgUnit.objects.filter(tier="thon").exclude(is_demo=True).count() == 0


def search_names(query: str, on: date, **kwargs) -> list[str]:
    ids = orgunit_display_order(orgunit_search(query, on=on, **kwargs))
    by_id = OrgUnit.objects.in_bulk(ids)
    return [by_id[i].name for i in ids]


def test_search_is_accent_insensitive(db):
    found = search_names("loc ninh", BEFORE)
    assert found[:5] == [
        "Huyện Lộc Ninh",
        "Thị trấn Lộc Ninh",
        "Xã Lộc Ninh",
        "Xã Lộc Ninh",
        "Xã Lộc Ninh",
    ]
    # then what lies in Huyện Lộc Ninh: its 15 other communes and the 122 demo hamlets
    assert len(found) == 5 + 15 + 122
    assert search_names("Lộc Ninh", BEFORE) == found
    assert search_names("LỘC  NINH", BEFORE) == found
    assert search_names("loc ninh, binh phuoc", BEFORE)[:2] == [
        "Huyện Lộc Ninh",
        "Thị trấn Lộc Ninh",
    ]
    assert len(search_names("loc ninh, binh phuoc", BEFORE)) == 2 + 15 + 122
    assert search_names("loc ninh", AFTER) == ["Xã Lộc Ninh", "Xã Lộc Ninh"]
    assert search_names("dong xoai", BEFORE, tier="huyen") == ["Thành phố Đồng Xoài"]
    assert search_names("25195", AFTER) == ["Phường Bình Phước"]


def test_chiso_units_load_prints_counts_per_structure(units_command, db, capsys):
    assert main(["units", "load"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[:4] == [
        "Cơ cấu trước 01/07/2025: 63 tỉnh, 696 huyện, 10.035 xã",
        "Cơ cấu từ 01/07/2025: 34 tỉnh, 3.321 xã",
        "Kế thừa từ 01/07/2025: 9.632 toàn bộ, 1.033 một phần",
        "Đơn vị: thêm 0, cập nhật 0, không đổi 14.149; kế thừa: thêm 0, cập nhật 0",
    ]
    assert lines[4].startswith("Thời gian: ")


def test_import_hamlets_command_good_file(units_command, db, capsys, tmp_path):
    path = tmp_path / "thon.csv"
    path.write_text("ma,ten,loai\n01,Tân Trà,khu phố\n02,Khu phố Tân Đồng,\n", encoding="utf-8")
    argv = ["units", "import-hamlets", str(path), "--unit", "25195", "--on", "2023-01-01"]
    assert main(argv) == 0
    assert capsys.readouterr().err.strip() == (
        "Phường Tân Phú (mã 25195): thêm 2, cập nhật 0, không đổi 0 thôn/ấp"
    )
    ward = orgunit_get_by_code("25195", BEFORE)
    assert [
        (h.code, h.name, h.unit_type, h.valid_to) for h in orgunit_sorted(ward.children.all())
    ] == [
        ("25195-02", "Khu phố Tân Đồng", "khu_pho", UNTIL),
        ("25195-01", "Khu phố Tân Trà", "khu_pho", UNTIL),
    ]
    assert main(argv) == 0
    assert "thêm 0, cập nhật 0, không đổi 2" in capsys.readouterr().err
    # The same code today is Phường Bình Phước (Đồng Nai): a different commune version.
    assert (
        main(["units", "import-hamlets", str(path), "--unit", "25195", "--on", "2025-08-01"]) == 0
    )
    assert "Phường Bình Phước (mã 25195): thêm 2" in capsys.readouterr().err


def test_import_hamlets_command_bad_row_writes_nothing(units_command, db, capsys, tmp_path):
    path = tmp_path / "thon.csv"
    path.write_text("ma,ten,loai\n01,Ấp 1,ấp\n02,,ấp\n03,Ấp 3,làng xã\n", encoding="utf-8")
    count = OrgUnit.objects.count()
    assert (
        main(["units", "import-hamlets", str(path), "--unit", "25195", "--on", "2023-01-01"]) == 1
    )
    assert capsys.readouterr().err.splitlines() == [
        f"Tệp {path} có 2 lỗi; chưa ghi dòng nào:",
        "  Dòng 3, cột ten: thiếu tên",
        "  Dòng 4, cột loai: không rõ loại 'làng xã' (dùng một trong: thôn, ấp, khu phố, sóc, "
        "tổ dân phố, bản, buôn, plei, xóm, khóm, làng)",
    ]
    assert OrgUnit.objects.count() == count


def test_import_hamlets_command_detects_tcvn3(units_command, db, capsys, tmp_path):
    from chiso.core.text import encode_legacy

    path = tmp_path / "thon.csv"
    text = "ma,ten,loai\n01,Ấp Bàu Trư,ấp\n02,Ấp Cần Lê,ấp\n"
    path.write_bytes(encode_legacy(text, "tcvn3").encode("latin-1"))
    count = OrgUnit.objects.count()
    argv = ["units", "import-hamlets", str(path), "--unit", "25273", "--on", "2023-01-01"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"Tệp '{path}' dùng bảng mã cũ TCVN3 (ABC), không phải Unicode." in err
    assert "--legacy-encoding tcvn3" in err
    assert OrgUnit.objects.count() == count
    assert main([*argv, "--legacy-encoding", "tcvn3"]) == 0
    loc_hoa = orgunit_get_by_code("25273", BEFORE)
    assert sorted(
        loc_hoa.children.filter(code__in=["25273-01", "25273-02"]).values_list("name", flat=True)
    ) == ["Ấp Bàu Trư", "Ấp Cần Lê"]  # the demo hamlets 01 and 02 were renamed


def test_import_hamlets_command_unusable_input(units_command, db, capsys, tmp_path):
    path = tmp_path / "thon.csv"
    path.write_text("ma,ten\n01,Ấp 1\n", encoding="utf-8")
    assert (
        main(["units", "import-hamlets", str(path), "--unit", "99999", "--on", "2023-01-01"]) == 2
    )
    assert capsys.readouterr().err.strip() == "Không có đơn vị mã 99999 vào ngày 01/01/2023"
    assert main(["units", "import-hamlets", str(path), "--unit", "692", "--on", "2023-01-01"]) == 2
    assert capsys.readouterr().err.strip() == (
        "Huyện Lộc Ninh (mã 692) không phải đơn vị cấp xã; thôn, ấp chỉ thuộc cấp xã"
    )
    missing = tmp_path / "khong-co.csv"
    assert (
        main(["units", "import-hamlets", str(missing), "--unit", "25273", "--on", "2023-01-01"])
        == 2
    )
    assert capsys.readouterr().err.strip() == f"Không tìm thấy tệp '{missing}'"


def test_moving_locninh_to_xa_loc_ninh(make_user, db):
    township = orgunit_get_by_code("25270", BEFORE)
    user = make_user("locninh", capture=[township])
    result = orgunit_move_to_successor(predecessor=township, on=REFORM)
    new = orgunit_get_by_code("25270", AFTER)
    assert (result.successor, result.users, result.hamlets) == (new, 1, 6)
    assert list(user.capture_units.all()) == [new]
    assert list(user.view_units.all()) == [township]
    moved = orgunit_sorted(new.children.all())
    assert [(h.code, h.name, h.valid_from, h.valid_to) for h in moved] == [
        (f"25270-0{i}", f"Khu phố {i} (dữ liệu mẫu)", REFORM, None) for i in range(1, 7)
    ]
    assert orgunit_get_by_code("25270-01", BEFORE).parent == township
    assert orgunit_get_by_code("25270-01", AFTER).parent == new
    again = orgunit_move_to_successor(predecessor=township, on=REFORM)
    assert (again.users, again.hamlets) == (0, 0)


# --- the unit browser ----------------------------------------------------------------------


@pytest.fixture
def admin_client(make_user):
    client = Client()
    client.force_login(make_user("admin", roles=[Role.ADMIN], superuser=True))
    return client


@pytest.fixture
def locninh_client(make_user):
    client = Client()
    client.force_login(make_user("locninh", capture=[orgunit_get_by_code("25270", BEFORE)]))
    return client


def test_browser_admin_finds_binh_phuoc_and_its_successor(admin_client):
    page = admin_client.get("/units/", {"q": "binh phuoc", "on": "2023-01-01", "tier": "tinh"})
    html = page.content.decode()
    assert page.status_code == 200
    binh_phuoc = orgunit_get_by_code("70", BEFORE)
    assert f'href="/units/{binh_phuoc.pk}/">Tỉnh Bình Phước</a>' in html
    assert "1 đơn vị có hiệu lực ngày 01/01/2023" in html
    detail = admin_client.get(f"/units/{binh_phuoc.pk}/").content.decode()
    dong_nai = orgunit_get_by_code("75", AFTER)
    assert "<dd>đến 30/06/2025" in detail
    assert f'<a href="/units/{dong_nai.pk}/">Tỉnh Đồng Nai</a>' in detail
    assert "toàn bộ, từ 01/07/2025" in detail
    district = orgunit_get_by_code("692", BEFORE)
    assert f'<a href="/units/{district.pk}/">Huyện Lộc Ninh</a>' in detail
    dn_page = admin_client.get(f"/units/{dong_nai.pk}/").content.decode()
    assert "<dd>01/07/2025 – nay" in dn_page
    assert "Đơn vị tiền thân" in dn_page and "Tỉnh Bình Phước" in dn_page


def test_browser_offers_matches_of_other_dates(admin_client):
    html = admin_client.get("/units/", {"q": "binh phuoc", "tier": "tinh"}).content.decode()
    assert "0 đơn vị có hiệu lực ngày" in html
    assert "Còn 1 đơn vị khớp nhưng có hiệu lực vào thời điểm khác:" in html
    assert '<a href="?q=binh+phuoc&amp;on=&amp;tier=tinh">xem mọi thời điểm</a>' in html
    html = admin_client.get("/units/", {"q": "binh phuoc", "on": "", "tier": "tinh"}).content
    html = html.decode()
    assert "1 đơn vị (mọi thời điểm)" in html
    assert ">Tỉnh Bình Phước</a>" in html and "<td>đến 30/06/2025</td>" in html


def test_browser_shows_communes_sorted_and_demo_hamlets(admin_client):
    district = orgunit_get_by_code("692", BEFORE)
    html = admin_client.get(f"/units/{district.pk}/").content.decode()
    positions = [
        html.index(f">{name}</a>")
        for name in ("Thị trấn Lộc Ninh", "Xã Lộc An", "Xã Lộc Điền", "Xã Lộc Thuận")
    ]
    assert positions == sorted(positions)
    assert "(16)" in html
    township = orgunit_get_by_code("25270", BEFORE)
    html = admin_client.get(f"/units/{township.pk}/").content.decode()
    assert "Khu phố 1 (dữ liệu mẫu)" in html and "(6)" in html


def test_browser_search_is_accent_insensitive_and_paginated(
    admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = admin_client.get("/units/", {"q": "loc ninh", "on": "2023-01-01"})
    html = page.content.decode()
    assert "142 đơn vị có hiệu lực ngày 01/01/2023" in html
    assert "Trang 1/3" in html
    assert html.index(">Huyện Lộc Ninh</a>") < html.index(">Thị trấn Lộc Ninh</a>")
    partial = admin_client.get(
        "/units/", {"q": "loc ninh", "on": "2023-01-01"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.startswith('<div id="results"')
    # no query: the top tier in scope, every province today
    assert "34 đơn vị" in admin_client.get("/units/", {"on": "2025-08-01"}).content.decode()


def test_browser_scope_locninh_sees_only_its_township(locninh_client):
    html = locninh_client.get("/units/", {"q": "loc", "on": "2023-01-01"}).content.decode()
    assert "7 đơn vị có hiệu lực ngày 01/01/2023" in html  # the township and its 6 hamlets
    assert ">Thị trấn Lộc Ninh</a>" in html
    assert "Xã Lộc Hòa" not in html and "Huyện Lộc Ninh</a>" not in html
    html = locninh_client.get("/units/", {"on": "2023-01-01"}).content.decode()
    assert "1 đơn vị có hiệu lực" in html and ">Thị trấn Lộc Ninh</a>" in html
    township = orgunit_get_by_code("25270", BEFORE)
    detail = locninh_client.get(f"/units/{township.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    # ancestors are named for context but not linked; the successor is outside the scope
    assert "<span>Huyện Lộc Ninh</span>" in text
    assert 'Xã Lộc Ninh <span class="code">25270</span>' in text
    other = orgunit_get_by_code("25273", BEFORE)
    missing = locninh_client.get("/units/999999999/")
    forbidden = locninh_client.get(f"/units/{other.pk}/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    assert locninh_client.get(f"/units/{orgunit_get_by_code('70', BEFORE).pk}/").status_code == 404


def test_browser_defaults_to_the_last_day_of_an_ended_scope(locninh_client):
    html = locninh_client.get("/units/").content.decode()
    assert (
        "Không còn đơn vị nào trong phạm vi của bạn có hiệu lực hôm nay; "
        "đang hiển thị theo ngày 30/06/2025."
    ) in html
    assert "1 đơn vị có hiệu lực ngày 30/06/2025" in html
    assert ">Thị trấn Lộc Ninh</a>" in html
    assert 'name="on" value="2025-06-30"' in html


def test_browser_requires_login(db):
    page = Client().get("/units/")
    assert page.status_code == 302 and "/login/" in page["Location"]
