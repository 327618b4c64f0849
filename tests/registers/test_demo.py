"""The Lộc Ninh register demo: the dashboard's gift and rice figures for Huyện Lộc Ninh come
from the register (channel register) and equal its lists; the Bình Phước totals stay the
report's; loading again changes nothing."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum

from chiso.accounts.services import user_create
from chiso.analytics.selectors import analytics_table
from chiso.datavalues.demo import demo_values_load
from chiso.datavalues.models import Channel, DataValue, DataValueAudit
from chiso.indicators.services import catalog_load
from chiso.orgunits.services import demo_hamlets_create, units_load
from chiso.registers.demo import registers_demo_load
from chiso.registers.models import Distribution, Household

D = Decimal
GIFTS = ["ASXH_QUA_SO_LUONG", "ASXH_QUA_GIA_TRI", "ASXH_GAO_KG", "ASXH_GAO_NHAN_KHAU"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        units_load()
        demo_hamlets_create()
        catalog_load()
        admin = user_create(
            username="demo_admin", password="mat-khau-thu-nghiem", is_superuser=True
        )
        demo_values_load(admin)
        first = registers_demo_load(admin)
        yield {"admin": admin, "first": first}
        transaction.set_rollback(True)


@pytest.fixture
def admin(demo, db):
    return demo["admin"]


def _table(admin, unit):
    rows = analytics_table(
        user=admin, indicators=GIFTS, orgunit=unit, period="2023", by_option_combo=True
    )
    return {(r.indicator, r.option_combo): r.value for r in rows if r.value is not None}


def test_the_lists_are_labelled_demo(demo, admin):
    assert demo["first"].households == Household.objects.count() > 10000
    assert not Household.objects.filter(is_demo=False).exists()
    assert set(Household.objects.values_list("hamlet__parent__parent__code", flat=True)) == {"692"}


def test_loc_ninh_gift_and_rice_figures_come_from_the_register_and_match_its_lists(admin):
    lists = Distribution.objects.filter(date__year=2023)
    gifts = lists.exclude(item__kind="rice_kg")
    rice = lists.filter(item__kind="rice_kg").aggregate(kg=Sum("quantity"), people=Sum("people"))
    by_group = {
        row["beneficiary_group"]: (row["n"], row["v"])
        for row in gifts.values("beneficiary_group").annotate(n=Sum("quantity"), v=Sum("value"))
    }
    got = _table(admin, "692")
    assert got == {
        ("ASXH_QUA_SO_LUONG", None): sum(D(n) for n, _ in by_group.values()),
        ("ASXH_QUA_SO_LUONG", "NGUOI_CO_CONG"): D(by_group["NGUOI_CO_CONG"][0]),
        ("ASXH_QUA_SO_LUONG", "BAO_TRO_XA_HOI"): D(by_group["BAO_TRO_XA_HOI"][0]),
        ("ASXH_QUA_GIA_TRI", None): sum(D(v) for _, v in by_group.values()),
        ("ASXH_QUA_GIA_TRI", "NGUOI_CO_CONG"): D(by_group["NGUOI_CO_CONG"][1]),
        ("ASXH_QUA_GIA_TRI", "BAO_TRO_XA_HOI"): D(by_group["BAO_TRO_XA_HOI"][1]),
        ("ASXH_GAO_KG", None): D(rice["kg"]),
        ("ASXH_GAO_NHAN_KHAU", None): D(rice["people"]),
    }
    loc_ninh = DataValue.objects.filter(
        indicator__code__in=GIFTS, orgunit__parent__code="692", period__startswith="2023"
    )
    last = {dv.pk: dv.audits.order_by("-at", "-pk").first().channel for dv in loc_ninh}
    assert set(last.values()) == {Channel.REGISTER}


def test_bình_phước_keeps_the_reports_totals(admin):
    got = _table(admin, "70")
    assert (
        got[("ASXH_QUA_SO_LUONG", "NGUOI_CO_CONG")],
        got[("ASXH_QUA_SO_LUONG", "BAO_TRO_XA_HOI")],
        got[("ASXH_GAO_NHAN_KHAU", None)],
        got[("ASXH_GAO_KG", None)],
    ) == (D(50897), D(49617), D(29664), D(444960))


def test_loading_again_changes_nothing(admin):
    audits = DataValueAudit.objects.count()
    households = Household.objects.count()
    again = registers_demo_load(admin)
    demo_values_load(admin)
    assert (again.households, again.values) == (0, {"imported": 0, "updated": 0, "deleted": 0})
    assert (DataValueAudit.objects.count(), Household.objects.count()) == (audits, households)
