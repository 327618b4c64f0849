"""The /approvals/ page: states, buttons per role and level, actions with their messages, and
the dashboard's completeness fragment; units outside the scope answer 404."""

import re

import pytest
from django.test import Client
from django.utils import translation

from chiso.approvals.models import Approval, ApprovalEvent

PAGE = "/approvals/?ou={ou}&pe=202404&group=LDVL"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def states(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-unit="([^"]+)" data-state="([^"]+)">', html)


def buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" class="act (\w+)">', html)


def act(client, action, ou, back="", **extra):
    data = {"action": action, "ou": ou, "pe": "202404", "group": "LDVL", "back": back, **extra}
    return client.post("/approvals/act/", data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_anonymous_visitors_are_sent_to_the_login_page(db):
    response = Client().get("/approvals/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/approvals/")


def test_the_commune_submits_and_the_district_approves(form, tree, clerk_a, district_approver):
    clerk = client_for(clerk_a)
    page = clerk.get(PAGE.format(ou="XA")).content.decode()
    assert states(page) == [("XA", "draft")]
    assert buttons(page) == ["submit"]
    assert "Hạn nộp theo Nghị định 09/2019/NĐ-CP: ngày 14/04/2024." in page

    response = act(clerk, "submit", "XA")
    assert messages_of(response) == [
        "Đã nộp nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024."
    ]
    page = response.content.decode()
    assert states(page) == [("XA", "submitted")]
    assert buttons(page) == []
    assert "Đã nộp, chờ Huyện Một phê duyệt" in page

    approver = client_for(district_approver)
    page = approver.get(PAGE.format(ou="H1")).content.decode()
    assert states(page) == [("XA", "submitted"), ("XB", "draft")]
    assert buttons(page) == ["approve", "reopen"]
    response = act(approver, "approve", "XA", back="H1")
    assert messages_of(response) == [
        "Đã phê duyệt nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024: Huyện Một"
        " đã phê duyệt, chờ Tỉnh Thử Nghiệm phê duyệt."
    ]
    assert response.redirect_chain == [("/approvals/?ou=H1&pe=202404&group=LDVL", 302)]
    assert states(response.content.decode()) == [("XA", "approved"), ("XB", "draft")]


def test_the_province_approves_all_then_reopens_with_a_reason(
    form, tree, clerk_a, clerk_b, district_approver, province_approver
):
    act(client_for(clerk_a), "submit", "XA")
    act(client_for(clerk_b), "submit", "XB")
    act(client_for(district_approver), "approve_all", "H1")
    province = client_for(province_approver)
    page = province.get(PAGE.format(ou="T1")).content.decode()
    assert "Phê duyệt tất cả 2 đơn vị đang chờ cấp của bạn" in page
    response = act(province, "approve_all", "T1")
    assert messages_of(response) == [
        "Đã phê duyệt 2 đơn vị, nhóm chỉ tiêu “Lao động – việc làm”, tháng 4/2024."
    ]
    assert states(response.content.decode()) == [("XA", "locked"), ("XB", "locked")]

    response = act(province, "reopen", "XB", back="T1", reason="")
    assert messages_of(response) == ["Hãy ghi lý do mở lại"]
    response = act(province, "reopen", "XB", back="T1", reason="Số liệu tháng 4 bị nhập nhầm")
    assert messages_of(response) == [
        "Đã mở lại nhóm chỉ tiêu “Lao động – việc làm” của Xã Bình, tháng 4/2024."
    ]
    assert states(response.content.decode()) == [("XA", "locked"), ("XB", "draft")]
    assert ApprovalEvent.objects.order_by("-pk").values_list("action", "reason").first() == (
        "reopen",
        "Số liệu tháng 4 bị nhập nhầm",
    )


def test_a_refused_step_is_shown_and_changes_nothing(
    form, tree, clerk_a, province_approver, snapshot
):
    act(client_for(clerk_a), "submit", "XA")
    before = snapshot()
    response = act(client_for(province_approver), "approve", "XA", back="T1")
    assert messages_of(response) == [
        "Không phê duyệt được: bước này do Huyện Một phê duyệt, tài khoản của bạn không phê"
        " duyệt ở cấp này"
    ]
    assert snapshot() == before


def test_another_communes_user_gets_404_for_the_page_and_the_actions(
    form, tree, clerk_a, clerk_b, snapshot
):
    act(client_for(clerk_a), "submit", "XA")
    before = snapshot()
    other = client_for(clerk_b)
    assert other.get(PAGE.format(ou="XA")).status_code == 404
    assert other.get(PAGE.format(ou="H1")).status_code == 404
    for action in ("submit", "approve", "reopen"):
        response = other.post(
            "/approvals/act/",
            {"action": action, "ou": "XA", "pe": "202404", "group": "LDVL", "reason": "x"},
        )
        assert response.status_code == 404
    assert other.get("/approvals/summary/?ou=H1&pe=202404").status_code == 404
    assert snapshot() == before


def test_the_dashboard_loads_the_completeness_summary(form, tree, clerk_a, district_approver):
    act(client_for(clerk_a), "submit", "XA")
    approver = client_for(district_approver)
    dashboard = approver.get("/dashboard/?ou=H1&pe=202404").content.decode()
    assert 'hx-get="/approvals/summary/?ou=H1&amp;pe=202404"' in dashboard
    fragment = approver.get("/approvals/summary/?ou=H1&pe=202404").content.decode()
    cells = [c.strip() for c in re.findall(r"<td class=\"num\">([^<]*)", fragment)]
    assert re.findall(r'<tr data-group="(\w+)">', fragment) == ["LDVL", "KHAC_NHOM"]
    assert cells[:5] == ["1/2", "0", "1", "1", "0"]  # submitted, on time, late, missing, locked
    assert '<span class="badge">1 quá hạn</span>' in fragment


@pytest.mark.parametrize("user", ["clerk_a", "district_approver"])
def test_the_page_and_the_fragment_render_in_english(request, form, tree, user):
    client = client_for(request.getfixturevalue(user))
    with translation.override("vi"):  # the requests below switch this thread to English
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = client.get(PAGE.format(ou="XA")).content.decode()
        assert '<html lang="en">' in page
        assert client.get("/approvals/summary/?ou=XA&pe=202404").status_code == 200
    assert Approval.objects.count() == 0


def test_the_entry_form_shows_the_lock_message_in_the_cell(form, tree, clerk_a, snapshot):
    act(client_for(clerk_a), "submit", "XA")
    before = snapshot()
    response = client_for(clerk_a).post(
        "/entry/cell/",
        {"ou": "XA", "pe": "202404", "i": "VL", "c": "DEFAULT", "value": "12", "ver": "0"},
    )
    assert response.status_code == 422
    assert (
        "Không sửa được số liệu: nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024"
        " đã nộp và đang chờ phê duyệt. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
    ) in response.content.decode()
    assert snapshot() == before
