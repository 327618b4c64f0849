"""Rule runs on stored data: results stored, replaced and cleared; strategies, sub-periods,
tiers, descendants; saving rules and computed indicators with checked expressions; scope."""

from decimal import Decimal as D

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.core.errors import ChisoError
from chiso.validation.models import ValidationResult
from chiso.validation.selectors import rules_touching, validation_results
from chiso.validation.services import (
    InvalidInput,
    computed_indicator_save,
    expression_check,
    rules_run,
    rules_run_for_values,
)

GIFTS = [
    ("ASXH_QUA_SO_LUONG", "XA", "202301", 700, "HO_NGHEO"),
    ("ASXH_QUA_SO_LUONG", "XA", "202301", 500, "NGUOI_CO_CONG"),
]


def stored():
    return sorted(
        ValidationResult.objects.values_list(
            "rule__code", "orgunit__code", "period", "left_value", "right_value", "message"
        )
    )


def test_a_violation_is_stored_with_both_figures_and_cleared_when_corrected(
    admin, store, gift_rule
):
    store([*GIFTS, ("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1250)])
    violations = rules_run(admin, "XA", "202301")
    assert [(v.rule.code, v.orgunit.code, v.period.id, v.left, v.right) for v in violations] == [
        ("TONG_QUA", "XA", "202301", D(1250), D(1200))
    ]
    assert violations[0].message == (
        "Tổng số phần quà (1.250) khác tổng các nhóm đối tượng (1.200)"
    )
    assert stored() == [
        (
            "TONG_QUA",
            "XA",
            "202301",
            D(1250),
            D(1200),
            "Tổng số phần quà (1.250) khác tổng các nhóm đối tượng (1.200)",
        )
    ]
    # A second run replaces the result (one per rule, unit and period).
    store([("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1300)])
    rules_run(admin, "XA", "202301")
    assert [(r[3], r[4]) for r in stored()] == [(D(1300), D(1200))]
    # Corrected: the result is gone.
    store([("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1200)])
    assert rules_run(admin, "XA", "202301") == []
    assert stored() == []


def test_skip_if_any_missing_clears_an_old_result(admin, store, gift_rule):
    store([*GIFTS, ("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1)])
    rules_run(admin, "XA", "202301")
    assert len(stored()) == 1
    store([("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", "")])  # deleted: now missing
    assert rules_run(admin, "XA", "202301") == []
    assert stored() == []


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("skip_if_any_missing", []),
        ("skip_if_all_missing", [(D(0), D(1200))]),
        ("never_skip", [(D(0), D(1200))]),
    ],
)
def test_missing_value_strategies_on_stored_data(admin, store, make_rule, strategy, expected):
    make_rule(missing_strategy=strategy)
    store(GIFTS)  # no stated total
    assert [(v.left, v.right) for v in rules_run(admin, "XA", "202301")] == expected


def test_never_skip_runs_without_any_value(admin, store, make_rule):
    make_rule(missing_strategy="never_skip", operator="!=")
    store([("VL_VIEC_LAM_MOI", "XA", "202301", 1)])
    assert [(v.left, v.right) for v in rules_run(admin, "XA", "202301")] == [(D(0), D(0))]
    make_rule(code="TONG_QUA_2", missing_strategy="skip_if_all_missing", operator="!=")
    assert [v.rule.code for v in rules_run(admin, "XA", "202301")] == ["TONG_QUA"]


def test_a_year_runs_the_monthly_rules_for_each_month_and_the_tiers_apply(admin, store, gift_rule):
    store(
        [
            *GIFTS,
            ("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1250),
            ("ASXH_QUA_SO_LUONG", "XB", "202307", 10, "KHAC"),
            ("ASXH_QUA_TONG_BAO_CAO", "XB", "202307", 9),
            ("ASXH_QUA_SO_LUONG", "XA-1", "202303", 1, "KHAC"),
            ("ASXH_QUA_TONG_BAO_CAO", "XA-1", "202303", 2),
        ]
    )
    violations = rules_run(admin, "T1", "2023", descendants=True)
    # Communes only (the rule's tiers), with their hamlets' values: not the hamlet itself,
    # not the district or province sums.
    assert [(v.orgunit.code, v.period.id, v.left, v.right) for v in violations] == [
        ("XA", "202301", D(1250), D(1200)),
        ("XA", "202303", D(2), D(1)),
        ("XB", "202307", D(9), D(10)),
    ]
    assert len(stored()) == 3
    # Without descendants the province alone is checked: no rule for its tier.
    assert rules_run(admin, "T1", "2023") == []
    assert len(stored()) == 3


def test_rule_on_every_tier_sums_the_subtree(admin, store, make_rule):
    make_rule(tiers=[])
    store(
        [
            ("ASXH_QUA_SO_LUONG", "XA-1", "202303", 4, "KHAC"),
            ("ASXH_QUA_TONG_BAO_CAO", "XA-1", "202303", 3),
        ]
    )
    violations = rules_run(admin, "H1", "202303", descendants=True)
    assert [(v.orgunit.code, v.left, v.right) for v in violations] == [
        ("H1", D(3), D(4)),
        ("XA", D(3), D(4)),
        ("XA-1", D(3), D(4)),
    ]


def test_period_offsets_and_targets(admin, store, make_rule):
    make_rule(
        code="VL_TANG",
        left="#{VL_VIEC_LAM_MOI}",
        operator=">=",
        right="#{VL_VIEC_LAM_MOI}.periodOffset(-1)",
        message="Việc làm ({left}) giảm so với tháng trước ({right})",
        tiers=[],
    )
    store([("VL_VIEC_LAM_MOI", "XA", "202301", 40), ("VL_VIEC_LAM_MOI", "XA", "202302", 35)])
    violations = rules_run(admin, "XA", "202302")
    assert [v.message for v in violations] == ["Việc làm (35) giảm so với tháng trước (40)"]
    # January has no December 2022: skipped.
    assert rules_run(admin, "XA", "202301") == []


def test_rules_touching_an_indicator(gift_rule, make_rule):
    make_rule(code="KHAC", left="#{VL_VIEC_LAM_MOI}", right="1", tiers=[])
    assert [r.code for r in rules_touching(["ASXH_QUA_SO_LUONG"], "month", "xa")] == ["TONG_QUA"]
    assert rules_touching(["ASXH_QUA_SO_LUONG"], "month", "thon") == []
    assert rules_touching(["ASXH_QUA_SO_LUONG"], "year", "xa") == []


def test_results_listed_by_unit_period_and_importance(admin, store, gift_rule, make_rule):
    make_rule(code="THAP", importance="low", message="thấp {left}")
    store(
        [
            *GIFTS,
            ("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1),
            ("ASXH_QUA_SO_LUONG", "XB", "202302", 5, "KHAC"),
            ("ASXH_QUA_TONG_BAO_CAO", "XB", "202302", 6),
        ]
    )
    rules_run(admin, "H1", "2023", descendants=True)
    listed = validation_results(admin, "H1", "2023")
    assert [(r.rule.code, r.orgunit.code, r.period) for r in listed] == [
        ("TONG_QUA", "XA", "202301"),
        ("TONG_QUA", "XB", "202302"),
        ("THAP", "XA", "202301"),
        ("THAP", "XB", "202302"),
    ]
    assert [r.orgunit.code for r in validation_results(admin, "XB", "2023")] == ["XB", "XB"]
    assert [r.period for r in validation_results(admin, "H1", "202302", importance="low")] == [
        "202302"
    ]


def test_run_for_written_values(admin, store, gift_rule):
    store([*GIFTS, ("ASXH_QUA_TONG_BAO_CAO", "XA", "202301", 1250)])
    store(
        [
            ("ASXH_QUA_SO_LUONG", "XB", "202301", 3, "KHAC"),
            ("ASXH_QUA_TONG_BAO_CAO", "XB", "202301", 3),
        ]
    )
    violations = rules_run_for_values(
        admin,
        [
            ("ASXH_QUA_TONG_BAO_CAO", "XA", "202301"),
            ("ASXH_QUA_TONG_BAO_CAO", "XB", "202301"),
            ("VL_VIEC_LAM_MOI", "XA", "202302"),
        ],
    )
    assert [(v.orgunit.code, v.left, v.right) for v in violations] == [("XA", D(1250), D(1200))]
    assert [(r[1], r[2]) for r in stored()] == [("XA", "202301")]


def test_another_commune_is_not_found_and_nothing_is_stored(clerk, store, gift_rule, snapshot):
    store(
        [
            ("ASXH_QUA_SO_LUONG", "XB", "202301", 3, "KHAC"),
            ("ASXH_QUA_TONG_BAO_CAO", "XB", "202301", 4),
        ]
    )
    before = snapshot()
    with pytest.raises(UnitNotFound):
        rules_run(clerk, "XB", "202301")
    with pytest.raises(UnitNotFound):
        rules_run(clerk, "NO_SUCH_UNIT", "202301")
    with pytest.raises(UnitNotFound):
        validation_results(clerk, "XB", "202301")
    assert rules_run_for_values(clerk, [("ASXH_QUA_TONG_BAO_CAO", "XB", "202301")]) == []
    assert snapshot() == before


def test_expressions_are_checked_with_positions(catalog):
    expression_check("#{ASXH_QUA_SO_LUONG.HO_NGHEO} + #{YT_TIEM_CHUNG_MUI.TU_18_TUOI}")
    with pytest.raises(ChisoError) as caught:
        expression_check("#{VL_VIEC_LAM_MOI} + #{KHONG_CO}")
    assert caught.value.code == "validation.unknown_indicator"
    assert caught.value.params["position"] == 22
    assert str(caught.value) == "Không có chỉ tiêu mã 'KHONG_CO' (vị trí 22)"
    with pytest.raises(ChisoError) as caught:
        expression_check("1 + #{ASXH_QUA_SO_LUONG.SAI}")
    assert str(caught.value) == "Chỉ tiêu 'ASXH_QUA_SO_LUONG' không có phân tổ 'SAI' (vị trí 5)"
    with pytest.raises(ChisoError) as caught:
        expression_check("#{VL_VIEC_LAM_MOI} + ")
    assert caught.value.code == "expr.operand"
    assert caught.value.params["position"] == 22


def test_saving_a_rule_reports_every_problem(make_rule):
    with pytest.raises(InvalidInput) as caught:
        make_rule(code="sai ma", name="", left="#{A_B} +", operator="=<", period_type="thang")
    assert sorted(caught.value.errors) == ["code", "left", "name", "operator", "period_type"]
    assert caught.value.errors["left"].startswith("Lỗi cú pháp ở vị trí 9")
    make_rule()
    with pytest.raises(InvalidInput) as caught:
        make_rule()
    assert caught.value.errors == {"code": "Mã 'TONG_QUA' đã được dùng"}


def test_saving_a_computed_indicator(catalog):
    with pytest.raises(InvalidInput) as caught:
        computed_indicator_save(
            code="VL_VIEC_LAM_MOI", name_vi="x", numerator="#{KHONG}", factor="0", decimals=9
        )
    assert sorted(caught.value.errors) == ["code", "decimals", "factor", "numerator"]
    assert caught.value.errors["code"] == (
        "Mã 'VL_VIEC_LAM_MOI' là mã của một chỉ tiêu trong danh mục"
    )
    saved = computed_indicator_save(
        code="TL",
        name_vi="Tỷ lệ",
        numerator="#{GN_HO_NGHEO}",
        denominator="#{CHUNG_TONG_SO_HO}",
        factor="100",
        decimals="2",
        unit="%",
    )
    assert (saved.factor, saved.decimals) == (D(100), 2)
