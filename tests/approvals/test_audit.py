"""The audit trail: value history (who, when, old → new, channel), approval steps and logins,
within the view scope, filtered, paginated, exported as CSV; nothing can change a row."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from axes.models import AccessLog
from django.contrib import admin
from django.test import Client, RequestFactory

from chiso.approvals.models import Approval, ApprovalEvent
from chiso.approvals.services import approval_reopen, approval_submit
from chiso.core.periods import Period
from chiso.datavalues.audit import AuditFilter, AuditKind, audit_entries
from chiso.datavalues.models import Channel, DataValueAudit
from chiso.datavalues.services import datavalue_bulk_upsert
from chiso.datavalues.types import ValueInput

T0 = datetime(2024, 5, 3, 3, 15, tzinfo=UTC)  # 10:15 in Việt Nam


def item(index, value, unit, period="202404", code="VL"):
    return ValueInput(
        index=index,
        indicator_code=code,
        option_combo_code=None,
        orgunit_code=unit,
        period_id=period,
        value=value,
    )


@pytest.fixture
def history(form, tree, clerk_a, clerk_b, district_approver):
    """Xã An: VL 202404 created (10, form) then updated (12, API), submitted, reopened by the
    district; Xã Bình: VL 202404 = 7 (import). Audit times are T0 + n minutes."""
    datavalue_bulk_upsert(user=clerk_a, channel=Channel.FORM, items=[item(0, "10", "XA")])
    datavalue_bulk_upsert(user=clerk_a, channel=Channel.API, items=[item(0, "12", "XA")])
    datavalue_bulk_upsert(user=clerk_b, channel=Channel.IMPORT, items=[item(0, "7", "XB")])
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period="202404")
    approval_reopen(
        user=district_approver,
        group=form,
        orgunit=tree["a"],
        period="202404",
        reason="Sai số, nhập lại",
    )
    for n, pk in enumerate(DataValueAudit.objects.order_by("pk").values_list("pk", flat=True)):
        DataValueAudit.objects.filter(pk=pk).update(at=T0.replace(minute=15 + n))
    for n, pk in enumerate(ApprovalEvent.objects.order_by("pk").values_list("pk", flat=True)):
        ApprovalEvent.objects.filter(pk=pk).update(at=T0.replace(minute=30 + n))
    return tree


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_value_history_within_the_view_scope(history, clerk_a, clerk_b, district_approver):
    def seen(user, **filters):
        rows = audit_entries(user, AuditKind.VALUES, AuditFilter(**filters))
        return [
            (r.datavalue.orgunit.code, r.action, r.old_value, r.new_value, r.channel) for r in rows
        ]

    assert seen(clerk_a) == [
        ("XA", "update", "10", "12", "api"),
        ("XA", "create", "", "10", "form"),
    ]
    assert seen(clerk_b) == [("XB", "create", "", "7", "import")]
    assert seen(clerk_b, unit_code="XA") == []
    assert seen(clerk_b, unit_code="H1") == []
    assert len(seen(district_approver)) == 3
    assert seen(district_approver, unit_code="XB") == [("XB", "create", "", "7", "import")]
    assert seen(district_approver, username="can_bo_an", indicator_code="VL") == [
        ("XA", "update", "10", "12", "api"),
        ("XA", "create", "", "10", "form"),
    ]
    assert seen(district_approver, period=Period.parse("202405")) == []
    assert len(seen(district_approver, period=Period.parse("2024"))) == 3


def test_the_audit_page_of_another_communes_user_shows_nothing(history, clerk_b):
    client = client_for(clerk_b)
    for kind in ("values", "approvals"):
        page = client.get(f"/audit/?kind={kind}&ou=XA").content.decode()
        assert '<table class="data audit"' not in page
        assert "Không có dòng nhật ký nào khớp điều kiện lọc." in page
    page = client.get("/audit/?kind=approvals").content.decode()
    assert "Không có dòng nhật ký nào khớp điều kiện lọc." in page
    rows = read_csv(client.get("/audit/?kind=values&format=csv"))
    assert [row[6] for row in rows[1:]] == ["XB"]


def test_the_audit_page_shows_old_and_new_values_the_vietnamese_way(history, district_approver):
    DataValueAudit.objects.filter(new_value="12").update(new_value="1234.5")
    page = client_for(district_approver).get("/audit/?ou=XA").content.decode()
    assert '<span class="old">10</span><span class="arrow">→</span><strong>1.234,5</strong>' in (
        page
    )
    assert "10:16:00 03/05/2024" in page
    assert "3 dòng." not in page and "2 dòng." in page


def test_the_value_audit_export_is_exact(history, district_approver):
    response = client_for(district_approver).get("/audit/?kind=values&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="chiso-nhat-ky-values.csv"'
    assert read_csv(response) == [
        [
            "Thời điểm",
            "Tên đăng nhập",
            "Kênh",
            "Thao tác",
            "Mã chỉ tiêu",
            "Mã phân tổ",
            "Mã đơn vị",
            "Đơn vị",
            "Kỳ",
            "Giá trị cũ",
            "Giá trị mới",
            "Trạng thái cũ",
            "Trạng thái mới",
        ],
        [
            "2024-05-03T10:17:00+07:00",
            "can_bo_binh",
            "Nhập tệp",
            "Tạo mới",
            "VL",
            "DEFAULT",
            "XB",
            "Xã Bình",
            "202404",
            "",
            "7",
            "",
            "Chính thức",
        ],
        [
            "2024-05-03T10:16:00+07:00",
            "can_bo_an",
            "API",
            "Sửa",
            "VL",
            "DEFAULT",
            "XA",
            "Xã An",
            "202404",
            "10",
            "12",
            "Chính thức",
            "Chính thức",
        ],
        [
            "2024-05-03T10:15:00+07:00",
            "can_bo_an",
            "Biểu nhập liệu",
            "Tạo mới",
            "VL",
            "DEFAULT",
            "XA",
            "Xã An",
            "202404",
            "",
            "10",
            "",
            "Chính thức",
        ],
    ]


def test_the_approval_audit_export_is_exact(history, district_approver):
    response = client_for(district_approver).get("/audit/?kind=approvals&ou=XA&pe=202404")
    page = response.content.decode()
    assert "Sai số, nhập lại" in page
    response = client_for(district_approver).get(
        "/audit/?kind=approvals&ou=XA&pe=202404&group=LDVL&format=csv"
    )
    assert read_csv(response) == [
        [
            "Thời điểm",
            "Tên đăng nhập",
            "Kênh",
            "Thao tác",
            "Mã nhóm chỉ tiêu",
            "Nhóm chỉ tiêu",
            "Mã đơn vị",
            "Đơn vị",
            "Kỳ",
            "Từ trạng thái",
            "Sang trạng thái",
            "Cấp phê duyệt",
            "Lý do",
        ],
        [
            "2024-05-03T10:31:00+07:00",
            "duyet_huyen",
            "Trang web",
            "Mở lại",
            "LDVL",
            "Lao động – việc làm",
            "XA",
            "Xã An",
            "202404",
            "Đã nộp",
            "Chưa nộp",
            "Huyện Một",
            "Sai số, nhập lại",
        ],
        [
            "2024-05-03T10:30:00+07:00",
            "can_bo_an",
            "Trang web",
            "Nộp",
            "LDVL",
            "Lao động – việc làm",
            "XA",
            "Xã An",
            "202404",
            "Chưa nộp",
            "Đã nộp",
            "",
            "",
        ],
    ]


def test_logins_are_audited_and_an_officer_sees_only_their_own(
    tree, clerk_a, clerk_b, make_user, password
):
    reader = client_for(clerk_a)
    admin_reader = client_for(make_user("quantri", superuser=True))
    AccessLog.objects.all().delete()  # the two logins above (force_login is a login too)
    for user in (clerk_a, clerk_b):
        response = Client().post("/login/", {"username": user.username, "password": password})
        assert response.status_code == 302
    AccessLog.objects.update(attempt_time=T0, user_agent="pytest")
    rows = read_csv(reader.get("/audit/?kind=logins&format=csv"))
    assert rows == [
        ["Đăng nhập lúc", "Đăng xuất lúc", "Tên đăng nhập", "Địa chỉ IP", "Trình duyệt"],
        ["2024-05-03T10:15:00+07:00", "", "can_bo_an", "127.0.0.1", "pytest"],
    ]
    rows = read_csv(admin_reader.get("/audit/?kind=logins&format=csv"))
    assert sorted(row[2] for row in rows[1:]) == ["can_bo_an", "can_bo_binh"]


def test_the_audit_is_paginated(form, tree, clerk_a):
    items = [
        item(n, str(n + 1), "XA", period=f"{2020 + n // 12}{n % 12 + 1:02d}") for n in range(51)
    ]
    assert datavalue_bulk_upsert(user=clerk_a, channel=Channel.IMPORT, items=items).imported == 51
    client = client_for(clerk_a)
    first = client.get("/audit/?ou=XA").content.decode()
    assert "51 dòng." in first and "Trang 1/2" in first
    assert len(re.findall(r'<td class="change">', first)) == 50
    second = client.get("/audit/?ou=XA&page=2").content.decode()
    assert len(re.findall(r'<td class="change">', second)) == 1


def test_audit_rows_are_read_only_in_the_admin(history, make_user):
    superuser = make_user("quantri", superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model in (DataValueAudit, ApprovalEvent, Approval, AccessLog):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    client = client_for(superuser)
    event = ApprovalEvent.objects.order_by("pk").first()
    url = f"/admin/approvals/approvalevent/{event.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "sửa"}).status_code == 403
    assert client.post(f"/admin/approvals/approvalevent/{event.pk}/delete/").status_code == 403
    assert ApprovalEvent.objects.get(pk=event.pk).reason == ""


def test_the_province_sees_the_approval_steps_of_its_communes(history, province_approver):
    rows = audit_entries(
        province_approver, AuditKind.APPROVALS, AuditFilter(unit_code="XA", group_code="LDVL")
    )
    assert [(e.action, e.to_state, e.user.username) for e in rows] == [
        ("reopen", "draft", "duyet_huyen"),
        ("submit", "submitted", "can_bo_an"),
    ]
