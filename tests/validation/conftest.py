"""Factories for the validation tests: the seeded catalog, the shared ``tree`` (province T1,
district H1, communes XA and XB with hamlets XA-1 and XB-1, valid until 30/06/2025), users,
values written through the data-value service and rules saved through the rule service."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from chiso.accounts.models import Role
from chiso.datavalues.models import Channel, DataValue, DataValueAudit
from chiso.datavalues.services import datavalue_bulk_upsert
from chiso.datavalues.types import SUCCESS, ValueInput
from chiso.indicators.services import catalog_load
from chiso.validation.models import Assessment, ValidationResult
from chiso.validation.services import validation_rule_save

GIFT_RULE = {
    "code": "TONG_QUA",
    "name": "Tổng số phần quà bằng tổng các nhóm đối tượng",
    "left": "#{ASXH_QUA_TONG_BAO_CAO}",
    "operator": "==",
    "right": "#{ASXH_QUA_SO_LUONG}",
    "period_type": "month",
    "importance": "high",
    "tiers": ["xa"],
    "message": "Tổng số phần quà ({left}) khác tổng các nhóm đối tượng ({right})",
}


@pytest.fixture(autouse=True)
def vietnamese():
    """Vietnamese, the default language, whatever an earlier test left active."""
    with translation.override("vi"):
        yield


@pytest.fixture
def catalog(db):
    catalog_load()


@pytest.fixture
def admin(make_user):
    return make_user("quan_tri", roles=(Role.ADMIN,), superuser=True)


@pytest.fixture
def clerk(tree, make_user):
    """A commune officer of XA."""
    return make_user("can_bo_xa_an", capture=[tree["a"]])


@pytest.fixture
def other_clerk(tree, make_user):
    """A commune officer of XB."""
    return make_user("can_bo_xa_binh", capture=[tree["b"]])


@pytest.fixture
def store(admin, catalog, tree):
    """``store([(indicator, unit, period, value, combo), ...])`` writes values as the admin."""

    def write(rows, user=None):
        items = [
            ValueInput(
                index=n,
                indicator_code=row[0],
                option_combo_code=row[4] if len(row) > 4 else None,
                orgunit_code=row[1],
                period_id=row[2],
                value=str(row[3]),
            )
            for n, row in enumerate(rows, start=1)
        ]
        result = datavalue_bulk_upsert(user=user or admin, items=items, channel=Channel.CLI)
        assert result.status == SUCCESS, result.conflicts
        return result

    return write


@pytest.fixture
def make_rule(catalog):
    def make(**fields):
        return validation_rule_save(**{**GIFT_RULE, **fields})

    return make


@pytest.fixture
def gift_rule(make_rule):
    return make_rule()


@pytest.fixture
def snapshot(db):
    """What a refused action must leave unchanged: values, audit, results, assessments."""

    def take():
        return (
            sorted(
                DataValue.objects.values_list(
                    "indicator_id", "option_combo_id", "orgunit_id", "period", "value", "deleted"
                )
            ),
            DataValueAudit.objects.count(),
            sorted(
                ValidationResult.objects.values_list(
                    "rule_id", "orgunit_id", "period", "left_value", "right_value"
                )
            ),
            sorted(Assessment.objects.values_list("criterion_id", "orgunit_id", "passed", "note")),
        )

    return take


@pytest.fixture
def client_for(db):
    """A test client signed in as ``user``."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
