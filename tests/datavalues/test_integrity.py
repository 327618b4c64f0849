"""References of values and their audit: checked by the ORM and the services, not by database
foreign keys (docs/architecture.md, "Storage")."""

import pytest
from django.db import connection
from django.db.models import ProtectedError

from chiso.accounts.models import User
from chiso.core.errors import ChisoError
from chiso.datavalues.models import Channel, DataValue, DataValueAudit
from chiso.datavalues.services import ValueInput, datavalue_bulk_upsert, datavalue_delete
from chiso.indicators.models import CategoryOptionCombo, Indicator
from chiso.orgunits.models import OrgUnit


def orphans() -> dict[str, int]:
    """For each reference of a value or an audit row, how many rows point at nothing."""
    found = {}
    for model in (DataValue, DataValueAudit):
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            targets = field.related_model._base_manager.values("pk")
            rows = model.objects.filter(**{f"{field.name}__isnull": False}).exclude(
                **{f"{field.name}__in": targets}
            )
            found[f"{model.__name__}.{field.name}"] = rows.count()
    return found


@pytest.fixture
def stored(make_indicator, clerk, tree):
    """Two values of a disaggregated indicator for Xã An, imported by the clerk."""
    indicator = make_indicator("QUA", options=["HO_NGHEO", "HO_CAN_NGHEO"])
    items = [
        ValueInput(
            index=i,
            indicator_code="QUA",
            option_combo_code=combo,
            orgunit_code="XA",
            period_id="202309",
            value=str(i + 5),
        )
        for i, combo in enumerate(["HO_NGHEO", "HO_CAN_NGHEO"])
    ]
    result = datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT)
    assert result.imported == 2
    return indicator


def test_the_value_tables_have_no_database_foreign_keys_but_keep_their_indexes(db):
    with connection.cursor() as cursor:
        values = connection.introspection.get_constraints(cursor, DataValue._meta.db_table)
        audits = connection.introspection.get_constraints(cursor, DataValueAudit._meta.db_table)
    assert [name for name, c in {**values, **audits}.items() if c["foreign_key"]] == []
    # The analytics index is raw SQL (migration 0002): the SQLite table rebuild of 0003 must
    # not lose it.
    named = {"datavalue_analytics_idx", "datavalue_key_unique"}
    assert named | {index.name for index in DataValue._meta.indexes} <= set(values)
    single = {tuple(c["columns"]) for c in (*values.values(), *audits.values()) if c["index"]}
    assert {("datavalue_id",), ("user_id",)} <= single
    # Dropped for the import's sake: reads by unit use the analytics index, and nothing but a
    # (refused) delete of an option combo looks values up by it.
    assert ("option_combo_id",) not in single
    assert ("orgunit_id", "period_start") not in single


def test_deleting_an_indicator_a_combo_or_a_unit_with_values_is_refused(stored, tree):
    combo = CategoryOptionCombo.objects.get(code="HO_NGHEO")
    for referenced in (stored, combo, OrgUnit.objects.get(pk=tree["a"].pk)):
        with pytest.raises(ProtectedError):
            referenced.delete()
    assert Indicator.objects.filter(code="QUA").exists()
    assert CategoryOptionCombo.objects.filter(pk=combo.pk).exists()
    assert OrgUnit.objects.filter(pk=tree["a"].pk).exists()
    assert DataValue.objects.count() == 2


def test_deleting_a_value_with_its_audit_is_refused(stored):
    with pytest.raises(ProtectedError):
        DataValue.objects.first().delete()
    assert DataValue.objects.count() == 2


def test_deleting_a_user_keeps_the_values_and_audit_without_the_author(stored, clerk):
    User.objects.filter(pk=clerk.pk).delete()
    assert DataValue.objects.filter(stored_by__isnull=True).count() == 2
    assert DataValueAudit.objects.filter(user__isnull=True).count() == 2


def test_writes_and_refused_deletes_leave_no_reference_dangling(stored, clerk, combo, tree):
    datavalue_delete(
        user=clerk,
        indicator=stored,
        option_combo=combo(stored, "HO_NGHEO"),
        orgunit=tree["a"],
        period="202309",
        channel=Channel.FORM,
    )
    with pytest.raises(ProtectedError):
        stored.delete()
    User.objects.filter(pk=clerk.pk).delete()
    assert DataValueAudit.objects.count() == 3
    assert set(orphans().values()) == {0}


def test_a_key_created_by_someone_else_meanwhile_fails_the_whole_import(stored, clerk, monkeypatch):
    # As if another import stored QUA/HO_NGHEO between this import's lookup and its write.
    monkeypatch.setattr("chiso.datavalues.services._periods_with_values", lambda rows, known: set())
    items = [
        ValueInput(
            index=i,
            indicator_code="QUA",
            option_combo_code=combo,
            orgunit_code="XA",
            period_id=period,
            value="9",
        )
        for i, (combo, period) in enumerate([("HO_NGHEO", "202310"), ("HO_NGHEO", "202309")])
    ]
    with pytest.raises(ChisoError) as raised:
        datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT)
    assert raised.value.code == "datavalue.concurrent_import"
    assert DataValue.objects.count() == 2
    assert DataValueAudit.objects.count() == 2
