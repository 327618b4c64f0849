from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.core.errors import MESSAGES, ChisoError
from chiso.core.periods import (
    MAX_YEAR,
    MIN_YEAR,
    Period,
    PeriodType,
    YearToDate,
    parse_period,
    periods_in,
    reporting_deadline,
    reporting_window,
)

Y, S, Q, M, W, D = (
    PeriodType.YEAR,
    PeriodType.HALF,
    PeriodType.QUARTER,
    PeriodType.MONTH,
    PeriodType.WEEK,
    PeriodType.DAY,
)
CALENDAR_TYPES = (Y, S, Q, M)

# Keep generated periods one step away from the supported edges, so next/previous exist.
any_day = st.dates(date(MIN_YEAR + 1, 1, 1), date(MAX_YEAR - 1, 12, 31))
any_type = st.sampled_from(PeriodType)
any_period = st.builds(Period.containing, any_type, any_day)
recent_period = st.builds(
    Period.containing, any_type, st.dates(date(2000, 1, 1), date(2099, 12, 31))
)
calendar_period = st.builds(Period.containing, st.sampled_from(CALENDAR_TYPES), any_day)


def P(text):
    return Period.parse(text)


def d(text):
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("text", "canonical", "type_", "start", "end", "label"),
    [
        ("2023", "2023", Y, "2023-01-01", "2023-12-31", "năm 2023"),
        ("2024", "2024", Y, "2024-01-01", "2024-12-31", "năm 2024"),
        ("2023S1", "2023S1", S, "2023-01-01", "2023-06-30", "6 tháng đầu năm 2023"),
        ("2023S2", "2023S2", S, "2023-07-01", "2023-12-31", "6 tháng cuối năm 2023"),
        ("2023Q1", "2023Q1", Q, "2023-01-01", "2023-03-31", "quý I/2023"),
        ("2023Q2", "2023Q2", Q, "2023-04-01", "2023-06-30", "quý II/2023"),
        ("2023Q3", "2023Q3", Q, "2023-07-01", "2023-09-30", "quý III/2023"),
        ("2023Q4", "2023Q4", Q, "2023-10-01", "2023-12-31", "quý IV/2023"),
        ("202309", "202309", M, "2023-09-01", "2023-09-30", "tháng 9/2023"),
        ("2023-09", "202309", M, "2023-09-01", "2023-09-30", "tháng 9/2023"),
        ("202312", "202312", M, "2023-12-01", "2023-12-31", "tháng 12/2023"),
        ("2024-02", "202402", M, "2024-02-01", "2024-02-29", "tháng 2/2024"),
        ("2023W5", "2023W5", W, "2023-01-30", "2023-02-05", "tuần 5/2023"),
        ("2023W05", "2023W5", W, "2023-01-30", "2023-02-05", "tuần 5/2023"),
        ("2023W1", "2023W1", W, "2023-01-02", "2023-01-08", "tuần 1/2023"),
        ("2023W52", "2023W52", W, "2023-12-25", "2023-12-31", "tuần 52/2023"),
        ("2020W53", "2020W53", W, "2020-12-28", "2021-01-03", "tuần 53/2020"),
        ("2025W01", "2025W1", W, "2024-12-30", "2025-01-05", "tuần 1/2025"),
        ("20230115", "20230115", D, "2023-01-15", "2023-01-15", "ngày 15/01/2023"),
        ("2023-01-15", "20230115", D, "2023-01-15", "2023-01-15", "ngày 15/01/2023"),
        ("20240229", "20240229", D, "2024-02-29", "2024-02-29", "ngày 29/02/2024"),
        ("20231231", "20231231", D, "2023-12-31", "2023-12-31", "ngày 31/12/2023"),
    ],
)
def test_parse_valid(text, canonical, type_, start, end, label):
    period = parse_period(text)
    assert period.id == canonical
    assert str(period) == canonical
    assert period.type is type_
    assert (period.start, period.end) == (d(start), d(end))
    assert period.label == label


@pytest.mark.parametrize(
    ("text", "code", "extra"),
    [
        ("", "period.invalid", {}),
        ("23", "period.invalid", {}),
        ("202", "period.invalid", {}),
        ("20230", "period.invalid", {}),
        ("2023Q", "period.invalid", {}),
        ("2023Q12", "period.invalid", {}),
        ("2023q3", "period.invalid", {}),
        (" 2023", "period.invalid", {}),
        ("2023\n", "period.invalid", {}),
        ("2023-9", "period.invalid", {}),
        ("2023/09", "period.invalid", {}),
        ("2023-0915", "period.invalid", {}),
        ("202309-15", "period.invalid", {}),
        ("2023-W05", "period.invalid", {}),
        ("2023W005", "period.invalid", {}),
        ("2023BiW1", "period.invalid", {}),
        ("2023AprilS1", "period.invalid", {}),
        ("202301B", "period.invalid", {}),
        ("٢٠٢٣", "period.invalid", {}),
        ("0023", "period.bad_year", {"min": MIN_YEAR, "max": MAX_YEAR}),
        ("1899", "period.bad_year", {"min": MIN_YEAR, "max": MAX_YEAR}),
        ("3000Q1", "period.bad_year", {"min": MIN_YEAR, "max": MAX_YEAR}),
        ("2023S0", "period.bad_half", {}),
        ("2023S3", "period.bad_half", {}),
        ("2023Q0", "period.bad_quarter", {}),
        ("2023Q5", "period.bad_quarter", {}),
        ("202300", "period.bad_month", {"month": 0}),
        ("202313", "period.bad_month", {"month": 13}),
        ("2023-13", "period.bad_month", {"month": 13}),
        ("20231301", "period.bad_month", {"month": 13}),
        ("2023W0", "period.bad_week", {"year": 2023, "week": 0, "weeks": 52}),
        ("2023W53", "period.bad_week", {"year": 2023, "week": 53, "weeks": 52}),
        ("2023W54", "period.bad_week", {"year": 2023, "week": 54, "weeks": 52}),
        ("2020W54", "period.bad_week", {"year": 2020, "week": 54, "weeks": 53}),
        ("20230230", "period.bad_day", {"year": 2023, "month": 2, "day": 30}),
        ("20230229", "period.bad_day", {"year": 2023, "month": 2, "day": 29}),
        ("2023-04-31", "period.bad_day", {"year": 2023, "month": 4, "day": 31}),
        ("20230100", "period.bad_day", {"year": 2023, "month": 1, "day": 0}),
    ],
)
def test_parse_malformed(text, code, extra):
    with pytest.raises(ChisoError) as caught:
        Period.parse(text)
    assert caught.value.code == code
    assert caught.value.params == {"text": text, **extra}
    assert f"'{text}'" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2023X",
            "'2023X' không phải mã kỳ báo cáo hợp lệ "
            "(ví dụ: 2023, 2023S1, 2023Q3, 202309, 2023W5, 20230115)",
        ),
        ("2023Q5", "'2023Q5': quý phải từ Q1 đến Q4"),
        ("2023S3", "'2023S3': kỳ 6 tháng phải là S1 hoặc S2"),
        ("202313", "'202313': tháng phải từ 01 đến 12"),
        ("2023W54", "'2023W54': năm 2023 có 52 tuần, tuần phải từ 1 đến 52"),
        ("20230230", "'20230230': tháng 2/2023 không có ngày 30"),
        ("1899", "'1899': năm phải từ 1900 đến 2999"),
    ],
)
def test_parse_error_messages(text, message):
    with pytest.raises(ChisoError) as caught:
        parse_period(text)
    assert str(caught.value) == message


def test_every_period_error_code_has_a_message():
    codes = {
        "period.invalid",
        "period.bad_year",
        "period.bad_half",
        "period.bad_quarter",
        "period.bad_month",
        "period.bad_week",
        "period.bad_day",
        "period.out_of_range",
        "period.no_parent",
        "period.no_window",
        "period.bad_cutoff",
        "period.bad_grace_days",
    }
    assert codes == {code for code in MESSAGES if code.startswith("period.")}


def test_format_label_applies_translate_to_templates():
    english = {
        "quý %(roman)s/%(year)s": "Q%(roman)s %(year)s",
        "lũy kế từ đầu năm đến hết %(period)s": "year to the end of %(period)s",
    }
    period = P("2023Q3")
    assert period.format_label(lambda s: english.get(s, s)) == "QIII 2023"
    assert period.year_to_date().format_label(english.get) == "year to the end of QIII 2023"


def test_equal_spellings_give_one_hashable_period():
    assert {P("202309"), P("2023-09")} == {P("202309")}
    assert P("2023W05") == P("2023W5")
    assert hash(P("2023-01-15")) == hash(P("20230115"))
    assert repr(P("2023-09")) == "<Period 202309>"


def test_constructor_rejects_inconsistent_fields():
    with pytest.raises(ValueError):
        Period(M, date(2023, 9, 2), date(2023, 9, 30))
    with pytest.raises(ValueError):
        Period(Q, date(2023, 7, 1), date(2023, 8, 31))


def test_containing():
    day = date(2023, 9, 15)
    assert [Period.containing(t, day).id for t in PeriodType] == [
        "2023",
        "2023S2",
        "2023Q3",
        "202309",
        "2023W37",
        "20230915",
    ]


def test_week_year_is_the_iso_year():
    assert Period.containing(W, date(2021, 1, 3)).id == "2020W53"
    assert Period.containing(W, date(2024, 12, 31)).id == "2025W1"
    assert P("2025W1").year == 2025


def test_sorting_mixed_types_by_start_then_length():
    texts = ["2023", "202309", "2023Q3", "2023S2", "20230701", "2023W26", "2022", "2023W27"]
    ordered = [p.id for p in sorted(P(t) for t in texts)]
    # 2023W26 runs 26/06-02/07/2023, 2023W27 starts on 03/07/2023.
    assert ordered == [
        "2022",
        "2023",
        "2023W26",
        "20230701",
        "2023Q3",
        "2023S2",
        "2023W27",
        "202309",
    ]


@pytest.mark.parametrize(
    ("text", "previous", "next_"),
    [
        ("2023", "2022", "2024"),
        ("2023S1", "2022S2", "2023S2"),
        ("2023Q1", "2022Q4", "2023Q2"),
        ("202301", "202212", "202302"),
        ("2023W1", "2022W52", "2023W2"),
        ("2021W1", "2020W53", "2021W2"),
        ("2023W52", "2023W51", "2024W1"),
        ("20230101", "20221231", "20230102"),
        ("20240301", "20240229", "20240302"),
    ],
)
def test_previous_and_next(text, previous, next_):
    assert P(text).previous() == P(previous)
    assert P(text).next() == P(next_)


def test_shift():
    assert P("202309").shift(4).id == "202401"
    assert P("202309").shift(-21).id == "202112"
    assert P("2023Q3").shift(0) == P("2023Q3")
    assert P("2023W5").shift(-5).id == "2022W52"
    assert P("20230115").shift(365).id == "20240115"


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("2999", 1),
        ("1900", -1),
        ("299912", 1),
        ("1900W1", -1),
        ("29991231", 1),
        ("20230115", 10**9),
    ],
)
def test_shift_out_of_range(text, n):
    with pytest.raises(ChisoError) as caught:
        P(text).shift(n)
    assert caught.value.code == "period.out_of_range"
    assert caught.value.params == {"min": MIN_YEAR, "max": MAX_YEAR}


def test_containing_out_of_range():
    with pytest.raises(ChisoError) as caught:
        Period.containing(W, date(2999, 12, 31))  # in ISO week 3000W1
    assert caught.value.code == "period.out_of_range"


@pytest.mark.parametrize(
    ("text", "last_year"),
    [
        ("2023", "2022"),
        ("2023S1", "2022S1"),
        ("2023Q1", "2022Q1"),
        ("202301", "202201"),
        ("2024W1", "2023W1"),
        ("2021W1", "2020W1"),
        # Years with a week 53 are never consecutive: clamp to the last week.
        ("2020W53", "2019W52"),
        ("2026W53", "2025W52"),
        ("20240101", "20230101"),
        # No 29 February in 2023: keep the month, take its last day.
        ("20240229", "20230228"),
        ("20240301", "20230301"),
    ],
)
def test_same_period_last_year(text, last_year):
    assert P(text).same_period_last_year() == P(last_year)


def test_year_to_date_of_a_month():
    ytd = P("202309").year_to_date()
    assert isinstance(ytd, YearToDate)
    assert (ytd.start, ytd.end) == (date(2023, 1, 1), date(2023, 9, 30))
    assert ytd.label == "lũy kế từ đầu năm đến hết tháng 9/2023"
    assert ytd.contains(P("2023Q3"))
    assert ytd.contains(date(2023, 1, 1))
    assert not ytd.contains(P("202310"))
    assert not ytd.contains(date(2022, 12, 31))
    assert P("2023").contains(ytd)
    assert not P("2023S1").contains(ytd)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2023", "2023-01-01", "2023-12-31", "lũy kế từ đầu năm đến hết năm 2023"),
        ("2023S1", "2023-01-01", "2023-06-30", "lũy kế từ đầu năm đến hết 6 tháng đầu năm 2023"),
        ("2023Q3", "2023-01-01", "2023-09-30", "lũy kế từ đầu năm đến hết quý III/2023"),
        ("20230115", "2023-01-01", "2023-01-15", "lũy kế từ đầu năm đến hết ngày 15/01/2023"),
        # Weeks count whole ISO weeks: from the Monday of week 1.
        ("2025W2", "2024-12-30", "2025-01-12", "lũy kế từ đầu năm đến hết tuần 2/2025"),
        ("2023W5", "2023-01-02", "2023-02-05", "lũy kế từ đầu năm đến hết tuần 5/2023"),
    ],
)
def test_year_to_date(text, start, end, label):
    ytd = P(text).year_to_date()
    assert (ytd.start, ytd.end, ytd.label) == (d(start), d(end), label)


def test_children():
    assert [p.id for p in P("2023").children()] == ["2023S1", "2023S2"]
    assert [p.id for p in P("2023S2").children()] == ["2023Q3", "2023Q4"]
    assert [p.id for p in P("2023Q3").children()] == ["202307", "202308", "202309"]
    assert P("202309").children() == ()
    assert P("2023W5").children() == ()
    assert P("20230115").children() == ()


def test_months_and_days():
    assert [p.id for p in P("2023S1").months()] == [f"2023{m:02d}" for m in range(1, 7)]
    assert len(P("2023").months()) == 12
    assert P("2023W5").months() == ()
    assert [p.id for p in P("2023W5").days()] == [
        "20230130",
        "20230131",
        "20230201",
        "20230202",
        "20230203",
        "20230204",
        "20230205",
    ]
    assert len(P("202402").days()) == 29
    assert len(P("2024").days()) == 366
    assert P("20230115").days() == (P("20230115"),)


def test_periods_in():
    # Weeks wholly inside the period: 2023W13 (27/03-02/04) straddles the quarter's end.
    assert [p.id for p in periods_in(P("2023Q1"), W)] == [f"2023W{n}" for n in range(1, 13)]
    # 2025W1 starts on 30/12/2024 and 2026W1 on 29/12/2025: neither lies inside 2025.
    assert [p.id for p in periods_in(P("2025"), W)] == [f"2025W{n}" for n in range(2, 53)]
    assert [p.id for p in periods_in(P("202302"), W)] == ["2023W6", "2023W7", "2023W8"]
    assert [p.id for p in periods_in(P("2023"), Q)] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert periods_in(P("202309"), M) == (P("202309"),)
    assert periods_in(P("202309"), Y) == ()
    assert periods_in(P("2023W5"), M) == ()


@pytest.mark.parametrize(
    ("text", "type_", "parent"),
    [
        ("20230115", Y, "2023"),
        ("20230115", S, "2023S1"),
        ("20230115", Q, "2023Q1"),
        ("20230115", M, "202301"),
        ("20230115", W, "2023W2"),
        ("2023W6", M, "202302"),
        ("2023W6", Y, "2023"),
        ("202309", S, "2023S2"),
        ("2023Q3", Y, "2023"),
        ("202309", M, "202309"),
    ],
)
def test_parent(text, type_, parent):
    assert P(text).parent(type_) == P(parent)


@pytest.mark.parametrize(
    ("text", "type_", "noun"),
    [
        ("2023W5", M, "tháng"),  # 30/01-05/02/2023
        ("2025W1", Y, "năm"),  # 30/12/2024-05/01/2025
        ("202309", D, "ngày"),
        ("2023", Q, "quý"),
    ],
)
def test_parent_missing(text, type_, noun):
    with pytest.raises(ChisoError) as caught:
        P(text).parent(type_)
    assert caught.value.code == "period.no_parent"
    assert caught.value.params == {"period": text, "type": noun}


@pytest.mark.parametrize(
    ("text", "cutoff_day", "start", "end"),
    [
        ("202309", 14, "2023-08-15", "2023-09-14"),
        ("202301", 14, "2022-12-15", "2023-01-14"),
        ("202303", 14, "2023-02-15", "2023-03-14"),
        ("2023Q3", 14, "2023-06-15", "2023-09-14"),
        ("2023Q1", 14, "2022-12-15", "2023-03-14"),
        ("2023S1", 14, "2022-12-15", "2023-06-14"),
        ("2023S2", 14, "2023-06-15", "2023-12-14"),
        ("2023", 14, "2022-12-15", "2023-12-14"),
        ("202309", 20, "2023-08-21", "2023-09-20"),
        ("202303", 28, "2023-03-01", "2023-03-28"),
        ("202403", 28, "2024-02-29", "2024-03-28"),
        ("202309", 1, "2023-08-02", "2023-09-01"),
    ],
)
def test_reporting_window(text, cutoff_day, start, end):
    assert reporting_window(P(text), cutoff_day=cutoff_day) == (d(start), d(end))


def test_reporting_window_default_cutoff_is_the_14th():
    assert reporting_window(P("202309")) == (date(2023, 8, 15), date(2023, 9, 14))


def test_reporting_deadline():
    assert reporting_deadline(P("202309")) == date(2023, 9, 14)
    assert reporting_deadline(P("202309"), grace_days=5) == date(2023, 9, 19)
    assert reporting_deadline(P("2023"), cutoff_day=20, grace_days=15) == date(2024, 1, 4)


@pytest.mark.parametrize("text", ["2023W5", "20230115"])
def test_no_window_for_weeks_and_days(text):
    for call in (reporting_window, reporting_deadline):
        with pytest.raises(ChisoError) as caught:
            call(P(text))
        assert caught.value.code == "period.no_window"
        assert caught.value.params == {"period": text}


@pytest.mark.parametrize("cutoff_day", [0, 29, 31, -1, 14.0])
def test_bad_cutoff_day(cutoff_day):
    with pytest.raises(ChisoError) as caught:
        reporting_window(P("202309"), cutoff_day=cutoff_day)
    assert caught.value.code == "period.bad_cutoff"
    assert caught.value.params == {"cutoff_day": cutoff_day}


def test_negative_grace_days():
    with pytest.raises(ChisoError) as caught:
        reporting_deadline(P("202309"), grace_days=-1)
    assert caught.value.code == "period.bad_grace_days"
    assert caught.value.params == {"grace_days": -1}


# Properties


@given(any_period)
def test_round_trip(period):
    assert Period.parse(str(period)) == period
    assert parse_period(period.id).id == period.id


@given(any_type, any_day)
def test_containing_contains_the_day(type_, day):
    period = Period.containing(type_, day)
    assert period.type is type_
    assert period.start <= day <= period.end
    assert period.contains(day)
    assert period.contains(period)


@given(any_period, any_period)
def test_contains_means_bounds_within(a, b):
    if a.contains(b):
        assert a.start <= b.start and b.end <= a.end
        assert a.contains(b.start) and a.contains(b.end)
    else:
        assert not (a.contains(b.start) and a.contains(b.end))


@given(any_period, st.data())
def test_finer_periods_of_a_day_inside_are_contained(period, data):
    day = data.draw(st.dates(period.start, period.end))
    order = list(PeriodType)
    for type_ in order[order.index(period.type) :]:
        inner = Period.containing(type_, day)
        # Weeks do not nest in the calendar hierarchy, everything else does.
        if type_ is not W or period.type is W:
            assert period.contains(inner)
            assert inner.parent(period.type) == period


@given(any_period, any_period)
def test_order_is_total_and_follows_start_dates(a, b):
    assert [a < b, a == b, b < a].count(True) == 1
    assert (a <= b) == (not b < a)
    if a.start < b.start:
        assert a < b
    if a == b:
        assert hash(a) == hash(b)


@given(st.lists(any_period, max_size=20))
def test_sorted_order_matches_start_dates(periods):
    ordered = sorted(periods)
    assert [p.start for p in ordered] == sorted(p.start for p in periods)


@given(recent_period, st.integers(-100, 100))
def test_navigation(period, n):
    assert period.next().previous() == period
    assert period.previous().next() == period
    assert period.next().start == period.end + timedelta(days=1)
    assert period.shift(n).shift(-n) == period
    assert period.shift(n).type is period.type
    assert period.shift(1) == period.next()


@given(calendar_period)
def test_children_months_and_days_partition_the_period(period):
    groups = [period.months(), period.days()]
    if period.type is M:
        assert period.children() == ()
    else:
        groups.append(period.children())
    for parts in groups:
        assert parts[0].start == period.start
        assert parts[-1].end == period.end
        assert all(a.end + timedelta(days=1) == b.start for a, b in pairwise(parts))
        assert all(part.parent(period.type) == period for part in parts)
    assert len(period.days()) == (period.end - period.start).days + 1


@given(any_period, any_type)
def test_periods_in_are_contained_and_consecutive(period, type_):
    parts = periods_in(period, type_)
    assert all(part.type is type_ and period.contains(part) for part in parts)
    assert list(parts) == sorted(parts)
    assert all(a.next() == b for a, b in pairwise(parts))
    if type_ is period.type:
        assert parts == (period,)


@given(any_period)
def test_same_period_last_year_keeps_the_type_and_steps_one_year(period):
    last = period.same_period_last_year()
    assert last.type is period.type
    assert last.year == period.year - 1
    if period.type is not W:
        assert last.start.month == period.start.month
    if period.type in CALENDAR_TYPES:
        assert last.id == f"{period.year - 1}{period.id[4:]}"


@given(any_period)
def test_year_to_date_runs_from_the_year_start_to_the_period_end(period):
    ytd = period.year_to_date()
    assert ytd.end == period.end
    assert ytd.contains(period)
    if period.type is W:
        assert ytd.start == P(f"{period.year}W1").start
    else:
        assert ytd.start == P(str(period.year)).start


@given(calendar_period, st.integers(1, 28))
def test_windows_tile_time(period, cutoff_day):
    start, end = reporting_window(period, cutoff_day)
    next_start, _ = reporting_window(period.next(), cutoff_day)
    assert next_start == end + timedelta(days=1)
    months = period.months()
    assert start == reporting_window(months[0], cutoff_day)[0]
    assert end == reporting_window(months[-1], cutoff_day)[1]
    assert end.day == cutoff_day and end.month == period.end.month
