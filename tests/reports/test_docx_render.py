"""The DOCX/XLSX/PDF rendering of a formal report follows Decree 30/2020/NĐ-CP. No database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from chiso.core.errors import ChisoError
from chiso.reports import docx_render
from chiso.reports.document import (
    Annex,
    Cell,
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Run,
    Signature,
    Table,
)
from chiso.reports.docx_render import (
    bookmark_name,
    build_docx,
    recipient_lines,
    render_annex_xlsx,
    render_docx,
    render_pdf,
    text_width_mm,
    traced_figures,
    write_docx,
)

GIFTS = Table(
    header=(
        "STT",
        "Nhóm đối tượng",
        "Số phần quà",
        "Trị giá (triệu đồng)",
        "Tỷ lệ so với kế hoạch",
    ),
    rows=(
        ("1", "Gia đình người có công", Cell(50897, trace="dv:QUA_NCC:70:2023"), 20350, 101),
        ("2", "Đối tượng bảo trợ xã hội", 49617, 24120, Decimal("98.5")),
        (None, "Tổng cộng", 100514, 44470, Decimal("99.8")),
    ),
    widths_mm=(12, 63, 28, 32, 30),
    formats=("center", "text", "integer", "integer", "percent"),
    bold_rows=frozenset({2}),
    title="Quà tặng nhân dịp Tết Nguyên đán và ngày 27/7",
    note="Đơn vị tính: phần quà; triệu đồng",
)

JOBS = Table(
    header=("Chỉ tiêu", "Kế hoạch", "Thực hiện"),
    rows=(("Giải quyết việc làm", 40000, 38406), ("Đào tạo nghề", 6000, 6387)),
    title="Lao động, việc làm",
)


def sample_report(**changes) -> ReportDocument:
    fields = {
        "parent_body": "UBND tỉnh Bình Phước",
        "issuing_body": "Ủy ban nhân dân",
        "number": "123",
        "symbol": "BC-UBND",
        "place": "Bình Phước",
        "date": date(2023, 2, 14),
        "subject": "Kết quả công tác dân vận chính quyền\nvà an sinh xã hội năm 2023",
        "body": (
            Heading(1, "Kết quả đạt được"),
            Heading(2, "Công tác an sinh xã hội"),
            Paragraph.of(
                "Trong năm, các cấp chính quyền đã trao ",
                Run("50.897", bold=True, trace="dv:QUA_NCC:70:2023"),
                " phần quà cho gia đình người có công và ",
                Run("49.617", trace="dv:QUA_BTXH:70:2023"),
                " phần quà cho đối tượng bảo trợ xã hội.",
            ),
            Heading(3, "Lao động và việc làm"),
            Paragraph.of(
                "Số lao động được giải quyết việc làm là ",
                Run("38.406", trace="dv:VIECLAM:70:2023"),
                " người, ",
                Run("bằng 96% kế hoạch năm", italic=True),
                ".",
            ),
            JOBS,
            Heading(1, "Nhiệm vụ trọng tâm thời gian tới"),
            Paragraph.of("Tiếp tục rà soát danh sách hộ nghèo, hộ cận nghèo."),
        ),
        "signature": Signature("TM. Ủy ban nhân dân", "KT. Chủ tịch\nPhó Chủ tịch", "Trần Văn A"),
        "recipients": ("Như trên;", "TT. Tỉnh ủy;", "TT. HĐND tỉnh;", "Lưu: VT, VX."),
        "annex": Annex(title="Số liệu an sinh xã hội năm 2023", tables=(GIFTS,)),
    }
    fields.update(changes)
    return ReportDocument(**fields)


def mm(length) -> float:
    """A length stored in twips, in millimetres to 0.1 mm."""
    return round(length.mm, 1)


def reopen(report: ReportDocument):
    return docx.Document(io.BytesIO(render_docx(report)))


def header_cells(document):
    table = document.tables[0]
    return [[cell for cell in row.cells] for row in table.rows]


def only_run(paragraph):
    runs = [run for run in paragraph.runs if run.text]
    assert len(runs) == 1, [run.text for run in paragraph.runs]
    return runs[0]


def paragraph_with(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def test_page_is_a4_portrait_with_decree_30_margins():
    section = reopen(sample_report()).sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert mm(section.top_margin) == 20
    assert mm(section.bottom_margin) == 20
    assert mm(section.left_margin) == 30
    assert mm(section.right_margin) == 15


def test_times_new_roman_for_every_script_in_normal_and_defaults():
    document = reopen(sample_report())
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for rpr in (normal.element.rPr, defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))):
        fonts = rpr.find(qn("w:rFonts"))
        assert {
            name: fonts.get(qn(f"w:{name}")) for name in ("ascii", "hAnsi", "eastAsia", "cs")
        } == {
            "ascii": "Times New Roman",
            "hAnsi": "Times New Roman",
            "eastAsia": "Times New Roman",
            "cs": "Times New Roman",
        }
        assert fonts.get(qn("w:asciiTheme")) is None
    # No run anywhere names another font.
    names = {
        fonts.get(qn("w:ascii"))
        for fonts in document.element.body.iter(qn("w:rFonts"))
        if fonts.get(qn("w:ascii"))
    }
    assert names <= {"Times New Roman"}


def test_header_left_column_parent_issuing_body_rule_and_number():
    cells = header_cells(reopen(sample_report()))
    left = [p for p in cells[0][0].paragraphs]
    parent, issuing, rule = left
    assert parent.text == "UBND TỈNH BÌNH PHƯỚC"
    assert (only_run(parent).font.size, only_run(parent).bold, only_run(parent).italic) == (
        Pt(13),
        None,
        None,
    )
    assert issuing.text == "ỦY BAN NHÂN DÂN"
    assert (only_run(issuing).font.size, only_run(issuing).bold) == (Pt(13), True)
    assert rule.text == ""
    bottom = rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single"
    # A short centred rule: between a third and a half of the issuing body's line.
    room = Mm(docx_render.HEADER_COLUMNS_MM[0] - 2)
    length = room - rule.paragraph_format.left_indent - rule.paragraph_format.right_indent
    issuing_length = Mm(text_width_mm("ỦY BAN NHÂN DÂN", 13, bold=True))
    assert issuing_length / 3 <= length <= issuing_length / 2
    assert rule.paragraph_format.left_indent == rule.paragraph_format.right_indent
    (number,) = cells[1][0].paragraphs
    assert number.text == "Số: 123/BC-UBND"
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (only_run(number).font.size, only_run(number).bold) == (Pt(13), None)


def test_header_right_column_national_name_motto_rule_and_place_date():
    cells = header_cells(reopen(sample_report()))
    national, motto, rule = cells[0][1].paragraphs
    assert national.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert (only_run(national).font.size, only_run(national).bold) == (Pt(12), True)
    assert motto.text == "Độc lập - Tự do - Hạnh phúc"
    assert (only_run(motto).font.size, only_run(motto).bold) == (Pt(13), True)
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == "single"
    room = Mm(docx_render.HEADER_COLUMNS_MM[1] - 2)
    length = room - rule.paragraph_format.left_indent - rule.paragraph_format.right_indent
    assert abs(length - Mm(text_width_mm("Độc lập - Tự do - Hạnh phúc", 13, bold=True))) < Mm(1)
    (place_date,) = cells[1][1].paragraphs
    assert place_date.text == "Bình Phước, ngày 14 tháng 02 năm 2023"
    assert place_date.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = only_run(place_date)
    assert (run.font.size, run.italic, run.bold) == (Pt(14), True, None)


def test_header_table_has_no_borders():
    table = reopen(sample_report()).tables[0]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {child.get(qn("w:val")) for child in borders} == {"nil"}
    assert len(borders) == 6


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2023, 2, 5), "Bình Phước, ngày 05 tháng 02 năm 2023"),
        (date(2023, 11, 14), "Bình Phước, ngày 14 tháng 11 năm 2023"),
        (date(2024, 3, 5), "Bình Phước, ngày 05 tháng 3 năm 2024"),
    ],
)
def test_place_date_line_is_zero_padded_per_decree_30(day, line):
    cells = header_cells(reopen(sample_report(date=day)))
    assert cells[1][1].paragraphs[0].text == line


def test_draft_without_number_shows_an_ellipsis():
    cells = header_cells(reopen(sample_report(number=None)))
    assert cells[1][0].paragraphs[0].text == "Số: …/BC-UBND"


def test_numbers_below_ten_get_a_leading_zero():
    cells = header_cells(reopen(sample_report(number="5")))
    assert cells[1][0].paragraphs[0].text == "Số: 05/BC-UBND"
    assert sample_report(number="05a").number_line() == "Số: 05a/BC-UBND"


def test_without_parent_body_the_left_column_shows_the_issuing_body_alone():
    cells = header_cells(
        reopen(sample_report(parent_body="", issuing_body="Ủy ban nhân dân tỉnh Bình Phước"))
    )
    texts = [p.text for p in cells[0][0].paragraphs]
    assert texts == ["ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC", ""]


def test_kind_title_and_subject_are_bold_centred_14_with_a_rule_under_the_subject():
    document = reopen(sample_report())
    kind = paragraph_with(document, "BÁO CÁO")
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert (only_run(kind).font.size, only_run(kind).bold) == (Pt(14), True)
    subject = paragraph_with(
        document, "Kết quả công tác dân vận chính quyền\nvà an sinh xã hội năm 2023"
    )
    assert subject.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {(run.font.size, run.bold) for run in subject.runs if run.text} == {(Pt(14), True)}
    rule = subject._p.getnext()
    assert rule.pPr.find(qn("w:pBdr")) is not None


def test_body_paragraph_is_justified_14_with_first_line_indent_and_spacing():
    document = reopen(sample_report())
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Trong năm"))
    assert paragraph.text == (
        "Trong năm, các cấp chính quyền đã trao 50.897 phần quà cho gia đình người có công"
        " và 49.617 phần quà cho đối tượng bảo trợ xã hội."
    )
    fmt = paragraph.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Cm(1.27)
    assert fmt.space_after >= Pt(6)
    assert 1.0 <= fmt.line_spacing <= 1.5
    assert {run.font.size for run in paragraph.runs} == {Pt(14)}
    assert [run.text for run in paragraph.runs if run.bold] == ["50.897"]


def test_headings_are_numbered_bold_and_restart_under_each_parent():
    document = reopen(sample_report())
    headings = [
        p
        for p in document.paragraphs
        if p._p.pPr is not None and p._p.pPr.find(qn("w:outlineLvl")) is not None
    ]
    assert [p.text for p in headings] == [
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Công tác an sinh xã hội",
        "a) Lao động và việc làm",
        "II. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
    ]
    assert all(only_run(p).bold for p in headings)
    assert only_run(headings[2]).italic is True
    assert all(p.paragraph_format.first_line_indent == Cm(1.27) for p in headings)


def test_traced_figures_are_bookmarked():
    document = reopen(sample_report())
    assert traced_figures(document) == {
        bookmark_name("dv:QUA_NCC:70:2023"): "50.897",
        bookmark_name("dv:QUA_BTXH:70:2023"): "49.617",
        bookmark_name("dv:VIECLAM:70:2023"): "38.406",
        bookmark_name("dv:QUA_NCC:70:2023") + "_2": "50.897",
    }
    assert bookmark_name("QUA_NCC") == "chiso_QUA_NCC"
    name = bookmark_name("dv:QUA_NCC:70:2023")
    assert name.startswith("chiso_dv_QUA_NCC_70_2") and len(name) <= 40


def test_body_table_has_borders_12pt_bold_header_and_right_aligned_numbers():
    document = reopen(sample_report())
    table = document.tables[1]
    assert table.style.name == "Table Grid"
    assert [cell.text for cell in table.rows[0].cells] == ["Chỉ tiêu", "Kế hoạch", "Thực hiện"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    header_run = only_run(table.rows[0].cells[1].paragraphs[0])
    assert (header_run.font.size, header_run.bold) == (Pt(12), True)
    assert [cell.text for cell in table.rows[1].cells] == [
        "Giải quyết việc làm",
        "40.000",
        "38.406",
    ]
    assert table.rows[1].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert table.rows[1].cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert only_run(table.rows[1].cells[2].paragraphs[0]).font.size == Pt(12)


def test_signature_block_recipients_and_signer():
    document = reopen(sample_report())
    table = document.tables[2]
    left, right = table.rows[0].cells
    label, *lines = left.paragraphs
    assert label.text == "Nơi nhận:"
    run = only_run(label)
    assert (run.font.size, run.bold, run.italic) == (Pt(12), True, True)
    assert [p.text for p in lines] == [
        "- Như trên;",
        "- TT. Tỉnh ủy;",
        "- TT. HĐND tỉnh;",
        "- Lưu: VT, VX.",
    ]
    assert {only_run(p).font.size for p in lines} == {Pt(11)}
    assert {only_run(p).bold for p in lines} == {None}
    texts = [p.text for p in right.paragraphs]
    assert texts == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Trần Văn A"]
    for paragraph in right.paragraphs:
        if paragraph.text:
            assert (only_run(paragraph).font.size, only_run(paragraph).bold) == (Pt(14), True)
            assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert right.paragraphs[3].paragraph_format.space_before >= Pt(60)
    # The last body paragraph stays on the signature's page.
    last_body = next(p for p in document.paragraphs if p.text.startswith("Tiếp tục rà soát"))
    assert last_body.paragraph_format.keep_with_next is True
    assert {c.get(qn("w:val")) for c in table._tbl.tblPr.find(qn("w:tblBorders"))} == {"nil"}


def test_recipient_lines_add_dashes_and_closing_punctuation():
    assert recipient_lines(["Như trên", "- Sở LĐTBXH;", "", "Lưu: VT"]) == [
        "- Như trên;",
        "- Sở LĐTBXH;",
        "- Lưu: VT.",
    ]


def test_page_number_field_in_the_header_from_page_two():
    section = reopen(sample_report()).sections[0]
    assert section.different_first_page_header_footer is True
    assert section.first_page_header.is_linked_to_previous is False
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""
    (paragraph,) = section.header.paragraphs
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instructions = [el.text for el in paragraph._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]
    kinds = [el.get(qn("w:fldCharType")) for el in paragraph._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]


def test_annex_starts_on_a_new_page_with_its_heading_and_table():
    document = reopen(sample_report())
    texts = [p.text for p in document.paragraphs]
    start = texts.index("PHỤ LỤC")
    assert texts[start : start + 3] == [
        "PHỤ LỤC",
        "Số liệu an sinh xã hội năm 2023",
        "(Kèm theo Báo cáo số 123/BC-UBND ngày 14/02/2023)",
    ]
    breaks = [
        br
        for p in document.paragraphs[:start]
        for br in p._p.iter(qn("w:br"))
        if br.get(qn("w:type")) == "page"
    ]
    assert len(breaks) == 1
    table = document.tables[3]
    assert [cell.text for cell in table.rows[1].cells] == [
        "1",
        "Gia đình người có công",
        "50.897",
        "20.350",
        "101,0%",
    ]
    assert [cell.text for cell in table.rows[3].cells] == [
        "",
        "Tổng cộng",
        "100.514",
        "44.470",
        "99,8%",
    ]
    assert {only_run(c.paragraphs[0]).bold for c in table.rows[3].cells if c.text} == {True}
    assert [c.paragraphs[0].alignment for c in table.rows[1].cells] == [
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.LEFT,
        WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.RIGHT,
    ]


def test_page_break_block_and_draft_annex_note():
    report = sample_report(number=None, body=(Paragraph.of("Trang một."), PageBreak()))
    document = reopen(report)
    assert "(Kèm theo Báo cáo số …/BC-UBND ngày 14/02/2023)" in [
        p.text for p in document.paragraphs
    ]
    page_breaks = [
        br for br in document.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"
    ]
    assert len(page_breaks) == 2


def test_write_docx_and_build_docx_agree(tmp_path):
    path = write_docx(sample_report(), tmp_path / "bao-cao.docx")
    reopened = docx.Document(str(path))
    built = build_docx(sample_report())
    assert [p.text for p in reopened.paragraphs] == [p.text for p in built.paragraphs]
    assert reopened.core_properties.title == (
        "Kết quả công tác dân vận chính quyền và an sinh xã hội năm 2023"
    )


def test_annex_xlsx_has_one_sheet_per_table_with_numeric_cells():
    workbook = openpyxl.load_workbook(io.BytesIO(render_annex_xlsx([GIFTS, JOBS])))
    assert workbook.sheetnames == ["Quà tặng nhân dịp Tết Nguyên đá", "Lao động, việc làm"]
    gifts = workbook["Quà tặng nhân dịp Tết Nguyên đá"]
    assert gifts["A1"].value == "Quà tặng nhân dịp Tết Nguyên đán và ngày 27/7"
    assert gifts["A2"].value == "Đơn vị tính: phần quà; triệu đồng"
    assert [c.value for c in gifts[3]] == [
        "STT",
        "Nhóm đối tượng",
        "Số phần quà",
        "Trị giá (triệu đồng)",
        "Tỷ lệ so với kế hoạch",
    ]
    assert all(c.font.bold for c in gifts[3])
    assert [c.value for c in gifts[4]] == ["1", "Gia đình người có công", 50897, 20350, 1.01]
    assert [c.value for c in gifts[6]] == [None, "Tổng cộng", 100514, 44470, pytest.approx(0.998)]
    assert gifts["C4"].number_format == "#,##0"
    assert gifts["E5"].number_format == "0.0%"
    assert gifts["E5"].value == pytest.approx(0.985)
    assert gifts.freeze_panes == "A4"
    assert gifts.column_dimensions["B"].width == 35.0
    jobs = workbook["Lao động, việc làm"]
    assert [c.value for c in jobs[3]] == ["Giải quyết việc làm", 40000, 38406]
    assert jobs.freeze_panes == "A3"


def test_annex_xlsx_sheet_names_are_valid_and_unique():
    table = Table(header=("A",), rows=((1,),), title="Bảng: số liệu [quý I/2023]")
    untitled = Table(header=("A",), rows=((1,),))
    workbook = openpyxl.load_workbook(io.BytesIO(render_annex_xlsx([table, table, untitled])))
    assert workbook.sheetnames == [
        "Bảng  số liệu  quý I 2023",
        "Bảng  số liệu  quý I 2023 (2)",
        "Bảng 3",
    ]


def test_table_rejects_rows_of_the_wrong_width():
    with pytest.raises(ValueError, match="row 0 has 1 cells; the header has 2"):
        Table(header=("A", "B"), rows=(("x",),))


def test_render_pdf_without_libreoffice_says_so_in_vietnamese(tmp_path, monkeypatch):
    monkeypatch.setattr(docx_render.shutil, "which", lambda name: None)
    path = write_docx(sample_report(), tmp_path / "bao-cao.docx")
    with pytest.raises(ChisoError) as caught:
        render_pdf(path, tmp_path / "pdf")
    assert caught.value.code == "report.pdf_no_libreoffice"
    assert str(caught.value) == (
        "Chưa cài LibreOffice: không tạo được tệp PDF; tệp DOCX vẫn dùng được"
    )
    assert not (tmp_path / "pdf").exists()


@pytest.mark.skipif(docx_render.libreoffice_command() is None, reason="LibreOffice not installed")
def test_render_pdf_with_libreoffice(tmp_path):
    path = write_docx(sample_report(), tmp_path / "bao-cao.docx")
    pdf = render_pdf(path, tmp_path / "pdf")
    assert pdf == (tmp_path / "pdf" / "bao-cao.pdf").resolve()
    assert Path(pdf).read_bytes()[:5] == b"%PDF-"
