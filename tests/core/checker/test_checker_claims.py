"""Claim extraction: numbers, units, money, percentages with their role, ratios, rates."""

import unicodedata
from decimal import Decimal

from chiso.core.checker import check_text


def claims(text):
    return [(c.text, c.kind, c.value, c.unit) for c in check_text(text).claims]


def test_counts_keep_their_written_unit():
    assert claims("Giải quyết việc làm cho 38.406 lao động và 1.468 dịch vụ công; 48 hộ.") == [
        ("38.406 lao động", "count", "38406", "lao động"),
        ("1.468 dịch vụ công", "count", "1468", "dịch vụ công"),
        ("48 hộ", "count", "48", "hộ"),
    ]


def test_money_in_its_written_forms_is_valued_in_dong():
    text = (
        "Trị giá 20 tỷ đồng; 2.925.425.000 đồng; 1.100.000đ; 2 tỷ 500 triệu đồng; "
        "kinh phí 130 triệu."
    )
    assert claims(text) == [
        ("20 tỷ đồng", "money", "20000000000", "đồng"),
        ("2.925.425.000 đồng", "money", "2925425000", "đồng"),
        ("1.100.000đ", "money", "1100000", "đồng"),
        ("2 tỷ 500 triệu đồng", "money", "2500000000", "đồng"),
        ("130 triệu", "money", "130000000", "đồng"),
    ]


def test_measures_and_scaled_counts():
    assert claims("Cấp 444.960 kg gạo, 5 tấn phân bón, đón 1,2 triệu lượt khách.") == [
        ("444.960 kg", "measure", "444960", "kg"),
        ("5 tấn", "measure", "5", "tấn"),
        ("1,2 triệu lượt", "count", "1200000", "lượt"),
    ]


def test_percentages_carry_their_role():
    text = (
        "Đạt 96% kế hoạch năm, tăng 4% so với cùng kỳ, giảm 1,5% so với cùng kỳ, bằng 103,6% "
        "so với cùng kỳ, chiếm tỷ lệ 73,3%, tỷ lệ hộ nghèo 1,14%, có 20% số hộ."
    )
    assert claims(text) == [
        ("96%", "percent_plan", "96", "%"),
        ("4%", "percent_change", "4", "%"),
        ("1,5%", "percent_change", "-1.5", "%"),
        ("103,6%", "percent_vs_prior", "103.6", "%"),
        ("73,3%", "percent_share", "73.3", "%"),
        ("1,14%", "percent_rate", "1.14", "%"),
        ("20%", "percent", "20", "%"),
    ]


def test_ratios_with_and_without_unit():
    assert claims("Lắp đặt tại 843/843 thôn, ấp, khu phố; đạt 12/19 tiêu chí; đạt 15/20.") == [
        ("843/843 thôn, ấp, khu phố", "ratio", "843/843", "thôn, ấp, khu phố"),
        ("12/19 tiêu chí", "ratio", "12/19", "tiêu chí"),
        ("15/20", "ratio", "15/20", None),
    ]


def test_unit_prices_and_rates():
    text = (
        "Trao quà 1.100.000đ/suất; mỗi suất trị giá 500.000 đồng; trị giá 300.000 đồng/phần; "
        "cấp 15 kg/người; mỗi người 5 liều; 2 con bò/hộ."
    )
    assert claims(text) == [
        ("1.100.000đ/suất", "rate", "1100000", "đồng/suất"),
        ("500.000 đồng", "rate", "500000", "đồng/suất"),
        ("300.000 đồng/phần", "rate", "300000", "đồng/phần"),
        ("15 kg/người", "rate", "15", "kg/người"),
        ("5 liều", "rate", "5", "liều/người"),
        ("2 con bò/hộ", "rate", "2", "con bò/hộ"),
    ]


def test_approximations_keep_their_direction_in_the_value():
    text = (
        "Trên 20 tỷ đồng, hơn 5 hộ, tối thiểu 1.000 hộ, dưới 3 hộ, không quá 7 hộ, "
        "khoảng 30 hộ, gần 50 người, ước đạt 64,5%."
    )
    assert [(c[0], c[2]) for c in claims(text)] == [
        ("20 tỷ đồng", ">20000000000"),
        ("5 hộ", ">5"),
        ("1.000 hộ", ">=1000"),
        ("3 hộ", "<3"),
        ("7 hộ", "<=7"),
        ("30 hộ", "~30"),
        ("50 người", "~50"),
        ("64,5%", "~64.5"),
    ]


def test_a_unit_named_before_the_number_is_taken():
    assert claims("Tổng số hồ sơ tiếp nhận: 1.468; đúng hạn 1.076.") == [
        ("1.468", "count", "1468", "hồ sơ"),
        ("1.076", "count", "1076", None),
    ]


def test_ambiguous_or_foreign_grouping_is_not_a_claim():
    assert claims("Tăng 1.5 lần; 1,263,538 lượt; 12.34.567 hộ; 7 hộ") == [
        ("7 hộ", "count", "7", "hộ")
    ]


def test_parsed_values_are_decimals():
    claim = check_text("Đạt 73,3% và 1.468 hồ sơ").claims
    assert claim[0].number == Decimal("73.3")
    assert claim[0].decimals == 1
    assert claim[1].number == Decimal(1468)


def test_offsets_index_the_text_as_given_even_when_decomposed():
    text = unicodedata.normalize("NFD", "Hỗ trợ 629 hộ, trong đó 431 hộ và 198 hộ xây mới.")
    result = check_text(text)
    assert [text[c.start : c.end] for c in result.claims] == [
        unicodedata.normalize("NFD", s) for s in ("629 hộ", "431 hộ", "198 hộ")
    ]
    assert [c.text for c in result.claims] == [text[c.start : c.end] for c in result.claims]
