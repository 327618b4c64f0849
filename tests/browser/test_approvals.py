"""Submission and approval in a real browser, on the demo: the Lộc Ninh township officer
submits April 2024 (a period outside the open 2022–2023 reference years), the Lộc Ninh district
approver approves it; the audit page shows both steps."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

TOWNSHIP = "25270"  # Thị trấn Lộc Ninh
DISTRICT = "692"  # Huyện Lộc Ninh
FORM = "LAO_DONG_VIEC_LAM"
PERIOD = "202404"


def _row(page, code: str):
    return page.locator(f'#approvals-table tr[data-unit="{code}"]')


def _logout(page):
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state("networkidle")


def test_locninh_submits_and_the_district_approves(server, page, login, shot):
    login(page, "locninh")
    page.click("nav.mainnav >> text=Phê duyệt")
    assert page.locator("h1").inner_text() == "Nộp và phê duyệt báo cáo"
    page.goto(f"{server}/approvals/?ou={TOWNSHIP}&pe={PERIOD}&group={FORM}")
    assert _row(page, TOWNSHIP).get_attribute("data-state") == "draft"
    assert "Hạn nộp theo Nghị định 09/2019/NĐ-CP: ngày 14/04/2024." in page.inner_text("main")
    shot(page, "approvals-commune-draft")
    _row(page, TOWNSHIP).locator("button.act.submit").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages li").inner_text() == (
        "Đã nộp nhóm chỉ tiêu “Lao động – việc làm” của Thị trấn Lộc Ninh, tháng 4/2024."
    )
    assert _row(page, TOWNSHIP).get_attribute("data-state") == "submitted"
    assert "Đã nộp, chờ Huyện Lộc Ninh phê duyệt" in _row(page, TOWNSHIP).inner_text()
    shot(page, "approvals-commune-submitted")
    _logout(page)

    login(page, "huyenlocninh")
    page.goto(f"{server}/approvals/?ou={DISTRICT}&pe={PERIOD}&group={FORM}")
    assert page.locator("#approvals-table tbody tr").count() == 16
    assert "1/16" in page.locator(".tally").inner_text()
    row = _row(page, TOWNSHIP)
    assert row.locator("button.act.approve").count() == 1
    shot(page, "approvals-district-before")
    row.locator("button.act.approve").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".messages li").inner_text() == (
        "Đã phê duyệt nhóm chỉ tiêu “Lao động – việc làm” của Thị trấn Lộc Ninh, tháng 4/2024:"
        " Huyện Lộc Ninh đã phê duyệt, chờ Tỉnh Bình Phước phê duyệt."
    )
    assert _row(page, TOWNSHIP).get_attribute("data-state") == "approved"
    shot(page, "approvals-district-approved")

    _row(page, TOWNSHIP).locator("a.history").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("#audit-table tbody tr")
    assert rows.count() == 2
    assert "Phê duyệt" in rows.nth(0).inner_text()
    assert "Nộp" in rows.nth(1).inner_text()
    shot(page, "audit-approvals")
