import json

import pytest

import chiso.cli
from chiso.cli import main
from chiso.indicators.models import Indicator
from chiso.indicators.services import catalog_load


@pytest.fixture(autouse=True)
def only_catalog_command(monkeypatch):
    """Parse with the catalog command alone, so other commands' imports do not matter here."""
    assert "catalog" in chiso.cli.COMMAND_MODULES
    monkeypatch.setattr(chiso.cli, "COMMAND_MODULES", ("catalog",))


def test_catalog_load_prints_counts_to_stderr(db, capsys):
    assert main(["catalog", "load"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "chỉ tiêu: thêm 72, cập nhật 0, không đổi 0" in err
    assert main(["catalog", "load"]) == 0
    assert "chỉ tiêu: thêm 0, cập nhật 0, không đổi 72" in capsys.readouterr().err
    assert Indicator.objects.count() == 72


def test_catalog_export_to_stdout_and_file(db, capsys, tmp_path):
    catalog_load()
    assert main(["catalog", "export"]) == 0
    out, _err = capsys.readouterr()
    data = json.loads(out)
    assert len(data["indicators"]) == 72
    target = tmp_path / "catalog.json"
    assert main(["catalog", "export", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == data


def test_catalog_import_file(db, capsys, tmp_path):
    catalog_load()
    assert main(["catalog", "export"]) == 0
    data = json.loads(capsys.readouterr().out)
    entry = next(i for i in data["indicators"] if i["code"] == "CHUNG_DAN_SO")
    entry["name_en"] = "Resident population"
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["catalog", "import", str(path)]) == 0
    assert "chỉ tiêu: thêm 0, cập nhật 1, không đổi 71" in capsys.readouterr().err
    assert Indicator.objects.get(code="CHUNG_DAN_SO").name_en == "Resident population"


def test_catalog_import_invalid_exits_1_naming_entries(db, capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "indicators": [
                    {
                        "code": "A",
                        "name_vi": "A",
                        "value_type": "integer",
                        "aggregation_type": "sum",
                        "period_type": "thang",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    assert main(["catalog", "import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "indicators[0] A: thiếu trường bắt buộc “name_en”.",
        "indicators[0] A: giá trị “thang” của “period_type” không hợp lệ "
        "(cho phép: year, half, quarter, month, week, day).",
    ]
    assert Indicator.objects.count() == 0


def test_catalog_import_unreadable_file_exits_2(db, capsys, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    assert main(["catalog", "import", str(path)]) == 2
    assert f"Tệp {path} không phải JSON hợp lệ" in capsys.readouterr().err
    assert main(["catalog", "import", str(tmp_path / "missing.json")]) == 2
    assert "Không đọc được tệp" in capsys.readouterr().err
