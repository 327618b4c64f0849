"""The validation pages: stored results with "Chạy kiểm tra", the rule and computed-indicator
editors (administrators only), the live expression check and the preview on real data."""

import html

import pytest

from chiso.validation.models import ComputedIndicator, ValidationResult, ValidationRule

MESSAGE = "Tổng số phần quà (1.250) khác tổng các nhóm đối tượng (1.200)"


@pytest.fixture
def inconsistent(store):
    store(
        [
            ("ASXH_QUA_SO_LUONG", "XA", "202301", 700, "HO_NGHEO"),
            ("ASXH_QUA_SO_LUONG", "XA", "202301", 500, "NGUOI_CO_CONG"),
            ("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1250),
        ]
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_run_then_list_stored_results(clerk, gift_rule, inconsistent, client_for):
    client = client_for(clerk)
    page = text(client.get("/validation/?ou=XA&pe=2023"))
    assert "Không có vi phạm nào đã lưu" in page
    assert "Chạy kiểm tra" in page
    answer = client.post("/validation/run/", {"ou": "XA", "pe": "2023"})
    assert answer.status_code == 302
    assert answer["Location"] == "/validation/?ou=XA&pe=2023"
    page = text(client.get(answer["Location"]))
    assert "Đã chạy kiểm tra Xã An, năm 2023: 1 vi phạm (1 mức cao)." in page
    row = page.split('data-rule="TONG_QUA" data-unit="XA"')[1].split("</tr>")[0]
    assert MESSAGE in row
    assert "tháng 1/2023" in row
    assert "Cao" in row
    # Filtered by importance.
    assert MESSAGE not in text(client.get("/validation/?ou=XA&pe=2023&imp=low"))


def test_results_of_another_commune_are_404(
    other_clerk, gift_rule, inconsistent, client_for, snapshot
):
    client = client_for(other_clerk)
    before = snapshot()
    assert client.get("/validation/?ou=XA&pe=2023").status_code == 404
    assert client.post("/validation/run/", {"ou": "XA", "pe": "2023"}).status_code == 404
    assert snapshot() == before


def test_pages_need_login(db):
    from django.test import Client

    for url in ("/validation/", "/validation/rules/", "/validation/computed/", "/scorecards/X/"):
        answer = Client().get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/login/")


def test_expression_check_as_typed(clerk, catalog, client_for):
    client = client_for(clerk)
    ok = text(
        client.post(
            "/validation/expression/check/",
            {"field": "left", "left": "#{ASXH_QUA_SO_LUONG.HO_NGHEO} + 1", "kind": "number"},
        )
    )
    assert 'data-check="ok"' in ok
    assert "Biểu thức hợp lệ" in ok and "ASXH_QUA_SO_LUONG" in ok
    wrong = text(
        client.post(
            "/validation/expression/check/",
            {"field": "right", "right": "#{VL_VIEC_LAM_MOI} + * 2", "kind": "number"},
        )
    )
    assert 'data-check="error"' in wrong
    assert "Lỗi cú pháp ở vị trí 22" in wrong
    assert "<mark>*</mark>" in wrong
    unknown = text(
        client.post(
            "/validation/expression/check/", {"field": "numerator", "numerator": "#{KHONG_CO}"}
        )
    )
    assert "Không có chỉ tiêu mã 'KHONG_CO' (vị trí 1)" in unknown


def test_only_an_administrator_edits_rules(clerk, admin, gift_rule, client_for, snapshot):
    clerk_client = client_for(clerk)
    assert clerk_client.get("/validation/rules/").status_code == 200
    page = text(clerk_client.get("/validation/rules/TONG_QUA/"))
    assert "Chỉ quản trị viên được sửa" in page
    before = snapshot()
    form = {
        "code": "TONG_QUA",
        "name": "Đổi tên",
        "left": "#{ASXH_QUA_TONG_BAO_CAO}",
        "operator": "==",
        "right": "#{ASXH_QUA_SO_LUONG}",
        "missing_strategy": "skip_if_any_missing",
        "importance": "low",
        "period_type": "month",
        "tiers": ["xa"],
        "message": "{left} ≠ {right}",
    }
    assert clerk_client.post("/validation/rules/TONG_QUA/", form).status_code == 403
    assert clerk_client.get("/validation/rules/new/").status_code == 403
    assert ValidationRule.objects.get().name == gift_rule.name
    assert snapshot() == before

    admin_client = client_for(admin)
    answer = admin_client.post("/validation/rules/TONG_QUA/", form)
    assert answer.status_code == 302
    rule = ValidationRule.objects.get()
    assert (rule.name, rule.importance, rule.blocking, rule.tiers) == (
        "Đổi tên",
        "low",
        False,
        ["xa"],
    )


def test_a_rule_with_a_bad_expression_is_not_saved(admin, catalog, client_for):
    form = {
        "code": "MOI",
        "name": "Quy tắc mới",
        "left": "#{VL_VIEC_LAM_MOI} +",
        "operator": "<=",
        "right": "#{KHONG_CO}",
        "missing_strategy": "never_skip",
        "importance": "high",
        "period_type": "month",
    }
    answer = client_for(admin).post("/validation/rules/new/", form)
    assert answer.status_code == 422
    page = text(answer)
    assert "Lỗi cú pháp ở vị trí 21" in page
    assert "Không có chỉ tiêu mã 'KHONG_CO' (vị trí 1)" in page
    assert not ValidationRule.objects.exists()
    answer = client_for(admin).post(
        "/validation/rules/new/", {**form, "left": "#{VL_VIEC_LAM_MOI}", "right": "100"}
    )
    assert answer.status_code == 302
    assert ValidationRule.objects.get().indicator_codes == ["VL_VIEC_LAM_MOI"]


def test_rule_preview_on_real_data(admin, clerk, catalog, inconsistent, client_for):
    form = {
        "name": "Thử",
        "left": "#{ASXH_QUA_TONG_BAO_CAO}",
        "operator": "==",
        "right": "#{ASXH_QUA_SO_LUONG}",
        "missing_strategy": "skip_if_any_missing",
        "message": "Tổng ({left}) khác các nhóm ({right})",
        "preview_ou": "XA",
        "preview_pe": "202301",
    }
    page = text(client_for(clerk).post("/validation/rules/preview/", form))
    assert 'data-outcome="violated"' in page
    assert "Tổng (1.250) khác các nhóm (1.200)" in page
    assert "#{ASXH_QUA_SO_LUONG}" in page
    page = text(client_for(admin).post("/validation/rules/preview/", {**form, "operator": ">="}))
    assert 'data-outcome="passed"' in page
    assert not ValidationResult.objects.exists()  # a preview stores nothing


def test_preview_of_another_commune_is_404(other_clerk, catalog, inconsistent, client_for):
    answer = client_for(other_clerk).post(
        "/validation/rules/preview/",
        {
            "left": "#{ASXH_QUA_TONG_BAO_CAO}",
            "operator": "==",
            "right": "#{ASXH_QUA_SO_LUONG}",
            "missing_strategy": "never_skip",
            "preview_ou": "XA",
            "preview_pe": "202301",
        },
    )
    assert answer.status_code == 404
    assert "1.250" not in answer.content.decode()


def test_computed_indicator_editor_and_preview(admin, store, client_for):
    store([("GN_HO_NGHEO", "XA", "2023", 62), ("CHUNG_TONG_SO_HO", "XA", "2023", 3314)])
    client = client_for(admin)
    form = {
        "code": "TY_LE_NGHEO",
        "name_vi": "Tỷ lệ hộ nghèo",
        "numerator": "#{GN_HO_NGHEO}",
        "denominator": "#{CHUNG_TONG_SO_HO}",
        "factor": "100",
        "decimals": "2",
        "unit": "%",
        "preview_ou": "XA",
        "preview_pe": "2023",
    }
    page = text(client.post("/validation/computed/preview/", form))
    assert "<strong data-value>1,87%</strong>" in page
    assert "Tử số: 62" in page and "Mẫu số: 3.314" in page
    assert client.post("/validation/computed/new/", form).status_code == 302
    saved = ComputedIndicator.objects.get()
    assert (saved.code, saved.numerator, saved.decimals) == ("TY_LE_NGHEO", "#{GN_HO_NGHEO}", 2)
    listing = text(client.get("/validation/computed/"))
    assert "TY_LE_NGHEO" in listing
