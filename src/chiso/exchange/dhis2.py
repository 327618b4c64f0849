"""DHIS2 ``dataValueSets`` JSON and DHIS2 CSV, identifiers by code (DESIGN.md section 5).

JSON::

    {"dataSet": "..", "period": "202309", "orgUnit": "25195",      (optional defaults)
     "dataValues": [{"dataElement": "VL_VIEC_LAM_MOI", "period": "202309", "orgUnit": "25195",
                     "categoryOptionCombo": "DEFAULT", "value": "38406", "comment": "",
                     "storedBy": "..", "lastUpdated": "..", "followup": false}]}

Values are strings in machine format ("1234.5", "true"), as in DHIS2; a JSON number is taken
as written. An empty or null value deletes the stored value (DHIS2 semantics), as does
``"deleted": true``. chiso adds an optional ``"status": "estimate"|"official"`` per value
(ignored by DHIS2).

CSV columns, in this order (header line optional; with a header, columns are matched by name
and a ``status`` column is also read)::

    dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from chiso.datavalues.types import (
    PROPERTY_COMMENT,
    PROPERTY_INDICATOR,
    PROPERTY_OPTION_COMBO,
    PROPERTY_ORGUNIT,
    PROPERTY_PERIOD,
    PROPERTY_STATUS,
    PROPERTY_VALUE,
)
from chiso.exchange.parsing import ParseResult, ValueInput, decode_text, text_of
from chiso.exchange.rows import ExportRow

CSV_COLUMNS = (
    "dataelement",
    "period",
    "orgunit",
    "catoptcombo",
    "attroptcombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
)
CSV_REQUIRED = ("dataelement", "period", "orgunit", "value")
# Positional CSV without a header must reach the value column.
CSV_MIN_COLUMNS = CSV_COLUMNS.index("value") + 1
DEFAULT_ATTRIBUTE_COMBOS = {"", "default", "hllvx50cxc0"}


def _attribute_combo_ok(code: str) -> bool:
    """chiso has no attribute combos: only DHIS2's default one (by code or uid) is accepted."""
    return code.strip().lower() in DEFAULT_ATTRIBUTE_COMBOS


# --- JSON --------------------------------------------------------------------------------------


def json_location(index: int) -> str:
    return _("giá trị thứ %(number)s (dataValues[%(index)s])") % {
        "number": index + 1,
        "index": index,
    }


def _json_error(msg: str) -> str:
    """The json module's (English) reason, in Vietnamese."""
    reasons = {
        "Expecting value": _("thiếu giá trị hoặc giá trị không hợp lệ"),
        "Expecting property name enclosed in double quotes": _(
            "tên trường phải đặt trong dấu ngoặc kép (hoặc thừa dấu phẩy)"
        ),
        "Expecting ',' delimiter": _("thiếu dấu phẩy"),
        "Expecting ':' delimiter": _("thiếu dấu hai chấm"),
        "Unterminated string starting at": _("chuỗi chưa có dấu ngoặc kép đóng"),
        "Extra data": _("còn dữ liệu thừa sau khi đối tượng JSON đã kết thúc"),
        "Invalid control character at": _("ký tự điều khiển không hợp lệ trong chuỗi"),
        "Invalid \\escape": _("ký tự thoát (\\) không hợp lệ"),
    }
    for prefix, reason in reasons.items():
        if msg.startswith(prefix):
            return reason
    return _("sai cú pháp JSON")


def parse_json(content: bytes) -> ParseResult:
    result = ParseResult()
    text = decode_text(content, result)
    if text is None:
        return result
    try:
        data = json.loads(text, parse_float=str, parse_int=str)
    except json.JSONDecodeError as exc:
        return result.fail(
            _("Tệp JSON không hợp lệ ở dòng %(line)s, cột %(column)s: %(error)s.")
            % {"line": exc.lineno, "column": exc.colno, "error": _json_error(exc.msg)}
        )
    except RecursionError:
        return result.fail(_("Tệp JSON lồng nhau quá sâu."))
    if not isinstance(data, dict) or not isinstance(data.get("dataValues"), list):
        return result.fail(
            _(
                "Tệp JSON không đúng định dạng dataValueSets: cần một đối tượng có danh sách"
                ' "dataValues".'
            ),
            property="dataValues",
        )
    defaults = {key: data.get(key) for key in ("period", "orgUnit", "attributeOptionCombo")}
    values = data["dataValues"]
    result.total = len(values)
    for index, item in enumerate(values):
        result.locations[index] = json_location(index)
        _json_item(result, index, item, defaults)
    return result


def _json_item(result: ParseResult, index: int, item, defaults: dict) -> None:
    if not isinstance(item, dict):
        result.conflict(
            index,
            _("Mỗi giá trị trong dataValues phải là một đối tượng JSON."),
            property="dataValues",
            value=text_of(item)[:100],
        )
        return
    ok = True
    fields: dict[str, str] = {}
    for key, prop in (
        ("dataElement", PROPERTY_INDICATOR),
        ("period", PROPERTY_PERIOD),
        ("orgUnit", PROPERTY_ORGUNIT),
    ):
        raw = item.get(key, defaults.get(key))
        if isinstance(raw, bool) or not isinstance(raw, str | int) or not str(raw).strip():
            result.conflict(
                index,
                _('Thiếu "%(field)s" (mã) hoặc "%(field)s" không phải chuỗi.') % {"field": key},
                property=prop,
                value=text_of(raw),
            )
            ok = False
        else:
            fields[key] = str(raw).strip()
    combo = item.get("categoryOptionCombo")
    if combo is not None and not isinstance(combo, str):
        result.conflict(
            index,
            _('"categoryOptionCombo" phải là một mã (chuỗi).'),
            property=PROPERTY_OPTION_COMBO,
            value=text_of(combo),
        )
        ok = False
    attribute = item.get("attributeOptionCombo", defaults.get("attributeOptionCombo"))
    if attribute is not None and not (
        isinstance(attribute, str) and _attribute_combo_ok(attribute)
    ):
        result.conflict(
            index,
            _("chiso không dùng attributeOptionCombo; chỉ chấp nhận giá trị mặc định (default)."),
            object=text_of(attribute),
            property="attributeOptionCombo",
            value=text_of(attribute),
        )
        ok = False
    raw_value = item.get("value")
    if isinstance(raw_value, dict | list):
        result.conflict(
            index,
            _('"value" phải là một chuỗi hoặc một số.'),
            object=fields.get("dataElement", ""),
            property=PROPERTY_VALUE,
            value=json.dumps(raw_value, ensure_ascii=False)[:100],
        )
        ok = False
    comment = item.get("comment")
    if comment is not None and not isinstance(comment, str):
        result.conflict(
            index,
            _('"comment" phải là chuỗi.'),
            property=PROPERTY_COMMENT,
            value=text_of(comment),
        )
        ok = False
    status = item.get("status")
    if status is not None and not isinstance(status, str):
        result.conflict(
            index,
            _('"status" phải là chuỗi ("estimate" hoặc "official").'),
            property=PROPERTY_STATUS,
            value=text_of(status),
        )
        ok = False
    if not ok:
        return
    deleted = item.get("deleted") is True or str(item.get("deleted")).lower() == "true"
    result.items.append(
        ValueInput(
            index=index,
            indicator_code=fields["dataElement"],
            option_combo_code=(combo or "").strip() or None,
            orgunit_code=fields["orgUnit"],
            period_id=fields["period"],
            value=text_of(raw_value).strip(),
            status=status or None,
            comment=comment or "",
            delete=deleted,
        )
    )


def json_item(row: ExportRow) -> dict:
    item = {
        "dataElement": row.indicator,
        "period": row.period,
        "orgUnit": row.orgunit,
        "categoryOptionCombo": row.option_combo,
        "attributeOptionCombo": "default",
        "value": row.value,
        "storedBy": row.stored_by,
        "created": row.created,
        "lastUpdated": row.updated,
        "comment": row.comment,
        "followup": False,
        "status": row.status,
    }
    return item


def write_json(rows: Iterable[ExportRow]) -> Iterator[str]:
    """A dataValueSets JSON document, streamed in chunks."""
    yield '{"dataValues":['
    first = True
    for row in rows:
        yield ("" if first else ",") + "\n" + json.dumps(json_item(row), ensure_ascii=False)
        first = False
    yield "\n]}\n"


# --- CSV ---------------------------------------------------------------------------------------


def csv_location(line: int) -> str:
    return _("dòng %(line)s") % {"line": line}


def parse_csv(content: bytes) -> ParseResult:
    result = ParseResult()
    text = decode_text(content, result)
    if text is None:
        return result
    if "\x00" in text:
        return result.fail(_("Tệp CSV chứa ký tự không hợp lệ (NUL); có thể đây là tệp nhị phân."))
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: dict[str, int] | None = None
    index = 0
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if (
                columns is None
                and index == 0
                and "dataelement" in {cell.strip().lower().lstrip("\ufeff") for cell in record}
            ):
                columns = _csv_header(result, record)
                if columns is None:
                    return result
                continue
            _csv_record(result, index, line, record, columns)
            index += 1
    except csv.Error as exc:
        return result.fail(
            _("Tệp CSV không hợp lệ ở dòng %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc}
        )
    result.total = index
    return result


def _csv_header(result: ParseResult, record: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for position, name in enumerate(record):
        key = name.strip().lower().lstrip("\ufeff")
        if key and key not in columns:
            columns[key] = position
    missing = [name for name in CSV_REQUIRED if name not in columns]
    if missing:
        result.fail(
            _(
                "Dòng tiêu đề của tệp CSV thiếu cột bắt buộc: %(columns)s. Các cột của DHIS2 CSV:"
                " %(all)s."
            )
            % {"columns": ", ".join(missing), "all": ",".join(CSV_COLUMNS)},
            property="header",
        )
        return None
    return columns


def _csv_record(
    result: ParseResult, index: int, line: int, record: list[str], columns: dict[str, int] | None
) -> None:
    result.locations[index] = csv_location(line)
    if columns is None:
        if len(record) < CSV_MIN_COLUMNS:
            result.conflict(
                index,
                _("Dòng có %(count)s cột, cần ít nhất %(min)s cột (%(columns)s).")
                % {
                    "count": len(record),
                    "min": CSV_MIN_COLUMNS,
                    "columns": ",".join(CSV_COLUMNS[:CSV_MIN_COLUMNS]),
                },
                property="row",
                value=",".join(record)[:100],
            )
            return
        columns = {name: position for position, name in enumerate(CSV_COLUMNS)}
    elif len(record) <= max(columns[name] for name in CSV_REQUIRED):
        result.conflict(
            index,
            _("Dòng có %(count)s cột, ít hơn số cột của dòng tiêu đề.") % {"count": len(record)},
            property="row",
            value=",".join(record)[:100],
        )
        return

    def cell(name: str) -> str:
        position = columns.get(name)
        if position is None or position >= len(record):
            return ""
        return record[position].strip()

    ok = True
    for name, prop, label in (
        ("dataelement", PROPERTY_INDICATOR, "dataelement"),
        ("period", PROPERTY_PERIOD, "period"),
        ("orgunit", PROPERTY_ORGUNIT, "orgunit"),
    ):
        if not cell(name):
            result.conflict(index, _("Cột %(column)s để trống.") % {"column": label}, property=prop)
            ok = False
    if not _attribute_combo_ok(cell("attroptcombo")):
        result.conflict(
            index,
            _("chiso không dùng attributeOptionCombo; chỉ chấp nhận giá trị mặc định (default)."),
            object=cell("attroptcombo"),
            property="attributeOptionCombo",
            value=cell("attroptcombo"),
        )
        ok = False
    if not ok:
        return
    result.items.append(
        ValueInput(
            index=index,
            indicator_code=cell("dataelement"),
            option_combo_code=cell("catoptcombo") or None,
            orgunit_code=cell("orgunit"),
            period_id=cell("period"),
            value=cell("value"),
            status=cell("status") or None,
            comment=cell("comment"),
            delete=cell("deleted").lower() == "true",
        )
    )


def write_csv(rows: Iterable[ExportRow], *, header: bool = True) -> Iterator[str]:
    """DHIS2 CSV (with a header line and chiso's extra ``status`` column), streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow([*CSV_COLUMNS, "status"])
    for count, row in enumerate(rows, start=1):
        writer.writerow(
            [
                row.indicator,
                row.period,
                row.orgunit,
                row.option_combo,
                "",
                row.value,
                row.stored_by,
                row.updated,
                row.comment,
                "false",
                row.status,
            ]
        )
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
