"""The entry form and the dashboard in a real browser, on the demo data.

Flow: the admin opens Bình Phước's 2023 dashboard (the report's jobs figure: 38.406, 96,0% of
plan, +4,0% on 2022); the Lộc Ninh township officer enters a December value in the entry form,
sees it saved, types "1.5" and sees the Vietnamese error in the cell; the admin's province
dashboard then shows the new total.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

JOBS = "VL_VIEC_LAM_MOI"
COUNSELLED = "VL_TU_VAN"
PROVINCE = "70"  # Tỉnh Bình Phước (until 30/06/2025)
TOWNSHIP = "25270"  # Thị trấn Lộc Ninh


def _number(text: str) -> int:
    """ "38.406" → 38406; "" or "—" → 0."""
    digits = text.strip().replace(".", "")
    return int(digits) if re.fullmatch(r"-?[0-9]+", digits) else 0


def _jobs_value(page) -> str:
    return page.locator(f'#indicator-table tr[data-indicator="{JOBS}"] td').nth(0).inner_text()


def _cell(page, code: str):
    return page.locator(f".cell[hx-vals*='\"{code}\"']")


def test_admin_sees_the_province_jobs_figures(server, page, login, shot):
    login(page, "admin")
    page.goto(f"{server}/dashboard/?ou={PROVINCE}&pe=2023")
    assert page.locator("h1").inner_text() == "Bảng điều khiển · Tỉnh Bình Phước"
    assert "năm 2023" in page.locator(".context-line").inner_text()
    shot(page, "dashboard-province-2023")
    if not _number(_jobs_value(page)):
        pytest.skip("the demo has no 2023 jobs figures yet")
    assert _jobs_value(page).strip() == "38.406"
    row = page.locator(f'#indicator-table tr[data-indicator="{JOBS}"] td')
    assert row.nth(2).inner_text() == "96,0%"
    assert row.nth(4).inner_text() == "+4,0%"
    card = page.locator(f'.kpi[data-indicator="{JOBS}"]')
    assert "38.406" in card.inner_text()
    assert "đạt 96,0% kế hoạch" in card.inner_text()
    assert "tăng 4,0% so với cùng kỳ" in card.inner_text()
    # The breakdown by district and its bar chart.
    page.goto(f"{server}/dashboard/?ou={PROVINCE}&pe=2023&ind={JOBS}")
    assert page.locator("#children-table tbody tr").count() >= 2
    assert page.locator(".chart svg rect.bar").count() >= 2
    shot(page, "dashboard-province-2023-jobs")


def test_officer_enters_values_and_the_province_total_follows(server, browser, page, login, shot):
    # The admin's province figure before.
    admin = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    admin_page = admin.new_page()
    login(admin_page, "admin")
    dashboard = f"{server}/dashboard/?ou={PROVINCE}&pe=2023&ind={JOBS}"
    admin_page.goto(dashboard)
    before = _number(_jobs_value(admin_page))

    login(page, "locninh")
    page.goto(f"{server}/entry/?ou={TOWNSHIP}&pe=202312&group=LAO_DONG_VIEC_LAM")
    assert "Thị trấn Lộc Ninh" in page.locator(".context-line").inner_text()
    assert "tháng 12/2023" in page.locator(".context-line").inner_text()
    # Only the township and its hamlets are offered.
    options = page.locator("#pick-ou option").all_inner_texts()
    assert any("Thị trấn Lộc Ninh" in o for o in options)
    assert not any("Bình Phước" in o for o in options)
    shot(page, "entry-locninh-before")

    jobs = _cell(page, JOBS).locator("input.cell-input")
    old = _number(jobs.input_value())
    jobs.fill("1.234")
    jobs.press("Tab")
    saved = page.locator(f".cell.is-saved[hx-vals*='\"{JOBS}\"']")
    saved.wait_for()
    assert saved.locator(".cell-msg").inner_text() == "Đã lưu"
    assert saved.locator("input").input_value() == "1.234"

    counselled = _cell(page, COUNSELLED).locator("input.cell-input")
    kept = counselled.input_value()
    counselled.fill("1.5")
    counselled.press("Enter")
    error = page.locator(f".cell.is-error[hx-vals*='\"{COUNSELLED}\"']")
    error.wait_for()
    assert error.locator(".cell-msg").inner_text() == (
        "'1.5' không phải số hợp lệ: dùng '1,5' hoặc '15'"
    )
    assert error.locator("input").input_value() == "1.5"  # nothing typed is lost
    # Enter moved down the column.
    focused = page.evaluate("document.activeElement.closest('tr').rowIndex")
    row_of_error = page.evaluate("document.querySelector('.cell.is-error').closest('tr').rowIndex")
    assert focused == row_of_error + 1
    shot(page, "entry-locninh-after")
    # Reloading shows the saved value and the old one for the refused cell.
    page.reload()
    assert _cell(page, JOBS).locator("input").input_value() == "1.234"
    assert _cell(page, COUNSELLED).locator("input").input_value() == kept

    admin_page.goto(dashboard)
    after = _number(_jobs_value(admin_page))
    assert after == before - old + 1234
    shot(admin_page, "dashboard-province-after-entry")
    admin.close()
