"""Reads (form grid, history, single value) and the read-only admin."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory

from chiso.accounts.access import UnitNotFound
from chiso.datavalues.models import Channel, DataValue, DataValueAudit, Target
from chiso.datavalues.selectors import (
    FormCell,
    datavalue_get,
    datavalue_history,
    datavalues_for_form,
)
from chiso.datavalues.services import (
    ValueInput,
    datavalue_bulk_upsert,
    datavalue_delete,
    datavalue_upsert,
)


@pytest.fixture
def values(clerk, make_indicator, combo, tree):
    """VL = 38406, QUA/HO_NGHEO = 5 (then deleted), TL = 64.5 for Xã An, 202309."""
    jobs = make_indicator("VL")
    gifts = make_indicator("QUA", options=["HO_NGHEO", "HO_CAN_NGHEO"])
    rate = make_indicator("TL", value_type="percentage")
    common = {"user": clerk, "orgunit": tree["a"], "period": "202309", "channel": Channel.FORM}
    datavalue_upsert(indicator=jobs, option_combo=combo(jobs), value="38406", **common)
    datavalue_upsert(indicator=gifts, option_combo=combo(gifts, "HO_NGHEO"), value="5", **common)
    datavalue_delete(indicator=gifts, option_combo=combo(gifts, "HO_NGHEO"), **common)
    datavalue_upsert(
        indicator=rate, option_combo=combo(rate), value="64.5", comment="ước", **common
    )
    return {"VL": jobs, "QUA": gifts, "TL": rate}


def test_form_grid_has_typed_values_and_versions(values, clerk, combo, tree):
    grid = datavalues_for_form(clerk, tree["a"], "202309", values.values())
    jobs, gifts, rate = values["VL"], values["QUA"], values["TL"]
    assert sorted(grid) == sorted(
        [
            (jobs.pk, combo(jobs).pk),
            (gifts.pk, combo(gifts, "HO_NGHEO").pk),
            (rate.pk, combo(rate).pk),
        ]
    )
    cell = grid[(jobs.pk, combo(jobs).pk)]
    assert isinstance(cell, FormCell)
    assert (cell.value, cell.status, cell.version, cell.deleted, cell.stored_by) == (
        Decimal(38406),
        "official",
        1,
        False,
        "Nguyễn Văn An",
    )
    assert str(cell.value) == "38406"
    deleted = grid[(gifts.pk, combo(gifts, "HO_NGHEO").pk)]
    assert (deleted.value, deleted.version, deleted.deleted) == (None, 2, True)
    percent = grid[(rate.pk, combo(rate).pk)]
    assert (str(percent.value), percent.comment) == ("64.5", "ước")


def test_form_grid_is_empty_for_another_period_and_refused_outside_scope(
    values, clerk, make_user, tree
):
    assert datavalues_for_form(clerk, tree["a"], "202310", values.values()) == {}
    outsider = make_user("xa_binh", capture=[tree["b"]])
    with pytest.raises(UnitNotFound):
        datavalues_for_form(outsider, tree["a"], "202309", values.values())


def test_history_lists_every_change_oldest_first(values, clerk, combo, tree, make_user):
    gifts = values["QUA"]
    value = DataValue.objects.get(indicator=gifts)
    history = datavalue_history(value, user=clerk)
    assert [(a.action, a.old_value, a.new_value, a.user.username) for a in history] == [
        ("create", "", "5", "can_bo_xa_an"),
        ("delete", "5", "", "can_bo_xa_an"),
    ]
    outsider = make_user("xa_binh", capture=[tree["b"]])
    with pytest.raises(UnitNotFound):
        datavalue_history(value, user=outsider)


def test_datavalue_get_hides_deleted_values_unless_asked(values, clerk, combo, tree):
    gifts = values["QUA"]
    key = {
        "user": clerk,
        "indicator": gifts,
        "option_combo": combo(gifts, "HO_NGHEO"),
        "orgunit": tree["a"],
        "period": "202309",
    }
    assert datavalue_get(**key) is None
    assert datavalue_get(**key, include_deleted=True).deleted is True
    jobs = values["VL"]
    assert datavalue_get(
        user=clerk, indicator=jobs, option_combo=combo(jobs), orgunit=tree["a"], period="202309"
    ).value == Decimal(38406)


def test_single_writes_after_a_bulk_import_get_fresh_ids(jobs, clerk, combo, tree):
    items = [
        ValueInput(i, "VL", None, "XA", f"2023{m:02d}", str(m)) for i, m in enumerate(range(1, 13))
    ]
    datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT)
    result = datavalue_upsert(
        user=clerk,
        indicator=jobs,
        option_combo=combo(jobs),
        orgunit=tree["a1"],
        period="202301",
        value="9",
        channel=Channel.FORM,
    )
    assert result.outcome == "created"
    assert DataValue.objects.count() == 13
    assert DataValueAudit.objects.count() == 13
    assert result.datavalue.pk == max(DataValue.objects.values_list("pk", flat=True))
    assert list(result.datavalue.audits.values_list("new_value", flat=True)) == ["9"]


@pytest.mark.parametrize("model", [DataValue, DataValueAudit, Target])
def test_admin_is_read_only(model, make_user):
    root = make_user("root", superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = root
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False


def test_admin_lists_render_for_a_superuser(values, client, make_user):
    root = make_user("root", superuser=True)
    client.force_login(root)
    for name in ("datavalue", "datavalueaudit", "target"):
        page = client.get(f"/admin/datavalues/{name}/")
        assert page.status_code == 200
    page = client.get("/admin/datavalues/datavalueaudit/")
    assert "38406" in page.content.decode()
