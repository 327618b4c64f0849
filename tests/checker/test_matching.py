"""Matching stated figures to indicators: unit family plus the words around the figure."""

from __future__ import annotations

from chiso.checker.keywords import fallback_keywords, indicator_keywords, option_keywords
from chiso.checker.matching import ComboSpec, IndicatorSpec, match_claims
from chiso.core.checker import check_text


def spec(code, unit, family, kind="count", combos=(), name=""):
    return IndicatorSpec(
        code=code,
        name=name or code,
        unit=unit,
        kind=kind,
        family=family,
        keywords=indicator_keywords(code, name, unit),
        combos=combos,
    )


POOR = spec("GN_HO_NGHEO", "hộ", "household")
POOR_ETHNIC = spec("GN_HO_NGHEO_DTTS", "hộ", "household")
JOBS = spec("VL_VIEC_LAM_MOI", "lao động", "person")
COUNSELLED = spec("VL_TU_VAN", "người", "person")
TRAINED = spec("VL_DAO_TAO_NGHE", "người", "person")
RETRAINED = spec("VL_DAO_TAO_LAI", "lao động", "person")
FULLY = spec("CCHC_DVC_TOAN_TRINH", "dịch vụ", "procedure")
PARTLY = spec("CCHC_DVC_MOT_PHAN", "dịch vụ", "procedure")
HOUSING = spec(
    "DTTS_NHA_O",
    "hộ",
    "household",
    combos=(
        ComboSpec("XAY_MOI", "Xây dựng mới", (option_keywords("XAY_MOI", "Xây dựng mới"),)),
        ComboSpec("SUA_CHUA", "Sửa chữa", (option_keywords("SUA_CHUA", "Sửa chữa"),)),
    ),
)
ALL = [POOR, POOR_ETHNIC, JOBS, COUNSELLED, TRAINED, RETRAINED, FULLY, PARTLY, HOUSING]


def matched(text, indicators=ALL):
    return [
        (
            m.claim.text,
            m.indicator.code,
            m.option_combo.code if m.option_combo else None,
            m.measure,
            m.unambiguous,
        )
        for m in match_claims(text, check_text(text).claims, indicators)
    ]


def test_each_figure_takes_the_indicator_its_own_words_name():
    text = (
        "Toàn tỉnh đã giải quyết việc làm cho 38.406 lao động, đạt 96% kế hoạch năm, tăng 4% "
        "so với cùng kỳ; tư vấn, giới thiệu việc làm, học nghề cho 12.353 người. Các cơ sở "
        "giáo dục nghề nghiệp đã đào tạo nghề cho 6.387 người và phối hợp với doanh nghiệp "
        "đào tạo lại cho 7.639 lao động."
    )
    assert matched(text) == [
        ("38.406 lao động", "VL_VIEC_LAM_MOI", None, "value", True),
        ("96%", "VL_VIEC_LAM_MOI", None, "plan", True),
        ("4%", "VL_VIEC_LAM_MOI", None, "change", True),
        ("12.353 người", "VL_TU_VAN", None, "value", True),
        ("6.387 người", "VL_DAO_TAO_NGHE", None, "value", True),
        ("7.639 lao động", "VL_DAO_TAO_LAI", None, "value", True),
    ]


def test_words_after_a_figure_up_to_the_next_comma_are_its_own():
    text = "Có 1.076 dịch vụ công trực tuyến toàn trình, 396 dịch vụ công trực tuyến một phần."
    assert matched(text) == [
        ("1.076 dịch vụ công", "CCHC_DVC_TOAN_TRINH", None, "value", True),
        ("396 dịch vụ công", "CCHC_DVC_MOT_PHAN", None, "value", True),
    ]


def test_a_keyword_inside_a_longer_keyword_of_another_indicator_does_not_count():
    text = "Số hộ nghèo dân tộc thiểu số còn 120 hộ."
    assert matched(text) == [("120 hộ", "GN_HO_NGHEO_DTTS", None, "value", True)]


def test_the_unit_family_must_agree():
    # "hộ nghèo" is a household indicator; 29.664 counts persons.
    assert matched("Cấp gạo cho 29.664 nhân khẩu thuộc hộ nghèo.", [POOR]) == []


def test_the_option_named_next_to_the_figure_selects_the_disaggregation():
    text = "Hỗ trợ nhà ở cho 629 hộ (xây dựng mới nhà ở là 431 hộ và sửa chữa nhà ở là 198 hộ)."
    assert matched(text, [HOUSING]) == [
        ("629 hộ", "DTTS_NHA_O", None, "value", True),
        ("431 hộ", "DTTS_NHA_O", "XAY_MOI", "value", True),
        ("198 hộ", "DTTS_NHA_O", "SUA_CHUA", "value", True),
    ]


def test_only_the_words_since_the_previous_figure_name_the_indicator():
    text = "Về giải quyết việc làm: trong năm có thêm 500 lao động."
    assert matched(text, [JOBS]) == [("500 lao động", "VL_VIEC_LAM_MOI", None, "value", True)]
    # The second figure is a part of the first, not the indicator's value.
    text = "Đã giải quyết việc làm cho 1.000 lao động, trong đó 500 lao động nữ."
    assert matched(text, [JOBS]) == [("1.000 lao động", "VL_VIEC_LAM_MOI", None, "value", True)]


def test_a_match_is_ambiguous_when_another_candidate_was_named_too():
    text = "Đào tạo nghề và đào tạo lại cho 100 người."
    assert matched(text, [TRAINED, RETRAINED]) == [
        ("100 người", "VL_DAO_TAO_NGHE", None, "value", False)  # same written unit
    ]


def test_two_candidates_named_equally_give_no_match():
    first = spec("HT_1", "người", "person", name="Số người được hỗ trợ khẩn cấp")
    second = spec("HT_2", "người", "person", name="Số người hỗ trợ khẩn cấp khác")
    assert matched("Hỗ trợ khẩn cấp cho 100 người.", [first, second]) == []


def test_figures_in_a_sentence_of_targets_are_not_matched():
    text = (
        "Chương trình mục tiêu quốc gia: phấn đấu giảm 1.000 hộ nghèo; giải quyết việc làm "
        "cho 40.000 lao động."
    )
    assert matched(text) == []


def test_the_name_of_a_national_programme_is_not_a_target_word():
    text = "Thực hiện Chương trình mục tiêu quốc gia, đã giải quyết việc làm cho 500 lao động."
    assert matched(text) == [("500 lao động", "VL_VIEC_LAM_MOI", None, "value", True)]


def test_an_indicator_outside_the_catalog_is_matched_by_the_words_of_its_name():
    assert fallback_keywords("Số lao động có việc làm mới", "lao động") == (
        "viec lam",
        "lam moi",
    )
    custom = spec("VL_KHAC", "lao động", "person", name="Số lao động có việc làm mới")
    text = "Trong quý có 120 lao động có việc làm mới."
    assert matched(text, [custom]) == [("120 lao động", "VL_KHAC", None, "value", True)]
