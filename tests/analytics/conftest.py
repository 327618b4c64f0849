"""Factories for analytics tests: indicators, values and targets written straight to the
tables (the selectors only read them), on the small trees of ``tests/conftest.py``."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from chiso.core.periods import Period
from chiso.datavalues.models import DataValue, Status, Target
from chiso.datavalues.totals import totals_rebuild
from chiso.indicators.models import (
    Category,
    CategoryCombo,
    CategoryComboCategory,
    CategoryOption,
    CategoryOptionCombo,
    Indicator,
)
from chiso.indicators.services import (
    category_combo_ensure_default,
    category_combo_generate_option_combos,
)

_codes = itertools.count(1)


@pytest.fixture
def make_indicator(db):
    def make(aggregation="sum", period_type="month", code=None, combo=None, value_type="integer"):
        combo = combo or category_combo_ensure_default()
        code = code or f"CT_{next(_codes)}"
        return Indicator.objects.create(
            code=code,
            name_vi=f"Chỉ tiêu {code}",
            name_en=code,
            value_type=value_type,
            aggregation_type=aggregation,
            period_type=period_type,
            category_combo=combo,
        )

    return make


@pytest.fixture
def beneficiary_combo(db):
    """A combo with two options: NGHEO and CAN_NGHEO."""
    category = Category.objects.create(code="DOI_TUONG", name_vi="Nhóm đối tượng")
    for order, code in enumerate(["NGHEO", "CAN_NGHEO"], start=1):
        CategoryOption.objects.create(category=category, code=code, name_vi=code, sort_order=order)
    combo = CategoryCombo.objects.create(code="THEO_DOI_TUONG", name_vi="Theo đối tượng")
    CategoryComboCategory.objects.create(category_combo=combo, category=category, sort_order=1)
    category_combo_generate_option_combos(combo)
    return combo


@pytest.fixture
def put(db):
    """Store a value: put(indicator, unit, "202301", 5, combo="NGHEO", status="estimate")."""

    def store(indicator, unit, period, value, *, combo=None, status=Status.OFFICIAL):
        p = Period.parse(period)
        option_combo = CategoryOptionCombo.objects.get(
            category_combo=indicator.category_combo, code=combo or "DEFAULT"
        )
        dv, _ = DataValue.objects.update_or_create(
            indicator=indicator,
            option_combo=option_combo,
            orgunit=unit,
            period=p.id,
            defaults={
                "period_type": p.type.value,
                "period_start": p.start,
                "period_end": p.end,
                "value": Decimal(str(value)),
                "status": status,
                "deleted": False,
            },
        )
        totals_rebuild()  # written around the services (any period type, any unit)
        return dv

    return store


@pytest.fixture
def plan(db):
    """Store a target: plan(indicator, unit, "2023", 100, combo=None)."""

    def store(indicator, unit, period, value, *, combo=None):
        p = Period.parse(period)
        option_combo = (
            CategoryOptionCombo.objects.get(category_combo=indicator.category_combo, code=combo)
            if combo
            else None
        )
        return Target.objects.create(
            indicator=indicator,
            option_combo=option_combo,
            orgunit=unit,
            period=p.id,
            period_start=p.start,
            period_end=p.end,
            value=Decimal(str(value)),
        )

    return store


@pytest.fixture
def admin(make_user):
    return make_user("quantri", superuser=True)
