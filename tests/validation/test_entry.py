"""The entry form runs the rules reading a saved cell and shows their violations at once."""

import html
import re

import pytest

from chiso.datavalues.models import DataValue
from chiso.validation.models import ValidationResult

MESSAGE = "Tổng số phần quà (1.250) khác tổng các nhóm đối tượng (1.200)"


@pytest.fixture
def groups(store, gift_rule):
    store(
        [
            ("ASXH_QUA_SO_LUONG", "XA", "202301", 700, "HO_NGHEO"),
            ("ASXH_QUA_SO_LUONG", "XA", "202301", 500, "NGUOI_CO_CONG"),
        ]
    )


def post(client, indicator, value, combo="DEFAULT", ou="XA", ver=None):
    stored = DataValue.objects.filter(
        indicator__code=indicator, option_combo__code=combo, orgunit__code=ou, period="202301"
    ).first()
    version = ver if ver is not None else (stored.version if stored else 0)
    return client.post(
        "/entry/cell/",
        {
            "ou": ou,
            "pe": "202301",
            "g": "AN_SINH_XA_HOI",
            "i": indicator,
            "c": combo,
            "ver": str(version),
            "value": value,
            "status": "official",
        },
    )


def rule_block(page: str, code: str) -> str:
    """The rule-message container of a row (``rules-CODE``), with its attributes."""
    match = re.search(rf'<div class="rule-msgs" id="rules-{code}"[^>]*>.*?</div>', page, re.S)
    assert match, f"no rule container for {code}"
    return html.unescape(match.group(0))


def test_a_gift_total_that_is_not_the_sum_shows_at_once_and_clears(clerk, groups, client_for):
    client = client_for(clerk)
    answer = post(client, "ASXH_QUA_TONG_BAO_CAO", "1.250")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Đã lưu" in page
    # The total's row shows the violation, both figures in Vietnamese format (out of band).
    block = rule_block(page, "ASXH_QUA_TONG_BAO_CAO")
    assert 'hx-swap-oob="true"' in block
    assert MESSAGE in block
    assert 'class="rule-msg imp-high"' in block
    # The groups' row is refreshed too (the message shows once, under the total).
    assert MESSAGE not in rule_block(page, "ASXH_QUA_SO_LUONG")
    assert list(ValidationResult.objects.values_list("orgunit__code", "period", "message")) == [
        ("XA", "202301", MESSAGE)
    ]
    # The form shows it when loaded again.
    form = client.get("/entry/?ou=XA&pe=202301&group=AN_SINH_XA_HOI").content.decode()
    assert MESSAGE in rule_block(form, "ASXH_QUA_TONG_BAO_CAO")

    # Correcting a group clears it (the total's row is refreshed from the group's save).
    answer = post(client, "ASXH_QUA_SO_LUONG", "550", combo="NGUOI_CO_CONG")
    page = answer.content.decode()
    assert answer.status_code == 200
    assert MESSAGE not in page
    assert 'id="rules-ASXH_QUA_TONG_BAO_CAO" hx-swap-oob="true"' in page
    assert not ValidationResult.objects.exists()


def test_correcting_the_total_clears_it(clerk, groups, client_for):
    client = client_for(clerk)
    post(client, "ASXH_QUA_TONG_BAO_CAO", "1250")
    answer = post(client, "ASXH_QUA_TONG_BAO_CAO", "1.200")
    assert MESSAGE not in answer.content.decode()
    assert rule_block(answer.content.decode(), "ASXH_QUA_TONG_BAO_CAO").endswith(
        'aria-live="polite"></div>'
    )
    assert not ValidationResult.objects.exists()


def test_a_refused_value_runs_no_rule(clerk, groups, client_for):
    answer = post(client_for(clerk), "ASXH_QUA_TONG_BAO_CAO", "1.5")
    assert answer.status_code == 422
    assert "rule-msgs" not in answer.content.decode()
    assert not ValidationResult.objects.exists()


def test_another_communes_cell_is_404_and_nothing_changes(
    other_clerk, groups, client_for, snapshot
):
    before = snapshot()
    answer = post(client_for(other_clerk), "ASXH_QUA_TONG_BAO_CAO", "1250")
    assert answer.status_code == 404
    assert MESSAGE not in answer.content.decode()
    assert snapshot() == before
