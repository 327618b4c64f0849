"""Validation rules in a real browser, on the demo data.

The Lộc Ninh township officer enters a gift total for January 2023 that is not the sum of the
beneficiary groups: the violation shows under the total at once, naming both figures in
Vietnamese format; it is in the stored results list; correcting the total clears it from the
form and from the list.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

TOWNSHIP = "25270"  # Thị trấn Lộc Ninh
PERIOD = "202301"
TOTAL = "ASXH_QUA_TONG_BAO_CAO"
GROUPS = "ASXH_QUA_SO_LUONG"


def _number(text: str) -> int:
    digits = text.strip().replace(".", "")
    return int(digits) if re.fullmatch(r"-?[0-9]+", digits) else 0


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _inputs(page, code: str):
    return page.locator(f".cell[hx-vals*='\"{code}\"'] input.cell-input")


def _save(page, code: str, text: str) -> None:
    field = _inputs(page, code).first
    field.fill(text)
    with page.expect_response(lambda r: "/entry/cell/" in r.url):
        field.press("Tab")
    page.locator(f".cell[hx-vals*='\"{code}\"'].is-saved").first.wait_for()


def test_officer_sees_a_gift_total_violation_at_once(server, page, login, shot):
    login(page, "locninh")
    page.goto(f"{server}/entry/?ou={TOWNSHIP}&pe={PERIOD}&group=AN_SINH_XA_HOI")
    groups = _inputs(page, GROUPS)
    assert groups.count() == 6
    parts = sum(_number(groups.nth(i).input_value()) for i in range(groups.count()))
    if not parts:
        pytest.skip("the demo has no January 2023 gifts for the township")
    wrong = parts + 50
    message = f"Tổng số phần quà ({_vn(wrong)}) khác tổng các nhóm đối tượng ({_vn(parts)})"

    _save(page, TOTAL, _vn(wrong))
    shown = page.locator(f"#rules-{TOTAL} .rule-msg")
    shown.wait_for()
    assert message in shown.inner_text()
    assert "imp-high" in (shown.get_attribute("class") or "")
    shot(page, "validation-entry-gift-total-violation")

    page.goto(f"{server}/validation/?ou={TOWNSHIP}&pe={PERIOD}")
    row = page.locator(f'#results-table tr[data-rule="TONG_{GROUPS}"]')
    assert row.count() == 1
    assert message in row.inner_text()
    shot(page, "validation-results-list")

    page.goto(f"{server}/entry/?ou={TOWNSHIP}&pe={PERIOD}&group=AN_SINH_XA_HOI")
    assert message in page.locator(f"#rules-{TOTAL}").inner_text()
    _save(page, TOTAL, _vn(parts))
    page.locator(f"#rules-{TOTAL} .rule-msg").wait_for(state="detached")
    assert page.locator(f"#rules-{TOTAL}").inner_text().strip() == ""
    shot(page, "validation-entry-gift-total-corrected")

    page.goto(f"{server}/validation/?ou={TOWNSHIP}&pe={PERIOD}")
    assert page.locator(f'#results-table tr[data-rule="TONG_{GROUPS}"]').count() == 0


def test_admin_sees_computed_indicators_and_scorecards(server, page, login, shot):
    login(page, "admin")
    page.goto(f"{server}/dashboard/?ou=692&pe=2023")
    computed = page.locator('#computed-table tr[data-computed="TY_LE_HO_NGHEO"]')
    assert computed.count() == 1
    cells = computed.locator("td")
    assert cells.nth(0).inner_text().endswith("%")
    assert _number(cells.nth(1).inner_text()) > 0
    assert _number(cells.nth(2).inner_text()) > _number(cells.nth(1).inner_text())
    card = page.locator('details[data-scorecard="NTM_XA_2021_2025"]')
    assert re.search(r"đạt \d+/19 tiêu chí", card.inner_text())
    shot(page, "validation-dashboard-computed-scorecards")
    page.goto(f"{server}/scorecards/NTM_XA_2021_2025/?ou={TOWNSHIP}&pe=2023")
    assert re.search(r"Đạt \d+/19 tiêu chí", page.locator("#scorecard-total").inner_text())
    shot(page, "validation-scorecard-township")
