"""Factories for the approval tests: the shared ``tree`` (Tỉnh Thử Nghiệm T1 → Huyện Một H1 →
Xã An XA, Xã Bình XB, each with a hamlet; valid until 30/06/2025), a post-reform province with a
commune directly under it, a small catalog with two forms, and users for every role."""

from __future__ import annotations

from datetime import date

import pytest

from chiso.accounts.models import Role
from chiso.approvals.models import Approval, ApprovalEvent
from chiso.datavalues.models import DataValue, DataValueAudit
from chiso.indicators.models import IndicatorGroup
from chiso.indicators.services import catalog_import

CATALOG = {
    "indicators": [
        {
            "code": "VL",
            "name_vi": "Số lao động có việc làm mới",
            "name_en": "New jobs",
            "value_type": "integer",
            "aggregation_type": "sum",
            "period_type": "month",
        },
        {
            "code": "TL",
            "name_vi": "Tỷ lệ lao động qua đào tạo",
            "name_en": "Trained labour rate",
            "value_type": "percentage",
            "aggregation_type": "average",
            "period_type": "quarter",
        },
        {
            "code": "HO",
            "name_vi": "Số hộ",
            "name_en": "Households",
            "value_type": "integer",
            "aggregation_type": "last",
            "period_type": "year",
        },
        {
            "code": "KHAC",
            "name_vi": "Chỉ tiêu khác",
            "name_en": "Other",
            "value_type": "integer",
            "aggregation_type": "sum",
            "period_type": "month",
        },
    ],
    "groups": [
        {
            "code": "LDVL",
            "name_vi": "Lao động – việc làm",
            "name_en": "Labour and jobs",
            "indicators": ["VL", "TL", "HO"],
        },
        {"code": "KHAC_NHOM", "name_vi": "Nhóm khác", "name_en": "Other", "indicators": ["KHAC"]},
    ],
}


@pytest.fixture
def catalog(db):
    catalog_import(CATALOG)


@pytest.fixture
def form(catalog):
    """The form "Lao động – việc làm" (VL monthly, TL quarterly, HO yearly)."""
    return IndicatorGroup.objects.get(code="LDVL")


@pytest.fixture
def other_form(catalog):
    return IndicatorGroup.objects.get(code="KHAC_NHOM")


@pytest.fixture
def reform(make_unit):
    """After 1 July 2025: Tỉnh Mới T2 with Xã Mới XM directly under it."""
    since = date(2025, 7, 1)
    province = make_unit("Tỉnh Mới", tier="tinh", code="T2", valid_from=since)
    commune = make_unit("Xã Mới", parent=province, code="XM", valid_from=since)
    return {"province": province, "commune": commune}


def _user(make_user, username, full_name, **kwargs):
    user = make_user(username, **kwargs)
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def clerk_a(tree, make_user):
    """Data entry for Xã An."""
    return _user(make_user, "can_bo_an", "Nguyễn Văn An", capture=[tree["a"]])


@pytest.fixture
def clerk_b(tree, make_user):
    """Data entry for Xã Bình."""
    return _user(make_user, "can_bo_binh", "Trần Thị Bình", capture=[tree["b"]])


@pytest.fixture
def district_approver(tree, make_user):
    return _user(
        make_user, "duyet_huyen", "Lê Văn Huyện", roles=[Role.APPROVER], view=[tree["district"]]
    )


@pytest.fixture
def province_approver(tree, make_user):
    return _user(
        make_user, "duyet_tinh", "Phạm Thị Tỉnh", roles=[Role.APPROVER], view=[tree["province"]]
    )


@pytest.fixture
def viewer(tree, make_user):
    return _user(make_user, "xem_huyen", "Đỗ Văn Xem", roles=[Role.VIEWER], view=[tree["district"]])


def _snapshot():
    return (
        sorted(
            Approval.objects.values_list(
                "group_id", "orgunit_id", "period", "state", "approved_levels"
            )
        ),
        ApprovalEvent.objects.count(),
        sorted(
            DataValue.objects.values_list(
                "indicator_id", "orgunit_id", "period", "value", "deleted", "version"
            )
        ),
        DataValueAudit.objects.count(),
    )


@pytest.fixture
def snapshot(db):
    """``snapshot()``: approvals, their events, values and value audits, to assert that a
    refused action changed nothing."""
    return _snapshot
