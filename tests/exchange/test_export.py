"""Exports: what a unit and period select, scope, formats, and round trips that change
nothing."""

import csv
import io
import json
from collections.abc import Iterator

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.core.errors import ChisoError
from chiso.exchange.services import export_values, import_file


def _body(export) -> bytes:
    return b"".join(export.chunks)


def _json_values(user, **kwargs) -> list[tuple]:
    export = export_values(user=user, **kwargs)
    document = json.loads(_body(export))
    return [
        (
            v["dataElement"],
            v["categoryOptionCombo"],
            v["orgUnit"],
            v["period"],
            v["value"],
            v["status"],
        )
        for v in document["dataValues"]
    ]


def test_year_export_holds_the_months_and_quarters_of_the_subtree(seeded, admin):
    assert _json_values(admin, unit_code="XA", period_id="2023") == [
        ("GHI_NHAN", "DEFAULT", "XA", "202301", "Đã rà soát, đủ hồ sơ", "official"),
        ("QUA", "NGHEO", "XA", "202301", "5", "official"),
        ("QUA", "CAN_NGHEO", "XA", "202301", "4", "official"),
        ("VIEC_LAM", "DEFAULT", "XA", "202301", "10", "official"),
        ("TY_LE", "DEFAULT", "XA", "2023Q1", "64.5", "estimate"),
        ("VIEC_LAM", "DEFAULT", "XA", "202302", "12", "official"),
        ("VIEC_LAM", "DEFAULT", "XA-1", "202301", "3", "official"),
    ]


def test_json_values_are_strings_with_dhis2_fields(seeded, admin):
    export = export_values(user=admin, unit_code="XA", period_id="202302", children=False)
    assert export.content_type == "application/json"
    assert isinstance(export.chunks, Iterator)
    (value,) = json.loads(_body(export))["dataValues"]
    assert sorted(value) == [
        "attributeOptionCombo",
        "categoryOptionCombo",
        "comment",
        "created",
        "dataElement",
        "followup",
        "lastUpdated",
        "orgUnit",
        "period",
        "status",
        "storedBy",
        "value",
    ]
    assert (value["value"], value["storedBy"], value["followup"]) == ("12", "quantri", False)


def test_no_children_and_shorter_periods(seeded, admin):
    assert [
        v[2:4] for v in _json_values(admin, unit_code="XA", period_id="2023Q1", children=False)
    ] == [
        ("XA", "202301"),
        ("XA", "202301"),
        ("XA", "202301"),
        ("XA", "202301"),
        ("XA", "2023Q1"),
        ("XA", "202302"),
    ]
    assert [
        v[0] for v in _json_values(admin, unit_code="XA", period_id="202301", children=False)
    ] == ["GHI_NHAN", "QUA", "QUA", "VIEC_LAM"]


def test_deleted_values_and_other_years_are_left_out(seeded, admin):
    assert _json_values(admin, unit_code="XA", period_id="202303") == []
    assert _json_values(admin, unit_code="XA", period_id="2024") == [
        ("VIEC_LAM", "DEFAULT", "XA", "202401", "99", "official")
    ]


def test_indicator_and_group_codes_filter(seeded, admin):
    assert {
        v[0]
        for v in _json_values(admin, unit_code="T1", period_id="2023", indicator_codes=["VIEC_LAM"])
    } == {"VIEC_LAM"}
    assert {
        v[0]
        for v in _json_values(admin, unit_code="T1", period_id="2023", indicator_codes=["ASXH"])
    } == {"VIEC_LAM", "QUA", "TY_LE"}
    with pytest.raises(ChisoError) as caught:
        export_values(user=admin, unit_code="T1", period_id="2023", indicator_codes=["NOPE"])
    assert str(caught.value) == "Không có chỉ tiêu hoặc nhóm chỉ tiêu mã 'NOPE'"


def test_export_is_limited_to_the_view_scope(seeded, clerk_a, clerk_b, make_user, tree):
    with pytest.raises(UnitNotFound):
        export_values(user=clerk_b, unit_code="XA", period_id="2023")
    with pytest.raises(UnitNotFound):
        export_values(user=clerk_a, unit_code="H1", period_id="2023")
    with pytest.raises(UnitNotFound):
        export_values(user=clerk_a, unit_code="NOWHERE", period_id="2023")
    viewer = make_user("xem_huyen", view=[tree["district"]])
    assert {v[2] for v in _json_values(viewer, unit_code="H1", period_id="2023")} == {
        "XA",
        "XA-1",
        "XB",
    }
    assert {v[2] for v in _json_values(clerk_b, unit_code="XB", period_id="2023")} == {"XB"}


def test_unit_code_is_resolved_on_the_last_day_of_the_period(seeded, admin):
    with pytest.raises(UnitNotFound):  # XA ends on 30/06/2025
        export_values(user=admin, unit_code="XA", period_id="2025")


def test_bad_period_or_format_is_refused(seeded, admin):
    with pytest.raises(ChisoError):
        export_values(user=admin, unit_code="XA", period_id="2023Q5")
    with pytest.raises(ChisoError) as caught:
        export_values(user=admin, unit_code="XA", period_id="2023", fmt="pdf")
    assert str(caught.value) == (
        "Định dạng 'pdf' không được hỗ trợ (chọn một trong: json, csv, adx, xlsx)"
    )


def test_csv_export(seeded, admin):
    export = export_values(
        user=admin, unit_code="XA", period_id="2023Q1", fmt="csv", children=False
    )
    assert export.content_type == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(_body(export).decode())))
    assert rows[0] == [
        "dataelement",
        "period",
        "orgunit",
        "catoptcombo",
        "attroptcombo",
        "value",
        "storedby",
        "lastupdated",
        "comment",
        "followup",
        "status",
    ]
    assert [r[:6] + r[8:] for r in rows[1:]] == [
        [
            "GHI_NHAN",
            "202301",
            "XA",
            "DEFAULT",
            "",
            "Đã rà soát, đủ hồ sơ",
            "",
            "false",
            "official",
        ],
        ["QUA", "202301", "XA", "NGHEO", "", "5", "", "false", "official"],
        ["QUA", "202301", "XA", "CAN_NGHEO", "", "4", "", "false", "official"],
        ["VIEC_LAM", "202301", "XA", "DEFAULT", "", "10", "", "false", "official"],
        ["TY_LE", "2023Q1", "XA", "DEFAULT", "", "64.5", "", "false", "estimate"],
        ["VIEC_LAM", "202302", "XA", "DEFAULT", "", "12", "", "false", "official"],
    ]


def test_adx_export(seeded, admin):
    export = export_values(user=admin, unit_code="XA", period_id="2023Q1", fmt="adx")
    assert (
        _body(export).decode()
        == """<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015">
  <group orgUnit="XA" period="2023-01-01/P1M" dataSet="CHISO">
    <dataValue dataElement="GHI_NHAN" value="Đã rà soát, đủ hồ sơ"/>
    <dataValue dataElement="QUA" NHOM="NGHEO" value="5"/>
    <dataValue dataElement="QUA" NHOM="CAN_NGHEO" value="4"/>
    <dataValue dataElement="VIEC_LAM" value="10"/>
  </group>
  <group orgUnit="XA" period="2023-01-01/P3M" dataSet="CHISO">
    <dataValue dataElement="TY_LE" status="estimate" value="64.5"/>
  </group>
  <group orgUnit="XA" period="2023-02-01/P1M" dataSet="CHISO">
    <dataValue dataElement="VIEC_LAM" value="12"/>
  </group>
  <group orgUnit="XA-1" period="2023-01-01/P1M" dataSet="CHISO">
    <dataValue dataElement="VIEC_LAM" value="3"/>
  </group>
</adx>
"""
    )


@pytest.mark.parametrize("fmt", ["json", "csv", "adx", "xlsx"])
def test_round_trip_export_then_import_is_all_ignored(seeded, admin, snapshot, fmt):
    before = snapshot()
    export = export_values(user=admin, unit_code="T1", period_id="2023", fmt=fmt)
    summary = import_file(user=admin, filename=export.filename, content=_body(export))
    assert summary.to_dict() == {
        "status": "SUCCESS",
        "dryRun": False,
        "importCount": {"imported": 0, "updated": 0, "ignored": 8, "deleted": 0},
        "conflicts": [],
    }
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["json", "csv", "adx", "xlsx"])
def test_round_trip_restores_changed_values_with_comments(seeded, admin, fmt):
    import_file(
        user=admin,
        fmt="json",
        content=json.dumps(
            {
                "dataValues": [
                    {
                        "dataElement": "VIEC_LAM",
                        "period": "202302",
                        "orgUnit": "XA",
                        "value": "12",
                        "comment": "Ghi chú có dấu & <ký hiệu>",
                    }
                ]
            }
        ).encode(),
    )
    export = export_values(user=admin, unit_code="XA", period_id="2023", fmt=fmt)
    content = _body(export)
    import_file(
        user=admin,
        fmt="json",
        content=json.dumps(
            {
                "dataValues": [
                    {"dataElement": "VIEC_LAM", "period": "202302", "orgUnit": "XA", "value": "1"},
                    {
                        "dataElement": "QUA",
                        "categoryOptionCombo": "NGHEO",
                        "period": "202301",
                        "orgUnit": "XA",
                        "value": "50",
                    },
                ]
            }
        ).encode(),
    )
    summary = import_file(user=admin, filename=export.filename, content=content)
    assert (summary.status, summary.imported, summary.updated, summary.ignored) == (
        "SUCCESS",
        0,
        2,
        5,
    )
    assert _json_values(admin, unit_code="XA", period_id="202302", children=False) == [
        ("VIEC_LAM", "DEFAULT", "XA", "202302", "12", "official")
    ]
