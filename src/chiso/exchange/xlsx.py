"""The XLSX entry template that communes fill offline, and its parser.

One sheet, "Số liệu": a header naming the unit, period and indicator group; a table with one
line per (unit, period, indicator, option combo). Columns A–D hold the keys (indicator code,
option combo code, unit code, period id): hidden and locked. The visible columns name them in
Vietnamese; "Giá trị" (J) and "Ghi chú" (K) are the only unlocked cells, and J carries a number
format and a data validation matching the indicator's value type. A hidden row under the
visible header holds machine keys (``#indicator`` …) so the parser finds the table whatever the
language of the headers.

The parser also reads any sheet whose header row uses the DHIS2 CSV column names
(``dataelement``, ``period``, ``orgunit``, ``catoptcombo``, ``value``, ``comment``).

Numbers typed into number cells are read exactly; text in a value cell is read the Vietnamese
way ("1.234,5", "có"), so "1.5" typed as text is refused with a message naming the cell. An
empty value cell is skipped (it does not delete anything).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chiso.datavalues.types import (
    PROPERTY_INDICATOR,
    PROPERTY_ORGUNIT,
    PROPERTY_PERIOD,
    PROPERTY_VALUE,
)
from chiso.exchange.parsing import ParseResult, ValueInput
from chiso.indicators.models import ValueType

SHEET_TITLE = "Số liệu"
KEY_PREFIX = "#"
# (key, hidden) in column order; headers are translated when the sheet is built.
COLUMNS = (
    ("indicator", True),
    ("option_combo", True),
    ("orgunit", True),
    ("period", True),
    ("orgunit_name", False),
    ("period_label", False),
    ("indicator_name", False),
    ("option_combo_name", False),
    ("unit", False),
    ("value", False),
    ("comment", False),
)
COLUMN_LETTER = {key: get_column_letter(n) for n, (key, _hidden) in enumerate(COLUMNS, start=1)}
WIDTHS = {
    "orgunit_name": 24,
    "period_label": 16,
    "indicator_name": 55,
    "option_combo_name": 26,
    "unit": 12,
    "value": 18,
    "comment": 30,
}
HEADER_ROW = 7
KEY_ROW = 8
FIRST_DATA_ROW = 9
# DHIS2 CSV column names accepted as a header row instead of the template's key row.
DHIS2_KEYS = {
    "dataelement": "indicator",
    "catoptcombo": "option_combo",
    "orgunit": "orgunit",
    "period": "period",
    "value": "value",
    "comment": "comment",
}
REQUIRED_KEYS = ("indicator", "orgunit", "period", "value")
SCAN_ROWS = 50
MAX_UNCOMPRESSED = 200 * 1024 * 1024
_LIMIT = "999999999999999"


def _headers() -> dict[str, str]:
    return {
        "indicator": _("Mã chỉ tiêu"),
        "option_combo": _("Mã phân tổ"),
        "orgunit": _("Mã đơn vị"),
        "period": _("Mã kỳ"),
        "orgunit_name": _("Đơn vị"),
        "period_label": _("Kỳ báo cáo"),
        "indicator_name": _("Chỉ tiêu"),
        "option_combo_name": _("Phân tổ"),
        "unit": _("Đơn vị tính"),
        "value": _("Giá trị"),
        "comment": _("Ghi chú"),
    }


@dataclass(frozen=True)
class SheetRow:
    """One line of the table."""

    indicator: str
    option_combo: str
    orgunit: str
    period: str
    orgunit_name: str
    period_label: str
    indicator_name: str
    option_combo_name: str
    unit: str
    value_type: str
    value: Decimal | str | None = None
    comment: str = ""


@dataclass(frozen=True)
class SheetHeader:
    title: str
    unit: str
    period: str
    group: str


def _number_format(value_type: str) -> str:
    if value_type in (ValueType.INTEGER, ValueType.MONEY):
        return "#,##0"
    if value_type == ValueType.TEXT or value_type == ValueType.BOOLEAN:
        return "@"
    return "General"


def _validations() -> dict[str, DataValidation]:
    def number(kind: str, operator: str, formula1: str, formula2: str | None, message: str):
        dv = DataValidation(
            type=kind,
            operator=operator,
            formula1=formula1,
            formula2=formula2,
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
        )
        dv.errorTitle = _("Giá trị không hợp lệ")
        dv.error = message
        dv.promptTitle = _("Giá trị")
        dv.prompt = message
        return dv

    yes, no = _("có"), _("không")
    boolean = DataValidation(
        type="list",
        formula1=f'"{yes},{no}"',
        allow_blank=True,
        showErrorMessage=True,
    )
    boolean.errorTitle = _("Giá trị không hợp lệ")
    boolean.error = _("Chọn “có” hoặc “không”.")
    return {
        ValueType.INTEGER: number(
            "whole", "between", f"-{_LIMIT}", _LIMIT, _("Ô này chỉ nhận số nguyên.")
        ),
        ValueType.MONEY: number(
            "whole", "between", "0", _LIMIT, _("Ô này chỉ nhận số tiền (đồng), số nguyên không âm.")
        ),
        ValueType.NUMBER: number(
            "decimal", "between", f"-{_LIMIT}", _LIMIT, _("Ô này chỉ nhận số.")
        ),
        ValueType.PERCENTAGE: number(
            "decimal",
            "between",
            "0",
            _LIMIT,
            _("Ô này chỉ nhận tỷ lệ phần trăm (ví dụ 96 hoặc 103,6)."),
        ),
        ValueType.BOOLEAN: boolean,
    }


def build_workbook(header: SheetHeader, rows: Iterable[SheetRow]) -> bytes:
    """The template (or an export in the same layout) as XLSX bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    headers = _headers()
    first_visible = COLUMN_LETTER["orgunit_name"]
    bold = Font(bold=True)
    ws[f"{first_visible}1"] = header.title
    ws[f"{first_visible}1"].font = Font(bold=True, size=14)
    ws[f"{first_visible}2"] = _("Đơn vị: %(unit)s") % {"unit": header.unit}
    ws[f"{first_visible}3"] = _("Kỳ báo cáo: %(period)s") % {"period": header.period}
    ws[f"{first_visible}4"] = _("Nhóm chỉ tiêu: %(group)s") % {"group": header.group}
    ws[f"{first_visible}5"] = _(
        "Nhập số vào cột “%(value)s” (số nguyên hoặc số thập phân có dấu phẩy, ví dụ 1234,5);"
        " ô để trống sẽ không được nhập. Không sửa các cột khác."
    ) % {"value": headers["value"]}
    ws[f"{first_visible}5"].font = Font(italic=True)
    fill = PatternFill("solid", fgColor="EEF0F3")
    for n, (key, hidden) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(n)
        cell = ws.cell(row=HEADER_ROW, column=n, value=headers[key])
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.cell(row=KEY_ROW, column=n, value=KEY_PREFIX + key)
        dimension = ws.column_dimensions[letter]
        if hidden:
            dimension.hidden = True
        else:
            dimension.width = WIDTHS.get(key, 14)
    ws.row_dimensions[KEY_ROW].hidden = True
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"

    validations = _validations()
    validated: dict[str, list[str]] = {}
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    value_col = COLUMNS.index(("value", False)) + 1
    comment_col = value_col + 1
    row_number = FIRST_DATA_ROW - 1
    for row_number, row in enumerate(rows, start=FIRST_DATA_ROW):
        ws.append(
            [
                row.indicator,
                row.option_combo,
                row.orgunit,
                row.period,
                row.orgunit_name,
                row.period_label,
                row.indicator_name,
                row.option_combo_name,
                row.unit,
                _cell_value(row),
                row.comment or None,
            ]
        )
        ws.cell(
            row=row_number, column=COLUMNS.index(("indicator_name", False)) + 1
        ).alignment = wrap
        value_cell = ws.cell(row=row_number, column=value_col)
        value_cell.protection = unlocked
        value_cell.number_format = _number_format(row.value_type)
        ws.cell(row=row_number, column=comment_col).protection = unlocked
        if row.value_type in validations:
            validated.setdefault(row.value_type, []).append(value_cell.coordinate)
    for value_type, cells in validated.items():
        dv = validations[value_type]
        ws.add_data_validation(dv)
        for coordinate in cells:
            dv.add(coordinate)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_value(row: SheetRow):
    value = row.value
    if value is None or value == "":
        return None
    if row.value_type == ValueType.BOOLEAN:
        return _("có") if str(value).lower() in {"true", "1"} else _("không")
    if row.value_type == ValueType.TEXT:
        return str(value)
    try:
        return Decimal(value)
    except ArithmeticError:
        return str(value)


# --- parsing -----------------------------------------------------------------------------------


def cell_location(column: int, row: int) -> str:
    return _("ô %(cell)s") % {"cell": f"{get_column_letter(column)}{row}"}


def row_location(row: int) -> str:
    return _("dòng %(line)s") % {"line": row}


def _key_text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _find_table(ws) -> tuple[int, dict[str, int]] | None:
    """(row number of the key/header row, {key: 1-based column}) or None."""
    for row_number, values in enumerate(
        ws.iter_rows(min_row=1, max_row=SCAN_ROWS, values_only=True), start=1
    ):
        columns: dict[str, int] = {}
        for position, raw in enumerate(values, start=1):
            if not isinstance(raw, str):
                continue
            text = raw.strip()
            if text.startswith(KEY_PREFIX):
                key = text[len(KEY_PREFIX) :]
            else:
                key = DHIS2_KEYS.get(text.lower(), "")
            if key and key not in columns:
                columns[key] = position
        if "indicator" in columns:
            return row_number, columns
    return None


def _too_big(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
        # A damaged archive (bad header, unknown zip version): load_workbook reports it.
        return False


def parse_xlsx(content: bytes) -> ParseResult:
    """Rows of the first sheet holding a table (template key row or DHIS2 header)."""
    result = ParseResult()
    if _too_big(content):
        return result.fail(_("Tệp Excel quá lớn sau khi giải nén."))
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        return result.fail(
            _("Không đọc được tệp Excel (.xlsx): %(error)s. Tệp .xls cũ cần lưu lại dạng .xlsx.")
            % {"error": exc.__class__.__name__}
        )
    try:
        for ws in wb.worksheets:
            table = _find_table(ws)
            if table is not None:
                _read_table(result, ws, *table)
                return result
        return result.fail(
            _(
                "Tệp Excel không theo mẫu của chiso: không tìm thấy bảng số liệu (dòng khóa"
                " #indicator hoặc dòng tiêu đề dataelement, period, orgunit, value). Hãy tải biểu"
                " mẫu tại trang “Nhập/xuất dữ liệu”."
            ),
            property="sheet",
        )
    finally:
        wb.close()


def _read_table(result: ParseResult, ws, key_row: int, columns: dict[str, int]) -> None:
    missing = [key for key in REQUIRED_KEYS if key not in columns]
    if missing:
        result.fail(
            _("Bảng số liệu trong tệp Excel thiếu cột: %(columns)s.")
            % {"columns": ", ".join(missing)},
            property="sheet",
        )
        return
    index = 0
    for row_number, cells in enumerate(ws.iter_rows(min_row=key_row + 1), start=key_row + 1):
        by_key = {}
        for key, column in columns.items():
            by_key[key] = cells[column - 1] if column - 1 < len(cells) else None
        value_cell = by_key["value"]
        raw = getattr(value_cell, "value", None)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        location = cell_location(columns["value"], row_number)
        result.locations[index] = location
        _read_row(result, index, row_number, by_key, columns)
        index += 1
    result.total = index


def _read_row(result: ParseResult, index: int, row_number: int, cells: dict, columns) -> None:
    keys = {
        key: _key_text(getattr(cells.get(key), "value", None))
        for key in ("indicator", "option_combo", "orgunit", "period", "comment")
    }
    ok = True
    for key, prop, label in (
        ("indicator", PROPERTY_INDICATOR, _("mã chỉ tiêu")),
        ("orgunit", PROPERTY_ORGUNIT, _("mã đơn vị")),
        ("period", PROPERTY_PERIOD, _("mã kỳ")),
    ):
        if not keys[key]:
            result.conflict(
                index,
                _("Dòng %(row)s thiếu %(what)s (ô %(cell)s).")
                % {
                    "row": row_number,
                    "what": label,
                    "cell": f"{get_column_letter(columns[key])}{row_number}",
                },
                property=prop,
            )
            ok = False
    cell = cells["value"]
    raw = cell.value
    locale_format = False
    if isinstance(raw, datetime | date | time):
        result.conflict(
            index,
            _("Ô %(cell)s chứa ngày/giờ, không phải số.")
            % {"cell": f"{get_column_letter(columns['value'])}{row_number}"},
            object=keys["indicator"],
            property=PROPERTY_VALUE,
            value=str(raw),
        )
        return
    if isinstance(raw, bool):
        text = "true" if raw else "false"
    elif isinstance(raw, int):
        text = str(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
        if "%" in (getattr(cell, "number_format", "") or ""):
            number *= 100
        text = "0" if number == 0 else format(number.normalize(), "f")
    else:
        text = str(raw).strip()
        locale_format = True
    if not ok:
        return
    result.items.append(
        ValueInput(
            index=index,
            indicator_code=keys["indicator"],
            option_combo_code=keys["option_combo"] or None,
            orgunit_code=keys["orgunit"],
            period_id=keys["period"],
            value=text,
            comment=keys["comment"],
            locale_format=locale_format,
        )
    )
