from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.core.errors import ChisoError
from chiso.core.numbers import (
    MONEY_UNITS,
    format_money,
    format_number,
    format_percent,
    parse_money,
    parse_number,
    parse_percent,
    percent_decimals,
)

# Decimals with at most 15 significant digits (what the database stores exactly).
decimals_15 = st.builds(
    lambda mantissa, exponent: Decimal(mantissa).scaleb(exponent),
    st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1),
    st.integers(min_value=-6, max_value=6),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("38.406", Decimal("38406")),
        ("2.925.425.000", Decimal("2925425000")),
        ("64,5", Decimal("64.5")),
        ("1.234,56", Decimal("1234.56")),
        ("38,406", Decimal("38.406")),
        ("-5", Decimal("-5")),
        ("\u22125", Decimal("-5")),
        ("0", Decimal("0")),
        ("04", Decimal("4")),
        ("2925425000", Decimal("2925425000")),
        ("999", Decimal("999")),
        ("1.000", Decimal("1000")),
        ("  12 ", Decimal("12")),
        ("\u00a038.406\t", Decimal("38406")),
        ("0,05", Decimal("0.05")),
    ],
)
def test_parse_number_valid(text, expected):
    value = parse_number(text)
    assert value == expected
    assert isinstance(value, Decimal)


def test_parse_number_keeps_the_written_exponent():
    assert parse_number("64,50").as_tuple().exponent == -2
    assert parse_number("38.406").as_tuple().exponent == 0


def test_parse_number_minus_zero_is_zero():
    value = parse_number("-0")
    assert value == 0
    assert not value.is_signed()


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("1.5", "number.ambiguous_dot", {"text": "1.5", "comma": "1,5", "plain": "15"}),
        ("1.50", "number.ambiguous_dot", {"text": "1.50", "comma": "1,50", "plain": "150"}),
        ("-2.25", "number.ambiguous_dot", {"text": "-2.25", "comma": "-2,25", "plain": "-225"}),
        ("1.2345", "number.ambiguous_dot", {"text": "1.2345", "comma": "1,2345", "plain": "12345"}),
        ("12.34.567", "number.bad_grouping", {"text": "12.34.567"}),
        ("1234.567", "number.bad_grouping", {"text": "1234.567"}),
        ("1.234.5", "number.bad_grouping", {"text": "1.234.5"}),
        ("1.234.5678,9", "number.bad_grouping", {"text": "1.234.5678,9"}),
        ("1 000", "number.space_grouping", {"text": "1 000", "suggestion": "1.000"}),
        (
            "2\u00a0925\u00a0425",
            "number.space_grouping",
            {"text": "2\u00a0925\u00a0425", "suggestion": "2.925.425"},
        ),
        ("1,2,3", "number.multiple_commas", {"text": "1,2,3"}),
        ("1,234,567", "number.multiple_commas", {"text": "1,234,567"}),
        ("1,234.5", "number.english_format", {"text": "1,234.5"}),
        ("abc", "number.invalid", {"text": "abc"}),
        ("12a", "number.invalid", {"text": "12a"}),
        ("+5", "number.invalid", {"text": "+5"}),
        ("5,", "number.invalid", {"text": "5,"}),
        (",5", "number.invalid", {"text": ",5"}),
        ("-", "number.invalid", {"text": "-"}),
        ("1e5", "number.invalid", {"text": "1e5"}),
        ("\u0661\u0662", "number.invalid", {"text": "\u0661\u0662"}),
        ("\uff11\uff12", "number.invalid", {"text": "\uff11\uff12"}),
        ("", "number.empty", {"text": ""}),
        ("   ", "number.empty", {"text": "   "}),
    ],
)
def test_parse_number_rejects(text, code, params):
    with pytest.raises(ChisoError) as caught:
        parse_number(text)
    assert caught.value.code == code
    assert caught.value.params == params
    assert "%(" not in str(caught.value)


def test_parse_number_names_the_stripped_text():
    with pytest.raises(ChisoError) as caught:
        parse_number("  1.5 ")
    assert caught.value.params["text"] == "1.5"


def test_ambiguous_dot_message():
    with pytest.raises(ChisoError) as caught:
        parse_number("1.5")
    assert str(caught.value) == "'1.5' không phải số hợp lệ: dùng '1,5' hoặc '15'"


@pytest.mark.parametrize("text", ["38,406", "64,5", "1.234,0"])
def test_parse_number_integer_only_rejects_decimals(text):
    with pytest.raises(ChisoError) as caught:
        parse_number(text, allow_decimal=False)
    assert caught.value.code == "number.decimal_not_allowed"
    assert caught.value.params == {"text": text}


def test_parse_number_integer_only_accepts_grouped_integers():
    assert parse_number("38.406", allow_decimal=False) == 38406


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (38406, "38.406"),
        (Decimal("38406"), "38.406"),
        (Decimal("64.5"), "64,5"),
        (Decimal("64.50"), "64,5"),
        (Decimal("1234567.89"), "1.234.567,89"),
        (Decimal("2925425000"), "2.925.425.000"),
        (0, "0"),
        (Decimal("0.000"), "0"),
        (Decimal("-0"), "0"),
        (999, "999"),
        (1000, "1.000"),
        (-1234, "-1.234"),
        (Decimal("-0.5"), "-0,5"),
        (Decimal("1E+3"), "1.000"),
        (Decimal("1.5E+3"), "1.500"),
        (Decimal("0.0001"), "0,0001"),
        (Decimal("123456789012345"), "123.456.789.012.345"),
        (Decimal("1234567890.12345"), "1.234.567.890,12345"),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("2.5"), 2, "2,50"),
        (Decimal("2.345"), 2, "2,35"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("-2.5"), 0, "-3"),
        (Decimal("-0.04"), 1, "0,0"),
        (Decimal("103.65"), 1, "103,7"),
        (Decimal("1234.5"), 0, "1.235"),
        (38406, 1, "38.406,0"),
        (Decimal("1E+3"), 2, "1.000,00"),
    ],
)
def test_format_number_rounds_half_up(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("value", [1.5, "12", True, None])
def test_format_number_rejects_non_numbers(value):
    with pytest.raises(TypeError):
        format_number(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_format_number_rejects_non_finite(value):
    with pytest.raises(ValueError, match="cannot format"):
        format_number(value)


@given(decimals_15)
def test_number_round_trip(value):
    assert parse_number(format_number(value)) == value


@given(decimals_15)
def test_format_number_is_stable(value):
    text = format_number(value)
    assert format_number(parse_number(text)) == text


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_integer_round_trip_without_decimals(value):
    assert parse_number(format_number(value), allow_decimal=False) == value


@pytest.mark.parametrize(
    ("text", "expected", "decimals"),
    [
        ("103,6%", Decimal("103.6"), 1),
        ("103,6 %", Decimal("103.6"), 1),
        ("103,6\u00a0%", Decimal("103.6"), 1),
        ("96%", Decimal("96"), 0),
        ("1,75%", Decimal("1.75"), 2),
        ("100,0%", Decimal("100.0"), 1),
        ("-2,5%", Decimal("-2.5"), 1),
        (" 73,3% ", Decimal("73.3"), 1),
    ],
)
def test_parse_percent(text, expected, decimals):
    assert parse_percent(text) == expected
    assert percent_decimals(text) == decimals


@pytest.mark.parametrize(
    ("text", "code", "bad"),
    [
        ("96", "percent.invalid", "96"),
        ("%", "percent.invalid", "%"),
        ("", "percent.invalid", ""),
        ("1.5%", "number.ambiguous_dot", "1.5"),
        ("abc%", "number.invalid", "abc"),
        ("96%%", "number.invalid", "96%"),
    ],
)
def test_parse_percent_rejects(text, code, bad):
    with pytest.raises(ChisoError) as caught:
        parse_percent(text)
    assert caught.value.code == code
    assert caught.value.params["text"] == bad
    assert "%(" not in str(caught.value)


def test_percent_invalid_message():
    with pytest.raises(ChisoError) as caught:
        parse_percent("96")
    assert str(caught.value) == "'96' không phải tỷ lệ phần trăm hợp lệ (ví dụ: 96% hoặc 103,6%)"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("103.6"), 1, "103,6%"),
        (96, 0, "96%"),
        (96, 1, "96,0%"),
        (Decimal("73.25"), 1, "73,3%"),
        (Decimal("1.75"), 2, "1,75%"),
        (Decimal("99.95"), 0, "100%"),
        (Decimal("1234.5"), 1, "1.234,5%"),
    ],
)
def test_format_percent(value, decimals, expected):
    assert format_percent(value, decimals) == expected


def test_format_percent_default_is_one_decimal():
    assert format_percent(Decimal("64.5")) == "64,5%"


@given(decimals_15, st.integers(min_value=0, max_value=4))
def test_percent_round_trip(value, decimals):
    text = format_percent(value, decimals)
    assert percent_decimals(text) == decimals
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert parse_percent(text) == rounded


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.925.425.000 đồng", 2925425000),
        ("2.925.425.000đ", 2925425000),
        ("2.925.425.000 đ", 2925425000),
        ("1.100.000đ", 1100000),
        ("1.100.000 VNĐ", 1100000),
        ("1.100.000 VND", 1100000),
        ("1.100.000 ₫", 1100000),
        ("130 triệu đồng", 130000000),
        ("286 triệu", 286000000),
        ("20 tỷ đồng", 20000000000),
        ("24 tỉ đồng", 24000000000),
        ("20 tỷ", 20000000000),
        ("1,5 tỷ đồng", 1500000000),
        ("500 nghìn đồng", 500000),
        ("500 ngàn", 500000),
        ("1,2 nghìn tỷ đồng", 1200000000000),
        ("  130   Triệu  Đồng ", 130000000),
        ("130 TRIỆU ĐỒNG", 130000000),
        ("130 trie\u0302\u0323u đo\u0302\u0300ng", 130000000),
        ("-5 triệu đồng", -5000000),
    ],
)
def test_parse_money(text, expected):
    value = parse_money(text)
    assert value == expected
    assert value.as_tuple().exponent == 0


def test_parse_money_keeps_fractions_of_a_unit():
    assert parse_money("1,2345 đồng") == Decimal("1.2345")


@pytest.mark.parametrize(
    ("text", "code", "bad"),
    [
        ("2.925.425.000", "money.invalid", "2.925.425.000"),
        ("abc đồng", "money.invalid", "abc đồng"),
        ("20 USD", "money.invalid", "20 USD"),
        ("20 triệu người", "money.invalid", "20 triệu người"),
        ("đồng", "money.invalid", "đồng"),
        ("", "money.invalid", ""),
        ("1.5 tỷ đồng", "number.ambiguous_dot", "1.5"),
        ("12.34 triệu", "number.ambiguous_dot", "12.34"),
    ],
)
def test_parse_money_rejects(text, code, bad):
    with pytest.raises(ChisoError) as caught:
        parse_money(text)
    assert caught.value.code == code
    assert caught.value.params["text"] == bad
    assert "%(" not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (2925425000, "đồng", "2.925.425.000 đồng"),
        (130000000, "triệu đồng", "130 triệu đồng"),
        (20000000000, "tỷ đồng", "20 tỷ đồng"),
        (1500000000, "tỷ đồng", "1,5 tỷ đồng"),
        (1100000, "nghìn đồng", "1.100 nghìn đồng"),
        (2925425000, "tỷ đồng", "2,925425 tỷ đồng"),
        (Decimal("-5000000"), "triệu đồng", "-5 triệu đồng"),
        (130000000, "auto", "130 triệu đồng"),
        (2925425000, "auto", "2.925.425.000 đồng"),
        (1500000000, "auto", "1,5 tỷ đồng"),
        (20000000000, "auto", "20 tỷ đồng"),
        (1250000000, "auto", "1,25 tỷ đồng"),
        (1234000000, "auto", "1.234 triệu đồng"),
        (1100000, "auto", "1,1 triệu đồng"),
        (500000, "auto", "500.000 đồng"),
        (0, "auto", "0 đồng"),
        (-3000000000, "auto", "-3 tỷ đồng"),
    ],
)
def test_format_money(value, unit, expected):
    assert format_money(value, unit) == expected


def test_format_money_default_unit_is_dong():
    assert format_money(1100000) == "1.100.000 đồng"


def test_format_money_rounds_with_decimals():
    assert format_money(20123456789, "tỷ đồng", decimals=1) == "20,1 tỷ đồng"
    assert format_money(20123456789, "triệu đồng", decimals=0) == "20.123 triệu đồng"


def test_format_money_rejects_unknown_unit():
    with pytest.raises(ValueError, match="unknown money unit"):
        format_money(1000, "đô la")


@given(
    st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1),
    st.sampled_from([*MONEY_UNITS, "auto"]),
)
def test_money_round_trip(value, unit):
    assert parse_money(format_money(value, unit)) == value
