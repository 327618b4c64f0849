"""target_set / target_get: planned figures with their plan document."""

from datetime import date
from decimal import Decimal

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.core.errors import ChisoError
from chiso.datavalues.models import Target
from chiso.datavalues.selectors import target_get
from chiso.datavalues.services import target_set

PLAN = "Kế hoạch số 42/KH-UBND ngày 10/02/2023"


def test_a_year_target_for_a_monthly_indicator_with_its_plan_document(clerk, jobs, tree):
    target = target_set(
        user=clerk, indicator=jobs, orgunit=tree["a"], period="2023", value="1300", document=PLAN
    )
    assert (target.value, target.period, target.period_start, target.period_end) == (
        Decimal(1300),
        "2023",
        date(2023, 1, 1),
        date(2023, 12, 31),
    )
    assert (
        target.document,
        target.document_kind,
        target.document_number,
        target.document_date,
    ) == (PLAN, "KH", "42/KH-UBND", date(2023, 2, 10))
    assert target.option_combo is None
    assert target.updated_by == clerk
    assert target_get(user=clerk, indicator=jobs, orgunit=tree["a"], period="2023") == target


def test_setting_again_updates_the_one_target(clerk, jobs, tree):
    target_set(
        user=clerk, indicator=jobs, orgunit=tree["a"], period="2023", value="1300", document=PLAN
    )
    target_set(user=clerk, indicator=jobs, orgunit=tree["a"], period="2023", value=1310)
    target = Target.objects.get()
    assert (target.value, target.document, target.document_kind, target.document_date) == (
        Decimal(1310),
        "",
        "",
        None,
    )


def test_total_and_per_option_combo_targets_coexist(clerk, make_indicator, combo, tree):
    gifts = make_indicator("QUA", options=["HO_NGHEO", "HO_CAN_NGHEO"], period_type="year")
    poor = combo(gifts, "HO_NGHEO")
    target_set(user=clerk, indicator=gifts, orgunit=tree["a"], period="2023", value="500")
    target_set(
        user=clerk,
        indicator=gifts,
        orgunit=tree["a"],
        period="2023",
        value="300",
        option_combo=poor,
    )
    assert Target.objects.count() == 2
    assert target_get(
        user=clerk, indicator=gifts, orgunit=tree["a"], period="2023", option_combo=poor
    ).value == Decimal(300)
    assert target_get(
        user=clerk, indicator=gifts, orgunit=tree["a"], period="2023"
    ).value == Decimal(500)


def test_a_bad_document_reference_is_refused(clerk, jobs, tree, snapshot):
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        target_set(
            user=clerk,
            indicator=jobs,
            orgunit=tree["a"],
            period="2023",
            value="1",
            document="Kế hoạch số 42 ngày 10/02/2023",
        )
    assert caught.value.code == "docref.invalid"
    assert snapshot() == before


def test_a_target_period_shorter_than_the_indicators_is_refused(
    clerk, make_indicator, tree, snapshot
):
    yearly = make_indicator("HO_NGHEO", period_type="year")
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        target_set(user=clerk, indicator=yearly, orgunit=tree["a"], period="202303", value="1")
    assert str(caught.value) == (
        "Chỉ tiêu 'HO_NGHEO' nhập số liệu theo kỳ năm: chỉ tiêu kế hoạch phải giao theo kỳ năm"
        " hoặc kỳ dài hơn, không theo kỳ tháng (202303)"
    )
    assert snapshot() == before


def test_target_value_type_scope_and_validity_are_checked(
    clerk, jobs, make_indicator, tree, snapshot
):
    note = make_indicator("GHI_CHU", value_type="text")
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        target_set(user=clerk, indicator=note, orgunit=tree["a"], period="202303", value="1")
    assert caught.value.code == "target.not_numeric"
    with pytest.raises(ChisoError) as caught:
        target_set(user=clerk, indicator=jobs, orgunit=tree["a"], period="2023", value="12.5")
    assert caught.value.code == "datavalue.not_integer"
    with pytest.raises(UnitNotFound):
        target_set(user=clerk, indicator=jobs, orgunit=tree["b"], period="2023", value="1")
    with pytest.raises(ChisoError) as caught:
        target_set(user=clerk, indicator=jobs, orgunit=tree["a"], period="2025", value="1")
    assert caught.value.code == "datavalue.unit_valid_to"
    assert snapshot() == before


def test_target_get_checks_the_view_scope(clerk, viewer, make_user, jobs, tree):
    target_set(user=clerk, indicator=jobs, orgunit=tree["a"], period="2023", value="1")
    assert target_get(user=viewer, indicator=jobs, orgunit=tree["a"], period="2023") is not None
    outsider = make_user("xa_binh", capture=[tree["b"]])
    with pytest.raises(UnitNotFound):
        target_get(user=outsider, indicator=jobs, orgunit=tree["a"], period="2023")
    assert target_get(user=clerk, indicator=jobs, orgunit=tree["a"], period="2024") is None
