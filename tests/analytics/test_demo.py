"""The Bình Phước demo: after loading the official units (once for this module, rolled back
at its end), the catalog and the demo values, the 2023 aggregates are the report's facts."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F

from chiso.accounts.services import user_create
from chiso.analytics.selectors import analytics_table
from chiso.core.numbers import format_number, format_percent
from chiso.datavalues.demo import apportion, demo_values_load, weight
from chiso.datavalues.models import DataValue, Target
from chiso.indicators.services import catalog_load
from chiso.orgunits.services import demo_hamlets_create, units_load

D = Decimal


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        units_load()
        demo_hamlets_create()
        catalog_load()
        admin = user_create(
            username="demo_admin", password="mat-khau-thu-nghiem", is_superuser=True
        )
        first = demo_values_load(admin)
        yield {"admin": admin, "first": first}
        transaction.set_rollback(True)


@pytest.fixture
def admin(demo, db):
    return demo["admin"]


def rows(admin, codes, unit="70", period="2023", **kwargs):
    return analytics_table(user=admin, indicators=codes, orgunit=unit, period=period, **kwargs)


def test_jobs_2023_are_38406_against_a_plan_of_40000_and_4_percent_up(admin):
    (row,) = rows(admin, ["VL_VIEC_LAM_MOI"])
    assert (row.orgunit_name, row.value, row.target, row.value_last_year) == (
        "Tỉnh Bình Phước",
        D(38406),
        D(40000),
        D(36929),
    )
    assert format_number(row.value) == "38.406"
    assert format_percent(row.percent_of_target) == "96,0%"
    assert format_percent(row.change_percent) == "4,0%"
    assert (row.comparable, row.estimate) == (True, False)


def test_the_reports_other_2023_figures(admin):
    codes = [
        "NCC_HAI_COT_LIET_SI",
        "ASXH_GAO_KG",
        "ASXH_GAO_NHAN_KHAU",
        "VL_LAO_DONG_NGOAI_TINH",
        "VL_TU_VAN",
        "VL_BH_THAT_NGHIEP",
        "VL_LAM_VIEC_NUOC_NGOAI",
        "VL_DAO_TAO_NGHE",
        "VL_DAO_TAO_LAI",
        "VL_TY_LE_QUA_DAO_TAO",
        "TTCS_LOA_THON",
        "CHUNG_SO_THON",
        "TTCS_LOA_XA",
        "CHUNG_SO_XA",
        "TTCS_LOA_CUM",
        "TTCS_LOA_SO_LOA",
        "DV_NHOM_NHIEM_VU",
        "DV_NHIEM_VU",
    ]
    got = {r.indicator: r.value for r in rows(admin, codes)}
    assert got == {
        "NCC_HAI_COT_LIET_SI": D(164),
        "ASXH_GAO_KG": D(444960),
        "ASXH_GAO_NHAN_KHAU": D(29664),
        "VL_LAO_DONG_NGOAI_TINH": D(5982),
        "VL_TU_VAN": D(12353),
        "VL_BH_THAT_NGHIEP": D(9511),
        "VL_LAM_VIEC_NUOC_NGOAI": D(130),
        "VL_DAO_TAO_NGHE": D(6387),
        "VL_DAO_TAO_LAI": D(7639),
        "VL_TY_LE_QUA_DAO_TAO": D("64.5"),
        "TTCS_LOA_THON": D(843),
        "CHUNG_SO_THON": D(843),
        "TTCS_LOA_XA": D(111),
        "CHUNG_SO_XA": D(111),
        "TTCS_LOA_CUM": D(1639),
        "TTCS_LOA_SO_LOA": D(3807),
        "DV_NHOM_NHIEM_VU": D(11),
        "DV_NHIEM_VU": D(93),
    }
    (rate,) = rows(admin, ["VL_TY_LE_QUA_DAO_TAO"])
    assert rate.estimate is True  # "ước đạt 64,5%"


def test_gifts_by_beneficiary_group_and_their_worth(admin):
    table = rows(admin, ["ASXH_QUA_SO_LUONG", "ASXH_QUA_GIA_TRI"], by_option_combo=True)
    got = {(r.indicator, r.option_combo): r.value for r in table if r.value is not None}
    assert got == {
        ("ASXH_QUA_SO_LUONG", None): D(100514),
        ("ASXH_QUA_SO_LUONG", "NGUOI_CO_CONG"): D(50897),
        ("ASXH_QUA_SO_LUONG", "BAO_TRO_XA_HOI"): D(49617),
        ("ASXH_QUA_GIA_TRI", None): D(45167300000),
        ("ASXH_QUA_GIA_TRI", "NGUOI_CO_CONG"): D(20358800000),  # "trên 20 tỷ đồng"
        ("ASXH_QUA_GIA_TRI", "BAO_TRO_XA_HOI"): D(24808500000),  # "trên 24 tỷ"
    }


def test_public_services_are_consistent_where_the_report_is_not(admin):
    got = {
        r.indicator: r.value
        for r in rows(
            admin, ["CCHC_DVC_KET_NOI", "CCHC_DVC_TOAN_TRINH", "CCHC_DVC_MOT_PHAN"], period="2023Q4"
        )
    }
    connected, full, part = (
        got["CCHC_DVC_KET_NOI"],
        got["CCHC_DVC_TOAN_TRINH"],
        got["CCHC_DVC_MOT_PHAN"],
    )
    assert (connected, full, part) == (D(1468), D(1076), D(392))
    assert full + part == connected
    assert format_percent(full * 100 / connected) == "73,3%"
    assert format_percent(part * 100 / connected) == "26,7%"
    # The stock figure of the year is its last quarter's.
    assert rows(admin, ["CCHC_DVC_KET_NOI"])[0].value == D(1468)


def test_ranks_of_2022_against_2021(admin):
    table = rows(
        admin,
        ["CCHC_PCI_XEP_HANG", "CCHC_PAR_INDEX_XEP_HANG", "CCHC_SIPAS_XEP_HANG"],
        period="2022",
    )
    assert [(r.value, r.change) for r in table] == [(D(43), D(-7)), (D(39), D(-10)), (D(56), D(-6))]


def test_district_targets_add_up_to_the_province_plan(admin):
    table = rows(
        admin,
        ["VL_VIEC_LAM_MOI", "DTTS_NHA_O", "DTTS_NUOC_TAP_TRUNG"],
        level="huyen",
        by_option_combo=True,
    )
    assert len({r.orgunit for r in table}) == 11
    totals: dict = {}
    for r in table:
        key = (r.indicator, r.option_combo)
        totals[key] = totals.get(key, 0) + (r.target or 0)
    assert totals == {
        ("VL_VIEC_LAM_MOI", None): D(40000),
        ("DTTS_NHA_O", None): D(629),
        ("DTTS_NHA_O", "XAY_MOI"): D(431),
        ("DTTS_NHA_O", "SUA_CHUA"): D(198),
        ("DTTS_NUOC_TAP_TRUNG", None): D(4),
    }
    target = Target.objects.get(indicator__code="DTTS_NHA_O", orgunit__code="70", option_combo=None)
    assert target.document == "Kế hoạch số 42/KH-UBND ngày 10/02/2023"


def test_communes_add_up_to_the_province_and_shares_to_100(admin):
    table = rows(admin, ["VL_VIEC_LAM_MOI"], level="xa")
    assert len(table) == 111
    assert sum(r.value for r in table) == D(38406)
    districts = rows(admin, ["VL_VIEC_LAM_MOI"], level="huyen")
    assert sum(r.share_of_parent for r in districts).quantize(D("0.0001")) == D(100)


def test_values_are_monthly_or_yearly_as_the_catalog_says(admin):
    assert DataValue.objects.count() > 15000
    assert not DataValue.objects.exclude(period_type=F("indicator__period_type")).exists()


def test_loudspeakers_are_at_the_hamlets_where_there_are_hamlets(admin):
    hamlets = rows(
        admin, ["TTCS_LOA_THON", "TTCS_LOA_CUM", "TTCS_LOA_SO_LOA"], unit="25270", level="thon"
    )
    assert hamlets and all(r.value >= 1 for r in hamlets)
    count = len(hamlets) // 3
    town = {
        r.indicator: r.value
        for r in rows(admin, ["TTCS_LOA_THON", "CHUNG_SO_THON", "TTCS_LOA_CUM"], unit="25270")
    }
    assert town["TTCS_LOA_THON"] == town["CHUNG_SO_THON"] == count  # "843/843" holds here too
    assert town["TTCS_LOA_CUM"] == sum(r.value for r in hamlets if r.indicator == "TTCS_LOA_CUM")


def test_loading_again_changes_nothing(demo, admin):
    assert demo["first"].conflicts == []
    assert demo["first"].imported > 15000
    again = demo_values_load(admin)
    assert (again.imported, again.updated, again.deleted) == (0, 0, 0)
    assert rows(admin, ["VL_VIEC_LAM_MOI"])[0].value == D(38406)


def test_apportion_is_exact_and_deterministic():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(130, [weight("x", i) for i in range(111)]) == apportion(
        130, [weight("x", i) for i in range(111)]
    )
    assert sum(apportion(38406, [weight("y", i) for i in range(111)])) == 38406
    assert apportion(0, [1, 2]) == [0, 0]
