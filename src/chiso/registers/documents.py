"""Printable personal lists: the signing sheet of a programme (danh sách ký nhận) as DOCX and
XLSX, and the household list as XLSX. Rendering only: the callers (web) check the scope, ask the
reason and log the export (``services.export_log_record``) before handing a file out.

The DOCX follows the layout of administrative documents (Decree 30/2020/NĐ-CP): A4, margins
20/20/30/15 mm, Times New Roman; a borderless header table (the commune's People's Committee
left, the national motto right), the title, then the table STT / Họ tên chủ hộ / Địa chỉ / Số
lượng / Giá trị / Ký nhận with a total row, and the signature block.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from chiso.core.dates import format_date_short, place_date_line
from chiso.core.numbers import format_number

FONT = "Times New Roman"


@dataclass(frozen=True)
class SheetRow:
    name: str
    address: str
    quantity: Decimal
    value: Decimal


@dataclass(frozen=True)
class SigningSheet:
    authority: str  # "ỦY BAN NHÂN DÂN XÃ LỘC THÁI"
    parent: str  # "ỦY BAN NHÂN DÂN HUYỆN LỘC NINH"
    place: str  # for the date line: "Lộc Thái"
    title: str  # "DANH SÁCH KÝ NHẬN"
    subtitle: str  # programme and item
    unit_label: str  # "Số lượng (phần quà)"
    rows: Sequence[SheetRow]
    day: date
    headers: Sequence[str]  # STT, Họ tên chủ hộ, Địa chỉ, Số lượng, Giá trị (đồng), Ký nhận
    total_label: str
    signers: Sequence[str]  # "NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN"
    demo_note: str = ""

    @property
    def total_quantity(self) -> Decimal:
        return sum((r.quantity for r in self.rows), Decimal(0))

    @property
    def total_value(self) -> Decimal:
        return sum((r.value for r in self.rows), Decimal(0))


def _run(paragraph, text: str, *, size: float = 13, bold=False, italic=False):
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def _para(cell_or_doc, text: str = "", *, size=13, bold=False, italic=False, align="center"):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _borders(table) -> None:
    """Single borders on every cell (python-docx's default table has none)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def _cell_text(cell, text: str, *, bold=False, align="left", size=12) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    _run(paragraph, text, size=size, bold=bold)


def signing_sheet_docx(sheet: SigningSheet) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.paragraphs[0].text = ""
    _run(left.paragraphs[0], sheet.parent, size=12)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(left, sheet.authority, size=12, bold=True)
    right.paragraphs[0].text = ""
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
    _para(right, place_date_line(sheet.place, sheet.day), size=13, italic=True)

    _para(document, "")
    _para(document, sheet.title, size=14, bold=True)
    _para(document, sheet.subtitle, size=13, bold=True)
    if sheet.demo_note:
        _para(document, sheet.demo_note, size=12, italic=True)
    _para(document, "")

    table = document.add_table(rows=1, cols=6)
    _borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(1.1), Cm(4.6), Cm(4.6), Cm(2.0), Cm(2.6), Cm(2.6))
    for cell, text, width in zip(table.rows[0].cells, sheet.headers, widths, strict=True):
        _cell_text(cell, text, bold=True, align="center")
        cell.width = width
    for number, row in enumerate(sheet.rows, start=1):
        cells = table.add_row().cells
        _cell_text(cells[0], str(number), align="center")
        _cell_text(cells[1], row.name)
        _cell_text(cells[2], row.address)
        _cell_text(cells[3], format_number(row.quantity), align="right")
        _cell_text(cells[4], format_number(row.value), align="right")
        _cell_text(cells[5], "")
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
    cells = table.add_row().cells
    merged = cells[0].merge(cells[2])
    _cell_text(merged, sheet.total_label, bold=True, align="center")
    _cell_text(cells[3], format_number(sheet.total_quantity), bold=True, align="right")
    _cell_text(cells[4], format_number(sheet.total_value), bold=True, align="right")
    _cell_text(cells[5], "")

    _para(document, "")
    signatures = document.add_table(rows=1, cols=len(sheet.signers))
    for cell, signer in zip(signatures.rows[0].cells, sheet.signers, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], signer, size=13, bold=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def signing_sheet_xlsx(sheet: SigningSheet) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "Danh sách ký nhận"
    bold = Font(name=FONT, bold=True, size=12)
    normal = Font(name=FONT, size=12)
    ws.append([sheet.parent])
    ws.append([sheet.authority])
    ws.append([sheet.title])
    ws.append([sheet.subtitle])
    ws.append([place_date_line(sheet.place, sheet.day)])
    if sheet.demo_note:
        ws.append([sheet.demo_note])
    ws.append([])
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        for cell in row:
            cell.font = bold
    ws.append(list(sheet.headers))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font, cell.border = bold, _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(sheet.rows, start=1):
        ws.append([number, row.name, row.address, row.quantity, row.value, ""])
        for cell in ws[ws.max_row]:
            cell.font, cell.border = normal, _BOX
    ws.append([sheet.total_label, "", "", sheet.total_quantity, sheet.total_value, ""])
    for cell in ws[ws.max_row]:
        cell.font, cell.border = bold, _BOX
    for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row):
        row[3].number_format = "#,##0.##"
        row[4].number_format = "#,##0"
    for letter, width in zip("ABCDEF", (6, 30, 34, 12, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([])
    ws.append(list(sheet.signers))
    for cell in ws[ws.max_row]:
        cell.font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def households_xlsx(headers: Sequence[str], rows: Sequence[Sequence], title: str) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "Danh sách hộ"
    ws.append([title])
    ws["A1"].font = Font(name=FONT, bold=True, size=13)
    ws.append([])
    ws.append(list(headers))
    for cell in ws[3]:
        cell.font, cell.border = Font(name=FONT, bold=True), _BOX
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            cell.border = _BOX
    for index, width in enumerate((6, 16, 30, 10, 16, 32, 28, 40), start=1):
        ws.column_dimensions[chr(64 + index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def date_label(day: date) -> str:
    return format_date_short(day)
