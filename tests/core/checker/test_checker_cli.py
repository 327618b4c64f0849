"""``chiso check``: exit codes, pure JSON on stdout, the terminal view."""

import argparse
import json

from chiso.cli.check import add_parser, render_terminal, run
from chiso.core.checker import check_text

BAD = "Tổng số 1.468 hồ sơ, gồm đúng hạn 1.076 hồ sơ và quá hạn 396 hồ sơ.\nDòng hai.\n"
GOOD = "Giải quyết nhà ở cho 629 hộ (xây mới 431 hộ, sửa chữa 198 hộ).\n"


def args(path, **kwargs):
    return argparse.Namespace(
        file=str(path),
        json=kwargs.get("json", False),
        unit=kwargs.get("unit"),
        period=kwargs.get("period"),
    )


def test_exit_0_when_no_error(tmp_path, capsys):
    path = tmp_path / "tot.txt"
    path.write_text(GOOD, encoding="utf-8")
    assert run(args(path)) == 0
    assert capsys.readouterr().out == "0 lỗi, 0 cảnh báo; đã đọc 3 số liệu.\n"


def test_exit_1_when_an_error_is_found_and_the_figure_is_marked(tmp_path, capsys):
    path = tmp_path / "sai.txt"
    path.write_text(BAD, encoding="utf-8")
    assert run(args(path)) == 1
    assert capsys.readouterr().out == (
        "dòng 1: Tổng số [[1.468 hồ sơ]][1], gồm đúng hạn 1.076 hồ sơ và quá hạn 396 hồ sơ.\n"
        "\n"
        "[1] LỖI (part_whole): Tổng các thành phần 1.076 + 396 = 1.472 hồ sơ, khác 1.468 hồ sơ "
        "đã nêu\n"
        "\n"
        "1 lỗi, 0 cảnh báo; đã đọc 3 số liệu.\n"
    )


def test_exit_2_when_the_file_cannot_be_read(tmp_path, capsys):
    assert run(args(tmp_path / "khong-co.txt")) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"Không đọc được tệp '{tmp_path / 'khong-co.txt'}'")


def test_json_output_is_the_only_thing_on_stdout(tmp_path, capsys):
    path = tmp_path / "sai.txt"
    path.write_text(BAD, encoding="utf-8")
    assert run(args(path, json=True)) == 1
    out = capsys.readouterr().out
    assert json.loads(out) == check_text(BAD).to_dict()
    assert "ồ" in out  # ensure_ascii=False


def test_unit_without_period_is_unusable(tmp_path, capsys):
    path = tmp_path / "tot.txt"
    path.write_text(GOOD, encoding="utf-8")
    assert run(args(path, unit="70")) == 2
    assert capsys.readouterr().out == ""


def test_add_parser_registers_the_command():
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    parsed = parser.parse_args(
        ["check", "bao-cao.txt", "--json", "--unit", "70", "--period", "2023"]
    )
    assert (parsed.file, parsed.json, parsed.unit, parsed.period) == (
        "bao-cao.txt",
        True,
        "70",
        "2023",
    )
    assert parsed.handler is run


def test_terminal_view_in_colour_numbers_shared_spans():
    text = "Có 1.468 hồ sơ, gồm 1.076 hồ sơ và 396 hồ sơ."
    out = render_terminal(text, check_text(text), color=True)
    assert "\x1b[1;31m1.468 hồ sơ\x1b[0m[1]" in out
