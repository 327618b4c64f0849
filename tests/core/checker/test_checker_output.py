"""The result's data shape, JSON schema, offsets and message rendering."""

import json
import subprocess
import sys

from chiso.core.checker import TEMPLATES, check_text, render_message
from chiso.core.errors import MESSAGES

TEXT = (
    "Hiện nay tỉnh có 1.468 dịch vụ công, xếp thứ 04/63; trong đó có 1.076 dịch vụ công "
    "toàn trình, chiếm tỷ lệ 73,3%, 396 dịch vụ công một phần, chiếm tỷ lệ 26,7%."
)


def test_json_has_exactly_the_documented_keys_and_types():
    data = json.loads(check_text(TEXT).to_json())
    assert list(data) == ["claims", "findings"]
    assert data["claims"][0] == {
        "start": 17,
        "end": 35,
        "text": "1.468 dịch vụ công",
        "kind": "count",
        "value": "1468",
        "unit": "dịch vụ công",
    }
    for claim in data["claims"]:
        assert list(claim) == ["start", "end", "text", "kind", "value", "unit"]
        assert type(claim["start"]) is int and type(claim["end"]) is int
        assert isinstance(claim["text"], str) and isinstance(claim["kind"], str)
        assert isinstance(claim["value"], str)
        assert claim["unit"] is None or isinstance(claim["unit"], str)
    assert data["findings"] == [
        {
            "severity": "error",
            "kind": "part_whole",
            "start": 17,
            "end": 35,
            "stated": "1.468",
            "computed": "1.472",
            "message": "Tổng các thành phần 1.076 + 396 = 1.472 dịch vụ công, khác 1.468 dịch vụ "
            "công đã nêu",
        },
        {
            "severity": "error",
            "kind": "share_percent",
            "start": 153,
            "end": 158,
            "stated": "26,7%",
            "computed": "27,0%",
            "message": "396 / 1.468 dịch vụ công = 27,0%, khác 26,7% đã nêu",
        },
    ]


def test_unit_is_null_in_json_for_a_bare_number():
    data = json.loads(check_text("Đạt 15/20.").to_json())
    assert data["claims"] == [
        {"start": 4, "end": 9, "text": "15/20", "kind": "ratio", "value": "15/20", "unit": None}
    ]
    assert '"unit": null' in check_text("Đạt 15/20.").to_json()


def test_json_keeps_vietnamese_letters():
    assert "dịch vụ công" in check_text(TEXT).to_json()


def test_finding_spans_cover_only_the_disputed_figure():
    result = check_text(TEXT)
    assert [TEXT[f.start : f.end] for f in result.findings] == ["1.468 dịch vụ công", "26,7%"]
    assert [TEXT[c.start : c.end] for c in result.claims] == [c.text for c in result.claims]


def test_errors_and_warnings_properties():
    result = check_text(TEXT + " Hỗ trợ 500 hộ, trong đó 300 hộ nghèo, 150 hộ cận nghèo.")
    assert [f.kind for f in result.errors] == ["part_whole", "share_percent"]
    assert [f.kind for f in result.warnings] == ["part_whole"]


def test_messages_render_through_a_translate_callable():
    finding = check_text(TEXT).findings[0]
    assert finding.code == "check.sum.mismatch"
    assert finding.params == {
        "parts": "1.076 + 396",
        "sum": "1.472 dịch vụ công",
        "total": "1.468 dịch vụ công",
        "total_text": "1.468 dịch vụ công",
    }
    english = {
        TEMPLATES["check.sum.mismatch"]: "The parts %(parts)s add up to %(sum)s, not %(total)s"
    }
    assert render_message(finding, english.get) == (
        "The parts 1.076 + 396 add up to 1.472 dịch vụ công, not 1.468 dịch vụ công"
    )
    assert render_message(finding) == finding.message


def test_every_template_is_registered_and_fills_from_its_own_params():
    for code, template in TEMPLATES.items():
        assert MESSAGES[code] == template
        assert code.startswith("check.")


def test_the_core_checker_does_not_import_django():
    code = (
        "import sys; import chiso.core.checker, chiso.core.checker.inputs, chiso.cli.check; "
        "chiso.core.checker.check_text('Có 5/7 xã (71,4%).'); "
        "print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
