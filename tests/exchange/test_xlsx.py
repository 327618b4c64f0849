"""The XLSX entry template: layout, protection, validation, and fill-and-upload."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from chiso.accounts.access import UnitNotFound
from chiso.core.errors import ChisoError
from chiso.datavalues.models import DataValue
from chiso.exchange.services import import_file, template_build


def _template(user, **kwargs):
    params = {"group_code": "ASXH", "unit_code": "XA", "period_id": "2023Q1", **kwargs}
    return template_build(user=user, **params)


def _sheet(content):
    return load_workbook(io.BytesIO(content))["Số liệu"]


def _save(ws) -> bytes:
    out = io.BytesIO()
    ws.parent.save(out)
    return out.getvalue()


def test_template_lists_every_slot_with_stored_values(seeded, clerk_a):
    filename, content = _template(clerk_a, children=True)
    assert filename == "bieu-mau-ASXH-XA-2023Q1.xlsx"
    ws = _sheet(content)
    assert [ws[f"E{n}"].value for n in range(1, 5)] == [
        "BIỂU NHẬP SỐ LIỆU",
        "Đơn vị: Xã An (mã XA) và các đơn vị trực thuộc",
        "Kỳ báo cáo: quý I/2023 (2023Q1)",
        "Nhóm chỉ tiêu: An sinh xã hội",
    ]
    assert [c.value for c in ws[7]] == [
        "Mã chỉ tiêu",
        "Mã phân tổ",
        "Mã đơn vị",
        "Mã kỳ",
        "Đơn vị",
        "Kỳ báo cáo",
        "Chỉ tiêu",
        "Phân tổ",
        "Đơn vị tính",
        "Giá trị",
        "Ghi chú",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=9, max_col=10)]
    assert rows[:10] == [
        [
            "VIEC_LAM",
            "DEFAULT",
            "XA",
            "202301",
            "Xã An",
            "tháng 1/2023",
            "Số lao động có việc làm mới",
            None,
            "lao động",
            10,
        ],
        [
            "QUA",
            "NGHEO",
            "XA",
            "202301",
            "Xã An",
            "tháng 1/2023",
            "Số phần quà",
            "Hộ nghèo",
            "phần quà",
            5,
        ],
        [
            "QUA",
            "CAN_NGHEO",
            "XA",
            "202301",
            "Xã An",
            "tháng 1/2023",
            "Số phần quà",
            "Hộ cận nghèo",
            "phần quà",
            4,
        ],
        [
            "VIEC_LAM",
            "DEFAULT",
            "XA",
            "202302",
            "Xã An",
            "tháng 2/2023",
            "Số lao động có việc làm mới",
            None,
            "lao động",
            12,
        ],
        [
            "QUA",
            "NGHEO",
            "XA",
            "202302",
            "Xã An",
            "tháng 2/2023",
            "Số phần quà",
            "Hộ nghèo",
            "phần quà",
            None,
        ],
        [
            "QUA",
            "CAN_NGHEO",
            "XA",
            "202302",
            "Xã An",
            "tháng 2/2023",
            "Số phần quà",
            "Hộ cận nghèo",
            "phần quà",
            None,
        ],
        [
            "VIEC_LAM",
            "DEFAULT",
            "XA",
            "202303",
            "Xã An",
            "tháng 3/2023",
            "Số lao động có việc làm mới",
            None,
            "lao động",
            None,
        ],
        [
            "QUA",
            "NGHEO",
            "XA",
            "202303",
            "Xã An",
            "tháng 3/2023",
            "Số phần quà",
            "Hộ nghèo",
            "phần quà",
            None,
        ],
        [
            "QUA",
            "CAN_NGHEO",
            "XA",
            "202303",
            "Xã An",
            "tháng 3/2023",
            "Số phần quà",
            "Hộ cận nghèo",
            "phần quà",
            None,
        ],
        [
            "TY_LE",
            "DEFAULT",
            "XA",
            "2023Q1",
            "Xã An",
            "quý I/2023",
            "Tỷ lệ lao động qua đào tạo",
            None,
            "%",
            64.5,
        ],
    ]
    assert len(rows) == 20
    assert rows[10][:5] == ["VIEC_LAM", "DEFAULT", "XA-1", "202301", "Ấp Một"]
    assert rows[10][9] == 3


def test_template_keys_are_hidden_and_locked_values_unlocked_and_validated(seeded, clerk_a):
    ws = _sheet(_template(clerk_a)[1])
    assert [ws.column_dimensions[c].hidden for c in "ABCDE"] == [True, True, True, True, False]
    assert ws.row_dimensions[8].hidden
    assert [c.value for c in ws[8]] == [
        "#indicator",
        "#option_combo",
        "#orgunit",
        "#period",
        "#orgunit_name",
        "#period_label",
        "#indicator_name",
        "#option_combo_name",
        "#unit",
        "#value",
        "#comment",
    ]
    assert ws.protection.sheet is True
    assert ws["A9"].protection.locked is True
    assert ws["J9"].protection.locked is False and ws["K9"].protection.locked is False
    assert ws["J9"].number_format == "#,##0"
    assert ws["J18"].number_format == "General"
    rules = {(dv.type, str(dv.sqref)) for dv in ws.data_validations.dataValidation}
    assert rules == {("whole", "J9 J10 J11 J12 J13 J14 J15 J16 J17"), ("decimal", "J18")}
    messages = {dv.type: dv.error for dv in ws.data_validations.dataValidation}
    assert messages["whole"] == "Ô này chỉ nhận số nguyên."


def test_unchanged_template_uploads_as_all_ignored(seeded, clerk_a, snapshot):
    before = snapshot()
    filename, content = _template(clerk_a, children=True)
    summary = import_file(user=clerk_a, filename=filename, content=content)
    assert summary.to_dict()["importCount"] == {
        "imported": 0,
        "updated": 0,
        "ignored": 6,
        "deleted": 0,
    }
    assert snapshot() == before


def test_filled_template_imports_numbers_and_vietnamese_text(seeded, clerk_a):
    filename, content = _template(clerk_a, children=True)
    ws = _sheet(content)
    ws["J9"] = 11  # update VIEC_LAM XA 202301
    ws["J13"] = "1.234"  # text, Vietnamese thousands: QUA NGHEO XA 202302
    ws["K13"] = "Quà Tết"
    ws["J18"] = "70,5"  # text, Vietnamese decimal: TY_LE XA 2023Q1
    ws["J20"] = 2.0  # QUA NGHEO XA-1 202301 as a float cell
    summary = import_file(user=clerk_a, filename=filename, content=_save(ws))
    assert summary.to_dict() == {
        "status": "SUCCESS",
        "dryRun": False,
        "importCount": {"imported": 2, "updated": 2, "ignored": 4, "deleted": 0},
        "conflicts": [],
    }
    stored = {
        (v.indicator.code, v.option_combo.code, v.orgunit.code, v.period): (
            v.value.normalize(),
            v.comment,
            v.status,
        )
        for v in DataValue.objects.select_related("indicator", "option_combo", "orgunit").exclude(
            value=None
        )
    }
    assert stored[("VIEC_LAM", "DEFAULT", "XA", "202301")][0] == 11
    assert stored[("QUA", "NGHEO", "XA", "202302")] == (1234, "Quà Tết", "official")
    assert str(stored[("TY_LE", "DEFAULT", "XA", "2023Q1")][0]) == "70.5"
    assert stored[("TY_LE", "DEFAULT", "XA", "2023Q1")][2] == "estimate"
    assert stored[("QUA", "NGHEO", "XA-1", "202301")][0] == 2


def test_bad_cells_are_named_and_nothing_is_written(seeded, clerk_a, snapshot):
    before = snapshot()
    filename, content = _template(clerk_a)
    ws = _sheet(content)
    ws["J12"] = "1.5"  # ambiguous in the Vietnamese format
    ws["J13"] = "mười"  # text in a number cell
    ws["J14"] = 2.5  # a decimal for an integer indicator
    ws["J15"] = 7
    summary = import_file(user=clerk_a, filename=filename, content=_save(ws))
    assert summary.status == "ERROR"
    assert summary.to_dict()["importCount"]["ignored"] == 8
    assert [(c.locations, c.message) for c in summary.conflicts] == [
        (["ô J12"], "'1.5' không phải số hợp lệ: dùng '1,5' hoặc '15'"),
        (["ô J13"], "'mười' không phải là số"),
        (["ô J14"], "'2.5' phải là số nguyên"),
    ]
    assert snapshot() == before


def test_a_date_in_a_value_cell_and_a_missing_key_are_reported(seeded, clerk_a):
    import datetime

    filename, content = _template(clerk_a)
    ws = _sheet(content)
    ws["J13"] = datetime.date(2023, 2, 1)
    ws["J14"] = 3
    ws["D14"] = None
    summary = import_file(user=clerk_a, filename=filename, content=_save(ws))
    assert [(c.locations, c.message) for c in summary.conflicts] == [
        (["ô J13"], "Ô J13 chứa ngày/giờ, không phải số."),
        (["ô J14"], "Dòng 14 thiếu mã kỳ (ô D14)."),
    ]


def test_a_plain_sheet_with_dhis2_headers_is_read(seeded, clerk_a):
    wb = Workbook()
    ws = wb.active
    ws.append(["dataelement", "period", "orgunit", "catoptcombo", "value"])
    ws.append(["VIEC_LAM", 202304, "XA", None, 8])
    ws.append(["QUA", "202304", "XA", "NGHEO", "1.000"])
    out = io.BytesIO()
    wb.save(out)
    summary = import_file(user=clerk_a, filename="so-lieu.xlsx", content=out.getvalue())
    assert (summary.status, summary.imported) == ("SUCCESS", 2)
    assert DataValue.objects.get(indicator__code="QUA", period="202304").value == 1000


def test_unreadable_workbooks(seeded, clerk_a):
    summary = import_file(user=clerk_a, filename="x.xlsx", content=b"not a zip file")
    assert summary.unreadable
    assert summary.conflicts[0].message == (
        "Không đọc được tệp Excel (.xlsx): BadZipFile. Tệp .xls cũ cần lưu lại dạng .xlsx."
    )
    wb = Workbook()
    wb.active["A1"] = "Bảng kê"
    out = io.BytesIO()
    wb.save(out)
    summary = import_file(user=clerk_a, filename="x.xlsx", content=out.getvalue())
    assert summary.unreadable
    assert summary.conflicts[0].message == (
        "Tệp Excel không theo mẫu của chiso: không tìm thấy bảng số liệu (dòng khóa #indicator"
        " hoặc dòng tiêu đề dataelement, period, orgunit, value). Hãy tải biểu mẫu tại trang"
        " “Nhập/xuất dữ liệu”."
    )


def test_template_needs_a_unit_in_scope_and_a_known_group(seeded, clerk_b):
    with pytest.raises(UnitNotFound):
        _template(clerk_b)
    with pytest.raises(ChisoError) as caught:
        _template(clerk_b, unit_code="XB", group_code="KHONG_CO")
    assert str(caught.value) == "Không có nhóm chỉ tiêu mã 'KHONG_CO'"
    with pytest.raises(ChisoError) as caught:
        _template(clerk_b, unit_code="XB", period_id="20230105")
    assert str(caught.value) == ("Nhóm chỉ tiêu 'ASXH' không có chỉ tiêu nào nhập theo kỳ 20230105")
