from datetime import date
from decimal import Decimal

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.analytics.selectors import analytics_table
from chiso.core.errors import ChisoError
from chiso.core.periods import Period
from chiso.datavalues.models import DataValue, Status
from chiso.datavalues.totals import totals_rebuild
from chiso.orgunits.models import Succession

D = Decimal


def one(rows):
    assert len(rows) == 1
    return rows[0]


def table(user, indicator, unit, period, **kwargs):
    return analytics_table(
        user=user, indicators=[indicator.code], orgunit=unit, period=period, **kwargs
    )


# --- hierarchy and period roll-up ------------------------------------------------------------


def test_sum_rolls_months_up_to_the_year_and_communes_up_to_the_province(
    tree, admin, make_indicator, put
):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 10)
    put(jobs, tree["a"], "202312", 5)
    put(jobs, tree["b"], "202306", 7)
    put(jobs, tree["b"], "202401", 1000)  # outside 2023
    row = one(table(admin, jobs, "T1", "2023"))
    assert (row.orgunit, row.period, row.value, row.value_count) == ("T1", "2023", D(22), 3)
    assert one(table(admin, jobs, "H1", "2023")).value == D(22)
    assert one(table(admin, jobs, "XA", "2023")).value == D(15)


def test_months_roll_up_to_quarter_and_half_and_only_values_inside_count(
    tree, admin, make_indicator, put
):
    jobs = make_indicator("sum", "month")
    for month, value in [("202301", 1), ("202303", 2), ("202304", 4), ("202307", 8)]:
        put(jobs, tree["a"], month, value)
    assert one(table(admin, jobs, "T1", "2023Q1")).value == D(3)
    assert one(table(admin, jobs, "T1", "2023Q2")).value == D(4)
    assert one(table(admin, jobs, "T1", "2023S1")).value == D(7)
    assert one(table(admin, jobs, "T1", "2023S2")).value == D(8)
    assert one(table(admin, jobs, "T1", "202303")).value == D(2)
    assert one(table(admin, jobs, "T1", "2023Q4")).value is None


def test_values_of_another_period_type_than_the_indicator_are_not_counted_twice(
    tree, admin, make_indicator, put
):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 10)
    put(jobs, tree["a"], "2023", 999)  # a stray yearly value beside the monthly ones
    assert one(table(admin, jobs, "T1", "2023")).value == D(10)


def test_level_names_a_tier_and_gives_one_row_per_unit_under_the_unit(
    tree, admin, make_indicator, put, make_unit
):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 3)
    put(jobs, tree["a1"], "202302", 4)
    put(jobs, tree["b1"], "202302", 5)
    # A commune directly under the province (no district tier, as after 2025) is still "xa".
    direct = make_unit("Xã Trực Thuộc", parent=tree["province"], code="XD")
    put(jobs, direct, "202305", 6)
    # A commune that no longer exists on the period's last day gets no row of its own.
    make_unit("Xã Cũ", parent=tree["district"], code="XC", valid_to=date(2022, 12, 31))
    rows = table(admin, jobs, "T1", "2023", level="xa")
    assert [(r.orgunit, r.tier, r.value) for r in rows] == [
        ("XA", "xa", D(7)),
        ("XB", "xa", D(5)),
        ("XD", "xa", D(6)),
    ]
    assert [r.orgunit for r in table(admin, jobs, "T1", "2023", level="huyen")] == ["H1"]
    assert [r.value for r in table(admin, jobs, "H1", "2023", level="thon")] == [D(4), D(5)]
    assert table(admin, jobs, "XA", "2023", level="tinh") == []


def test_average_min_and_max_over_units_and_periods(tree, admin, make_indicator, put):
    avg = make_indicator("average", "month")
    low = make_indicator("min", "month")
    high = make_indicator("max", "month")
    for ind in (avg, low, high):
        put(ind, tree["a"], "202301", 10)
        put(ind, tree["a"], "202302", 20)
        put(ind, tree["b"], "202301", 3)
    assert one(table(admin, avg, "T1", "2023")).value == D(11)
    assert one(table(admin, avg, "XA", "2023Q1")).value == D(15)
    assert one(table(admin, low, "T1", "2023")).value == D(3)
    assert one(table(admin, high, "T1", "2023")).value == D(20)
    assert one(table(admin, high, "T1", "202301")).value == D(10)


def test_average_keeps_decimals(tree, admin, make_indicator, put):
    rate = make_indicator("average", "year", value_type="percentage")
    put(rate, tree["a"], "2023", "64.5")
    put(rate, tree["b"], "2023", "60")
    assert one(table(admin, rate, "T1", "2023")).value == D("62.25")


def test_last_takes_each_units_latest_period_in_the_range_then_sums(
    tree, admin, make_indicator, put
):
    stock = make_indicator("last", "quarter")
    put(stock, tree["a"], "2023Q1", 100)
    put(stock, tree["a"], "2023Q4", 130)
    put(stock, tree["b"], "2023Q2", 40)  # b last reported in Q2: its Q2 figure stands
    put(stock, tree["b"], "2024Q1", 999)  # outside the range
    assert one(table(admin, stock, "T1", "2023")).value == D(170)
    assert one(table(admin, stock, "T1", "2023S1")).value == D(140)
    assert one(table(admin, stock, "XA", "2023Q3")).value is None
    assert one(table(admin, stock, "T1", "2023Q4")).value == D(130)


def test_none_uses_only_the_value_stored_at_exactly_that_unit_and_period(
    tree, admin, make_indicator, put
):
    rank = make_indicator("none", "year")
    put(rank, tree["province"], "2023", 43)
    put(rank, tree["a"], "2023", 7)
    assert one(table(admin, rank, "T1", "2023")).value == D(43)
    assert one(table(admin, rank, "H1", "2023")).value is None
    assert one(table(admin, rank, "XA", "2023")).value == D(7)
    quarterly = make_indicator("none", "quarter")
    put(quarterly, tree["province"], "2023Q4", 4)
    assert one(table(admin, quarterly, "T1", "2023Q4")).value == D(4)
    assert one(table(admin, quarterly, "T1", "2023")).value is None


# --- disaggregations -----------------------------------------------------------------------


def test_total_over_option_combos_and_one_row_per_combo(
    tree, admin, make_indicator, put, beneficiary_combo
):
    gifts = make_indicator("sum", "month", combo=beneficiary_combo)
    put(gifts, tree["a"], "202301", 10, combo="NGHEO")
    put(gifts, tree["b"], "202301", 3, combo="NGHEO")
    put(gifts, tree["a"], "202307", 5, combo="CAN_NGHEO")
    assert one(table(admin, gifts, "T1", "2023")).value == D(18)
    rows = table(admin, gifts, "T1", "2023", by_option_combo=True)
    assert [(r.option_combo, r.value) for r in rows] == [
        (None, D(18)),
        ("NGHEO", D(13)),
        ("CAN_NGHEO", D(5)),
    ]
    rows = table(admin, gifts, "T1", "2023", level="xa", by_option_combo=True)
    assert [(r.orgunit, r.option_combo, r.value) for r in rows] == [
        ("XA", None, D(15)),
        ("XA", "NGHEO", D(10)),
        ("XA", "CAN_NGHEO", D(5)),
        ("XB", None, D(3)),
        ("XB", "NGHEO", D(3)),
        ("XB", "CAN_NGHEO", None),
    ]


def test_default_combo_indicator_has_only_the_total_row(tree, admin, make_indicator, put):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 1)
    rows = table(admin, jobs, "T1", "2023", by_option_combo=True)
    assert [(r.option_combo, r.value) for r in rows] == [(None, D(1))]


# --- targets ---------------------------------------------------------------------------------


def test_percent_of_target_from_the_units_own_target(tree, admin, make_indicator, put, plan):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 38406)
    plan(jobs, tree["province"], "2023", 40000)
    row = one(table(admin, jobs, "T1", "2023"))
    assert (row.target, row.percent_of_target) == (D(40000), D("96.015"))


def test_target_falls_back_to_the_sum_of_the_nearest_descendants_targets(
    tree, admin, make_indicator, put, plan, make_unit
):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 90)
    district2 = make_unit("Huyện Hai", tier="huyen", parent=tree["province"], code="H2")
    c = make_unit("Xã Chín", parent=district2, code="XC")
    plan(jobs, tree["district"], "2023", 100)
    plan(jobs, tree["a"], "2023", 60)  # below a district that has its own: not added again
    plan(jobs, c, "2023", 20)  # H2 has none: its commune's counts
    assert one(table(admin, jobs, "T1", "2023")).target == D(120)
    assert one(table(admin, jobs, "H1", "2023")).target == D(100)
    assert one(table(admin, jobs, "H2", "2023")).target == D(20)
    rows = table(admin, jobs, "T1", "2023", level="xa")
    assert [(r.orgunit, r.target, r.percent_of_target) for r in rows] == [
        ("XA", D(60), D(150)),
        ("XB", None, None),
        ("XC", D(20), None),
    ]


def test_percent_of_target_is_none_for_a_zero_or_missing_target(
    tree, admin, make_indicator, put, plan
):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 5)
    row = one(table(admin, jobs, "XA", "2023"))
    assert (row.target, row.percent_of_target) == (None, None)
    plan(jobs, tree["a"], "2023", 0)
    row = one(table(admin, jobs, "XA", "2023"))
    assert (row.target, row.percent_of_target) == (D(0), None)
    plan(jobs, tree["b"], "2023", 10)
    row = one(table(admin, jobs, "XB", "2023"))  # a target but no value yet
    assert (row.value, row.target, row.percent_of_target) == (None, D(10), None)


def test_target_is_for_exactly_the_period_and_year_to_date_uses_the_year_target(
    tree, admin, make_indicator, put, plan
):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 30)
    put(jobs, tree["a"], "202304", 20)
    plan(jobs, tree["a"], "2023", 200)
    plan(jobs, tree["a"], "2023Q1", 40)
    assert one(table(admin, jobs, "XA", "2023Q1")).percent_of_target == D(75)
    assert one(table(admin, jobs, "XA", "2023Q2")).target is None
    row = one(table(admin, jobs, "XA", "202306", year_to_date=True))
    assert (row.value, row.target, row.percent_of_target) == (D(50), D(200), D(25))


def test_targets_per_option_combo(tree, admin, make_indicator, put, plan, beneficiary_combo):
    houses = make_indicator("sum", "quarter", combo=beneficiary_combo)
    put(houses, tree["a"], "2023Q2", 300, combo="NGHEO")
    put(houses, tree["a"], "2023Q2", 100, combo="CAN_NGHEO")
    plan(houses, tree["province"], "2023", 629)
    plan(houses, tree["province"], "2023", 431, combo="NGHEO")
    plan(houses, tree["province"], "2023", 198, combo="CAN_NGHEO")
    rows = table(admin, houses, "T1", "2023", by_option_combo=True)
    assert [(r.option_combo, r.target) for r in rows] == [
        (None, D(629)),
        ("NGHEO", D(431)),
        ("CAN_NGHEO", D(198)),
    ]


# --- comparisons ------------------------------------------------------------------------------


def test_same_period_last_year_and_change(tree, admin, make_indicator, put):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202201", 36929)
    put(jobs, tree["a"], "202301", 38406)
    row = one(table(admin, jobs, "T1", "2023"))
    assert (row.value_last_year, row.change) == (D(36929), D(1477))
    assert row.change_percent == D("3.999567")
    assert row.change_percent.quantize(D("0.1")) == D("4.0")
    assert row.comparable is True and row.note == ""


def test_change_is_none_when_last_year_is_missing_or_zero(tree, admin, make_indicator, put):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 10)
    row = one(table(admin, jobs, "XA", "2023"))
    assert (row.value_last_year, row.change, row.change_percent) == (None, None, None)
    put(jobs, tree["a"], "202201", 0)
    row = one(table(admin, jobs, "XA", "2023"))
    assert (row.value_last_year, row.change, row.change_percent) == (D(0), D(10), None)


def test_change_percent_against_a_negative_base_keeps_the_direction(
    tree, admin, make_indicator, put
):
    balance = make_indicator("sum", "year", value_type="number")
    put(balance, tree["a"], "2022", -20)
    put(balance, tree["a"], "2023", -10)
    row = one(table(admin, balance, "XA", "2023"))
    assert (row.change, row.change_percent) == (D(10), D(50))


def test_year_to_date_and_last_year_across_the_year_boundary(tree, admin, make_indicator, put):
    jobs = make_indicator("sum", "month")
    for month, value in [
        ("202211", 100),
        ("202212", 200),
        ("202301", 1),
        ("202302", 2),
        ("202303", 4),
        ("202201", 10),
        ("202202", 20),
        ("202203", 40),
    ]:
        put(jobs, tree["a"], month, value)
    row = one(table(admin, jobs, "T1", "202302", year_to_date=True))
    assert (row.period, row.year_to_date, row.value, row.value_last_year) == (
        "202302",
        True,
        D(3),
        D(30),
    )
    row = one(table(admin, jobs, "T1", Period.parse("202301").year_to_date()))
    assert (row.value, row.value_last_year) == (D(1), D(10))
    row = one(table(admin, jobs, "T1", "202301"))  # January: last year is January 2022
    assert (row.value, row.value_last_year) == (D(1), D(10))
    row = one(table(admin, jobs, "T1", "2023Q1"))
    assert (row.value, row.value_last_year, row.change_percent) == (D(7), D(70), D(-90))
    row = one(table(admin, jobs, "T1", "2022Q4"))
    assert (row.value, row.value_last_year) == (D(300), None)
    row = one(table(admin, jobs, "T1", "2022", year_to_date=True))
    assert row.value == D(370)


def test_last_year_of_a_last_indicator_uses_last_years_latest_value(
    tree, admin, make_indicator, put
):
    stock = make_indicator("last", "quarter")
    put(stock, tree["a"], "2022Q3", 90)
    put(stock, tree["a"], "2022Q4", 95)
    put(stock, tree["a"], "2023Q4", 100)
    row = one(table(admin, stock, "T1", "2023"))
    assert (row.value, row.value_last_year, row.change_percent) == (D(100), D(95), D("5.263158"))


def test_share_of_the_parent(tree, admin, make_indicator, put):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 30)
    put(jobs, tree["b"], "202301", 10)
    rows = table(admin, jobs, "T1", "2023", level="xa")
    assert [(r.orgunit, r.share_of_parent) for r in rows] == [("XA", D(75)), ("XB", D(25))]
    assert one(table(admin, jobs, "T1", "2023")).share_of_parent is None  # no parent
    avg = make_indicator("average", "month")
    put(avg, tree["a"], "202301", 30)
    assert one(table(admin, avg, "XA", "2023")).share_of_parent is None


def test_estimates_are_flagged(tree, admin, make_indicator, put):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 30)
    assert one(table(admin, jobs, "T1", "2023")).estimate is False
    put(jobs, tree["b"], "202312", 10, status=Status.ESTIMATE)
    assert one(table(admin, jobs, "T1", "2023")).estimate is True
    assert one(table(admin, jobs, "XA", "2023")).estimate is False


def test_several_indicators_in_the_order_asked(tree, admin, make_indicator, put):
    a = make_indicator("sum", "month")
    b = make_indicator("last", "year")
    put(a, tree["a"], "202301", 1)
    put(b, tree["a"], "2023", 2)
    rows = analytics_table(user=admin, indicators=[b.code, a.code], orgunit="T1", period="2023")
    assert [(r.indicator, r.value) for r in rows] == [(b.code, D(2)), (a.code, D(1))]


# --- live, scoped ----------------------------------------------------------------------------


def test_a_saved_value_shows_in_every_aggregate_at_once(tree, admin, make_indicator, put):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 10)
    assert one(table(admin, jobs, "T1", "2023")).value == D(10)
    put(jobs, tree["b1"], "202302", 5)
    assert one(table(admin, jobs, "T1", "2023")).value == D(15)
    put(jobs, tree["a"], "202301", 12)
    assert one(table(admin, jobs, "T1", "2023")).value == D(17)
    DataValue.objects.filter(orgunit=tree["b1"]).update(deleted=True)
    totals_rebuild()
    assert one(table(admin, jobs, "T1", "2023")).value == D(12)


def test_a_commune_user_sees_its_commune_and_nothing_else(tree, make_user, make_indicator, put):
    jobs = make_indicator("sum", "month")
    put(jobs, tree["a"], "202301", 10)
    put(jobs, tree["b"], "202301", 99)
    officer = make_user("xa_an", capture=[tree["a"]])
    assert one(table(officer, jobs, "XA", "2023")).value == D(10)
    for code in ("XB", "H1", "T1", "KHONG_CO"):
        with pytest.raises(UnitNotFound):
            table(officer, jobs, code, "2023")
    with pytest.raises(UnitNotFound):
        table(officer, jobs, tree["province"], "2023", level="xa")
    # The commune's share of its district would reveal the district total: not given.
    assert one(table(officer, jobs, "XA", "2023")).share_of_parent is None
    assert [r.orgunit for r in table(officer, jobs, "XA", "2023", level="thon")] == ["XA-1"]


def test_a_code_names_the_version_valid_on_the_periods_last_day(
    admin, make_unit, make_indicator, put
):
    jobs = make_indicator("sum", "month")
    old = make_unit("Phường Tân Phú", code="25195", valid_to=date(2025, 6, 30))
    new = make_unit("Phường Bình Phước", code="25195", valid_from=date(2025, 7, 1))
    put(jobs, old, "202301", 5)
    put(jobs, new, "202508", 7)
    assert one(table(admin, jobs, "25195", "2023")).orgunit_name == "Phường Tân Phú"
    assert one(table(admin, jobs, "25195", "2023")).value == D(5)
    assert one(table(admin, jobs, "25195", "202508")).orgunit_name == "Phường Bình Phước"


def test_bad_input_is_a_chiso_error(tree, admin, make_indicator):
    jobs = make_indicator("sum", "month")
    with pytest.raises(ChisoError) as exc:
        analytics_table(user=admin, indicators=["KHONG_CO"], orgunit="T1", period="2023")
    assert exc.value.code == "analytics.unknown_indicator"
    with pytest.raises(ChisoError) as exc:
        analytics_table(user=admin, indicators=[" "], orgunit="T1", period="2023")
    assert exc.value.code == "analytics.no_indicator"
    with pytest.raises(ChisoError) as exc:
        table(admin, jobs, "T1", "2023", level="depth3")
    assert exc.value.code == "analytics.bad_level"
    with pytest.raises(ChisoError) as exc:
        table(admin, jobs, "T1", "2023-13")
    assert exc.value.code == "period.bad_month"


# --- the 1 July 2025 reform ------------------------------------------------------------------

REFORM = date(2025, 7, 1)
UNTIL = date(2025, 6, 30)


@pytest.fixture
def reform(make_unit):
    """Old province P (communes A, B, C) became new province N on 1 July 2025: A and B merged
    whole into X; C was split between X and Y. Another old province Q (commune E) went whole
    into N as well; E became Z."""
    p = make_unit("Tỉnh Cũ", tier="tinh", code="P", valid_to=UNTIL)
    dp = make_unit("Huyện Cũ", tier="huyen", parent=p, code="DP", valid_to=UNTIL)
    a = make_unit("Xã A", parent=dp, code="A", valid_to=UNTIL)
    b = make_unit("Xã B", parent=dp, code="B", valid_to=UNTIL)
    c = make_unit("Xã C", parent=dp, code="C", valid_to=UNTIL)
    q = make_unit("Tỉnh Khác", tier="tinh", code="Q", valid_to=UNTIL)
    e = make_unit("Xã E", parent=q, code="E", valid_to=UNTIL)
    n = make_unit("Tỉnh Mới", tier="tinh", code="N", valid_from=REFORM)
    x = make_unit("Xã X", parent=n, code="X", valid_from=REFORM)
    y = make_unit("Xã Y", parent=n, code="Y", valid_from=REFORM)
    z = make_unit("Xã Z", parent=n, code="Z", valid_from=REFORM)
    links = [
        (a, x, "whole"),
        (b, x, "whole"),
        (c, x, "partial"),
        (c, y, "partial"),
        (e, z, "whole"),
        (p, n, "whole"),
        (q, n, "whole"),
    ]
    for pred, succ, kind in links:
        Succession.objects.create(predecessor=pred, successor=succ, kind=kind, effective=REFORM)
    return locals()


def test_a_merged_commune_includes_its_whole_predecessors_before_the_reform(
    reform, admin, make_indicator, put
):
    jobs = make_indicator("sum", "month")
    put(jobs, reform["a"], "202503", 1)
    put(jobs, reform["b"], "202506", 2)
    put(jobs, reform["x"], "202508", 4)
    put(jobs, reform["e"], "202502", 8)
    put(jobs, reform["z"], "202509", 16)
    put(jobs, reform["a"], "202403", 100)
    put(jobs, reform["b"], "202406", 200)
    put(jobs, reform["c"], "202402", 1000)
    put(jobs, reform["c"], "202502", 2000)
    put(jobs, reform["e"], "202402", 3)
    rows = table(admin, jobs, "N", "2025", level="xa")
    z = rows[2]
    assert (z.orgunit, z.value, z.value_last_year, z.comparable) == ("Z", D(24), D(3), True)
    x = rows[0]
    # X: A and B whole; C was split, so C's values are not counted and comparisons are off.
    assert (x.orgunit, x.value, x.value_last_year) == ("X", D(7), D(300))
    assert (x.comparable, x.note, x.change, x.change_percent) == (
        False,
        "không so sánh được",
        None,
        None,
    )
    # The new province absorbed both old provinces whole: C's split stays inside it.
    n = one(table(admin, jobs, "N", "2025"))
    assert (n.value, n.value_last_year, n.comparable) == (D(2031), D(1303), True)
    assert n.change == D(728)
    # Before the reform the old units answer for themselves.
    assert one(table(admin, jobs, "P", "2025S1")).value == D(2003)


def test_a_split_wholly_inside_the_unit_keeps_it_comparable(
    reform, admin, make_indicator, put, make_unit
):
    jobs = make_indicator("sum", "month")
    # Without the province-level links, N still holds all of C (both parts went to X and Y).
    Succession.objects.filter(successor=reform["n"]).delete()
    put(jobs, reform["c"], "202502", 50)
    put(jobs, reform["y"], "202510", 5)
    n = one(table(admin, jobs, "N", "2025"))
    assert (n.value, n.comparable) == (D(55), True)
    y = one(table(admin, jobs, "Y", "2025"))
    assert (y.value, y.comparable) == (D(5), False)


def test_a_stock_figure_does_not_add_predecessors_once_the_successor_reports(
    reform, admin, make_indicator, put
):
    schools = make_indicator("last", "quarter")
    put(schools, reform["e"], "2025Q2", 10)
    assert one(table(admin, schools, "Z", "2025")).value == D(10)
    put(schools, reform["z"], "2025Q4", 11)
    assert one(table(admin, schools, "Z", "2025")).value == D(11)
