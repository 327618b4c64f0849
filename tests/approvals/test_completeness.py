"""Completeness and timeliness: which reporting units submitted, which were late against the
Decree 09/2019 deadline (the cut-off day of the period's last month, configurable)."""

from datetime import UTC, date, datetime

import pytest

from chiso.approvals.models import Approval
from chiso.approvals.selectors import completeness, reporting_deadline_for
from chiso.approvals.services import approval_reopen, approval_submit
from chiso.core.periods import Period

APRIL = Period.parse("202404")


def submitted_at(unit, moment: datetime):
    Approval.objects.filter(orgunit=unit).update(submitted_at=moment, first_submitted_at=moment)


@pytest.fixture
def three(tree, make_unit):
    """Xã An, Xã Bình and Xã Cư (no clerk) in Huyện Một."""
    tree["c"] = make_unit("Xã Cư", parent=tree["district"], code="XC", valid_to=date(2025, 6, 30))
    return tree


def rows(report):
    return [
        (s.unit.code, s.state, s.on_time, s.late, s.overdue, s.timeliness) for s in report.units
    ]


def test_the_deadline_is_the_cutoff_day_and_is_configurable(settings):
    assert reporting_deadline_for(APRIL) == date(2024, 4, 14)
    assert reporting_deadline_for(Period.parse("2024")) == date(2024, 12, 14)
    assert reporting_deadline_for(Period.parse("2024W15")) is None
    settings.CHISO_REPORTING_CUTOFF_DAY = 20
    settings.CHISO_REPORTING_GRACE_DAYS = 5
    assert reporting_deadline_for(APRIL) == date(2024, 4, 25)


def test_on_time_late_and_missing_units(form, three, clerk_a, clerk_b):
    approval_submit(user=clerk_a, group=form, orgunit=three["a"], period=APRIL)
    approval_submit(user=clerk_b, group=form, orgunit=three["b"], period=APRIL)
    # 23:30 on the 14th in Việt Nam is on time; 00:30 on the 15th is late.
    submitted_at(three["a"], datetime(2024, 4, 14, 16, 30, tzinfo=UTC))
    submitted_at(three["b"], datetime(2024, 4, 14, 17, 30, tzinfo=UTC))

    report = completeness(form, three["district"], APRIL, today=date(2024, 4, 20))
    assert report.deadline == date(2024, 4, 14)
    assert rows(report) == [
        ("XA", "submitted", True, False, False, "Đúng hạn"),
        ("XB", "submitted", False, True, False, "Nộp muộn"),
        ("XC", "draft", False, False, True, "Quá hạn, chưa nộp"),
    ]
    assert (
        report.expected,
        report.submitted,
        report.on_time,
        report.late,
        report.missing,
        report.overdue,
        report.locked,
    ) == (3, 2, 1, 1, 1, 1, 0)


def test_before_the_deadline_a_missing_unit_is_not_overdue(form, three):
    report = completeness(form, three["district"], APRIL, today=date(2024, 4, 14))
    assert [(s.unit.code, s.overdue, s.timeliness) for s in report.units] == [
        ("XA", False, ""),
        ("XB", False, ""),
        ("XC", False, ""),
    ]


def test_a_resubmission_after_reopening_keeps_the_first_submission_time(
    form, three, clerk_a, district_approver
):
    approval_submit(user=clerk_a, group=form, orgunit=three["a"], period=APRIL)
    submitted_at(three["a"], datetime(2024, 4, 10, 3, 0, tzinfo=UTC))
    approval_reopen(
        user=district_approver, group=form, orgunit=three["a"], period=APRIL, reason="thiếu"
    )
    report = completeness(form, three["district"], APRIL, today=date(2024, 4, 20))
    assert rows(report)[0] == ("XA", "draft", False, False, True, "Quá hạn, chưa nộp")
    approval_submit(user=clerk_a, group=form, orgunit=three["a"], period=APRIL)
    report = completeness(form, three["district"], APRIL, today=date(2024, 4, 20))
    assert rows(report)[0] == ("XA", "submitted", True, False, False, "Đúng hạn")


def test_a_province_counts_its_communes_through_the_districts(form, three, make_unit, reform):
    other = make_unit("Huyện Hai", tier="huyen", parent=three["province"], code="H2")
    make_unit("Xã Đông", parent=other, code="XD")
    report = completeness(form, three["province"], APRIL, today=date(2024, 4, 1))
    # by district name ("Huyện Hai" before "Huyện Một"), then by name
    assert [(s.unit.code, s.unit.parent.code) for s in report.units] == [
        ("XD", "H2"),
        ("XA", "H1"),
        ("XB", "H1"),
        ("XC", "H1"),
    ]
    assert [s.unit.code for s in completeness(form, three["a"], APRIL).units] == ["XA"]
    assert completeness(form, three["a1"], APRIL).units == ()
    after = completeness(form, reform["province"], Period.parse("202508"))
    assert [s.unit.code for s in after.units] == ["XM"]
