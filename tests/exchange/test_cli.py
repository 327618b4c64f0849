"""``chiso import`` and ``chiso export``: output streams and exit codes."""

import json

import pytest

import chiso.cli
from chiso.cli import main
from chiso.datavalues.models import DataValue


@pytest.fixture(autouse=True)
def only_exchange_commands(monkeypatch):
    assert "exchange" in chiso.cli.COMMAND_MODULES
    monkeypatch.setattr(chiso.cli, "COMMAND_MODULES", ("exchange",))


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "so-lieu.csv"
    path.write_text("VIEC_LAM,202304,XA,,,8\nVIEC_LAM,202301,XA,,,10\n", encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "sai.csv"
    path.write_text("VIEC_LAM,202304,XA,,,8\nVIEC_LAM,202305,XA,,,1.234\n", encoding="utf-8")
    return path


def test_import_prints_a_human_summary_on_stderr(seeded, admin, good_file, capsys):
    assert main(["import", str(good_file)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "Đã thêm 1, sửa 0, xóa 0, bỏ qua 1 giá trị.\n"
    assert DataValue.objects.get(period="202304", orgunit__code="XA").value == 8


def test_import_json_summary_on_stdout(seeded, admin, good_file, capsys):
    assert main(["import", str(good_file), "--json", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {
        "status": "SUCCESS",
        "dryRun": True,
        "importCount": {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0},
        "conflicts": [],
    }
    assert err == ""
    assert not DataValue.objects.filter(period="202304").exists()


def test_rejected_import_exits_1_and_writes_nothing(seeded, admin, bad_file, capsys, snapshot):
    before = snapshot()
    assert main(["import", str(bad_file)]) == 1
    _out, err = capsys.readouterr()
    assert err == (
        "Tệp bị từ chối: không ghi số liệu nào (2 giá trị). Sửa các lỗi sau rồi nhập lại, hoặc"
        " dùng --partial để chỉ nhập các dòng đúng.\n"
        "- dòng 2: '1.234' phải là số nguyên\n"
    )
    assert snapshot() == before


def test_partial_import_exits_1_but_writes_the_good_rows(seeded, admin, bad_file, capsys):
    assert main(["import", str(bad_file), "--partial"]) == 1
    assert DataValue.objects.get(period="202304", orgunit__code="XA").value == 8


def test_unreadable_or_missing_file_exits_2(seeded, admin, tmp_path, capsys):
    broken = tmp_path / "x.json"
    broken.write_text("{", encoding="utf-8")
    assert main(["import", str(broken), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["status"] == "ERROR"
    assert main(["import", str(tmp_path / "khong-co.csv")]) == 2
    assert capsys.readouterr().err.startswith("Không đọc được tệp ")


def test_import_as_another_user_is_scoped(seeded, admin, clerk_b, good_file, capsys):
    assert main(["import", str(good_file), "--user", "can_bo_binh"]) == 1
    assert "Không tìm thấy đơn vị mã 'XA'" in capsys.readouterr().err
    assert main(["import", str(good_file), "--user", "khong_ai"]) == 2
    assert capsys.readouterr().err == "Không có người dùng 'khong_ai'.\n"


def test_export_json_to_stdout(seeded, admin, capsysbinary):
    assert main(["export", "--unit", "XA", "--period", "202302", "--no-children"]) == 0
    out, err = capsysbinary.readouterr()
    values = json.loads(out)["dataValues"]
    assert [(v["dataElement"], v["value"]) for v in values] == [("VIEC_LAM", "12")]
    assert err == b""


def test_export_to_files_and_xlsx_needs_out(seeded, admin, tmp_path, capsys):
    target = tmp_path / "xa.adx.xml"
    assert (
        main(
            ["export", "--format", "adx", "--unit", "XA", "--period", "2023", "--out", str(target)]
        )
        == 0
    )
    assert target.read_text(encoding="utf-8").count("<dataValue ") == 7
    out, err = capsys.readouterr()
    assert out == "" and err == f"Đã xuất ra {target}.\n"
    assert main(["export", "--format", "xlsx", "--unit", "XA", "--period", "2023"]) == 2
    assert capsys.readouterr().err == "Định dạng xlsx cần --out TỆP.\n"
    sheet = tmp_path / "xa.xlsx"
    assert (
        main(
            ["export", "--format", "xlsx", "--unit", "XA", "--period", "2023", "--out", str(sheet)]
        )
        == 0
    )
    assert sheet.read_bytes()[:2] == b"PK"


def test_export_unknown_or_forbidden_unit_exits_2(seeded, admin, clerk_b, capsysbinary):
    assert main(["export", "--unit", "XA", "--period", "2023", "--user", "can_bo_binh"]) == 2
    out, err = capsysbinary.readouterr()
    assert out == b""
    assert err.decode() == (
        "Không tìm thấy đơn vị mã 'XA' (hoặc bạn không có quyền xem đơn vị này).\n"
    )
    assert main(["export", "--unit", "XA", "--period", "2023Q9"]) == 2
    assert capsysbinary.readouterr().err.decode() == "'2023Q9': quý phải từ Q1 đến Q4\n"
