"""Factories for the checker tests: the seeded catalog, values written straight to the tables
on the small tree of ``tests/conftest.py`` (Tỉnh Thử Nghiệm T1 > Huyện Một H1 > Xã An XA, Xã
Bình XB), an administrator and a commune clerk who may see Xã An only."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from chiso.core.periods import Period
from chiso.datavalues.models import DataValue, Status, Target
from chiso.datavalues.totals import totals_rebuild
from chiso.indicators.models import CategoryOptionCombo, Indicator
from chiso.indicators.services import catalog_load

# One known inconsistency: 1.076 + 396 = 1.472, not 1.468.
PROCEDURES = "Tổng số 1.468 thủ tục, trong đó 1.076 thủ tục toàn trình và 396 thủ tục một phần."


@pytest.fixture
def catalog(db):
    """The seeded catalog (data/catalog.json), as ``chiso demo`` loads it."""
    catalog_load()
    return {i.code: i for i in Indicator.objects.select_related("category_combo")}


@pytest.fixture
def put(db):
    """Store a value: put(indicator, unit, "202301", 5, combo="NGUOI_CO_CONG")."""

    def store(indicator, unit, period, value, *, combo=None, status=Status.OFFICIAL):
        p = Period.parse(period)
        option_combo = CategoryOptionCombo.objects.get(
            category_combo=indicator.category_combo, code=combo or "DEFAULT"
        )
        value = DataValue.objects.create(
            indicator=indicator,
            option_combo=option_combo,
            orgunit=unit,
            period=p.id,
            period_type=p.type.value,
            period_start=p.start,
            period_end=p.end,
            value=Decimal(str(value)),
            status=status,
        )
        totals_rebuild()  # written around the services
        return value

    return store


@pytest.fixture
def plan(db):
    """Store a target without option combo: plan(indicator, unit, "2023", 40000)."""

    def store(indicator, unit, period, value):
        p = Period.parse(period)
        return Target.objects.create(
            indicator=indicator,
            orgunit=unit,
            period=p.id,
            period_start=p.start,
            period_end=p.end,
            value=Decimal(str(value)),
        )

    return store


@pytest.fixture
def jobs(tree, catalog, put):
    """Jobs created in 2023: Xã An 20.000 (January) + Xã Bình 18.400 (June) = 38.400."""
    indicator = catalog["VL_VIEC_LAM_MOI"]
    put(indicator, tree["a"], "202301", 20000)
    put(indicator, tree["b"], "202306", 18400)
    return indicator


@pytest.fixture
def admin(make_user):
    return make_user("quantri", superuser=True)


@pytest.fixture
def clerk(tree, make_user):
    """Captures for Xã An only: may not see the province or Xã Bình."""
    return make_user("can_bo_xa_an", capture=[tree["a"]])


@pytest.fixture
def docx_bytes():
    """docx_bytes("first paragraph", ...): the bytes of a .docx holding them."""

    def make(*paragraphs: str) -> bytes:
        import docx

        document = docx.Document()
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()

    return make


@pytest.fixture
def procedures():
    return PROCEDURES
