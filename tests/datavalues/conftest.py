"""Factories for the data-value tests: indicators built through the catalog service, users
with capture scopes on the shared ``tree`` (XA, XB with hamlets, valid until 30/06/2025)."""

from __future__ import annotations

import pytest

from chiso.accounts.models import Role
from chiso.datavalues.models import DataValue, DataValueAudit, Target
from chiso.indicators.models import CategoryOptionCombo, Indicator
from chiso.indicators.services import catalog_import


@pytest.fixture
def make_indicator(db):
    """``make("VL", value_type=..., period_type=..., options=["NAM", "NU"])``: an indicator
    (with a combo of one category ``<CODE>_CAT`` when ``options`` are given)."""

    def make(code, *, value_type="integer", period_type="month", options=(), aggregation="sum"):
        document = {
            "indicators": [
                {
                    "code": code,
                    "name_vi": f"Chỉ tiêu {code}",
                    "name_en": f"Indicator {code}",
                    "value_type": value_type,
                    "aggregation_type": aggregation,
                    "period_type": period_type,
                }
            ]
        }
        if options:
            document["categories"] = [
                {
                    "code": f"{code}_CAT",
                    "name_vi": f"Phân tổ {code}",
                    "options": [{"code": o, "name_vi": o.title()} for o in options],
                }
            ]
            document["category_combos"] = [
                {
                    "code": f"{code}_COMBO",
                    "name_vi": f"Tổ hợp {code}",
                    "categories": [f"{code}_CAT"],
                }
            ]
            document["indicators"][0]["category_combo"] = f"{code}_COMBO"
        catalog_import(document)
        return Indicator.objects.select_related("category_combo").get(code=code)

    return make


@pytest.fixture
def combo(db):
    """``combo(indicator, code="DEFAULT")``: one of the indicator's option combos."""

    def get(indicator, code="DEFAULT"):
        return CategoryOptionCombo.objects.get(category_combo=indicator.category_combo, code=code)

    return get


@pytest.fixture
def jobs(make_indicator):
    """A monthly integer indicator without disaggregation."""
    return make_indicator("VL")


@pytest.fixture
def clerk(tree, make_user):
    """Captures for Xã An and its hamlet only."""
    user = make_user("can_bo_xa_an", capture=[tree["a"]])
    user.full_name = "Nguyễn Văn An"
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def colleague(tree, make_user):
    user = make_user("can_bo_xa_an_2", capture=[tree["a"]])
    user.full_name = "Trần Thị Bình"
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def viewer(tree, make_user):
    """May view the whole district but capture nowhere."""
    return make_user("xem_huyen", roles=[Role.VIEWER], view=[tree["district"]])


def _snapshot():
    return (
        sorted(
            DataValue.objects.values_list(
                "indicator_id",
                "option_combo_id",
                "orgunit_id",
                "period",
                "value",
                "text_value",
                "status",
                "comment",
                "deleted",
                "version",
            )
        ),
        DataValueAudit.objects.count(),
        sorted(Target.objects.values_list("indicator_id", "orgunit_id", "period", "value")),
    )


@pytest.fixture
def snapshot(db):
    """``snapshot()``: everything the data-value services write (values, audit count,
    targets), to assert that a refused write changed nothing."""
    return _snapshot
