"""parse_value: machine format (API, DHIS2 files) and Vietnamese format (web form, XLSX)."""

from decimal import Decimal

import pytest

from chiso.core.errors import ChisoError
from chiso.datavalues.services import parse_value
from chiso.indicators.models import Indicator


def of(value_type):
    return Indicator(code="X", value_type=value_type)


def error_code(value_type, raw, *, locale_format):
    with pytest.raises(ChisoError) as caught:
        parse_value(of(value_type), raw, locale_format=locale_format)
    return caught.value.code


@pytest.mark.parametrize(
    ("value_type", "raw", "expected"),
    [
        ("integer", "38406", Decimal(38406)),
        ("integer", " 12.0 ", Decimal(12)),
        ("integer", "-3", Decimal(-3)),
        ("number", "1234.5", Decimal("1234.5")),
        ("number", "0.000001", Decimal("0.000001")),
        ("percentage", "103.6", Decimal("103.6")),
        ("money", "2925425000", Decimal(2925425000)),
        ("boolean", "true", True),
        ("boolean", "0", False),
        ("text", "  Đạt chuẩn  ", "Đạt chuẩn"),
    ],
)
def test_machine_format_values(value_type, raw, expected):
    parsed = parse_value(of(value_type), raw, locale_format=False)
    assert parsed == expected
    assert type(parsed) is type(expected)


@pytest.mark.parametrize(
    ("value_type", "raw", "code"),
    [
        ("integer", "12.5", "datavalue.not_integer"),
        ("number", "1.234,5", "datavalue.not_number"),
        ("number", "1,234.5", "datavalue.not_number"),
        ("number", "1e5", "datavalue.not_number"),
        ("number", "abc", "datavalue.not_number"),
        ("percentage", "-1", "datavalue.negative_percentage"),
        ("money", "-5", "datavalue.not_money"),
        ("money", "10.5", "datavalue.not_money"),
        ("boolean", "yes", "datavalue.not_boolean"),
        ("number", "0.1234567", "datavalue.too_many_decimals"),
        ("number", "1234567890123456", "datavalue.too_many_digits"),
    ],
)
def test_machine_format_rejects(value_type, raw, code):
    assert error_code(value_type, raw, locale_format=False) == code


@pytest.mark.parametrize(
    ("value_type", "raw", "expected"),
    [
        ("integer", "38.406", Decimal(38406)),
        ("number", "1.234,5", Decimal("1234.5")),
        ("number", "64,5", Decimal("64.5")),
        ("percentage", "103,6%", Decimal("103.6")),
        ("percentage", "96", Decimal(96)),
        ("money", "2.925.425.000 đồng", Decimal(2925425000)),
        ("money", "2,5 tỷ đồng", Decimal(2500000000)),
        ("money", "1.100.000", Decimal(1100000)),
        ("boolean", "Có", True),
        ("boolean", "không", False),
    ],
)
def test_vietnamese_format_values(value_type, raw, expected):
    assert parse_value(of(value_type), raw, locale_format=True) == expected


@pytest.mark.parametrize(
    ("value_type", "raw", "code"),
    [
        ("number", "1.5", "number.ambiguous_dot"),
        ("integer", "38,406", "number.decimal_not_allowed"),
        ("number", "1,234.5", "number.english_format"),
        ("money", "1,5 đồng", "datavalue.not_money"),
        ("money", "20 tỷ USD", "money.invalid"),
        ("percentage", "-5%", "datavalue.negative_percentage"),
    ],
)
def test_vietnamese_format_rejects(value_type, raw, code):
    assert error_code(value_type, raw, locale_format=True) == code


def test_the_message_quotes_the_input_in_vietnamese():
    with pytest.raises(ChisoError) as caught:
        parse_value(of("integer"), "12.5", locale_format=False)
    assert str(caught.value) == "'12.5' phải là số nguyên"


def test_blank_means_no_value():
    assert parse_value(of("integer"), "  ", locale_format=True) is None
    assert parse_value(of("text"), "", locale_format=False) is None
    assert parse_value(of("number"), None, locale_format=False) is None


def test_typed_inputs_are_checked_not_parsed():
    assert parse_value(of("integer"), Decimal("7.00"), locale_format=False) == Decimal(7)
    assert parse_value(of("boolean"), 1, locale_format=False) is True
    assert parse_value(of("boolean"), False, locale_format=False) is False
    assert error_code("integer", Decimal("7.5"), locale_format=False) == "datavalue.not_integer"
    assert error_code("integer", True, locale_format=False) == "datavalue.not_number"
    with pytest.raises(TypeError):
        parse_value(of("number"), 1.5, locale_format=False)
