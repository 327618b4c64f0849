import pytest
from django.test import Client

from chiso.indicators.services import catalog_load


@pytest.fixture
def client(make_user):
    catalog_load()
    c = Client()
    c.force_login(make_user("xem"))
    return c


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", ["/indicators/", "/indicators/VL_VIEC_LAM_MOI/"])
def test_pages_require_login(db, url):
    catalog_load()
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_list_shows_groups_and_seeded_names(client):
    html = page(client, "/indicators/")
    assert "Danh mục chỉ tiêu" in html
    assert "Số chỉ tiêu: 72" in html
    assert "<h2>Lao động – việc làm</h2>" in html
    assert "<h2>An sinh xã hội</h2>" in html
    assert "Số lao động được giải quyết việc làm" in html
    assert "Thứ hạng Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)" in html
    assert 'href="/indicators/ASXH_QUA_SO_LUONG/"' in html
    assert 'href="/indicators/">Chỉ tiêu</a>' in html


def test_list_sorts_names_the_vietnamese_way(client):
    html = page(client, "/indicators/")
    # "đ" sorts right after "d", so before "n" (code-point order would put it after "z").
    assert html.index("Số lao động được đào tạo lại") < html.index("Số lao động ngoại tỉnh")
    assert html.index("Số hộ nghèo</a>") < html.index("Số hộ thoát nghèo</a>")


def test_search_is_accent_insensitive(client):
    html = page(client, "/indicators/?q=viec+lam")
    assert "Số lao động được giải quyết việc làm" in html
    assert "Số hộ nghèo</a>" not in html
    assert page(client, "/indicators/?q=dao+tao").count("Số lao động được đào tạo lại") == 1
    by_code = page(client, "/indicators/?q=cchc_pci")
    assert "Số chỉ tiêu: 2" in by_code
    nothing = page(client, "/indicators/?q=khongcochitieunay")
    assert "Không tìm thấy chỉ tiêu nào." in nothing
    assert "Số chỉ tiêu: 0" in nothing


def test_detail_shows_disaggregation_options(client):
    html = page(client, "/indicators/ASXH_QUA_SO_LUONG/")
    assert "Số phần quà tặng, hỗ trợ" in html
    assert "Gifts given" in html
    assert "phần quà" in html
    assert "Theo nhóm đối tượng" in html
    for name in (
        "Hộ nghèo",
        "Hộ cận nghèo",
        "Đối tượng bảo trợ xã hội",
        "Người có công với cách mạng",
        "Đồng bào dân tộc thiểu số",
        "Đối tượng khác",
    ):
        assert name in html
    assert "Các phân tổ kết hợp (6)" in html
    assert "HO_CAN_NGHEO" in html


def test_detail_of_a_two_category_indicator(client):
    html = page(client, "/indicators/YT_TIEM_CHUNG_MUI/")
    assert "Các phân tổ kết hợp (12)" in html
    assert "Từ 12 đến 17 tuổi, Mũi 3 (nhắc lại lần 1)" in html
    assert "TU_12_DEN_17_TUOI_MUI_3" in html


def test_detail_without_disaggregation(client):
    html = page(client, "/indicators/VL_VIEC_LAM_MOI/")
    assert "Không phân tổ: mỗi đơn vị, mỗi kỳ có một giá trị (mã phân tổ DEFAULT)." in html
    assert "Cộng" in html and "Tháng" in html and "Càng cao càng tốt" in html


def test_unknown_indicator_is_404(client):
    assert client.get("/indicators/KHONG_CO/").status_code == 404


def test_pages_in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/indicators/"})
    html = page(client, "/indicators/")
    assert "Workers placed in jobs" in html
    assert "<h2>Labour and employment</h2>" in html
    detail = page(client, "/indicators/ASXH_QUA_SO_LUONG/")
    assert "Near-poor households" in detail
