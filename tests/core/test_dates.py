from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.core.dates import (
    WEEKDAYS,
    format_date,
    format_date_long,
    format_date_short,
    format_weekday_date,
    parse_date,
    place_date_line,
)
from chiso.core.errors import ChisoError


def test_format_date_short_pads_day_and_month():
    assert format_date_short(date(2023, 2, 14)) == "14/02/2023"
    assert format_date_short(date(2023, 11, 5)) == "05/11/2023"


def test_format_date():
    assert format_date(date(2023, 1, 12)) == "ngày 12/01/2023"


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2023, 2, 14), "ngày 14 tháng 02 năm 2023"),
        (date(2023, 1, 1), "ngày 01 tháng 01 năm 2023"),
        (date(2023, 11, 14), "ngày 14 tháng 11 năm 2023"),
        (date(2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
        (date(2024, 9, 30), "ngày 30 tháng 9 năm 2024"),
        (date(2024, 12, 9), "ngày 09 tháng 12 năm 2024"),
        (date(2024, 10, 10), "ngày 10 tháng 10 năm 2024"),
    ],
)
def test_format_date_long_follows_decree_30(d, expected):
    assert format_date_long(d) == expected


def test_place_date_line():
    assert place_date_line("Bình Phước", date(2023, 2, 14)) == (
        "Bình Phước, ngày 14 tháng 02 năm 2023"
    )


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2023, 11, 13), "Thứ hai - 13/11/2023"),
        (date(2023, 11, 14), "Thứ ba - 14/11/2023"),
        (date(2023, 11, 15), "Thứ tư - 15/11/2023"),
        (date(2023, 11, 16), "Thứ năm - 16/11/2023"),
        (date(2023, 11, 17), "Thứ sáu - 17/11/2023"),
        (date(2023, 11, 18), "Thứ bảy - 18/11/2023"),
        (date(2023, 11, 19), "Chủ nhật - 19/11/2023"),
    ],
)
def test_format_weekday_date(d, expected):
    assert format_weekday_date(d) == expected


def test_weekdays_start_on_monday():
    assert WEEKDAYS[date(2023, 11, 14).weekday()] == "Thứ ba"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14/02/2023", date(2023, 2, 14)),
        ("14/2/2023", date(2023, 2, 14)),
        ("4/2/2023", date(2023, 2, 4)),
        ("ngày 14/02/2023", date(2023, 2, 14)),
        ("Ngày 08/3/2022", date(2022, 3, 8)),
        ("2023-02-14", date(2023, 2, 14)),
        ("ngày 14 tháng 02 năm 2023", date(2023, 2, 14)),
        ("ngày 5 tháng 3 năm 2024", date(2024, 3, 5)),
        ("14 tháng 11 năm 2023", date(2023, 11, 14)),
        ("  ngày  14   tháng 02\nnăm 2023 ", date(2023, 2, 14)),
        ("Thứ ba - 14/11/2023", date(2023, 11, 14)),
        ("chủ nhật - 19/11/2023", date(2023, 11, 19)),
        ("Thứ hai - ngày 13 tháng 11 năm 2023", date(2023, 11, 13)),
        ("nga\u0300y 14/02/2023", date(2023, 2, 14)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "date.invalid"),
        ("hôm nay", "date.invalid"),
        ("14-02-2023", "date.invalid"),
        ("14/02/23", "date.invalid"),
        ("2023/02/14", "date.invalid"),
        ("14/02/2023 10:00", "date.invalid"),
        ("ngày 14 tháng 02", "date.invalid"),
        ("202302", "date.invalid"),
        ("31/02/2023", "date.nonexistent"),
        ("29/02/2023", "date.nonexistent"),
        ("14/13/2023", "date.nonexistent"),
        ("00/01/2023", "date.nonexistent"),
        ("2023-02-30", "date.nonexistent"),
        ("ngày 32 tháng 1 năm 2023", "date.nonexistent"),
    ],
)
def test_parse_date_rejects(text, code):
    with pytest.raises(ChisoError) as caught:
        parse_date(text)
    assert caught.value.code == code
    assert caught.value.params == {"text": text}
    assert "%(" not in str(caught.value)


def test_parse_date_accepts_leap_day():
    assert parse_date("29/02/2024") == date(2024, 2, 29)


def test_parse_date_checks_the_weekday():
    with pytest.raises(ChisoError) as caught:
        parse_date("Thứ tư - 14/11/2023")
    assert caught.value.code == "date.weekday_mismatch"
    assert caught.value.params == {
        "text": "Thứ tư - 14/11/2023",
        "date": "14/11/2023",
        "weekday": "Thứ ba",
        "written": "Thứ tư",
    }
    assert (
        str(caught.value) == "'Thứ tư - 14/11/2023': ngày 14/11/2023 là Thứ ba, không phải Thứ tư"
    )


@given(st.dates())
def test_round_trips(d):
    assert parse_date(format_date_short(d)) == d
    assert parse_date(format_date(d)) == d
    assert parse_date(format_date_long(d)) == d
    assert parse_date(format_weekday_date(d)) == d
    assert parse_date(d.isoformat()) == d
