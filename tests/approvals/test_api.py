"""GET /api/approvals and POST /api/approvals/{action}: session or token, scope as 404."""

import json

from django.test import Client

from chiso.accounts.services import token_create
from chiso.approvals.models import ApprovalEvent


def bearer(user):
    _token, key = token_create(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(user, action, **body):
    data = {"ou": "XA", "pe": "202404", "group": "LDVL", **body}
    return Client().post(
        f"/api/approvals/{action}",
        json.dumps(data),
        content_type="application/json",
        **bearer(user),
    )


def test_submit_approve_and_read_the_completeness(
    form, tree, clerk_a, district_approver, province_approver
):
    response = post(clerk_a, "submit")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("orgUnit", "parent", "state", "nextLevel", "levels")} == {
        "orgUnit": "XA",
        "parent": "H1",
        "state": "submitted",
        "nextLevel": "H1",
        "levels": ["H1", "T1"],
    }
    assert (body["stateLabel"], body["submittedBy"], body["actions"]) == (
        "Đã nộp, chờ Huyện Một phê duyệt",
        "Nguyễn Văn An",
        [],
    )
    assert post(district_approver, "approve").json()["state"] == "approved"

    response = Client().get(
        "/api/approvals?ou=H1&pe=202404&group=LDVL", **bearer(province_approver)
    )
    assert response.status_code == 200
    body = response.json()
    assert {k: v for k, v in body.items() if k != "units"} == {
        "group": "LDVL",
        "orgUnit": "H1",
        "period": "202404",
        "deadline": "2024-04-14",
        "expected": 2,
        "submitted": 1,
        "onTime": 0,
        "late": 1,
        "missing": 1,
        "overdue": 1,
        "locked": 0,
    }
    assert [(u["orgUnit"], u["state"], u["actions"]) for u in body["units"]] == [
        ("XA", "approved", ["approve", "reopen"]),
        ("XB", "draft", []),
    ]
    assert post(province_approver, "approve").json()["state"] == "locked"
    assert list(ApprovalEvent.objects.values_list("channel", flat=True)) == ["api"] * 3


def test_refusals_are_400_with_the_message_and_scope_is_404(
    form, tree, clerk_a, clerk_b, province_approver, snapshot
):
    post(clerk_a, "submit")
    before = snapshot()
    response = post(province_approver, "approve")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Không phê duyệt được: bước này do Huyện Một phê duyệt, tài khoản của bạn"
        " không phê duyệt ở cấp này",
        "code": "approval.not_your_level",
    }
    assert post(province_approver, "reopen").json()["code"] == "approval.reason_required"
    for action in ("submit", "approve", "reopen"):
        assert post(clerk_b, action, reason="x").status_code == 404
    response = Client().get("/api/approvals?ou=XA&pe=202404&group=LDVL", **bearer(clerk_b))
    assert (response.status_code, response.json()) == (404, {"detail": "Không tìm thấy đơn vị."})
    assert post(clerk_a, "publish").status_code == 422
    response = post(clerk_a, "submit", group="KHONG_CO")
    assert response.json() == {
        "detail": "Không có nhóm chỉ tiêu mã 'KHONG_CO'",
        "code": "approval.unknown_group",
    }
    assert snapshot() == before


def test_anonymous_calls_are_refused(form, tree):
    assert Client().get("/api/approvals?ou=XA&pe=202404&group=LDVL").status_code == 401
    response = Client().post(
        "/api/approvals/submit",
        json.dumps({"ou": "XA", "pe": "202404", "group": "LDVL"}),
        content_type="application/json",
    )
    assert response.status_code == 401
