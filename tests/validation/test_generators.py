"""Rule generators and the seeded rules for the seeded catalog."""

from decimal import Decimal as D

import pytest

from chiso.core.expressions import NUMBER, parse
from chiso.core.rules import PASSED, VIOLATED, evaluate_rule
from chiso.indicators.models import Indicator
from chiso.validation import generators
from chiso.validation.models import ComputedIndicator, Criterion, Scorecard, ValidationRule
from chiso.validation.seeds import NTM_CRITERIA, seeded_rule_specs, validation_seed


def ind(code):
    return Indicator.objects.select_related("category_combo").get(code=code)


def test_total_equals_parts_for_the_gifts(catalog):
    spec = generators.total_equals_parts(ind("ASXH_QUA_TONG_BAO_CAO"), ind("ASXH_QUA_SO_LUONG"))
    assert spec.as_kwargs() == {
        "code": "TONG_ASXH_QUA_SO_LUONG",
        "name": "Tổng số phần quà bằng tổng các nhóm đối tượng",
        "left": "#{ASXH_QUA_TONG_BAO_CAO}",
        "operator": "==",
        "right": "#{ASXH_QUA_SO_LUONG}",
        "period_type": "month",
        "message": "Tổng số phần quà ({left}) khác tổng các nhóm đối tượng ({right})",
        "missing_strategy": "skip_if_any_missing",
        "importance": "high",
        "blocking": False,
        "tiers": ["xa"],
        "description": "ASXH_QUA_TONG_BAO_CAO = tổng các phân tổ của ASXH_QUA_SO_LUONG",
        "generator": "total_equals_parts",
    }


def test_part_le_whole(catalog):
    spec = generators.part_le_whole(ind("CCHC_HS_DUNG_HAN"), ind("CCHC_HS_DA_GIAI_QUYET"))
    assert (spec.code, spec.left, spec.operator, spec.right, spec.period_type) == (
        "CCHC_HS_DUNG_HAN_LE_CCHC_HS_DA_GIAI_QUYET",
        "#{CCHC_HS_DUNG_HAN}",
        "<=",
        "#{CCHC_HS_DA_GIAI_QUYET}",
        "month",
    )
    assert spec.message == (
        "Số hồ sơ giải quyết đúng hạn ({left}) lớn hơn số hồ sơ thủ tục hành chính đã giải"
        " quyết ({right})"
    )


def test_part_and_whole_of_different_period_types_are_refused(catalog):
    with pytest.raises(ValueError):
        generators.part_le_whole(ind("YT_BHYT_THAM_GIA"), ind("CHUNG_DAN_SO"))


def test_settled_plus_pending_equals_received(catalog):
    spec = generators.sum_equals(
        [ind("CCHC_HS_DA_GIAI_QUYET"), ind("CCHC_HS_DANG_GIAI_QUYET")], ind("CCHC_HS_TIEP_NHAN")
    )
    assert (spec.code, spec.left, spec.operator, spec.right) == (
        "CONG_CCHC_HS_TIEP_NHAN",
        "#{CCHC_HS_DA_GIAI_QUYET} + #{CCHC_HS_DANG_GIAI_QUYET}",
        "==",
        "#{CCHC_HS_TIEP_NHAN}",
    )
    assert spec.message == (
        "Số hồ sơ thủ tục hành chính đã giải quyết + số hồ sơ đang giải quyết ({left}) khác số"
        " hồ sơ thủ tục hành chính tiếp nhận ({right})"
    )


def test_percentage_at_most_100_blocks(catalog):
    spec = generators.percentage_max_100(ind("VL_TY_LE_QUA_DAO_TAO"))
    assert (spec.code, spec.left, spec.operator, spec.right, spec.blocking) == (
        "VL_TY_LE_QUA_DAO_TAO_TOI_DA_100",
        "#{VL_TY_LE_QUA_DAO_TAO}",
        "<=",
        "100",
        True,
    )
    assert spec.message == "Tỷ lệ lao động qua đào tạo ({left}%) vượt quá 100%"


def test_unusual_value_is_a_z_score_warning(catalog):
    spec = generators.unusual_value(ind("VL_VIEC_LAM_MOI"), history=4, z=3)
    assert (spec.code, spec.operator, spec.importance, spec.blocking) == (
        "BAT_THUONG_VL_VIEC_LAM_MOI",
        "<=",
        "low",
        False,
    )
    left, right = parse(spec.left, expect=NUMBER), parse(spec.right, expect=NUMBER)

    def outcome(value, history):
        def resolve(ref):
            return D(value) if ref.offset == 0 else D(history[-ref.offset - 1])

        return evaluate_rule(left, "<=", right, spec.missing_strategy, resolve)

    # History 100, 110, 90, 100: mean 100, mean absolute deviation 5, spread max(6,27; 20; 1)
    # = 20 (a fifth of the mean), so the threshold is 60.
    result = outcome(150, [100, 110, 90, 100])
    assert (result.status, result.left, result.right) == (PASSED, D(50), D(60))
    result = outcome(170, [100, 110, 90, 100])
    assert (result.status, result.left, result.right) == (VIOLATED, D(70), D(60))
    # Below the mean counts too.
    assert outcome(30, [100, 110, 90, 100]).status == VIOLATED
    # A wide history widens the threshold: mean 100, deviations 100,100,100,100 -> 3 × 125,33.
    assert outcome(300, [0, 200, 0, 200]).status == PASSED


def test_seeded_rules_for_the_catalog(catalog):
    codes = [spec.code for spec in seeded_rule_specs()]
    assert codes == [
        "TONG_ASXH_QUA_SO_LUONG",
        "GN_HO_NGHEO_LE_CHUNG_TONG_SO_HO",
        "GN_HO_CAN_NGHEO_LE_CHUNG_TONG_SO_HO",
        "GN_HO_NGHEO_DTTS_LE_GN_HO_NGHEO",
        "CCHC_HS_DUNG_HAN_LE_CCHC_HS_DA_GIAI_QUYET",
        "CCHC_DVC_TOAN_TRINH_LE_CCHC_DVC_KET_NOI",
        "YT_ATTP_VI_PHAM_LE_YT_ATTP_KIEM_TRA",
        "TTCS_LOA_THON_LE_CHUNG_SO_THON",
        "TTCS_LOA_XA_LE_CHUNG_SO_XA",
        "GD_TRUONG_DAT_CHUAN_LE_GD_TONG_SO_TRUONG",
        "NTM_TIEU_CHI_DAT_LE_NTM_TIEU_CHI_TONG",
        "DTTS_TRE_SDD_HO_TRO_LE_DTTS_TRE_SDD",
        "CONG_CCHC_HS_TIEP_NHAN",
        "CONG_CCHC_HS_DA_GIAI_QUYET",
        "CONG_CCHC_DVC_KET_NOI",
        "CCHC_PAR_INDEX_DIEM_TOI_DA_100",
        "CCHC_SIPAS_DIEM_TOI_DA_100",
        "GN_GIAI_NGAN_TY_LE_TOI_DA_100",
        "VL_TY_LE_QUA_DAO_TAO_TOI_DA_100",
        "BAT_THUONG_VL_VIEC_LAM_MOI",
        "BAT_THUONG_CCHC_HS_TIEP_NHAN",
    ]


def test_seed_is_idempotent_and_keeps_edits(catalog):
    assert validation_seed() == {"computed": 9, "rules": 21, "scorecards": 2}
    ValidationRule.objects.filter(code="TONG_ASXH_QUA_SO_LUONG").update(importance="low")
    assert validation_seed() == {"computed": 0, "rules": 0, "scorecards": 0}
    assert ValidationRule.objects.get(code="TONG_ASXH_QUA_SO_LUONG").importance == "low"
    assert ValidationRule.objects.get(code="TONG_ASXH_QUA_SO_LUONG").indicator_codes == [
        "ASXH_QUA_SO_LUONG",
        "ASXH_QUA_TONG_BAO_CAO",
    ]
    assert ComputedIndicator.objects.count() == 9


def test_seeded_new_rural_scorecards(catalog):
    validation_seed()
    national = Scorecard.objects.get(code="NTM_XA_2021_2025")
    assert national.document == "Quyết định số 318/QĐ-TTg ngày 08/3/2022"
    criteria = list(national.criteria.order_by("number"))
    assert [(c.number, c.name) for c in criteria] == [(n, name) for n, _g, name in NTM_CRITERIA]
    assert len(criteria) == 19
    assert all(c.is_manual for c in criteria)
    example = Criterion.objects.filter(scorecard__code="NTM_XA_2021_2025_TU_DONG")
    assert {c.number: c.expression for c in example if not c.is_manual} == {
        11: "#{GN_HO_NGHEO} / #{CHUNG_TONG_SO_HO} * 100 <= 13",
        15: "#{YT_BHYT_THAM_GIA} / #{CHUNG_DAN_SO} * 100 >= 95",
    }
