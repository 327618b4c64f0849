"""Date and reform boundaries of ``analytics_table``, the same on SQLite and PostgreSQL.

The value queries compare dates bound as parameters (a predecessor's "values before" date, the
span limits) with stored dates: SQLite compares ISO text, PostgreSQL dates. These tests pin
every boundary both ways (the last day of a range, the day before a succession), for the
request shapes that take different SQL paths: one unit (whole predecessors' own links are not
read), several units (``level``), this year and last year adjoining (one index range) or not
(one per span), and year to date.
"""

from datetime import date
from decimal import Decimal

import pytest

from chiso.analytics.selectors import analytics_table
from chiso.core.periods import Period, YearToDate
from chiso.orgunits.models import Succession

D = Decimal
REFORM = date(2025, 7, 1)
UNTIL = date(2025, 6, 30)


def one(rows):
    assert len(rows) == 1
    return rows[0]


def value(user, indicator, unit, period, **kwargs):
    row = one(
        analytics_table(
            user=user, indicators=[indicator.code], orgunit=unit, period=period, **kwargs
        )
    )
    return row.value, row.value_last_year


@pytest.fixture
def merged(make_unit):
    """Old province P (communes A, B) went whole into new province N on 1 July 2025: A and B
    merged whole into X; P -> N is a whole link too."""
    p = make_unit("Tỉnh Cũ", tier="tinh", code="P", valid_to=UNTIL)
    a = make_unit("Xã A", parent=p, code="A", valid_to=UNTIL)
    b = make_unit("Xã B", parent=p, code="B", valid_to=UNTIL)
    n = make_unit("Tỉnh Mới", tier="tinh", code="N", valid_from=REFORM)
    x = make_unit("Xã X", parent=n, code="X", valid_from=REFORM)
    for pred, succ in [(a, x), (b, x), (p, n)]:
        Succession.objects.create(predecessor=pred, successor=succ, kind="whole", effective=REFORM)
    return {"p": p, "a": a, "b": b, "n": n, "x": x}


@pytest.fixture
def stored(merged, make_indicator, put):
    jobs = make_indicator("sum", "month")
    put(jobs, merged["a"], "202506", 1)  # ends the day before the reform: counts for N and X
    put(jobs, merged["a"], "202507", 1000)  # stored at the old unit after it ended: never counts
    put(jobs, merged["b"], "202501", 2)
    put(jobs, merged["x"], "202507", 100)
    put(jobs, merged["x"], "202512", 10)  # ends on the range's last day: counts
    put(jobs, merged["a"], "202412", 5)  # last day of last year's range
    put(jobs, merged["b"], "202401", 7)
    put(jobs, merged["a"], "202601", 9999)  # after the range
    return jobs


def test_a_year_counts_values_ending_on_its_last_day_and_predecessors_before_the_reform(
    merged, stored, admin
):
    assert value(admin, stored, "N", "2025") == (D(113), D(12))
    assert value(admin, stored, "X", "2025") == (D(113), D(12))
    rows = analytics_table(
        user=admin, indicators=[stored.code], orgunit="N", period="2025", level="xa"
    )
    assert [(r.orgunit, r.value, r.value_last_year) for r in rows] == [("X", D(113), D(12))]


def test_ranges_that_do_not_adjoin_last_years_and_year_to_date(merged, stored, admin):
    assert value(admin, stored, "N", "2025Q3") == (D(100), None)
    assert value(admin, stored, "N", "2025Q4") == (D(10), D(5))
    assert value(admin, stored, "N", "2025S2") == (D(110), D(5))
    assert value(admin, stored, "N", "202512") == (D(10), D(5))
    # From 1 January: the predecessors' values before the reform, then X's.
    assert value(admin, stored, "X", YearToDate(Period.parse("202509"))) == (D(103), D(7))
    assert value(admin, stored, "X", "202507", year_to_date=True) == (D(103), D(7))
    assert value(admin, stored, "N", "2025Q4", year_to_date=True) == (D(113), D(12))


def test_the_old_units_answer_for_themselves_before_the_reform(merged, stored, admin):
    assert value(admin, stored, "P", "2025S1") == (D(3), D(7))
    assert value(admin, stored, "A", "2024") == (D(5), None)


def test_a_later_link_from_inside_a_whole_predecessor_still_counts(
    merged, make_unit, make_indicator, put, admin
):
    """One-unit requests skip links from inside a whole predecessor that its own link already
    covers; a link dated after that one is not covered and must still be read."""
    jobs = make_indicator("sum", "month")
    c = make_unit("Xã C", parent=merged["p"], code="C", valid_to=date(2025, 12, 31))
    y = make_unit("Xã Y", parent=merged["n"], code="Y", valid_from=date(2026, 1, 1))
    Succession.objects.create(predecessor=c, successor=y, kind="whole", effective=date(2026, 1, 1))
    put(jobs, c, "202503", 1)  # before P's link: counted through P
    put(jobs, c, "202509", 20)  # after P's link, before C's own: counted through C's link
    put(jobs, y, "202602", 300)
    assert value(admin, jobs, "N", "2026") == (D(300), D(21))
    assert value(admin, jobs, "Y", "2026") == (D(300), D(21))


def test_a_week_across_new_year_is_in_neither_year(make_unit, make_indicator, put, admin):
    unit = make_unit("Xã Tuần", code="W1")
    visits = make_indicator("sum", "week")
    put(visits, unit, "2025W1", 4)  # 30/12/2024 to 05/01/2025
    put(visits, unit, "2025W2", 8)
    put(visits, unit, "2024W2", 16)
    assert value(admin, visits, "W1", "2025") == (D(8), D(16))


def test_stock_figures_at_the_range_boundaries(merged, make_indicator, put, admin):
    schools = make_indicator("last", "month")
    put(schools, merged["a"], "202506", 6)
    put(schools, merged["b"], "202412", 4)
    put(schools, merged["a"], "202412", 3)
    # Before X reports, N's stock is its predecessors' latest, this year and last.
    assert value(admin, schools, "N", "2025") == (D(6), D(7))
    put(schools, merged["x"], "202512", 11)
    assert value(admin, schools, "N", "2025") == (D(11), D(7))
