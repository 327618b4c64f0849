"""Programmes and hand-overs: eligibility, once per household per programme, totals, and the
register totals in the indicator values (channel register) and in analytics."""

from datetime import date
from decimal import Decimal

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.analytics.selectors import analytics_table
from chiso.core.errors import ChisoError
from chiso.datavalues.models import Channel, DataValue, DataValueAudit
from chiso.registers.feed import REGISTER_COMMENT, register_values_refresh
from chiso.registers.models import Distribution, ItemKind
from chiso.registers.selectors import programme_totals
from chiso.registers.services import (
    classification_end,
    distribution_create,
    distribution_delete,
    programme_create,
)
from chiso.registers.types import ItemInput

D = Decimal
TET = date(2023, 1, 15)


def _items(programme):
    return {i.beneficiary_class: i for i in programme.items.all()}


def test_a_second_gift_in_one_programme_is_refused_naming_the_household(
    catalog, tet_programme, make_household, officer_a
):
    household = make_household("Nguyễn Văn An", kinds=["HO_NGHEO"])
    item = _items(tet_programme)["HO_NGHEO"]
    first = distribution_create(user=officer_a, item=item, household=household, on=TET)
    with pytest.raises(ChisoError) as caught:
        distribution_create(user=officer_a, item=item, household=household, on=date(2023, 1, 20))
    assert caught.value.code == "registers.already_received"
    assert str(caught.value) == (
        f"Hộ Nguyễn Văn An ({household.code}) đã nhận hỗ trợ của chương trình Quà Tết Quý Mão"
        " 2023 ngày 15/01/2023 (Quà Tết hộ nghèo); mỗi hộ chỉ nhận một lần trong một chương trình"
    )
    assert list(Distribution.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_household_of_another_class_or_outside_the_dates_is_refused(
    catalog, tet_programme, make_household, officer_a
):
    items = _items(tet_programme)
    near_poor = make_household("Trần Thị Bình", kinds=["HO_CAN_NGHEO"])
    poor = make_household("Lê Văn Cường", kinds=["HO_NGHEO"])
    with pytest.raises(ChisoError) as caught:
        distribution_create(user=officer_a, item=items["HO_NGHEO"], household=near_poor, on=TET)
    assert caught.value.code == "registers.not_eligible"
    assert "Trần Thị Bình" in str(caught.value)
    with pytest.raises(ChisoError) as caught:
        distribution_create(user=officer_a, item=items["NGUOI_CO_CONG"], household=poor, on=TET)
    assert caught.value.code == "registers.not_item_class"
    with pytest.raises(ChisoError) as caught:
        distribution_create(
            user=officer_a, item=items["HO_NGHEO"], household=poor, on=date(2023, 2, 1)
        )
    assert caught.value.code == "registers.distribution_date"
    assert Distribution.objects.count() == 0


def test_an_officer_cannot_record_for_a_household_of_another_commune(
    catalog, tet_programme, make_household, officer_b
):
    household = make_household("Nguyễn Văn An", kinds=["HO_NGHEO"])
    with pytest.raises(UnitNotFound):
        distribution_create(
            user=officer_b, item=_items(tet_programme)["HO_NGHEO"], household=household, on=TET
        )
    assert Distribution.objects.count() == 0
    assert DataValue.objects.count() == 0


def test_gift_totals_become_indicator_values_from_the_register(
    catalog, tree, tet_programme, make_household, officer_a, admin
):
    items = _items(tet_programme)
    for name in ("Nguyễn Văn An", "Phạm Thị Dung"):
        distribution_create(
            user=officer_a,
            item=items["HO_NGHEO"],
            household=make_household(name, kinds=["HO_NGHEO"]),
            on=TET,
        )
    distribution_create(
        user=officer_a,
        item=items["NGUOI_CO_CONG"],
        household=make_household("Hoàng Văn Em", kinds=["NGUOI_CO_CONG"]),
        on=date(2023, 1, 20),
    )
    stored = {
        (dv.indicator.code, dv.option_combo.code, dv.orgunit.code, dv.period): dv.value
        for dv in DataValue.objects.select_related("indicator", "option_combo", "orgunit").filter(
            deleted=False, period="202301"
        )
    }
    assert stored == {
        ("ASXH_QUA_SO_LUONG", "HO_NGHEO", "XA", "202301"): D(2),
        ("ASXH_QUA_GIA_TRI", "HO_NGHEO", "XA", "202301"): D(1000000),
        ("ASXH_QUA_SO_LUONG", "NGUOI_CO_CONG", "XA", "202301"): D(1),
        ("ASXH_QUA_GIA_TRI", "NGUOI_CO_CONG", "XA", "202301"): D(400000),
    }
    assert set(DataValueAudit.objects.values_list("channel", flat=True)) == {Channel.REGISTER}
    assert set(DataValue.objects.values_list("comment", flat=True)) == {REGISTER_COMMENT}
    rows = analytics_table(
        user=admin,
        indicators=["ASXH_QUA_SO_LUONG", "ASXH_QUA_GIA_TRI"],
        orgunit="T1",
        period="2023",
        by_option_combo=True,
    )
    got = {(r.indicator, r.option_combo): r.value for r in rows if r.value is not None}
    assert got == {
        ("ASXH_QUA_SO_LUONG", None): D(3),
        ("ASXH_QUA_SO_LUONG", "HO_NGHEO"): D(2),
        ("ASXH_QUA_SO_LUONG", "NGUOI_CO_CONG"): D(1),
        ("ASXH_QUA_GIA_TRI", None): D(1400000),
        ("ASXH_QUA_GIA_TRI", "HO_NGHEO"): D(1000000),
        ("ASXH_QUA_GIA_TRI", "NGUOI_CO_CONG"): D(400000),
    }
    totals = programme_totals(admin, tet_programme)
    assert [(r.key, r.count, r.value) for r in totals["by_group"]] == [
        ("HO_NGHEO", 2, D(1000000)),
        ("NGUOI_CO_CONG", 1, D(400000)),
    ]
    assert [(r.label, r.count) for r in totals["by_unit"]] == [("Xã An", 3)]
    assert (totals["total"][0].count, totals["total"][0].value) == (3, D(1400000))


def test_deleting_the_last_hand_over_deletes_the_register_value(
    catalog, tet_programme, make_household, officer_a
):
    household = make_household("Nguyễn Văn An", kinds=["HO_NGHEO"])
    d = distribution_create(
        user=officer_a, item=_items(tet_programme)["HO_NGHEO"], household=household, on=TET
    )
    gifts = DataValue.objects.filter(indicator__code__startswith="ASXH_QUA")
    assert gifts.filter(deleted=False).count() == 2
    distribution_delete(user=officer_a, distribution=d)
    assert list(gifts.filter(deleted=False)) == []
    assert gifts.filter(deleted=True).count() == 2
    # the household is still poor: the yearly count stays
    assert DataValue.objects.get(indicator__code="GN_HO_NGHEO").value == D(1)


def test_a_hand_entered_value_the_register_has_nothing_for_is_left_alone(
    catalog, tree, make_household, officer_a, admin
):
    from chiso.datavalues.services import datavalue_bulk_upsert
    from chiso.datavalues.types import ValueInput

    datavalue_bulk_upsert(
        user=admin,
        items=[ValueInput(1, "ASXH_QUA_SO_LUONG", "KHAC", "XA", "202303", "7")],
        channel=Channel.FORM,
    )
    make_household("Nguyễn Văn An", kinds=["HO_NGHEO"])
    register_values_refresh(tree["a"], "2023", user=admin)
    assert DataValue.objects.get(period="202303").value == D(7)


def test_rice_per_person_gives_kg_and_people(catalog, tree, make_household, officer_a, admin):
    programme = programme_create(
        user=admin,
        orgunit=tree["province"],
        name="Hỗ trợ gạo dịp Tết 2023",
        start=date(2023, 1, 1),
        end=date(2023, 2, 28),
        eligible_classes=["HO_NGHEO"],
        items=[ItemInput("Gạo", ItemKind.RICE_KG, D(0), D(15), per_person=True)],
    )
    item = programme.items.get()
    distribution_create(
        user=officer_a,
        item=item,
        household=make_household("A", kinds=["HO_NGHEO"], members=3),
        on=TET,
    )
    distribution_create(
        user=officer_a,
        item=item,
        household=make_household("B", kinds=["HO_NGHEO"], members=1),
        on=date(2023, 2, 3),
    )
    rows = analytics_table(
        user=admin, indicators=["ASXH_GAO_KG", "ASXH_GAO_NHAN_KHAU"], orgunit="XA", period="2023"
    )
    assert {r.indicator: r.value for r in rows} == {
        "ASXH_GAO_KG": D(90),
        "ASXH_GAO_NHAN_KHAU": D(6),
    }


def test_poor_and_near_poor_households_per_year(catalog, tree, make_household, admin):
    a = make_household("A", kinds=["HO_NGHEO"], since=date(2022, 3, 1))
    make_household("B", kinds=["HO_NGHEO"], since=date(2022, 3, 1))
    make_household("C", kinds=["HO_CAN_NGHEO"], since=date(2023, 5, 1))
    register_values_refresh(tree["a"], "2022", user=admin)
    register_values_refresh(tree["a"], "2023", user=admin)
    classification_end(
        user=admin, classification=a.classifications.get(), valid_to=date(2023, 6, 30)
    )
    rows = analytics_table(
        user=admin, indicators=["GN_HO_NGHEO", "GN_HO_CAN_NGHEO"], orgunit="XA", period="2023"
    )
    assert {r.indicator: r.value for r in rows} == {"GN_HO_NGHEO": D(1), "GN_HO_CAN_NGHEO": D(1)}
    rows = analytics_table(user=admin, indicators=["GN_HO_NGHEO"], orgunit="XA", period="2022")
    assert rows[0].value == D(2)
