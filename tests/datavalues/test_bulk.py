"""datavalue_bulk_upsert: the import path."""

from datetime import date
from decimal import Decimal

import pytest

from chiso.datavalues.models import Channel, DataValue, DataValueAudit
from chiso.datavalues.services import ValueInput, datavalue_bulk_upsert


@pytest.fixture
def catalog(make_indicator):
    return {
        "VL": make_indicator("VL"),
        "QUA": make_indicator("QUA", options=["HO_NGHEO", "HO_CAN_NGHEO"]),
        "TIEN": make_indicator("TIEN", value_type="money"),
        "TL": make_indicator("TL", value_type="percentage", period_type="quarter"),
    }


def row(index, indicator, unit, period, value, combo=None, **extra):
    return ValueInput(
        index=index,
        indicator_code=indicator,
        option_combo_code=combo,
        orgunit_code=unit,
        period_id=period,
        value=value,
        **extra,
    )


def good_rows():
    return [
        row(0, "VL", "XA", "202309", "38406"),
        row(1, "VL", "XA-1", "202309", "12"),
        row(2, "QUA", "XA", "202309", "5", "HO_NGHEO"),
        row(3, "QUA", "XA", "202309", "7", "HO_CAN_NGHEO"),
        row(4, "TIEN", "XA", "202309", "2925425000", ""),
        row(5, "TL", "XA", "2023Q3", "103.6", "default"),
    ]


def stored():
    return sorted(
        DataValue.objects.values_list(
            "indicator__code",
            "option_combo__code",
            "orgunit__code",
            "period",
            "value",
            "deleted",
        )
    )


def counts(result):
    return (result.status, result.imported, result.updated, result.ignored, result.deleted)


def test_import_counts_are_exact_and_every_value_is_audited_once(catalog, clerk):
    result = datavalue_bulk_upsert(user=clerk, items=good_rows(), channel=Channel.IMPORT)
    assert counts(result) == ("SUCCESS", 6, 0, 0, 0)
    assert result.conflicts == []
    assert stored() == [
        ("QUA", "HO_CAN_NGHEO", "XA", "202309", Decimal(7), False),
        ("QUA", "HO_NGHEO", "XA", "202309", Decimal(5), False),
        ("TIEN", "DEFAULT", "XA", "202309", Decimal(2925425000), False),
        ("TL", "DEFAULT", "XA", "2023Q3", Decimal("103.6"), False),
        ("VL", "DEFAULT", "XA", "202309", Decimal(38406), False),
        ("VL", "DEFAULT", "XA-1", "202309", Decimal(12), False),
    ]
    assert sorted(
        DataValueAudit.objects.values_list("action", "new_value", "channel", "user__username")
    ) == sorted(
        ("create", v, "import", "can_bo_xa_an")
        for v in ["38406", "12", "5", "7", "2925425000", "103.6"]
    )
    value = DataValue.objects.get(indicator__code="TL")
    assert (value.period_type, value.period_start, value.period_end, value.version) == (
        "quarter",
        date(2023, 7, 1),
        date(2023, 9, 30),
        1,
    )


def test_reimporting_the_same_file_is_all_ignored_with_no_audit(catalog, clerk):
    datavalue_bulk_upsert(user=clerk, items=good_rows(), channel=Channel.IMPORT)
    result = datavalue_bulk_upsert(user=clerk, items=good_rows(), channel=Channel.IMPORT)
    assert counts(result) == ("SUCCESS", 0, 0, 6, 0)
    assert DataValueAudit.objects.count() == 6
    assert set(DataValue.objects.values_list("version", flat=True)) == {1}


def test_updates_deletes_and_undeletes_are_counted(catalog, clerk):
    datavalue_bulk_upsert(user=clerk, items=good_rows(), channel=Channel.IMPORT)
    second = [
        row(0, "VL", "XA", "202309", "38500"),  # updated
        row(1, "VL", "XA-1", "202309", "", comment="xóa"),  # empty value deletes
        row(2, "QUA", "XA", "202309", "5", "HO_NGHEO", delete=True),
        row(3, "QUA", "XA", "202309", "7", "HO_CAN_NGHEO"),  # unchanged
        row(4, "TIEN", "XA", "202309", "2925425000", status="estimate"),  # status change
        row(5, "VL", "XB-1", "202308", "", delete=True),  # nothing to delete
    ]
    result = datavalue_bulk_upsert(user=clerk, items=second[:5], channel=Channel.IMPORT)
    assert counts(result) == ("SUCCESS", 0, 2, 1, 2)
    assert DataValueAudit.objects.filter(action="delete").count() == 2
    assert DataValue.objects.get(indicator__code="TIEN").status == "estimate"
    assert DataValue.objects.get(indicator__code="VL", orgunit__code="XA").version == 2
    third = [
        row(0, "VL", "XA-1", "202309", "13"),
        row(1, "QUA", "XA", "202309", "5", "HO_NGHEO", delete=True),
    ]
    result = datavalue_bulk_upsert(user=clerk, items=third, channel=Channel.IMPORT)
    assert counts(result) == ("SUCCESS", 1, 0, 1, 0)
    assert DataValue.objects.filter(deleted=True).count() == 1
    assert list(
        DataValueAudit.objects.filter(datavalue__orgunit__code="XA-1")
        .order_by("pk")
        .values_list("action", "old_value", "new_value")
    ) == [("create", "", "12"), ("delete", "12", ""), ("create", "", "13")]
    assert datavalue_bulk_upsert(user=clerk, items=second[5:], channel="import").ignored == 1


def test_status_omitted_keeps_the_stored_status(catalog, clerk):
    first = [row(0, "VL", "XA", "202309", "1", status="ước tính")]
    datavalue_bulk_upsert(user=clerk, items=first, channel=Channel.IMPORT)
    result = datavalue_bulk_upsert(
        user=clerk, items=[row(0, "VL", "XA", "202309", "2")], channel=Channel.IMPORT
    )
    assert counts(result) == ("SUCCESS", 0, 1, 0, 0)
    assert DataValue.objects.get().status == "estimate"


def test_one_bad_row_writes_nothing_and_names_its_index(catalog, clerk, snapshot):
    datavalue_bulk_upsert(user=clerk, items=good_rows()[:1], channel=Channel.IMPORT)
    before = snapshot()
    items = [*good_rows()[1:], row(17, "VL", "XA", "202310", "1.5")]
    result = datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT)
    assert counts(result) == ("ERROR", 0, 0, 6, 0)
    assert [(c.index, c.object, c.property, c.value, c.code) for c in result.conflicts] == [
        (17, "VL", "value", "1.5", "datavalue.not_integer")
    ]
    assert result.conflicts[0].message == "'1.5' phải là số nguyên"
    assert snapshot() == before


def test_partial_import_writes_the_good_rows(catalog, clerk):
    items = [*good_rows(), row(6, "VL", "XZ", "202309", "1")]
    result = datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT, atomic=False)
    assert counts(result) == ("WARNING", 6, 0, 1, 0)
    assert [c.index for c in result.conflicts] == [6]
    assert DataValue.objects.count() == 6
    assert DataValueAudit.objects.count() == 6


def test_dry_run_counts_but_writes_nothing(catalog, clerk, snapshot):
    before = snapshot()
    result = datavalue_bulk_upsert(
        user=clerk, items=good_rows(), channel=Channel.IMPORT, dry_run=True
    )
    assert counts(result) == ("SUCCESS", 6, 0, 0, 0)
    assert result.dry_run is True
    assert snapshot() == before
    datavalue_bulk_upsert(user=clerk, items=good_rows(), channel=Channel.IMPORT)
    before = snapshot()
    changed = [row(0, "VL", "XA", "202309", "1"), row(1, "VL", "XA-1", "202309", "", delete=True)]
    result = datavalue_bulk_upsert(user=clerk, items=changed, channel="import", dry_run=True)
    assert counts(result) == ("SUCCESS", 0, 1, 0, 1)
    assert snapshot() == before


def test_dry_run_of_a_partial_import_reports_what_would_be_written(catalog, clerk, snapshot):
    before = snapshot()
    items = [*good_rows(), row(6, "VL", "XA", "2023", "1")]
    result = datavalue_bulk_upsert(
        user=clerk, items=items, channel=Channel.IMPORT, dry_run=True, atomic=False
    )
    assert counts(result) == ("WARNING", 6, 0, 1, 0)
    assert snapshot() == before


def test_out_of_scope_row_is_reported_like_an_unknown_unit(catalog, clerk, snapshot):
    before = snapshot()
    items = [
        row(0, "VL", "XA", "202309", "1"),
        row(1, "VL", "XB", "202309", "2"),  # exists, outside the clerk's scope
        row(2, "VL", "KHONG_CO", "202309", "3"),  # does not exist
    ]
    result = datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT)
    assert result.status == "ERROR"
    assert [(c.index, c.property, c.code, c.message) for c in result.conflicts] == [
        (
            1,
            "orgUnit",
            "datavalue.unknown_unit",
            "Không tìm thấy đơn vị mã 'XB' có hiệu lực ngày 30/09/2023, hoặc bạn không có quyền"
            " nhập số liệu cho đơn vị này",
        ),
        (
            2,
            "orgUnit",
            "datavalue.unknown_unit",
            "Không tìm thấy đơn vị mã 'KHONG_CO' có hiệu lực ngày 30/09/2023, hoặc bạn không có"
            " quyền nhập số liệu cho đơn vị này",
        ),
    ]
    assert snapshot() == before


def test_every_kind_of_bad_row_is_reported(catalog, clerk, tree, make_unit, snapshot):
    make_unit("Ấp Mới", tier="thon", parent=tree["a"], code="PM", valid_from=date(2023, 9, 15))
    before = snapshot()
    items = [
        row(0, "KHONG_CO", "XA", "202309", "1"),
        row(1, "QUA", "XA", "202309", "1", "HO_GIAU"),
        row(2, "VL", "XA", "2023-13", "1"),
        row(3, "VL", "XA", "2023Q3", "1"),
        row(4, "VL", "PM", "202309", "1"),
        row(5, "VL", "XA-1", "202308", "1", status="tạm"),
        row(6, "TIEN", "XA", "202309", "-5"),
        row(7, "VL", "XA", "202309", "1.234", locale_format=True),
        row(8, "VL", "XA", "202309", "2"),
        row(9, "VL", "XA-1", "202309", "1,5", locale_format=True),
    ]
    result = datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT, atomic=False)
    assert [(c.index, c.object, c.property, c.value, c.code) for c in result.conflicts] == [
        (0, "KHONG_CO", "dataElement", "KHONG_CO", "datavalue.unknown_indicator"),
        (1, "HO_GIAU", "categoryOptionCombo", "HO_GIAU", "datavalue.option_combo"),
        (2, "2023-13", "period", "2023-13", "period.bad_month"),
        (3, "2023Q3", "period", "2023Q3", "datavalue.period_type"),
        (4, "PM", "orgUnit", "PM", "datavalue.unit_valid_from"),
        (5, "VL", "status", "tạm", "datavalue.bad_status"),
        (6, "TIEN", "value", "-5", "datavalue.not_money"),
        (8, "VL", "value", "2", "datavalue.duplicate"),
        (9, "VL", "value", "1,5", "number.decimal_not_allowed"),
    ]
    messages = {c.index: c.message for c in result.conflicts}
    assert messages[3] == (
        "Chỉ tiêu 'VL' nhập số liệu theo kỳ tháng, không nhận số liệu kỳ quý (2023Q3)"
    )
    assert messages[4] == (
        "Đơn vị Ấp Mới (mã PM) chỉ có hiệu lực từ 15/09/2023, không nhận số liệu cả tháng 9/2023"
    )
    assert messages[8] == ("Trùng với số liệu ở mục 7 (cùng chỉ tiêu, phân tổ, đơn vị và kỳ)")
    assert counts(result) == ("WARNING", 1, 0, 9, 0)
    assert stored() == [("VL", "DEFAULT", "XA", "202309", Decimal(1234), False)]
    assert snapshot()[1] == before[1] + 1


def test_a_code_means_the_version_valid_on_the_last_day_of_the_period(
    make_unit, make_user, make_indicator
):
    make_indicator("VL")
    old = make_unit("Phường Tân Phú", code="25195", valid_to=date(2025, 6, 30))
    new = make_unit("Phường Bình Phước", code="25195", valid_from=date(2025, 7, 1))
    admin = make_user("root", superuser=True)
    items = [row(0, "VL", "25195", "202506", "1"), row(1, "VL", "25195", "202507", "2")]
    result = datavalue_bulk_upsert(user=admin, items=items, channel=Channel.IMPORT)
    assert counts(result) == ("SUCCESS", 2, 0, 0, 0)
    assert sorted(DataValue.objects.values_list("orgunit_id", "period")) == sorted(
        [(old.pk, "202506"), (new.pk, "202507")]
    )
    # In scope for the old version only: the new one reads as unknown.
    clerk = make_user("tan_phu", capture=[old])
    result = datavalue_bulk_upsert(
        user=clerk, items=[row(0, "VL", "25195", "202508", "3")], channel=Channel.IMPORT
    )
    assert [c.code for c in result.conflicts] == ["datavalue.unknown_unit"]


def test_summary_groups_conflicts_dhis2_style(catalog, clerk):
    items = [row(3, "VL", "XZ", "202309", "1"), row(4, "VL", "XZ", "202310", "1")]
    summary = datavalue_bulk_upsert(
        user=clerk, items=items, channel=Channel.IMPORT, atomic=False
    ).summary()
    assert summary["status"] == "WARNING"
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    assert [(c["object"], c["property"], c["indexes"]) for c in summary["conflicts"]] == [
        ("XZ", "orgUnit", [3]),
        ("XZ", "orgUnit", [4]),
    ]


def test_the_bulk_path_makes_no_per_row_queries(
    make_indicator, make_unit, make_user, django_assert_max_num_queries
):
    make_indicator("VL")
    make_indicator("QUA", options=["A", "B"])
    units = [make_unit(f"Xã {n}", code=f"X{n:03d}") for n in range(60)]
    admin = make_user("root", superuser=True)
    keys = [
        (code, unit.code, f"2023{m:02d}", combo)
        for unit in units
        for m in (1, 2, 3)
        for code, combo in (("VL", None), ("QUA", "A"), ("QUA", "B"))
    ]
    items = [row(i, code, unit, pe, "1", combo) for i, (code, unit, pe, combo) in enumerate(keys)]
    assert len(items) == 540
    # A few lookups, then batched writes (SQLite caps a statement at 999 parameters): far
    # fewer queries than rows.
    with django_assert_max_num_queries(30):
        result = datavalue_bulk_upsert(user=admin, items=items, channel=Channel.IMPORT)
    assert counts(result) == ("SUCCESS", 540, 0, 0, 0)
    changed = [
        ValueInput(i.index, i.indicator_code, i.option_combo_code, i.orgunit_code, i.period_id, "2")
        for i in items
    ]
    with django_assert_max_num_queries(30):
        result = datavalue_bulk_upsert(user=admin, items=changed, channel=Channel.IMPORT)
    assert counts(result) == ("SUCCESS", 0, 540, 0, 0)
    assert DataValueAudit.objects.count() == 1080


@pytest.mark.parametrize("atomic", [True, False])
def test_an_import_written_in_batches_is_still_all_or_nothing(catalog, clerk, monkeypatch, atomic):
    # Batches of two: the refused last row is checked while the third batch is being written.
    monkeypatch.setattr("chiso.datavalues.services._BATCH", 2)
    items = [*good_rows(), row(6, "VL", "XB", "202309", "1")]
    result = datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT, atomic=atomic)
    assert [(c.index, c.object) for c in result.conflicts] == [(6, "XB")]
    if atomic:
        assert counts(result) == ("ERROR", 0, 0, 7, 0)
        assert (DataValue.objects.count(), DataValueAudit.objects.count()) == (0, 0)
    else:
        assert counts(result) == ("WARNING", 6, 0, 1, 0)
        assert (DataValue.objects.count(), DataValueAudit.objects.count()) == (6, 6)


def test_later_batches_find_the_values_stored_before_the_import(catalog, clerk, monkeypatch):
    monkeypatch.setattr("chiso.datavalues.services._BATCH", 2)
    datavalue_bulk_upsert(user=clerk, items=good_rows()[:1], channel=Channel.IMPORT)
    items = [
        row(0, "VL", "XA-1", "202309", "12"),
        row(1, "QUA", "XA", "202301", "4", "HO_NGHEO"),
        row(2, "VL", "XA", "202309", "99"),  # stored before the import
        row(3, "QUA", "XA-1", "202301", "4", "HO_NGHEO"),  # its period got values in batch 1
    ]
    result = datavalue_bulk_upsert(user=clerk, items=items, channel=Channel.IMPORT)
    assert counts(result) == ("SUCCESS", 3, 1, 0, 0)
    assert DataValue.objects.get(orgunit__code="XA", period="202309").value == 99
    assert DataValueAudit.objects.count() == 5
