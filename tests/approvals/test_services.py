"""approval_submit / approval_approve / approval_reopen: order of levels, rights, states and
the append-only event log."""

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.approvals.models import Approval, ApprovalEvent
from chiso.approvals.selectors import approval_levels, approval_state
from chiso.approvals.services import (
    approval_approve,
    approval_approve_all,
    approval_reopen,
    approval_submit,
)
from chiso.core.errors import ChisoError
from chiso.core.periods import Period

APRIL = "202404"


def events():
    return list(
        ApprovalEvent.objects.order_by("pk").values_list(
            "approval__orgunit__code",
            "action",
            "from_state",
            "to_state",
            "level__code",
            "user__username",
            "reason",
            "channel",
        )
    )


def test_levels_follow_the_hierarchy_valid_in_the_period(tree, reform):
    assert [u.code for u in approval_levels(tree["a"])] == ["H1", "T1"]
    assert [u.code for u in approval_levels(tree["a1"])] == ["H1", "T1"]
    assert [u.code for u in approval_levels(reform["commune"])] == ["T2"]
    assert approval_levels(tree["province"]) == ()


def test_submit_then_district_then_province_locks(
    form, tree, clerk_a, district_approver, province_approver
):
    status = approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    assert (status.state, status.approved_levels, status.next_level.code) == ("submitted", 0, "H1")
    assert status.label == "Đã nộp, chờ Huyện Một phê duyệt"
    assert status.submitted_by == "Nguyễn Văn An"

    status = approval_approve(user=district_approver, group=form, orgunit=tree["a"], period=APRIL)
    assert (status.state, status.approved_levels, status.next_level.code) == ("approved", 1, "T1")
    assert status.label == "Huyện Một đã phê duyệt, chờ Tỉnh Thử Nghiệm phê duyệt"

    status = approval_approve(
        user=province_approver, group=form, orgunit=tree["a"], period=APRIL, channel="api"
    )
    assert (status.state, status.approved_levels, status.next_level) == ("locked", 2, None)
    assert status.label == "Đã phê duyệt, đã khóa"
    assert events() == [
        ("XA", "submit", "draft", "submitted", None, "can_bo_an", "", "web"),
        ("XA", "approve", "submitted", "approved", "H1", "duyet_huyen", "", "web"),
        ("XA", "approve", "approved", "locked", "T1", "duyet_tinh", "", "api"),
    ]


def test_after_the_reform_the_province_alone_approves(form, reform, make_user):
    clerk = make_user("can_bo_moi", capture=[reform["commune"]])
    approver = make_user("duyet_tinh_moi", roles=["phe_duyet"], view=[reform["province"]])
    approval_submit(user=clerk, group=form, orgunit=reform["commune"], period="202508")
    status = approval_approve(user=approver, group=form, orgunit=reform["commune"], period="202508")
    assert (status.state, status.approved_levels, [u.code for u in status.levels]) == (
        "locked",
        1,
        ["T2"],
    )


def test_the_province_cannot_approve_before_the_district(
    form, tree, clerk_a, province_approver, snapshot
):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        approval_approve(user=province_approver, group=form, orgunit=tree["a"], period=APRIL)
    assert caught.value.code == "approval.not_your_level"
    assert str(caught.value) == (
        "Không phê duyệt được: bước này do Huyện Một phê duyệt, tài khoản của bạn không phê"
        " duyệt ở cấp này"
    )
    assert snapshot() == before


def test_the_district_cannot_approve_twice_or_for_the_province(
    form, tree, clerk_a, district_approver, snapshot
):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    approval_approve(user=district_approver, group=form, orgunit=tree["a"], period=APRIL)
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        approval_approve(user=district_approver, group=form, orgunit=tree["a"], period=APRIL)
    assert str(caught.value) == (
        "Không phê duyệt được: bước này do Tỉnh Thử Nghiệm phê duyệt, tài khoản của bạn không"
        " phê duyệt ở cấp này"
    )
    assert snapshot() == before


def test_an_approver_of_another_district_reads_a_missing_unit(
    form, tree, clerk_a, make_unit, make_user, snapshot
):
    other = make_unit("Huyện Hai", tier="huyen", parent=tree["province"], code="H2")
    stranger = make_user("duyet_huyen_hai", roles=["phe_duyet"], view=[other])
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    before = snapshot()
    with pytest.raises(UnitNotFound):
        approval_approve(user=stranger, group=form, orgunit=tree["a"], period=APRIL)
    with pytest.raises(UnitNotFound):
        approval_reopen(user=stranger, group=form, orgunit=tree["a"], period=APRIL, reason="x")
    assert snapshot() == before


def test_a_viewer_cannot_approve_and_a_clerk_cannot_submit_for_another_commune(
    form, tree, clerk_a, clerk_b, viewer, snapshot
):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        approval_approve(user=viewer, group=form, orgunit=tree["a"], period=APRIL)
    assert str(caught.value) == "Tài khoản của bạn không có vai trò phê duyệt"
    with pytest.raises(UnitNotFound):
        approval_submit(user=clerk_b, group=form, orgunit=tree["a"], period="202405")
    assert snapshot() == before


def test_a_user_without_the_data_entry_role_cannot_submit(form, tree, make_user, snapshot):
    approver = make_user("duyet_va_nhap", roles=["phe_duyet"], capture=[tree["a"]])
    with pytest.raises(ChisoError) as caught:
        approval_submit(user=approver, group=form, orgunit=tree["a"], period=APRIL)
    assert str(caught.value) == (
        "Tài khoản của bạn không có vai trò nhập liệu nên không nộp được báo cáo"
    )
    assert snapshot() == ([], 0, [], 0)


def test_wrong_states_are_refused_with_the_unit_period_and_form(
    form, tree, clerk_a, district_approver, province_approver, snapshot
):
    with pytest.raises(ChisoError) as caught:
        approval_approve(user=district_approver, group=form, orgunit=tree["a"], period=APRIL)
    assert str(caught.value) == (
        "Không phê duyệt được: Xã An chưa nộp nhóm chỉ tiêu “Lao động – việc làm”, tháng 4/2024"
    )
    with pytest.raises(ChisoError) as caught:
        approval_reopen(
            user=district_approver, group=form, orgunit=tree["a"], period=APRIL, reason="sai"
        )
    assert str(caught.value) == (
        "Không mở lại được: Xã An chưa nộp nhóm chỉ tiêu “Lao động – việc làm”, tháng 4/2024"
    )
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    with pytest.raises(ChisoError) as caught:
        approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    assert str(caught.value) == (
        "Không nộp được: nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024 đang ở"
        " trạng thái “Đã nộp”"
    )
    approval_approve(user=district_approver, group=form, orgunit=tree["a"], period=APRIL)
    approval_approve(user=province_approver, group=form, orgunit=tree["a"], period=APRIL)
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        approval_approve(user=province_approver, group=form, orgunit=tree["a"], period=APRIL)
    assert str(caught.value) == (
        "Không phê duyệt được: nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024 đã"
        " được phê duyệt đủ các cấp và đã khóa"
    )
    assert snapshot() == before


def test_a_form_is_submitted_only_for_a_kind_of_period_it_collects(form, tree, clerk_a, snapshot):
    with pytest.raises(ChisoError) as caught:
        approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period="2024W15")
    assert str(caught.value) == (
        "Nhóm chỉ tiêu “Lao động – việc làm” không có chỉ tiêu nào báo cáo theo loại kỳ của"
        " tuần 15/2024"
    )
    for period in ("2024Q2", "2024"):
        approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=period)
    assert sorted(Approval.objects.values_list("period", "state")) == [
        ("2024", "submitted"),
        ("2024Q2", "submitted"),
    ]


def test_a_unit_not_valid_for_the_whole_period_cannot_submit(form, tree, clerk_a, snapshot):
    with pytest.raises(ChisoError) as caught:
        approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period="2025")
    assert str(caught.value) == "Đơn vị Xã An (mã XA) không có hiệu lực trong cả năm 2025"
    assert snapshot() == ([], 0, [], 0)


def test_reopen_needs_a_reason_and_the_right_level(
    form, tree, clerk_a, district_approver, province_approver, snapshot
):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    approval_approve(user=district_approver, group=form, orgunit=tree["a"], period=APRIL)
    approval_approve(user=province_approver, group=form, orgunit=tree["a"], period=APRIL)
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        approval_reopen(
            user=province_approver, group=form, orgunit=tree["a"], period=APRIL, reason="  "
        )
    assert str(caught.value) == "Hãy ghi lý do mở lại"
    with pytest.raises(ChisoError) as caught:
        approval_reopen(
            user=district_approver, group=form, orgunit=tree["a"], period=APRIL, reason="sai số"
        )
    assert str(caught.value) == (
        "Không mở lại được: nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024 chỉ do"
        " Tỉnh Thử Nghiệm mở lại"
    )
    with pytest.raises(ChisoError) as caught:
        approval_reopen(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL, reason="x")
    assert str(caught.value) == "Tài khoản của bạn không có vai trò phê duyệt"
    assert snapshot() == before

    status = approval_reopen(
        user=province_approver,
        group=form,
        orgunit=tree["a"],
        period=APRIL,
        reason="  Số việc   làm sai ",
    )
    assert (status.state, status.approved_levels, status.reopened) == ("draft", 0, True)
    assert status.label == "Đã mở lại, chưa nộp lại"
    assert events()[-1] == (
        "XA",
        "reopen",
        "locked",
        "draft",
        "T1",
        "duyet_tinh",
        "Số việc làm sai",
        "web",
    )
    status = approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    assert status.state == "submitted"


def test_before_the_province_approves_the_district_may_take_its_approval_back(
    form, tree, clerk_a, district_approver
):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    approval_approve(user=district_approver, group=form, orgunit=tree["a"], period=APRIL)
    status = approval_reopen(
        user=district_approver, group=form, orgunit=tree["a"], period=APRIL, reason="thiếu số"
    )
    assert status.state == "draft"
    assert events()[-1][:5] == ("XA", "reopen", "approved", "draft", "H1")


def test_an_administrator_approves_at_each_level_in_turn(form, tree, clerk_a, make_user):
    admin = make_user("quantri", superuser=True)
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    approval_approve(user=admin, group=form, orgunit=tree["a"], period=APRIL)
    approval_approve(user=admin, group=form, orgunit=tree["a"], period=APRIL)
    assert [e[2:5] for e in events()] == [
        ("draft", "submitted", None),
        ("submitted", "approved", "H1"),
        ("approved", "locked", "T1"),
    ]


def test_approve_all_approves_the_units_waiting_for_my_level(
    form, tree, clerk_a, clerk_b, district_approver
):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    approval_submit(user=clerk_b, group=form, orgunit=tree["b"], period=APRIL)
    count = approval_approve_all(
        user=district_approver, group=form, parent=tree["district"], period=APRIL
    )
    assert count == 2
    assert sorted(Approval.objects.values_list("orgunit__code", "state")) == [
        ("XA", "approved"),
        ("XB", "approved"),
    ]
    assert (
        approval_approve_all(
            user=district_approver, group=form, parent=tree["district"], period=APRIL
        )
        == 0
    )


def test_forms_and_periods_are_independent(form, other_form, tree, clerk_a):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    april = Period.parse(APRIL)
    assert approval_state(other_form, tree["a"], april).state == "draft"
    assert approval_state(form, tree["a"], Period.parse("202405")).state == "draft"
    assert approval_state(form, tree["b"], april).state == "draft"


def test_events_are_append_only(form, tree, clerk_a):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period=APRIL)
    event = ApprovalEvent.objects.get()
    event.reason = "sửa lén"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert ApprovalEvent.objects.get().reason == ""
