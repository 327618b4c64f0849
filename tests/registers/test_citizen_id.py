"""Personal identification numbers: 12 digits, a province prefix, masked by default."""

import pytest

from chiso.core.citizen_id import (
    birth_year_of,
    check_against,
    mask,
    parse_citizen_id,
    sex_of,
)
from chiso.core.errors import ChisoError


def test_parse_normalises_separators_and_excel_apostrophe():
    assert parse_citizen_id(" 070 1 85 012345 ") == "070185012345"
    assert parse_citizen_id("'001-0-90-123456") == "001090123456"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("70185012345", "citizen_id.format"),  # Excel dropped the leading zero
        ("0701850123456", "citizen_id.format"),
        ("07018501234a", "citizen_id.format"),
        ("000185012345", "citizen_id.province"),
        ("003185012345", "citizen_id.province"),  # 003 is no province code
        ("097185012345", "citizen_id.province"),
    ],
)
def test_invalid_numbers_are_refused(text, code):
    with pytest.raises(ChisoError) as caught:
        parse_citizen_id(text)
    assert caught.value.code == code


def test_century_sex_and_year_digits():
    assert (birth_year_of("070185012345"), sex_of("070185012345")) == (1985, "nu")
    assert (birth_year_of("096205012345"), sex_of("096205012345")) == (2005, "nam")
    check_against("070185012345", birth_year=1985, sex="nu")
    with pytest.raises(ChisoError) as caught:
        check_against("070185012345", birth_year=1986)
    assert caught.value.code == "citizen_id.birth_year"
    with pytest.raises(ChisoError):
        check_against("070185012345", sex="nam")


def test_mask_keeps_the_first_digit_and_the_last_three():
    assert mask("070185012345") == "0xx******345"
    assert mask("") == ""
