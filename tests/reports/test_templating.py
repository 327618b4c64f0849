"""Report templates without a database: the source format, the phrases, the sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.core.errors import ChisoError
from chiso.reports.document import Heading, PageBreak, Paragraph, Run, Table
from chiso.reports.figures import (
    Figure,
    so_voi_cung_ky,
    so_voi_ke_hoach,
    strip_markers,
    thay_doi_thu_hang,
    traced,
    tren,
    trong_do,
)
from chiso.reports.templating import (
    compile_template,
    parse_body,
    plain_text,
    render_template,
    table_token,
    template_wants,
    to_runs,
)

D = Decimal


def figure(**changes) -> Figure:
    fields = {
        "code": "VL_VIEC_LAM_MOI",
        "name": "Số lao động được giải quyết việc làm",
        "unit": "lao động",
        "value_type": "integer",
        "direction": "higher_is_better",
        "option_combo": None,
        "option_combo_name": "",
        "orgunit": "70",
        "orgunit_name": "Tỉnh Bình Phước",
        "period": "2023",
        "period_label": "năm 2023",
        "year_to_date": False,
        "aggregation_type": "sum",
        "value": D(38406),
        "target": D(40000),
        "pct_plan": D("96.015"),
        "last_year": D(36929),
        "change": D(1477),
        "change_pct": D("3.99957"),
        "comparable": True,
        "estimate": False,
        "values_count": 1332,
        "trace": "VL_VIEC_LAM_MOI:70:2023",
    }
    fields.update(changes)
    return Figure(**fields)


def plain(text: str) -> str:
    return strip_markers(text)


def test_a_figure_reads_the_vietnamese_way_and_carries_its_trace():
    jobs = figure()
    assert str(jobs) == traced("38.406 lao động", "VL_VIEC_LAM_MOI:70:2023")
    assert plain(jobs.so) == "38.406"
    assert plain(jobs.ke_hoach) == "40.000 lao động"
    assert plain(jobs.cung_ky) == "36.929 lao động"
    assert plain(jobs.ty_le_ke_hoach) == "96,0%"
    assert jobs.ke_hoach == traced("40.000 lao động", "VL_VIEC_LAM_MOI:70:2023:kh")
    rate = figure(unit="%", value_type="percentage", value=D("64.5"))
    assert plain(str(rate)) == "64,5%"
    money = figure(unit="đồng", value_type="money", value=D(20358800000))
    assert plain(str(money)) == "20.358.800.000 đồng"
    assert plain(str(figure(value=None))) == "…"


@pytest.mark.parametrize(
    ("pct", "ytd", "expected"),
    [
        (D("96.015"), False, "đạt 96,0% kế hoạch"),
        (D("103.5"), False, "vượt 3,5% kế hoạch"),
        (D("100.02"), False, "đạt 100% kế hoạch"),
        (D("80"), False, "chưa đạt kế hoạch (đạt 80,0%)"),
        (D("56.675"), True, "đạt 56,7% kế hoạch năm"),
        (D("104"), True, "vượt 4,0% kế hoạch năm"),
        (None, False, ""),
    ],
)
def test_against_the_plan(pct, ytd, expected):
    assert plain(so_voi_ke_hoach(figure(pct_plan=pct, year_to_date=ytd))) == expected


def test_the_threshold_below_which_a_plan_is_not_met_can_be_set():
    assert plain(so_voi_ke_hoach(figure(pct_plan=D(96)), nguong=100)) == (
        "chưa đạt kế hoạch (đạt 96,0%)"
    )


@pytest.mark.parametrize(
    ("change", "comparable", "expected"),
    [
        (D("3.99957"), True, "tăng 4,0% so với cùng kỳ"),
        (D("-2.46"), True, "giảm 2,5% so với cùng kỳ"),
        (D("0.04"), True, "bằng cùng kỳ"),
        (None, True, ""),
        (D(5), False, "không so sánh được với cùng kỳ"),
    ],
)
def test_against_the_same_period_last_year(change, comparable, expected):
    assert plain(so_voi_cung_ky(figure(change_pct=change, comparable=comparable))) == expected


def test_disaggregations_are_listed_with_their_worth():
    def part(combo, name, value, unit="phần quà", value_type="integer"):
        return figure(
            code="Q",
            unit=unit,
            value_type=value_type,
            option_combo=combo,
            option_combo_name=name,
            value=D(value),
            trace=f"Q.{combo}:70:2023",
        )

    gifts = figure(
        code="Q",
        unit="phần quà",
        value=D(170),
        parts=(part("HO_NGHEO", "Hộ nghèo", 120), part("HO_CAN_NGHEO", "Hộ cận nghèo", 50)),
    )
    worth = figure(
        code="G",
        unit="đồng",
        value_type="money",
        value=D(85000000),
        parts=(
            part("HO_NGHEO", "Hộ nghèo", 60000000, "đồng", "money"),
            part("HO_CAN_NGHEO", "Hộ cận nghèo", 25000000, "đồng", "money"),
        ),
    )
    assert plain(trong_do(gifts, worth)) == (
        "trong đó: hộ nghèo 120 phần quà, trị giá 60.000.000 đồng; "
        "hộ cận nghèo 50 phần quà, trị giá 25.000.000 đồng"
    )
    assert plain(trong_do(gifts)) == "trong đó: hộ nghèo 120 phần quà; hộ cận nghèo 50 phần quà"
    alone = figure(code="Q", value=D(120), parts=(part("HO_NGHEO", "Hộ nghèo", 120),))
    assert plain(trong_do(alone)) == "dành cho hộ nghèo"
    assert trong_do(figure(parts=())) == ""


def test_round_amounts_and_ranks():
    money = figure(unit="đồng", value_type="money", value=D(20358800000))
    assert plain(tren(money, "tỷ đồng")) == "trên 20 tỷ đồng"
    assert plain(tren(figure(unit="đồng", value_type="money", value=D(2 * 10**9)))) == ("2 tỷ đồng")
    assert plain(tren(figure(), "")) == "trên 30.000 lao động"
    assert plain(thay_doi_thu_hang(figure(value=D(43), last_year=D(50)))) == "tăng 7 bậc"
    assert plain(thay_doi_thu_hang(figure(value=D(45), last_year=D(43)))) == "giảm 2 bậc"
    assert thay_doi_thu_hang(figure(value=D(43), last_year=D(43))) == "giữ nguyên thứ hạng"


def test_the_source_format_gives_headings_paragraphs_bullets_tables_and_page_breaks():
    table = Table(header=("A",), rows=(("x",),))
    text = (
        "Mở đầu báo cáo,\ntiếp tục dòng sau.\n\n"
        "# Kết quả đạt được\n"
        "## An sinh xã hội\n"
        f"Đã giải quyết việc làm cho {traced('38.406 lao động', 'T1')}, **đạt** kế hoạch.\n"
        "- Nhiệm vụ một;\n- Nhiệm vụ hai.\n"
        f"{table_token(0)}\n"
        "---\n"
        "### Mục nhỏ\n"
    )
    blocks = parse_body(text, [table])
    assert blocks == (
        Paragraph(("Mở đầu báo cáo, tiếp tục dòng sau.",)),
        Heading(1, "Kết quả đạt được"),
        Heading(2, "An sinh xã hội"),
        Paragraph(
            (
                "Đã giải quyết việc làm cho ",
                Run("38.406 lao động", trace="T1"),
                ", ",
                Run("đạt", bold=True),
                " kế hoạch.",
            )
        ),
        Paragraph(("- Nhiệm vụ một;",)),
        Paragraph(("- Nhiệm vụ hai.",)),
        table,
        PageBreak(),
        Heading(3, "Mục nhỏ"),
    )
    assert plain_text(blocks) == (
        "Mở đầu báo cáo, tiếp tục dòng sau.\nKết quả đạt được\nAn sinh xã hội\n"
        "Đã giải quyết việc làm cho 38.406 lao động, đạt kế hoạch.\n"
        "- Nhiệm vụ một;\n- Nhiệm vụ hai.\nMục nhỏ"
    )


def test_a_table_written_inside_a_paragraph_follows_it():
    table = Table(header=("A",), rows=(("x",),))
    blocks = parse_body(f"Số liệu như sau: {table_token(0)} (xem bảng)", [table])
    assert blocks == (Paragraph(("Số liệu như sau:",)), table, Paragraph(("(xem bảng)",)))


def test_bold_around_a_figure_makes_the_traced_run_bold():
    assert to_runs(f"**{traced('164 hài cốt', 'T2')}** liệt sĩ") == (
        Run("164 hài cốt", bold=True, trace="T2"),
        " liệt sĩ",
    )


def render(source: str, **context):
    return render_template(compile_template(source, {"len": len}), context)


def test_top_level_names_are_exported():
    rendered = render('{% set trich_yeu = "Báo cáo " ~ nam %}Nội dung {{ nam }}', nam=2023)
    assert rendered.text == "Nội dung 2.023"  # numbers print the Vietnamese way
    assert rendered.exports == {"trich_yeu": "Báo cáo 2023"}


@pytest.mark.parametrize(
    "source",
    [
        "{{ x.__class__ }}",
        "{{ x.__class__.__mro__[1].__subclasses__() }}",
        "{{ f.__globals__ }}",
        "{{ f.__code__.co_consts }}",
        "{% set items = [] %}{{ items.append(1) }}",
        "{{ d.clear() }}",
    ],
)
def test_the_sandbox_refuses_unsafe_access(source):
    with pytest.raises(ChisoError) as caught:
        render(source, x="chuỗi", f=figure, d={"a": 1})
    assert caught.value.code == "report.template_unsafe"
    assert caught.value.params["line"] == 1


def test_an_undefined_name_is_an_error_naming_the_line():
    with pytest.raises(ChisoError) as caught:
        render("Dòng một\n{{ khong_co }}")
    assert caught.value.code == "report.template_error"
    assert caught.value.params["line"] == 2
    assert "khong_co" in caught.value.params["detail"]


def test_a_syntax_error_names_the_line():
    with pytest.raises(ChisoError) as caught:
        compile_template("Dòng một\n{% if x %}\nkhông đóng", {})
    assert caught.value.code == "report.template_syntax"
    assert caught.value.params["line"] == 3


def test_control_characters_cannot_forge_a_trace():
    rendered = render("a\x01giả\x02 38.406 \x03b")
    assert rendered.text == "agiả 38.406 b"


def test_constant_figure_calls_are_found_before_rendering():
    source = (
        "{{ fig('A') }} {{ fig('B', 'X') }} {{ fig('C', ky='2022') }} "
        "{{ fig('D', luy_ke=True) }} {{ fig('E', ky=ky.nam_truoc) }} {{ table('G') }} "
        "{{ bang_don_vi([['U1', 'Cột'], 'U2']) }} {{ bang_don_vi('U3') }}"
    )
    wants = template_wants(source)
    assert wants.figures == {(None, False): ["A", "B"], ("2022", False): ["C"], (None, True): ["D"]}
    assert wants.groups == ["G"]
    assert wants.unit_tables == ["U1", "U2", "U3"]
