"""Values of a submitted, approved or locked form cannot change: not through the form (upsert,
delete) nor through an import; the message names the unit, period and form."""

import pytest

from chiso.approvals.selectors import is_locked
from chiso.approvals.services import approval_approve, approval_reopen, approval_submit
from chiso.core.errors import ChisoError
from chiso.core.periods import Period
from chiso.datavalues.models import Channel, DataValue
from chiso.datavalues.services import datavalue_bulk_upsert, datavalue_delete, datavalue_upsert
from chiso.datavalues.types import ValueInput
from chiso.indicators.models import CategoryOptionCombo, Indicator, IndicatorGroupMember

LOCKED_APRIL = (
    "Không sửa được số liệu: nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024 đã"
    " được phê duyệt và khóa. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
)


@pytest.fixture
def put(catalog):
    """``put(user, unit, period, value, code="VL")``: one value through the form's service."""

    def send(user, unit, period, value, code="VL", **kwargs):
        indicator = Indicator.objects.get(code=code)
        combo = CategoryOptionCombo.objects.get(category_combo=indicator.category_combo)
        return datavalue_upsert(
            user=user,
            indicator=indicator,
            option_combo=combo,
            orgunit=unit,
            period=period,
            value=value,
            channel=Channel.FORM,
            **kwargs,
        )

    return send


def item(index, value, unit="XA", period="202404", code="VL"):
    return ValueInput(
        index=index,
        indicator_code=code,
        option_combo_code=None,
        orgunit_code=unit,
        period_id=period,
        value=value,
    )


@pytest.fixture
def locked_april(form, tree, clerk_a, district_approver, province_approver, put):
    """Xã An has VL = 10 for 202404 and 5 for its hamlet; the form is locked for April."""
    put(clerk_a, tree["a"], "202404", "10")
    put(clerk_a, tree["a1"], "202404", "5")
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period="202404")
    approval_approve(user=district_approver, group=form, orgunit=tree["a"], period="202404")
    approval_approve(user=province_approver, group=form, orgunit=tree["a"], period="202404")


def test_a_locked_value_refuses_an_edit_with_a_vietnamese_message(
    locked_april, tree, clerk_a, put, snapshot
):
    before = snapshot()
    with pytest.raises(ChisoError) as caught:
        put(clerk_a, tree["a"], "202404", "11")
    assert caught.value.code == "approval.locked"
    assert str(caught.value) == LOCKED_APRIL
    with pytest.raises(ChisoError):
        put(clerk_a, tree["a"], "202404", "10")  # even unchanged: the form is closed
    with pytest.raises(ChisoError):
        put(clerk_a, tree["a1"], "202404", "6")  # the commune's approval covers its hamlets
    indicator = Indicator.objects.get(code="VL")
    with pytest.raises(ChisoError) as caught:
        datavalue_delete(
            user=clerk_a,
            indicator=indicator,
            option_combo=CategoryOptionCombo.objects.get(category_combo=indicator.category_combo),
            orgunit=tree["a"],
            period="202404",
            channel=Channel.FORM,
        )
    assert str(caught.value) == LOCKED_APRIL
    assert snapshot() == before


def test_a_locked_value_refuses_an_import_and_nothing_is_written(locked_april, clerk_a, snapshot):
    before = snapshot()
    result = datavalue_bulk_upsert(
        user=clerk_a,
        channel=Channel.IMPORT,
        items=[item(0, "11"), item(1, "3", period="202405"), item(2, "6", unit="XA-1")],
    )
    assert result.status == "ERROR"
    assert [(c.index, c.object, c.property, c.message, c.code) for c in result.conflicts] == [
        (0, "XA", "orgUnit", LOCKED_APRIL, "approval.locked"),
        (2, "XA", "orgUnit", LOCKED_APRIL, "approval.locked"),
    ]
    assert result.summary()["conflicts"] == [
        {
            "object": "XA",
            "property": "orgUnit",
            "value": LOCKED_APRIL,
            "errorCode": "approval.locked",
            "indexes": [0, 2],
        }
    ]
    assert snapshot() == before


def test_a_partial_import_writes_only_the_open_values(locked_april, clerk_a):
    result = datavalue_bulk_upsert(
        user=clerk_a,
        channel=Channel.IMPORT,
        atomic=False,
        items=[item(0, "11"), item(1, "3", period="202405")],
    )
    assert (result.status, result.imported, result.updated, result.ignored) == (
        "WARNING",
        1,
        0,
        1,
    )
    assert sorted(DataValue.objects.values_list("orgunit__code", "period", "value")) == [
        ("XA", "202404", 10),
        ("XA", "202405", 3),
        ("XA-1", "202404", 5),
    ]


def test_a_submitted_or_partly_approved_form_is_closed_too(
    form, tree, clerk_a, district_approver, put
):
    put(clerk_a, tree["a"], "202404", "10")
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period="202404")
    with pytest.raises(ChisoError) as caught:
        put(clerk_a, tree["a"], "202404", "11")
    assert str(caught.value) == (
        "Không sửa được số liệu: nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024"
        " đã nộp và đang chờ phê duyệt. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
    )
    approval_approve(user=district_approver, group=form, orgunit=tree["a"], period="202404")
    with pytest.raises(ChisoError) as caught:
        put(clerk_a, tree["a"], "202404", "11")
    assert str(caught.value) == (
        "Không sửa được số liệu: nhóm chỉ tiêu “Lao động – việc làm” của Xã An, tháng 4/2024"
        " đã được Huyện Một phê duyệt. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
    )


def test_reopening_opens_the_values_again(
    locked_april, form, tree, clerk_a, province_approver, put
):
    approval_reopen(
        user=province_approver, group=form, orgunit=tree["a"], period="202404", reason="sai số"
    )
    assert put(clerk_a, tree["a"], "202404", "11").outcome == "updated"
    result = datavalue_bulk_upsert(user=clerk_a, channel=Channel.IMPORT, items=[item(0, "12")])
    assert (result.status, result.updated) == ("SUCCESS", 1)


def test_other_units_periods_and_forms_stay_open(locked_april, tree, clerk_a, clerk_b, put):
    assert put(clerk_b, tree["b"], "202404", "7").outcome == "created"
    assert put(clerk_a, tree["a"], "202405", "7").outcome == "created"
    assert put(clerk_a, tree["a"], "202404", "7", code="KHAC").outcome == "created"


def test_an_approval_closes_finer_periods_inside_it_not_coarser_ones(form, tree, clerk_a, put):
    approval_submit(user=clerk_a, group=form, orgunit=tree["a"], period="2024Q2")
    with pytest.raises(ChisoError):
        put(clerk_a, tree["a"], "202405", "1")  # a month of the quarter
    with pytest.raises(ChisoError):
        put(clerk_a, tree["a"], "2024Q2", "64.5", code="TL")  # the quarter itself
    assert put(clerk_a, tree["a"], "2024", "900", code="HO").outcome == "created"  # the year
    assert put(clerk_a, tree["a"], "202407", "1").outcome == "created"  # after the quarter
    assert is_locked(form, tree["a"], Period.parse("202406"))
    assert is_locked(form, tree["a1"], Period.parse("202404"))
    assert not is_locked(form, tree["a"], Period.parse("2024"))
    assert not is_locked(form, tree["b"], Period.parse("202404"))


def test_an_indicator_in_two_forms_is_closed_by_either(form, other_form, tree, clerk_a, put):
    IndicatorGroupMember.objects.create(
        group=other_form, indicator=Indicator.objects.get(code="VL"), sort_order=9
    )
    approval_submit(user=clerk_a, group=other_form, orgunit=tree["a"], period="202404")
    with pytest.raises(ChisoError) as caught:
        put(clerk_a, tree["a"], "202404", "1")
    assert str(caught.value) == (
        "Không sửa được số liệu: nhóm chỉ tiêu “Nhóm khác” của Xã An, tháng 4/2024 đã nộp và"
        " đang chờ phê duyệt. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
    )


def test_the_entry_form_of_a_locked_form_says_so_and_disables_its_cells(
    locked_april, form, clerk_a, client
):
    client.force_login(clerk_a)
    page = client.get("/entry/", {"ou": "XA", "pe": "202404", "group": form.code})
    html = page.content.decode()
    assert page.status_code == 200
    assert "đang bị khóa. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)." in html
    assert '<fieldset class="entry-lock" disabled>' in html
    page = client.get("/entry/", {"ou": "XA", "pe": "202405", "group": form.code})
    assert '<fieldset class="entry-lock">' in page.content.decode()
