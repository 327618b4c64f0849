"""Render a :class:`~chiso.reports.document.ReportDocument` as DOCX, its annex as XLSX, and the
DOCX as PDF through LibreOffice. Pure rendering: no database.

The layout is the one Decree 30/2020/NĐ-CP (Phụ lục I) fixes for administrative documents:

- A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman.
- Header: a borderless two-column table. Left: the parent body (13, upright, upper case), the
  issuing body (13, bold, upper case) with a short centred rule under it, then
  ``Số: 123/BC-UBND`` (13). Right: ``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM`` (12, bold),
  ``Độc lập - Tự do - Hạnh phúc`` (13, bold) with a rule as long as the text, then the italic
  place-date line (14) on the same line as the number.
- ``BÁO CÁO`` (14, bold, centred), the subject (14, bold, centred) with a short rule under it.
- Body 14 pt, justified, first line indented 1.27 cm, 6 pt after each paragraph, line spacing
  1.15; headings bold and numbered; tables 12 pt with borders, numbers right-aligned.
- Signature block: a borderless two-column table, "Nơi nhận:" (12, bold italic) and its
  ``- …;`` lines (11) on the left, the authority, position and signer (14, bold) on the right.
- Page numbers centred at the top from page 2 (a different first-page header).

Rules are bottom borders of small empty paragraphs indented to the rule's length, which Word and
LibreOffice both draw. Their lengths come from Times New Roman's advance widths (below), so the
rule under the motto is as long as the motto.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from hashlib import sha1
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from chiso.core.dates import format_date_short, place_date_line
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.numbers import format_number
from chiso.reports.document import (
    Annex,
    CellValue,
    ColumnFormat,
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Run,
    Table,
    cell_trace,
    cell_value,
)

register_messages(
    {
        "report.pdf_no_libreoffice": gettext_noop(
            "Chưa cài LibreOffice: không tạo được tệp PDF; tệp DOCX vẫn dùng được"
        ),
        "report.pdf_failed": gettext_noop(
            "LibreOffice không chuyển được tệp '%(file)s' sang PDF (%(detail)s); "
            "tệp DOCX vẫn dùng được"
        ),
        "report.pdf_timeout": gettext_noop(
            "LibreOffice chưa chuyển xong tệp '%(file)s' sang PDF sau %(seconds)s giây; "
            "tệp DOCX vẫn dùng được"
        ),
    }
)

FONT = "Times New Roman"
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

BODY_SIZE = 14
TABLE_SIZE = 12
FIRST_LINE_INDENT = Cm(1.27)
LINE_SPACING = 1.15
PARAGRAPH_AFTER = Pt(6)

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_LABEL = "Nơi nhận:"

# Header and signature tables: left and right column widths, and the cells' side padding.
HEADER_COLUMNS_MM = (68.0, 100.0)
SIGNATURE_COLUMNS_MM = (75.0, 93.0)
_CELL_SIDE_MM = 1.0
# A header table a little wider than the text area, shifted left, as official templates do.
HEADER_SHIFT_MM = -1.5

_VIETNAMESE_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)

# Advance widths (1/1000 em) of Times New Roman, regular and bold, for estimating text length.
# Accented Vietnamese letters are measured by their base letter; unknown characters as "n".
_WIDTHS_REGULAR = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.,:;/()",
        (
            444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500,
            333, 389, 278, 500, 500, 722, 500, 500, 444,
            722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722,
            667, 556, 611, 722, 722, 944, 722, 722, 611,
            *([500] * 10), 250, 333, 250, 250, 278, 278, 278, 333, 333,
        ),
        strict=True,
    )
)  # fmt: skip
_WIDTHS_BOLD = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.,:;/()",
        (
            500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556,
            444, 389, 333, 556, 500, 722, 500, 500, 444,
            722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778,
            722, 556, 667, 722, 722, 1000, 722, 722, 667,
            *([500] * 10), 250, 333, 250, 250, 333, 333, 278, 333, 333,
        ),
        strict=True,
    )
)  # fmt: skip


def text_width_mm(text: str, size: float, *, bold: bool = False) -> float:
    """The estimated printed length of ``text`` in Times New Roman at ``size`` points."""
    widths = _WIDTHS_BOLD if bold else _WIDTHS_REGULAR
    units = 0
    for char in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")):
        if unicodedata.combining(char):
            continue
        units += widths.get(char, widths["n"])
    return units / 1000 * size * 25.4 / 72


# ---------------------------------------------------------------------------------------------
# DOCX


def build_docx(report: ReportDocument) -> DocxDocument:
    """The report as a python-docx document (not yet saved)."""
    document = docx.Document()
    _setup_styles(document)
    _setup_section(document)
    _set_properties(document, report)
    state = _RenderState()
    _header_table(document, report)
    _title(document, report)
    _blocks(document, report.body, state)
    _signature(document, report)
    if report.annex is not None:
        _annex(document, report, report.annex, state)
    _drop_leading_empty_paragraph(document)
    return document


def render_docx(report: ReportDocument) -> bytes:
    """The report as the bytes of a DOCX file."""
    buffer = io.BytesIO()
    build_docx(report).save(buffer)
    return buffer.getvalue()


def write_docx(report: ReportDocument, path: str | Path) -> Path:
    """Write the report to ``path`` (a ``.docx`` file) and return the path."""
    path = Path(path)
    path.write_bytes(render_docx(report))
    return path


def bookmark_name(trace: str) -> str:
    """The DOCX bookmark that wraps a figure traced ``trace`` (Word allows 40 characters:
    letters, digits and ``_``). Readable when the id allows it, otherwise shortened with a
    hash. A figure cited again gets ``_2``, ``_3`` … appended (see :func:`traced_figures`)."""
    clean = re.sub(r"[^A-Za-z0-9_]", "_", unicodedata.normalize("NFC", trace))
    name = f"chiso_{clean}"
    if clean != trace or len(name) > 32:
        name = f"chiso_{clean[:17]}_{sha1(trace.encode()).hexdigest()[:8]}"
    return name


def traced_figures(document: DocxDocument) -> dict[str, str]:
    """Bookmark name → the text it wraps, for every traced figure of a rendered document."""
    body = document.element.body
    found: dict[str, str] = {}
    for start in body.iter(qn("w:bookmarkStart")):
        name = start.get(qn("w:name"))
        if not name or not name.startswith("chiso_"):
            continue
        mark = start.get(qn("w:id"))
        texts: list[str] = []
        node = start.getnext()
        while node is not None and not (
            node.tag == qn("w:bookmarkEnd") and node.get(qn("w:id")) == mark
        ):
            texts.extend(t.text or "" for t in node.iter(qn("w:t")))
            node = node.getnext()
        found[name] = "".join(texts)
    return found


class _RenderState:
    """What changes while rendering: bookmark ids and names, heading numbers."""

    def __init__(self) -> None:
        self.next_bookmark_id = 1
        self.bookmark_names: set[str] = set()
        self.heading_numbers = [0, 0, 0]

    def new_bookmark(self, trace: str) -> tuple[str, str]:
        base = bookmark_name(trace)
        name, copy = base, 1
        while name in self.bookmark_names:
            copy += 1
            name = f"{base}_{copy}"
        self.bookmark_names.add(name)
        mark = str(self.next_bookmark_id)
        self.next_bookmark_id += 1
        return mark, name

    def heading_label(self, heading: Heading) -> str:
        index = heading.level - 1
        self.heading_numbers[index] += 1
        for deeper in range(index + 1, len(self.heading_numbers)):
            self.heading_numbers[deeper] = 0
        number = self.heading_numbers[index]
        if heading.level == 1:
            return f"{_roman(number)}."
        if heading.level == 2:
            return f"{number}."
        return f"{_letter(number)})"


def _roman(number: int) -> str:
    out = []
    for value, symbol in _ROMAN:
        while number >= value:
            out.append(symbol)
            number -= value
    return "".join(out)


def _letter(number: int) -> str:
    letters = _VIETNAMESE_LETTERS
    text = ""
    while number > 0:
        number, rest = divmod(number - 1, len(letters))
        text = letters[rest] + text
    return text


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _upper(text: str) -> str:
    return _nfc(text).upper()


# --- document set-up -------------------------------------------------------------------------


def _set_fonts(rpr) -> None:
    """Times New Roman for every script (ascii, hAnsi, eastAsia, cs), no theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)


def _setup_styles(document: DocxDocument) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default)
    for tag in ("w:sz", "w:szCs"):
        rpr_default.find(qn(tag)).set(qn("w:val"), str(BODY_SIZE * 2))
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _setup_section(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    # Page 1 has an empty header; the default header numbers pages 2, 3, …
    first = section.first_page_header.paragraphs[0]
    first.text = ""
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number, BODY_SIZE)


def _page_field(paragraph: DocxParagraph, size: int) -> None:
    def run_with(element):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        run._r.append(element)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run_with(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    shown = paragraph.add_run("2")
    shown.font.size = Pt(size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _set_properties(document: DocxDocument, report: ReportDocument) -> None:
    properties = document.core_properties
    properties.title = _nfc(" ".join(report.subject.split()))
    properties.subject = report.kind_title
    properties.author = _nfc(report.issuing_body)
    properties.last_modified_by = "chiso"
    properties.language = "vi-VN"
    properties.comments = report.number_line()


def _drop_leading_empty_paragraph(document: DocxDocument) -> None:
    """python-docx's template starts with nothing, but be safe: no blank line above the header."""
    body = document.element.body
    first = body[0] if len(body) else None
    if first is not None and first.tag == qn("w:p") and not "".join(first.itertext()).strip():
        body.remove(first)


# --- paragraphs and runs ---------------------------------------------------------------------


def _format(
    paragraph: DocxParagraph,
    *,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    line: float | None = None,
    first_line: Cm | None = None,
    keep_with_next: bool = False,
) -> DocxParagraph:
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line if line is not None else 1.0
    if first_line is not None:
        fmt.first_line_indent = first_line
    if keep_with_next:
        fmt.keep_with_next = True
    return paragraph


def _run(
    paragraph: DocxParagraph,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
):
    run = paragraph.add_run(_nfc(text))
    run.font.size = Pt(size)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    return run


def _lines(
    paragraph: DocxParagraph, text: str, size: float, *, bold: bool = False, italic: bool = False
) -> None:
    """``text`` with its ``\\n`` as line breaks inside one paragraph."""
    for index, line in enumerate(_nfc(text).split("\n")):
        run = _run(paragraph, "", size, bold=bold, italic=italic)
        if index:
            run.add_break()
        run.add_text(line.strip())


def _new_paragraph(container) -> DocxParagraph:
    """A new paragraph in a document or a cell; a fresh cell's own empty paragraph is reused."""
    if isinstance(container, _Cell):
        paragraphs = container.paragraphs
        if len(paragraphs) == 1 and paragraphs[0]._p.pPr is None and not paragraphs[0].runs:
            return paragraphs[0]
    return container.add_paragraph()


def _rule(container, length_mm: float, room_mm: float, *, before: float = 0, after: float = 0):
    """A centred horizontal rule ``length_mm`` long in a space ``room_mm`` wide."""
    paragraph = _new_paragraph(container)
    fmt = paragraph.paragraph_format
    side = max(0.0, (room_mm - length_mm) / 2)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "auto")
    borders.append(bottom)
    ppr.insert_element_before(borders, *_PPR_AFTER_PBDR)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    ppr.insert_element_before(mark, "w:sectPr", "w:pPrChange")
    return paragraph


_PPR_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _traced(paragraph: DocxParagraph, state: _RenderState, trace: str | None, add) -> None:
    """Call ``add()`` (which adds runs to ``paragraph``); wrap them in a bookmark if traced."""
    if trace is None:
        add()
        return
    mark, name = state.new_bookmark(trace)
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), mark)
    start.set(qn("w:name"), name)
    paragraph._p.append(start)
    add()
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), mark)
    paragraph._p.append(end)


# --- tables ----------------------------------------------------------------------------------


def _twips(mm: float) -> str:
    return str(round(mm / 25.4 * 1440))


def _table_shell(document: DocxDocument, rows: int, widths_mm: Sequence[float], *, grid: bool):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    if grid:
        table.style = document.styles["Table Grid"]
    table.autofit = False
    tblpr = table._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tblpr.append(width)
    width.set(qn("w:w"), _twips(sum(widths_mm)))
    width.set(qn("w:type"), "dxa")
    for index, column_mm in enumerate(widths_mm):
        table.columns[index].width = Mm(column_mm)
        for cell in table.columns[index].cells:
            cell.width = Mm(column_mm)
    if not grid:
        _no_borders(table)
        _cell_margins(table, _CELL_SIDE_MM)
    return table


def _no_borders(table: DocxTable) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _insert_tblpr(table, borders)


def _cell_margins(table: DocxTable, side_mm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side, mm in (("left", side_mm), ("right", side_mm)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), _twips(mm))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _insert_tblpr(table, margins)


def _indent_table(table: DocxTable, mm: float) -> None:
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), _twips(mm))
    indent.set(qn("w:type"), "dxa")
    _insert_tblpr(table, indent)


_TBLPR_ORDER = (
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
)


def _insert_tblpr(table: DocxTable, element) -> None:
    tblpr = table._tbl.tblPr
    existing = tblpr.find(element.tag)
    if existing is not None:
        tblpr.remove(existing)
    tag = element.tag.split("}")[1]
    position = _TBLPR_ORDER.index(f"w:{tag}")
    tblpr.insert_element_before(element, *_TBLPR_ORDER[position + 1 :])


def _row_flags(row, *, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


# --- header ----------------------------------------------------------------------------------


def _header_table(document: DocxDocument, report: ReportDocument) -> None:
    left_mm, right_mm = HEADER_COLUMNS_MM
    table = _table_shell(document, 2, HEADER_COLUMNS_MM, grid=False)
    _indent_table(table, HEADER_SHIFT_MM)
    left_room = left_mm - 2 * _CELL_SIDE_MM
    right_room = right_mm - 2 * _CELL_SIDE_MM

    left = table.cell(0, 0)
    if report.parent_body.strip():
        _run(_format(_new_paragraph(left)), _upper(report.parent_body), 13)
    issuing = _format(_new_paragraph(left))
    _lines(issuing, _upper(report.issuing_body), 13, bold=True)
    longest = max(
        min(text_width_mm(line, 13, bold=True), left_room)
        for line in _upper(report.issuing_body).split("\n")
    )
    _rule(left, max(15.0, 0.4 * longest), left_room, before=2)

    right = table.cell(0, 1)
    _run(_format(_new_paragraph(right)), NATIONAL_NAME, 12, bold=True)
    _run(_format(_new_paragraph(right)), MOTTO, 13, bold=True)
    _rule(right, text_width_mm(MOTTO, 13, bold=True), right_room, before=2)

    for cell in table.rows[0].cells:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    number = _format(_new_paragraph(table.cell(1, 0)), before=6)
    _run(number, report.number_line(), 13)
    place_date = _format(_new_paragraph(table.cell(1, 1)), before=6)
    _run(place_date, place_date_line(_nfc(report.place), report.date), 14, italic=True)
    for row in table.rows:
        _row_flags(row)


def _title(document: DocxDocument, report: ReportDocument) -> None:
    kind = _format(document.add_paragraph(), before=18, keep_with_next=True)
    _run(kind, _upper(report.kind_title), 14, bold=True)
    subject = _format(document.add_paragraph(), keep_with_next=True)
    _lines(subject, report.subject, 14, bold=True)
    longest = max(
        min(text_width_mm(line.strip(), 14, bold=True), TEXT_WIDTH_MM)
        for line in _nfc(report.subject).split("\n")
    )
    _rule(document, max(15.0, 0.4 * longest), TEXT_WIDTH_MM, before=3, after=18)


# --- body ------------------------------------------------------------------------------------


def _blocks(document: DocxDocument, blocks: Sequence, state: _RenderState) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            _heading(document, block, state)
        elif isinstance(block, Paragraph):
            _paragraph(document, block, state)
        elif isinstance(block, Table):
            _data_table(document, block, state)
        elif isinstance(block, PageBreak):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise TypeError(f"not a report block: {block!r}")


def _body_format(paragraph: DocxParagraph, *, keep_with_next: bool = False) -> DocxParagraph:
    return _format(
        paragraph,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        after=PARAGRAPH_AFTER.pt,
        line=LINE_SPACING,
        first_line=FIRST_LINE_INDENT,
        keep_with_next=keep_with_next,
    )


def _heading(document: DocxDocument, heading: Heading, state: _RenderState) -> None:
    paragraph = _body_format(document.add_paragraph(), keep_with_next=True)
    text = _upper(heading.text) if heading.level == 1 else _nfc(heading.text)
    if heading.numbered:
        text = f"{state.heading_label(heading)} {text}"
    _run(paragraph, text, BODY_SIZE, bold=True, italic=heading.level == 3)
    paragraph._p.get_or_add_pPr().get_or_add_outlineLvl().val = heading.level - 1


def _paragraph(document: DocxDocument, block: Paragraph, state: _RenderState) -> None:
    paragraph = _body_format(document.add_paragraph())
    for part in block.runs:
        run = Run(part) if isinstance(part, str) else part
        _traced(
            paragraph,
            state,
            run.trace,
            lambda run=run: _run(paragraph, run.text, BODY_SIZE, bold=run.bold, italic=run.italic),
        )


def _format_cell(value: CellValue, column_format: ColumnFormat) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _nfc(value)
    if column_format == "percent":
        return format_number(value, 1) + "%"
    if column_format == "decimal":
        return format_number(value, 1)
    if column_format == "integer":
        return format_number(value, 0 if value == int(value) else None)
    return format_number(value)


_CELL_ALIGN = {
    "text": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "integer": WD_ALIGN_PARAGRAPH.RIGHT,
    "decimal": WD_ALIGN_PARAGRAPH.RIGHT,
    "percent": WD_ALIGN_PARAGRAPH.RIGHT,
}


def _table_widths(table: Table, room_mm: float) -> tuple[float, ...]:
    if table.widths_mm is not None:
        return table.widths_mm
    return tuple(room_mm / len(table.header) for _ in table.header)


def _data_table(document: DocxDocument, table: Table, state: _RenderState) -> None:
    if table.title:
        title = _format(document.add_paragraph(), before=6, after=3, keep_with_next=True)
        _lines(title, table.title, 13, bold=True)
    if table.note:
        note = _format(
            document.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT, after=3, keep_with_next=True
        )
        _run(note, table.note, TABLE_SIZE, italic=True)
    formats = table.column_formats()
    widths = _table_widths(table, TEXT_WIDTH_MM)
    shell = _table_shell(document, 1 + len(table.rows), widths, grid=True)
    shell.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, text in enumerate(table.header):
        cell = shell.cell(0, column)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = _format(_new_paragraph(cell), before=2, after=2)
        _lines(paragraph, text, TABLE_SIZE, bold=True)
    _row_flags(shell.rows[0], header=True)
    for index, row in enumerate(table.rows, start=1):
        bold = (index - 1) in table.bold_rows
        for column, cell_content in enumerate(row):
            cell = shell.cell(index, column)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = _format(
                _new_paragraph(cell),
                align=_CELL_ALIGN[formats[column]],
                before=2,
                after=2,
            )
            text = _format_cell(cell_value(cell_content), formats[column])
            _traced(
                paragraph,
                state,
                cell_trace(cell_content),
                lambda paragraph=paragraph, text=text, bold=bold: _lines(
                    paragraph, text, TABLE_SIZE, bold=bold
                ),
            )
        _row_flags(shell.rows[index])
    _format(document.add_paragraph(), after=6, line=1.0)


# --- signature and recipients ----------------------------------------------------------------


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """``- Như trên;`` … ``- Lưu: VT, VX.``: a dash before each, ``;`` after all but the last,
    ``.`` after the last, unless the text already ends with punctuation."""
    lines = []
    for index, item in enumerate(recipients):
        text = _nfc(item).strip().lstrip("-").strip()
        if not text:
            continue
        if text[-1] not in ";.,:":
            text += "." if index == len(recipients) - 1 else ";"
        lines.append(f"- {text}")
    return lines


def _signature(document: DocxDocument, report: ReportDocument) -> None:
    # The signature never stands alone on a page: the last paragraph goes with it.
    last = document.element.body[-2] if len(document.element.body) > 1 else None
    if last is not None and last.tag == qn("w:p"):
        DocxParagraph(last, document._body).paragraph_format.keep_with_next = True
    _format(document.add_paragraph(), after=0, line=1.0, keep_with_next=True)
    table = _table_shell(document, 1, SIGNATURE_COLUMNS_MM, grid=False)
    _indent_table(table, HEADER_SHIFT_MM)
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.vertical_alignment = right.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    if report.recipients:
        label = _format(_new_paragraph(left), align=WD_ALIGN_PARAGRAPH.LEFT)
        _run(label, RECIPIENTS_LABEL, 12, bold=True, italic=True)
        for line in recipient_lines(report.recipients):
            _run(_format(_new_paragraph(left), align=WD_ALIGN_PARAGRAPH.LEFT), line, 11)

    signature = report.signature
    if signature.authority.strip():
        _run(_format(_new_paragraph(right)), _upper(signature.authority), 14, bold=True)
    for line in signature.position_lines():
        _run(_format(_new_paragraph(right)), _upper(line), 14, bold=True)
    # Room for the signature and the seal (about 3 cm).
    _format(_new_paragraph(right), before=72)
    if signature.signer.strip():
        _run(_format(_new_paragraph(right)), _nfc(signature.signer.strip()), 14, bold=True)
    _row_flags(table.rows[0])


# --- annex -----------------------------------------------------------------------------------


def annex_note(report: ReportDocument) -> str:
    """``(Kèm theo Báo cáo số 123/BC-UBND ngày 14/02/2023)``."""
    kind = _nfc(report.kind_title).strip().lower().capitalize()
    return f"(Kèm theo {kind} số {report.reference()} ngày {format_date_short(report.date)})"


def _annex(
    document: DocxDocument, report: ReportDocument, annex: Annex, state: _RenderState
) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    label = _format(document.add_paragraph(), keep_with_next=True)
    _run(label, _upper(annex.label), 14, bold=True)
    title = _format(document.add_paragraph(), keep_with_next=True)
    _lines(title, annex.title, 14, bold=True)
    note = _format(document.add_paragraph(), after=12, keep_with_next=True)
    _run(note, annex.note if annex.note is not None else annex_note(report), 14, italic=True)
    _blocks(document, annex.tables, state)


# ---------------------------------------------------------------------------------------------
# XLSX annex

_XLSX_FORMATS = {"integer": "#,##0", "decimal": "#,##0.0", "percent": "0.0%"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", " ".join(_nfc(title).split())).strip("' ")[:31] or "Bảng"
    name, copy = base, 1
    while name.casefold() in used:
        copy += 1
        suffix = f" ({copy})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.casefold())
    return name


def _xlsx_value(value: CellValue, column_format: ColumnFormat):
    if value is None or isinstance(value, str):
        return _nfc(value) if isinstance(value, str) else None
    if column_format == "percent":
        return Decimal(value) / 100
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def render_annex_xlsx(tables: Sequence[Table]) -> bytes:
    """The tables as an XLSX workbook, one sheet each: the title (if any) and the note on top,
    then a bold header row frozen in place, numbers as numeric cells (``#,##0``, ``#,##0.0``,
    ``0.0%``; Excel shows the separators of the reader's locale)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "chiso"
    used: set[str] = set()
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for number, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(_sheet_title(table.title or f"Bảng {number}", used))
        columns = len(table.header)
        formats = table.column_formats()
        row = 1
        if table.title:
            sheet.cell(row, 1, _nfc(" ".join(table.title.split()))).font = Font(
                name=FONT, size=13, bold=True
            )
            row += 1
        if table.note:
            sheet.cell(row, 1, _nfc(table.note)).font = Font(name=FONT, size=12, italic=True)
            row += 1
        header_row = row
        for column, text in enumerate(table.header, start=1):
            cell = sheet.cell(header_row, column, _nfc(text))
            cell.font = Font(name=FONT, size=12, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.fill = PatternFill("solid", fgColor="E7E6E6")
            cell.border = border
        for index, values in enumerate(table.rows):
            bold = index in table.bold_rows
            for column, content in enumerate(values, start=1):
                column_format = formats[column - 1]
                value = cell_value(content)
                cell = sheet.cell(header_row + 1 + index, column, _xlsx_value(value, column_format))
                cell.font = Font(name=FONT, size=12, bold=bold)
                cell.border = border
                if column_format in _XLSX_FORMATS and not isinstance(value, str):
                    cell.number_format = _XLSX_FORMATS[column_format]
                    cell.alignment = Alignment(horizontal="right", vertical="center")
                elif column_format == "center":
                    cell.alignment = Alignment(horizontal="center", vertical="center")
                else:
                    cell.alignment = Alignment(vertical="center", wrap_text=True)
        for column in range(1, columns + 1):
            sheet.column_dimensions[get_column_letter(column)].width = _xlsx_width(
                table, column - 1
            )
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_width(table: Table, column: int) -> float:
    if table.widths_mm is not None:
        return max(8.0, round(table.widths_mm[column] / 1.8, 1))
    longest = max(
        [len(word) for word in table.header[column].split()]
        + [len(_format_cell(cell_value(row[column]), "text")) for row in table.rows]
        + [6]
    )
    return float(min(60, longest + 2))


# ---------------------------------------------------------------------------------------------
# PDF


def libreoffice_command() -> str | None:
    """The LibreOffice executable on PATH (``libreoffice`` or ``soffice``), or None."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def render_pdf(docx_path: str | Path, out_dir: str | Path, *, timeout: float = 180) -> Path:
    """Convert a DOCX file to PDF in ``out_dir`` with LibreOffice (headless) and return the PDF's
    path. Raises :class:`ChisoError` when LibreOffice is not installed, fails or times out."""
    docx_path = Path(docx_path).resolve()
    out_dir = Path(out_dir).resolve()
    executable = libreoffice_command()
    if executable is None:
        raise ChisoError("report.pdf_no_libreoffice")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{docx_path.stem}.pdf"
    # A private profile: a LibreOffice already open on the desktop or another conversion running
    # at the same time would otherwise hold the default profile's lock.
    with tempfile.TemporaryDirectory(prefix="chiso-lo-") as profile:
        command = [
            executable,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx_path),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise ChisoError(
                "report.pdf_timeout", file=docx_path.name, seconds=int(timeout)
            ) from None
    if result.returncode != 0 or not target.is_file():
        detail = (result.stderr or result.stdout or "").strip().splitlines()
        raise ChisoError(
            "report.pdf_failed",
            file=docx_path.name,
            detail=detail[-1] if detail else f"mã thoát {result.returncode}",
        )
    return target


__all__ = [
    "bookmark_name",
    "build_docx",
    "libreoffice_command",
    "recipient_lines",
    "render_annex_xlsx",
    "render_docx",
    "render_pdf",
    "text_width_mm",
    "traced_figures",
    "write_docx",
]
