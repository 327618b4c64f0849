"""The approval flow end to end on the official units and the demo catalog and users, on
April 2024 (the 2022–2023 reference years stay open): the communes of Huyện Lộc Ninh submit,
the district approves, the province approves; a locked value refuses an edit and an import
with a Vietnamese message; reopening with a reason works and is audited."""

import json
from datetime import date

import pytest
from django.db import transaction

from chiso.accounts.models import Role, User
from chiso.accounts.services import role_sync, user_create
from chiso.approvals.demo import approvals_demo_load
from chiso.approvals.models import Approval, ApprovalEvent
from chiso.approvals.selectors import completeness
from chiso.approvals.services import (
    approval_approve_all,
    approval_reopen,
    approval_submit,
)
from chiso.core.errors import ChisoError
from chiso.core.periods import Period
from chiso.datavalues.models import Channel, DataValue
from chiso.datavalues.services import datavalue_bulk_upsert, datavalue_upsert
from chiso.datavalues.types import ValueInput
from chiso.exchange.services import import_file
from chiso.indicators.models import CategoryOptionCombo, Indicator, IndicatorGroup
from chiso.indicators.services import catalog_load
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_get_by_code, orgunit_list_tier
from chiso.orgunits.services import units_load

PASSWORD = "mat-khau-thu-nghiem"
APRIL = Period.parse("202404")
LOCKED = (
    "Không sửa được số liệu: nhóm chỉ tiêu “Lao động – việc làm” của Thị trấn Lộc Ninh, tháng"
    " 4/2024 đã được phê duyệt và khóa. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Official units, the catalog, the demo users, one clerk per commune of Huyện Lộc Ninh
    and a value of new jobs (VL_VIEC_LAM_MOI) for each commune in April 2024."""
    with django_db_blocker.unblock(), transaction.atomic():
        units_load()
        catalog_load()
        role_sync()
        created = approvals_demo_load(PASSWORD)
        district = orgunit_get_by_code("692", APRIL.end)
        communes = list(orgunit_list_tier("xa", on=APRIL.end, under=district))
        clerks = {
            unit.code: user_create(
                username=f"xa{unit.code}",
                password=PASSWORD,
                roles=[Role.DATA_ENTRY],
                capture_units=[unit],
            )
            for unit in communes
        }
        for n, unit in enumerate(communes):
            result = datavalue_bulk_upsert(
                user=clerks[unit.code],
                channel=Channel.FORM,
                items=[
                    ValueInput(
                        index=0,
                        indicator_code="VL_VIEC_LAM_MOI",
                        option_combo_code=None,
                        orgunit_code=unit.code,
                        period_id="202404",
                        value=str(100 + n),
                    )
                ],
            )
            assert result.imported == 1
        yield {
            "created": created,
            "district": district,
            "province": orgunit_get_by_code("70", APRIL.end),
            "communes": communes,
            "clerks": clerks,
            "group": IndicatorGroup.objects.get(code="LAO_DONG_VIEC_LAM"),
        }
        transaction.set_rollback(True)


@pytest.fixture
def flow(demo, db):
    return demo


def test_the_demo_approvers_have_their_scopes_and_the_workflow_starts_empty(flow):
    assert flow["created"] == ["huyenlocninh", "tinhbinhphuoc"]
    rows = [
        (
            u.username,
            sorted(u.groups.values_list("name", flat=True)),
            [v.code for v in u.view_units.all()],
        )
        for u in User.objects.filter(username__in=flow["created"]).order_by("username")
    ]
    assert rows == [
        ("huyenlocninh", ["phe_duyet"], ["692"]),
        ("tinhbinhphuoc", ["phe_duyet"], ["70"]),
    ]
    assert approvals_demo_load(PASSWORD) == []
    assert Approval.objects.count() == 0


def test_locninh_communes_submit_the_district_then_the_province_approve(flow):
    group, district, province = flow["group"], flow["district"], flow["province"]
    assert len(flow["communes"]) == 16
    for unit in flow["communes"]:
        approval_submit(user=flow["clerks"][unit.code], group=group, orgunit=unit, period=APRIL)
    report = completeness(group, district, APRIL, today=date(2024, 5, 1))
    assert (report.expected, report.submitted, report.late, report.missing) == (16, 16, 16, 0)

    district_approver = User.objects.get(username="huyenlocninh")
    province_approver = User.objects.get(username="tinhbinhphuoc")
    assert (
        approval_approve_all(user=province_approver, group=group, parent=province, period=APRIL)
        == 0
    )  # the district has not approved yet
    assert (
        approval_approve_all(user=district_approver, group=group, parent=district, period=APRIL)
        == 16
    )
    assert (
        approval_approve_all(user=province_approver, group=group, parent=province, period=APRIL)
        == 16
    )
    report = completeness(group, province, APRIL)
    assert (report.expected, report.submitted, report.locked) == (111, 16, 16)
    steps = list(
        ApprovalEvent.objects.filter(approval__orgunit__code="25270")
        .order_by("pk")
        .values_list("action", "to_state", "level__name", "user__username")
    )
    assert steps == [
        ("submit", "submitted", None, "xa25270"),
        ("approve", "approved", "Huyện Lộc Ninh", "huyenlocninh"),
        ("approve", "locked", "Tỉnh Bình Phước", "tinhbinhphuoc"),
    ]

    # A locked value refuses an edit and an import, and stays as it was.
    township = OrgUnit.objects.get(pk=next(u.pk for u in flow["communes"] if u.code == "25270"))
    clerk = flow["clerks"]["25270"]
    indicator = Indicator.objects.get(code="VL_VIEC_LAM_MOI")
    combo = CategoryOptionCombo.objects.get(category_combo=indicator.category_combo)
    stored = DataValue.objects.get(indicator=indicator, orgunit=township, period="202404")
    with pytest.raises(ChisoError) as caught:
        datavalue_upsert(
            user=clerk,
            indicator=indicator,
            option_combo=combo,
            orgunit=township,
            period="202404",
            value="999",
            channel=Channel.FORM,
        )
    assert str(caught.value) == LOCKED
    document = {
        "dataValues": [
            {
                "dataElement": "VL_VIEC_LAM_MOI",
                "period": "202404",
                "orgUnit": "25270",
                "value": "999",
            }
        ]
    }
    summary = import_file(
        user=clerk, filename="values.json", content=json.dumps(document).encode()
    ).to_dict()
    assert summary["status"] == "ERROR"
    assert [(c["object"], c["value"], c["indexes"]) for c in summary["conflicts"]] == [
        ("25270", LOCKED, [0])
    ]
    after = DataValue.objects.get(pk=stored.pk)
    assert (after.value, after.version) == (stored.value, stored.version)

    # Reopening with a reason (the province, which locked it) is audited and opens the value.
    approval_reopen(
        user=province_approver,
        group=group,
        orgunit=township,
        period=APRIL,
        reason="Thị trấn báo cáo sai số việc làm tháng 4",
    )
    assert ApprovalEvent.objects.order_by("-pk").values_list(
        "action", "from_state", "to_state", "user__username", "reason"
    ).first() == (
        "reopen",
        "locked",
        "draft",
        "tinhbinhphuoc",
        "Thị trấn báo cáo sai số việc làm tháng 4",
    )
    result = datavalue_upsert(
        user=clerk,
        indicator=indicator,
        option_combo=combo,
        orgunit=township,
        period="202404",
        value="120",
        channel=Channel.FORM,
    )
    assert result.outcome == "updated"
    # The reference years stay open: nothing was submitted for them.
    result = datavalue_upsert(
        user=clerk,
        indicator=indicator,
        option_combo=combo,
        orgunit=township,
        period="202312",
        value="7",
        channel=Channel.FORM,
    )
    assert result.outcome == "created"
