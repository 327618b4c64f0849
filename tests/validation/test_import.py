"""Imports run the rules reading the imported values: warnings listed, blocking rules reject."""

import json

import pytest

import chiso.cli
from chiso.cli import main
from chiso.datavalues.models import DataValue
from chiso.exchange.services import import_file
from chiso.validation.models import ValidationResult

MESSAGE = (
    "Xã An (mã XA), tháng 1/2023: Tổng số phần quà (1.250) khác tổng các nhóm đối tượng (1.200)"
)
FILE = (
    b"ASXH_QUA_SO_LUONG,202301,XA,HO_NGHEO,,700\n"
    b"ASXH_QUA_SO_LUONG,202301,XA,NGUOI_CO_CONG,,500\n"
    b"ASXH_QUA_TONG_BAO_CAO,202301,XA,,,1250\n"
    b"VL_VIEC_LAM_MOI,202301,XA,,,12\n"
)
GOOD = FILE.replace(b",1250", b",1200")


@pytest.fixture(autouse=True)
def units(tree):
    return tree


def values():
    return sorted(DataValue.objects.values_list("indicator__code", "option_combo__code", "value"))


def test_a_violation_is_a_warning_and_the_values_are_imported(admin, gift_rule):
    summary = import_file(user=admin, filename="qua.csv", content=FILE)
    assert summary.status == "SUCCESS"
    assert (summary.imported, summary.ignored) == (4, 0)
    assert summary.to_dict()["warnings"] == [
        {
            "object": "TONG_QUA",
            "property": "validationRule",
            "value": MESSAGE,
            "errorCode": "validation.warning",
            "indexes": [0, 1, 2],
            "locations": ["dòng 1", "dòng 2", "dòng 3"],
        }
    ]
    assert summary.conflicts == []
    assert len(values()) == 4
    assert ValidationResult.objects.get().left_value == 1250


def test_a_blocking_rule_rejects_the_whole_import(admin, make_rule, snapshot):
    make_rule(blocking=True)
    before = snapshot()
    summary = import_file(user=admin, filename="qua.csv", content=FILE)
    assert summary.rejected
    assert (summary.imported, summary.updated, summary.ignored) == (0, 0, 4)
    assert [c.to_dict() for c in summary.conflicts] == [
        {
            "object": "TONG_QUA",
            "property": "validationRule",
            "value": MESSAGE,
            "errorCode": "validation.blocking",
            "indexes": [0, 1, 2],
            "locations": ["dòng 1", "dòng 2", "dòng 3"],
        }
    ]
    assert "warnings" not in summary.to_dict()
    assert snapshot() == before  # nothing written: no value, no audit, no stored result
    # The same file with a consistent total goes in.
    summary = import_file(user=admin, filename="qua.csv", content=GOOD)
    assert (summary.status, summary.imported) == ("SUCCESS", 4)
    assert "warnings" not in summary.to_dict()
    assert not ValidationResult.objects.exists()


def test_a_dry_run_lists_the_violations_and_writes_nothing(admin, make_rule, snapshot):
    make_rule(blocking=True)
    make_rule(code="CANH_BAO", importance="low")
    before = snapshot()
    summary = import_file(user=admin, filename="qua.csv", content=FILE, dry_run=True)
    assert summary.rejected
    assert [c.object for c in summary.conflicts] == ["TONG_QUA"]
    assert [w.object for w in summary.warnings] == ["CANH_BAO"]
    assert snapshot() == before
    summary = import_file(user=admin, filename="qua.csv", content=GOOD, dry_run=True)
    assert (summary.status, summary.imported, summary.warnings) == ("SUCCESS", 4, [])
    assert snapshot() == before


def test_partial_import_with_a_bad_row_still_checks_the_good_ones(admin, gift_rule):
    content = FILE + b"VL_VIEC_LAM_MOI,202302,XA,,,1.5\n"
    summary = import_file(user=admin, filename="qua.csv", content=content, atomic=False)
    assert summary.status == "WARNING"
    assert [w.object for w in summary.warnings] == ["TONG_QUA"]
    assert len(values()) == 4


@pytest.fixture
def only_import(monkeypatch):
    monkeypatch.setattr(chiso.cli, "COMMAND_MODULES", ("exchange",))


def test_cli_import_prints_the_warnings_in_the_json_summary(
    admin, gift_rule, tmp_path, capsys, only_import
):
    path = tmp_path / "qua.csv"
    path.write_bytes(FILE)
    assert main(["import", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [w["value"] for w in summary["warnings"]] == [MESSAGE]


def test_cli_import_rejected_by_a_blocking_rule_exits_1(
    admin, make_rule, tmp_path, capsys, only_import
):
    make_rule(blocking=True)
    path = tmp_path / "qua.csv"
    path.write_bytes(FILE)
    assert main(["import", str(path)]) == 1
    assert MESSAGE in capsys.readouterr().err
    assert values() == []


def test_cli_import_prints_the_warnings_for_a_person(
    admin, gift_rule, tmp_path, capsys, only_import
):
    path = tmp_path / "qua.csv"
    path.write_bytes(FILE)
    assert main(["import", str(path)]) == 0
    err = capsys.readouterr().err
    assert "Cảnh báo của quy tắc kiểm tra (không chặn việc nhập):" in err
    assert f"- dòng 1, dòng 2, dòng 3: {MESSAGE}" in err


def test_upload_result_page_lists_the_rule_warnings(admin, gift_rule, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin)
    page = client.post(
        "/data/upload/", {"file": SimpleUploadedFile("qua.csv", FILE, "text/csv")}
    ).content.decode()
    assert "Đã nhập xong." in page
    assert "Cảnh báo của quy tắc kiểm tra" in page
    assert f"<td>dòng 1, dòng 2, dòng 3</td><td>{MESSAGE}</td>" in page
