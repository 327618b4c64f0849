import pytest

pytestmark = pytest.mark.browser


def test_admin_finds_binh_phuoc_and_loc_ninh_hamlets(server, page, login, shot):
    login(page, "admin")
    page.goto(server + "/units/")
    page.fill("#q", "binh phuoc")
    page.fill("#on", "2023-06-01")
    page.click("form.unit-filter button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Tỉnh Bình Phước").first.click()
    page.wait_for_load_state("networkidle")
    body = page.locator("main").inner_text()
    assert "Tỉnh Đồng Nai" in body  # the successor from 01/07/2025
    assert "30/06/2025" in body
    shot(page, "unit-binh-phuoc")
    page.get_by_role("link", name="Huyện Lộc Ninh").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Thị trấn Lộc Ninh").first.click()
    page.wait_for_load_state("networkidle")
    assert "(dữ liệu mẫu)" in page.locator("main").inner_text()
    shot(page, "unit-loc-ninh-township")


def test_accent_insensitive_search_finds_loc_ninh(server, page, login):
    login(page, "admin")
    page.goto(server + "/units/?q=loc+ninh&on=2023-06-01")
    names = page.locator("main").inner_text()
    assert "Huyện Lộc Ninh" in names and "Thị trấn Lộc Ninh" in names


def test_locninh_uploads_a_csv_bad_row_then_good_file(server, page, login, shot, tmp_path):
    login(page, "locninh")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
        "VL_VIEC_LAM_MOI,202401,25270,,,12\n"
        "VL_VIEC_LAM_MOI,202401,25273,,,7\n",  # another commune: out of scope
        encoding="utf-8",
    )
    page.goto(server + "/data/upload/")
    page.set_input_files("#id_file", str(bad))
    page.click("form[enctype] button.primary")
    page.wait_for_load_state("networkidle")
    result = page.locator("main").inner_text()
    assert "Tệp bị từ chối" in result
    assert "dòng 3" in result and "'25273'" in result
    shot(page, "upload-rejected")
    good = tmp_path / "good.csv"
    good.write_text(
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
        "VL_VIEC_LAM_MOI,202401,25270,,,12\n",
        encoding="utf-8",
    )
    page.goto(server + "/data/upload/")
    page.set_input_files("#id_file", str(good))
    page.click("form[enctype] button.primary")
    page.wait_for_load_state("networkidle")
    result = page.locator("main").inner_text()
    assert "Đã nhập xong." in result and "Tệp bị từ chối" not in result
    shot(page, "upload-imported")
