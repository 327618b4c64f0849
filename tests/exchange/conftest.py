"""Factories for the exchange tests: a small catalog loaded through the catalog service, the
shared ``tree`` (XA with hamlet XA-1, XB with hamlet XB-1, valid until 30/06/2025), users, and
a few stored values written through the data-value service."""

from __future__ import annotations

import pytest

from chiso.datavalues.models import Channel, DataValue
from chiso.datavalues.services import datavalue_bulk_upsert
from chiso.datavalues.types import ValueInput
from chiso.indicators.services import catalog_import

CATALOG = {
    "categories": [
        {
            "code": "NHOM",
            "name_vi": "Nhóm đối tượng",
            "name_en": "Beneficiary group",
            "options": [
                {"code": "NGHEO", "name_vi": "Hộ nghèo", "name_en": "Poor"},
                {"code": "CAN_NGHEO", "name_vi": "Hộ cận nghèo", "name_en": "Near-poor"},
            ],
        }
    ],
    "category_combos": [
        {
            "code": "NHOM_HO",
            "name_vi": "Theo nhóm hộ",
            "name_en": "By group",
            "categories": ["NHOM"],
        }
    ],
    "indicators": [
        {
            "code": "VIEC_LAM",
            "name_vi": "Số lao động có việc làm mới",
            "name_en": "New jobs",
            "unit": "lao động",
            "value_type": "integer",
            "aggregation_type": "sum",
            "period_type": "month",
        },
        {
            "code": "QUA",
            "name_vi": "Số phần quà",
            "name_en": "Gifts",
            "unit": "phần quà",
            "value_type": "integer",
            "aggregation_type": "sum",
            "period_type": "month",
            "category_combo": "NHOM_HO",
        },
        {
            "code": "TY_LE",
            "name_vi": "Tỷ lệ lao động qua đào tạo",
            "name_en": "Trained labour rate",
            "unit": "%",
            "value_type": "percentage",
            "aggregation_type": "average",
            "period_type": "quarter",
        },
        {
            "code": "GHI_NHAN",
            "name_vi": "Ghi nhận",
            "name_en": "Note",
            "value_type": "text",
            "aggregation_type": "none",
            "period_type": "month",
        },
    ],
    "groups": [
        {
            "code": "ASXH",
            "name_vi": "An sinh xã hội",
            "name_en": "Social security",
            "indicators": ["VIEC_LAM", "QUA", "TY_LE"],
        },
    ],
}

# (indicator, option combo, unit, period, value, status)
SEED = [
    ("VIEC_LAM", None, "XA", "202301", "10", None),
    ("VIEC_LAM", None, "XA", "202302", "12", None),
    ("VIEC_LAM", None, "XA-1", "202301", "3", None),
    ("VIEC_LAM", None, "XB", "202301", "7", None),
    ("QUA", "NGHEO", "XA", "202301", "5", None),
    ("QUA", "CAN_NGHEO", "XA", "202301", "4", None),
    ("TY_LE", None, "XA", "2023Q1", "64.5", "estimate"),
    ("GHI_NHAN", None, "XA", "202301", "Đã rà soát, đủ hồ sơ", None),
    ("VIEC_LAM", None, "XA", "202401", "99", None),
]


@pytest.fixture
def catalog(db):
    catalog_import(CATALOG)


@pytest.fixture
def admin(make_user):
    return make_user("quantri", superuser=True)


@pytest.fixture
def clerk_a(tree, make_user):
    """Captures Xã An and its hamlet."""
    return make_user("can_bo_an", capture=[tree["a"]])


@pytest.fixture
def clerk_b(tree, make_user):
    """Captures Xã Bình and its hamlet."""
    return make_user("can_bo_binh", capture=[tree["b"]])


@pytest.fixture
def seeded(tree, catalog, admin):
    """The ``SEED`` values (plus one deleted value, VIEC_LAM XA 202303) stored as ``admin``."""
    items = [
        ValueInput(
            index=n,
            indicator_code=ind,
            option_combo_code=combo,
            orgunit_code=unit,
            period_id=pe,
            value=value,
            status=status,
        )
        for n, (ind, combo, unit, pe, value, status) in enumerate(SEED)
    ]
    items.append(
        ValueInput(
            index=len(items),
            indicator_code="VIEC_LAM",
            option_combo_code=None,
            orgunit_code="XA",
            period_id="202303",
            value="1",
        )
    )
    result = datavalue_bulk_upsert(user=admin, items=items, channel=Channel.DEMO)
    assert result.status == "SUCCESS", result.conflicts
    deleted = datavalue_bulk_upsert(
        user=admin,
        channel=Channel.DEMO,
        items=[
            ValueInput(
                index=0,
                indicator_code="VIEC_LAM",
                option_combo_code=None,
                orgunit_code="XA",
                period_id="202303",
                value="",
                delete=True,
            )
        ],
    )
    assert deleted.deleted == 1
    return tree


def _snapshot() -> list[tuple]:
    return list(
        DataValue.objects.order_by("pk").values_list(
            "indicator__code",
            "option_combo__code",
            "orgunit__code",
            "period",
            "value",
            "text_value",
            "status",
            "comment",
            "deleted",
            "version",
        )
    )


@pytest.fixture
def snapshot(db):
    """``snapshot()``: every stored value, to assert that nothing changed."""
    return _snapshot
