"""Subtree totals: kept equal to the values by every write of the services."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.datavalues.models import Channel, Status, SubtreeTotal
from chiso.datavalues.services import (
    ValueInput,
    datavalue_bulk_upsert,
    datavalue_delete,
    datavalue_upsert,
)
from chiso.datavalues.totals import ancestor_ids, totals_rebuild


def totals(**filters):
    """{(unit code, indicator code, option combo code, period): (total, count, estimates)}."""
    return {
        (t.unit.code, t.indicator.code, t.option_combo.code, t.period): (
            Decimal(t.total).normalize(),
            t.count,
            t.estimates,
        )
        for t in SubtreeTotal.objects.filter(count__gt=0, **filters).select_related(
            "unit", "indicator", "option_combo"
        )
    }


def rebuilt():
    totals_rebuild()
    return totals()


@pytest.fixture
def admin(make_user):
    return make_user("quan_tri", superuser=True)


def test_ancestor_ids_are_the_units_strictly_above():
    assert ancestor_ids("/1/12/345/") == [1, 12]
    assert ancestor_ids("/7/") == []


def test_a_value_counts_in_every_unit_above_it_and_not_in_its_own(tree, admin, jobs, combo):
    datavalue_upsert(
        user=admin,
        indicator=jobs,
        option_combo=combo(jobs),
        orgunit=tree["a1"],
        period="202309",
        value="12",
        channel=Channel.FORM,
    )
    assert totals() == {
        ("T1", "VL", "DEFAULT", "202309"): (Decimal(12), 1, 0),
        ("H1", "VL", "DEFAULT", "202309"): (Decimal(12), 1, 0),
        ("XA", "VL", "DEFAULT", "202309"): (Decimal(12), 1, 0),
    }


def test_update_status_delete_and_undelete_move_the_totals(tree, admin, jobs, combo):
    def put(value, status=Status.OFFICIAL):
        return datavalue_upsert(
            user=admin,
            indicator=jobs,
            option_combo=combo(jobs),
            orgunit=tree["a"],
            period="202309",
            value=value,
            status=status,
            channel=Channel.FORM,
        )

    put("10")
    put("7", Status.ESTIMATE)
    datavalue_upsert(
        user=admin,
        indicator=jobs,
        option_combo=combo(jobs),
        orgunit=tree["b"],
        period="202309",
        value="5",
        channel=Channel.FORM,
    )
    key = ("T1", "VL", "DEFAULT", "202309")
    assert totals()[key] == (Decimal(12), 2, 1)
    datavalue_delete(
        user=admin,
        indicator=jobs,
        option_combo=combo(jobs),
        orgunit=tree["a"],
        period="202309",
        channel=Channel.FORM,
    )
    assert totals()[key] == (Decimal(5), 1, 0)
    put("3")
    assert totals()[key] == (Decimal(8), 2, 0)
    assert totals() == rebuilt()


def test_a_bulk_import_updates_the_totals_once_per_key(tree, admin, jobs):
    def rows(*values):
        return [
            ValueInput(
                index=n,
                indicator_code="VL",
                option_combo_code=None,
                orgunit_code=unit,
                period_id="202309",
                value=value,
            )
            for n, (unit, value) in enumerate(values)
        ]

    datavalue_bulk_upsert(
        user=admin, items=rows(("XA", "10"), ("XB", "20"), ("XA-1", "1")), channel=Channel.IMPORT
    )
    assert totals(unit__code="T1") == {("T1", "VL", "DEFAULT", "202309"): (Decimal(31), 3, 0)}
    assert totals(unit__code="XA") == {("XA", "VL", "DEFAULT", "202309"): (Decimal(1), 1, 0)}
    # An update, a delete (empty value) and an unchanged row.
    datavalue_bulk_upsert(
        user=admin, items=rows(("XA", "15"), ("XB", ""), ("XA-1", "1")), channel=Channel.IMPORT
    )
    assert totals(unit__code="T1") == {("T1", "VL", "DEFAULT", "202309"): (Decimal(16), 2, 0)}
    assert totals() == rebuilt()


def test_text_values_count_nowhere(tree, admin, make_indicator, combo):
    note = make_indicator("GHI_CHU", value_type="text")
    datavalue_upsert(
        user=admin,
        indicator=note,
        option_combo=combo(note),
        orgunit=tree["a"],
        period="202309",
        value="đã họp dân",
        channel=Channel.FORM,
    )
    assert totals() == {}
    assert rebuilt() == {}


_UNITS = {"XA": "a", "XB": "b", "XA-1": "a1", "XB-1": "b1", "H1": "district"}  # code: tree key
_operations = st.lists(
    st.tuples(
        st.sampled_from(sorted(_UNITS)),
        st.sampled_from(("202301", "202302")),
        st.one_of(st.none(), st.integers(0, 1000).map(str)),  # None: delete
        st.sampled_from((Status.OFFICIAL, Status.ESTIMATE)),
        st.booleans(),  # through the bulk path or one by one
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=_operations)
def test_any_sequence_of_writes_leaves_the_totals_a_rebuild_gives(
    tree, admin, jobs, combo, operations
):
    for unit, period, value, status, bulk in operations:
        if bulk:
            item = ValueInput(
                index=0,
                indicator_code="VL",
                option_combo_code=None,
                orgunit_code=unit,
                period_id=period,
                value=value or "",
                status=status,
            )
            datavalue_bulk_upsert(user=admin, items=[item], channel=Channel.IMPORT)
        else:
            datavalue_upsert(
                user=admin,
                indicator=jobs,
                option_combo=combo(jobs),
                orgunit=tree[_UNITS[unit]],
                period=period,
                value=value,
                status=status,
                channel=Channel.FORM,
            )
    kept = totals()
    assert kept == rebuilt()
