"""``chiso validate --unit CODE --period PERIOD``: output, stored results and exit codes."""

import json
from decimal import Decimal as D

import pytest

import chiso.cli
from chiso.cli import main
from chiso.validation.models import ValidationResult

MESSAGE = "Tổng số phần quà (1.250) khác tổng các nhóm đối tượng (1.200)"


@pytest.fixture(autouse=True)
def only_validate(monkeypatch):
    assert "validate" in chiso.cli.COMMAND_MODULES
    monkeypatch.setattr(chiso.cli, "COMMAND_MODULES", ("validate",))


@pytest.fixture
def inconsistent(store):
    store(
        [
            ("ASXH_QUA_SO_LUONG", "XA", "202301", 700, "HO_NGHEO"),
            ("ASXH_QUA_SO_LUONG", "XA", "202301", 500, "NGUOI_CO_CONG"),
            ("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1250),
        ]
    )


def test_high_importance_violation_exits_1_and_is_stored(admin, gift_rule, inconsistent, capsys):
    assert main(["validate", "--unit", "T1", "--period", "2023"]) == 1
    out, err = capsys.readouterr()
    assert out == f"[Cao] Xã An (XA), tháng 1/2023: {MESSAGE} [TONG_QUA]\n"
    assert err == "1 vi phạm quy tắc kiểm tra (1 mức cao).\n"
    assert list(
        ValidationResult.objects.values_list("rule__code", "orgunit__code", "period", "run_by")
    ) == [("TONG_QUA", "XA", "202301", admin.pk)]


def test_json_output_is_the_only_thing_on_stdout(admin, gift_rule, inconsistent, capsys):
    assert main(["validate", "--unit", "XA", "--period", "202301", "--json"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out) == {
        "unit": "XA",
        "period": "202301",
        "violations": [
            {
                "rule": "TONG_QUA",
                "name": "Tổng số phần quà bằng tổng các nhóm đối tượng",
                "importance": "high",
                "blocking": False,
                "unit": "XA",
                "unit_name": "Xã An",
                "period": "202301",
                "left": "1250",
                "right": "1200",
                "message": MESSAGE,
            }
        ],
    }


def test_only_lower_importance_exits_0(admin, make_rule, inconsistent, capsys):
    make_rule(importance="medium")
    assert main(["validate", "--unit", "H1", "--period", "2023Q1"]) == 0
    assert capsys.readouterr().err == "1 vi phạm quy tắc kiểm tra (0 mức cao).\n"
    assert ValidationResult.objects.get().importance == "medium"


def test_a_corrected_value_clears_the_stored_result(admin, gift_rule, inconsistent, store, capsys):
    assert main(["validate", "--unit", "XA", "--period", "202301"]) == 1
    store([("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1200)])
    assert main(["validate", "--unit", "XA", "--period", "202301"]) == 0
    assert not ValidationResult.objects.exists()
    assert capsys.readouterr().err.endswith("0 vi phạm quy tắc kiểm tra (0 mức cao).\n")


def test_no_children_checks_the_unit_alone(admin, gift_rule, inconsistent, capsys):
    assert main(["validate", "--unit", "H1", "--period", "2023", "--no-children"]) == 0
    assert not ValidationResult.objects.exists()


def test_unusable_input_exits_2(admin, clerk, gift_rule, inconsistent, capsys):
    assert main(["validate", "--unit", "KHONG_CO", "--period", "2023"]) == 2
    assert "Không tìm thấy đơn vị mã 'KHONG_CO'" in capsys.readouterr().err
    assert main(["validate", "--unit", "XA", "--period", "2023Q5"]) == 2
    assert main(["validate", "--unit", "XA", "--period", "2023", "--user", "ai_do"]) == 2
    # Outside the user's scope: exactly like a missing unit, nothing stored.
    assert main(["validate", "--unit", "XB", "--period", "2023", "--user", clerk.username]) == 2
    assert "Không tìm thấy đơn vị mã 'XB'" in capsys.readouterr().err
    assert not ValidationResult.objects.exists()


def test_left_and_right_values_are_stored_exactly(admin, make_rule, store, capsys):
    make_rule(
        code="TY_LE",
        left="#{GN_HO_NGHEO} / #{CHUNG_TONG_SO_HO} * 100",
        operator="<=",
        right="1",
        period_type="year",
        message="Tỷ lệ hộ nghèo {left}% vượt {right}%",
    )
    store([("GN_HO_NGHEO", "XA", "2023", 1), ("CHUNG_TONG_SO_HO", "XA", "2023", 3)])
    assert main(["validate", "--unit", "XA", "--period", "2023"]) == 1
    result = ValidationResult.objects.get()
    assert result.left_value.quantize(D("0.000001")) == D("33.333333")
    assert result.message == "Tỷ lệ hộ nghèo 33,33% vượt 1%"
