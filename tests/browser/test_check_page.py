"""The report checker page in a real browser, against the demo (Tỉnh Bình Phước, 2023)."""

import pytest

pytestmark = pytest.mark.browser

PARAGRAPH = (
    "Hiện nay tỉnh có 1.468 dịch vụ công kết nối Cổng dịch vụ công quốc gia; trong đó có "
    "1.076 dịch vụ công trực tuyến toàn trình, 396 dịch vụ công trực tuyến một phần."
)


def test_admin_pastes_a_paragraph_and_sees_the_error_highlighted(server, page, login, shot):
    login(page, "admin")
    page.click("nav.mainnav details.more summary")  # the "Thêm" menu
    page.click("nav.mainnav >> text=Kiểm tra báo cáo")
    assert page.url == f"{server}/check/"
    page.fill("#check-text", PARAGRAPH)
    page.click("form.check-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    marks = page.locator("#check-text-view mark.finding")
    assert marks.count() == 1
    assert marks.first.inner_text() == "1.468 dịch vụ công"
    assert marks.first.get_attribute("class") == "finding is-error"
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('mark.finding.is-error')).backgroundColor"
    )
    assert colour == "rgb(251, 213, 209)"
    assert page.locator(".check-summary .count-error").inner_text() == "Lỗi: 1"
    assert page.locator("#f-1 .finding-msg").inner_text() == (
        "Tổng các thành phần 1.076 + 396 = 1.472 dịch vụ công, vượt quá 1.468 dịch vụ công đã nêu"
    )
    shot(page, "check-error")
    # The number beside the highlight leads to its explanation.
    page.click("#check-text-view sup.refs a[href='#f-1']")
    assert page.url.endswith("#f-1")


def test_admin_compares_the_paragraph_with_the_demo_data(server, page, login, shot):
    login(page, "admin")
    page.goto(f"{server}/check/")
    page.fill("#check-text", PARAGRAPH)
    page.fill("#check-unit", "70")
    page.fill("#check-period", "2023")
    page.click("form.check-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    marks = page.locator("#check-text-view mark.finding")
    assert [marks.nth(i).inner_text() for i in range(marks.count())] == [
        "1.468 dịch vụ công",
        "396 dịch vụ công",
    ]
    assert page.locator("#f-2 .finding-msg").inner_text() == (
        "Số liệu nêu 396 dịch vụ công; dữ liệu chiso (Tỉnh Bình Phước, năm 2023): 392 dịch vụ công"
    )
    assert page.locator(".check-compare-table tbody tr").count() == 3
    shot(page, "check-compare")
