"""``import_file``: exact summaries, atomicity, partial import, dry run, scope, and malformed
DHIS2 JSON and CSV files."""

import json

from chiso.datavalues.models import DataValue, DataValueAudit
from chiso.exchange.services import detect_format, import_file


def _json(*values, **top) -> bytes:
    return json.dumps({**top, "dataValues": list(values)}, ensure_ascii=False).encode()


def _value(pe, unit, value, indicator="VIEC_LAM", **extra):
    return {"dataElement": indicator, "period": pe, "orgUnit": unit, "value": value, **extra}


def _stored(indicator, unit, pe, combo="DEFAULT"):
    row = DataValue.objects.get(
        indicator__code=indicator, option_combo__code=combo, orgunit__code=unit, period=pe
    )
    return (
        str(row.value.normalize()) if row.value is not None else row.text_value,
        row.status,
        row.comment,
        row.deleted,
    )


def test_json_import_counts_created_updated_unchanged_and_deleted(seeded, clerk_a):
    content = _json(
        _value("202304", "XA", "8", comment="Hội chợ việc làm"),  # new
        _value("202304", "XA-1", "2"),  # new
        _value("202301", "XA", "11"),  # 10 -> 11
        _value("202302", "XA", "12"),  # unchanged
        _value("202301", "XA-1", ""),  # empty: delete
        {
            "dataElement": "QUA",
            "categoryOptionCombo": "NGHEO",
            "period": "202301",
            "orgUnit": "XA",
            "value": 5,
        },  # unchanged, JSON number
    )
    summary = import_file(user=clerk_a, filename="du-lieu.json", content=content)
    assert summary.to_dict() == {
        "status": "SUCCESS",
        "dryRun": False,
        "importCount": {"imported": 2, "updated": 1, "ignored": 2, "deleted": 1},
        "conflicts": [],
    }
    assert _stored("VIEC_LAM", "XA", "202304") == ("8", "official", "Hội chợ việc làm", False)
    assert _stored("VIEC_LAM", "XA", "202301") == ("11", "official", "", False)
    assert _stored("VIEC_LAM", "XA-1", "202301") == ("3", "official", "", True)
    audit = DataValueAudit.objects.filter(user=clerk_a)
    assert sorted((a.action, a.old_value, a.new_value, a.channel) for a in audit) == [
        ("create", "", "2", "import"),
        ("create", "", "8", "import"),
        ("delete", "3", "", "import"),
        ("update", "10", "11", "import"),
    ]


def test_top_level_period_and_unit_are_defaults(seeded, clerk_a):
    content = _json(
        {"dataElement": "VIEC_LAM", "value": "21"},
        {"dataElement": "VIEC_LAM", "orgUnit": "XA-1", "value": "4"},
        period="202305",
        orgUnit="XA",
        dataSet="ASXH",
    )
    summary = import_file(user=clerk_a, content=content, fmt="json")
    assert summary.status == "SUCCESS" and summary.imported == 2
    assert _stored("VIEC_LAM", "XA", "202305")[0] == "21"
    assert _stored("VIEC_LAM", "XA-1", "202305")[0] == "4"


def test_status_extension_sets_estimate(seeded, clerk_a):
    summary = import_file(
        user=clerk_a, fmt="json", content=_json(_value("202301", "XA", "10", status="estimate"))
    )
    assert (summary.updated, summary.ignored) == (1, 0)
    assert _stored("VIEC_LAM", "XA", "202301")[1] == "estimate"


def test_one_bad_row_rejects_the_whole_file_and_names_it(seeded, clerk_a, snapshot):
    before = snapshot()
    content = _json(
        _value("202304", "XA", "8"), _value("202305", "XA", "abc"), _value("202306", "XA", "9")
    )
    summary = import_file(user=clerk_a, filename="x.json", content=content)
    assert summary.to_dict() == {
        "status": "ERROR",
        "dryRun": False,
        "importCount": {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0},
        "conflicts": [
            {
                "object": "VIEC_LAM",
                "property": "value",
                "value": "'abc' không phải là số (viết dạng 1234.5: không phân cách hàng nghìn,"
                " dấu '.' trước phần thập phân)",
                "errorCode": "datavalue.not_number",
                "indexes": [1],
                "locations": ["giá trị thứ 2 (dataValues[1])"],
            }
        ],
    }
    assert snapshot() == before


def test_unknown_code_wrong_type_and_wrong_period_are_each_reported(seeded, clerk_a, snapshot):
    before = snapshot()
    content = _json(
        _value("202304", "XA", "1", indicator="KHONG_CO"),
        _value("202304", "XA", "1.5"),
        _value("2023Q2", "XA", "1"),
        _value("202313", "XA", "1"),
        _value("202304", "XA", "1", categoryOptionCombo="NGHEO"),
    )
    summary = import_file(user=clerk_a, fmt="json", content=content)
    assert summary.status == "ERROR"
    assert [(c.indexes, c.property, c.object, c.message) for c in summary.conflicts] == [
        ([0], "dataElement", "KHONG_CO", "Không có chỉ tiêu mã 'KHONG_CO'"),
        ([1], "value", "VIEC_LAM", "'1.5' phải là số nguyên"),
        (
            [2],
            "period",
            "2023Q2",
            "Chỉ tiêu 'VIEC_LAM' nhập số liệu theo kỳ tháng, không nhận số liệu kỳ quý (2023Q2)",
        ),
        ([3], "period", "202313", "'202313': tháng phải từ 01 đến 12"),
        ([4], "categoryOptionCombo", "NGHEO", "Chỉ tiêu 'VIEC_LAM' không có phân tổ mã 'NGHEO'"),
    ]
    assert snapshot() == before


def test_out_of_scope_row_reads_like_unknown_unit_and_nothing_is_written(seeded, clerk_a, snapshot):
    before = snapshot()
    content = _json(
        _value("202304", "XA", "8"), _value("202301", "XB", "70"), _value("202301", "NOWHERE", "1")
    )
    summary = import_file(user=clerk_a, fmt="json", content=content)
    assert summary.status == "ERROR"
    assert [(c.indexes, c.object, c.message) for c in summary.conflicts] == [
        (
            [1],
            "XB",
            "Không tìm thấy đơn vị mã 'XB' có hiệu lực ngày 31/01/2023, hoặc bạn không"
            " có quyền nhập số liệu cho đơn vị này",
        ),
        (
            [2],
            "NOWHERE",
            "Không tìm thấy đơn vị mã 'NOWHERE' có hiệu lực ngày 31/01/2023, hoặc"
            " bạn không có quyền nhập số liệu cho đơn vị này",
        ),
    ]
    assert snapshot() == before


def test_partial_import_writes_the_good_rows(seeded, clerk_a):
    content = _json(
        _value("202304", "XA", "8"),
        _value("202305", "XA", "abc"),
        {"dataElement": "VIEC_LAM", "period": "202306", "value": "2"},
    )
    summary = import_file(user=clerk_a, fmt="json", content=content, atomic=False)
    assert summary.status == "WARNING"
    assert (summary.imported, summary.updated, summary.ignored, summary.deleted) == (1, 0, 2, 0)
    assert [(c.indexes, c.property) for c in summary.conflicts] == [
        ([1], "value"),
        ([2], "orgUnit"),
    ]
    assert summary.conflicts[1].message == 'Thiếu "orgUnit" (mã) hoặc "orgUnit" không phải chuỗi.'
    assert _stored("VIEC_LAM", "XA", "202304")[0] == "8"
    assert not DataValue.objects.filter(period__in=["202305", "202306"]).exists()


def test_dry_run_counts_but_writes_nothing(seeded, clerk_a, snapshot):
    before = snapshot()
    content = _json(_value("202304", "XA", "8"), _value("202301", "XA", "11"))
    summary = import_file(user=clerk_a, fmt="json", content=content, dry_run=True)
    assert summary.to_dict()["importCount"] == {
        "imported": 1,
        "updated": 1,
        "ignored": 0,
        "deleted": 0,
    }
    assert summary.to_dict()["dryRun"] is True
    assert snapshot() == before


def test_delete_strategy_deletes_the_listed_values(seeded, clerk_a):
    summary = import_file(
        user=clerk_a, fmt="json", strategy="DELETE", content=_json(_value("202301", "XA", "10"))
    )
    assert (summary.status, summary.deleted) == ("SUCCESS", 1)
    assert _stored("VIEC_LAM", "XA", "202301")[3] is True


def test_malformed_json_is_unreadable_with_line_and_column(seeded, clerk_a, snapshot):
    before = snapshot()
    summary = import_file(
        user=clerk_a,
        filename="x.json",
        content=b'{"dataValues": [\n  {"dataElement": "VIEC_LAM",}\n]}',
    )
    assert summary.unreadable and summary.status == "ERROR"
    assert [c.message for c in summary.conflicts] == [
        "Tệp JSON không hợp lệ ở dòng 2, cột 30: tên trường phải đặt trong dấu ngoặc kép"
        " (hoặc thừa dấu phẩy)."
    ]
    assert snapshot() == before


def test_json_without_data_values_list_is_unreadable(seeded, clerk_a):
    summary = import_file(user=clerk_a, filename="x.json", content=b'{"values": []}')
    assert summary.unreadable
    assert summary.conflicts[0].message == (
        'Tệp JSON không đúng định dạng dataValueSets: cần một đối tượng có danh sách "dataValues".'
    )


def test_non_utf8_file_is_unreadable_with_a_clear_message(seeded, clerk_a):
    content = b"VIEC_LAM,202301,XA,,,10\nVIEC_LAM,202302,XA,,,4,,,caf\xe9 cr\xe8me\n"
    summary = import_file(user=clerk_a, filename="x.csv", content=content)
    assert summary.unreadable
    assert summary.conflicts[0].message == (
        "Tệp không phải văn bản UTF-8 (lỗi ở dòng 2). Hãy lưu lại tệp với bảng mã UTF-8"
        " (Unicode); các bảng mã cũ như TCVN3, VNI không được hỗ trợ khi nhập."
    )


def test_csv_without_header_and_with_header(seeded, clerk_a):
    plain = b"VIEC_LAM,202304,XA,,,8\nQUA,202304,XA,CAN_NGHEO,default,6,,,ghi chu\n"
    summary = import_file(user=clerk_a, filename="x.csv", content=plain, dry_run=True)
    assert (summary.status, summary.imported) == ("SUCCESS", 2)
    headed = b"period,orgunit,dataelement,value,catoptcombo\n202304,XA,QUA,6,NGHEO\n"
    summary = import_file(user=clerk_a, filename="x.csv", content=headed)
    assert (summary.status, summary.imported) == ("SUCCESS", 1)
    assert _stored("QUA", "XA", "202304", combo="NGHEO")[0] == "6"


def test_csv_parse_and_validation_conflicts_are_combined_with_line_numbers(
    seeded, clerk_a, snapshot
):
    before = snapshot()
    content = (
        b"dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
        b"VIEC_LAM,202304,XA,,,8\n"
        b"VIEC_LAM,202305\n"
        b"VIEC_LAM,202306,XA,,,12a\n"
        b"VIEC_LAM,202307,XA,,KHAC,1\n"
    )
    summary = import_file(user=clerk_a, filename="x.csv", content=content)
    assert summary.status == "ERROR"
    assert summary.to_dict()["importCount"] == {
        "imported": 0,
        "updated": 0,
        "ignored": 4,
        "deleted": 0,
    }
    assert [(c.indexes, c.locations, c.property, c.message) for c in summary.conflicts] == [
        ([1], ["dòng 3"], "row", "Dòng có 2 cột, ít hơn số cột của dòng tiêu đề."),
        (
            [2],
            ["dòng 4"],
            "value",
            "'12a' không phải là số (viết dạng 1234.5: không phân cách"
            " hàng nghìn, dấu '.' trước phần thập phân)",
        ),
        (
            [3],
            ["dòng 5"],
            "attributeOptionCombo",
            "chiso không dùng attributeOptionCombo; chỉ chấp nhận giá trị mặc định (default).",
        ),
    ]
    assert snapshot() == before


def test_csv_header_missing_a_column_is_unreadable(seeded, clerk_a):
    summary = import_file(
        user=clerk_a, filename="x.csv", content=b"dataelement,period,orgunit\nVIEC_LAM,202304,XA\n"
    )
    assert summary.unreadable
    assert summary.conflicts[0].message == (
        "Dòng tiêu đề của tệp CSV thiếu cột bắt buộc: value. Các cột của DHIS2 CSV:"
        " dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,"
        "comment,followup."
    )


def test_same_conflict_on_several_rows_is_merged(seeded, clerk_a):
    content = _json(
        _value("202304", "XA", "1", indicator="KHONG_CO"),
        _value("202305", "XA", "1", indicator="KHONG_CO"),
    )
    summary = import_file(user=clerk_a, fmt="json", content=content)
    assert [(c.indexes, c.locations) for c in summary.conflicts] == [
        ([0, 1], ["giá trị thứ 1 (dataValues[0])", "giá trị thứ 2 (dataValues[1])"]),
    ]


def test_empty_or_unknown_files_are_unreadable(seeded, clerk_a):
    assert import_file(user=clerk_a, filename="x.json", content=b"  ").conflicts[0].message == (
        "Tệp rỗng, không có số liệu."
    )
    assert import_file(user=clerk_a, filename="x.pdf", content=b"%PDF").status == "ERROR"


def test_format_is_detected_by_extension_then_content():
    assert detect_format("a.JSON", b"") == "json"
    assert detect_format("a.xml", b"") == "adx"
    assert detect_format("", b'\xef\xbb\xbf {"dataValues": []}') == "json"
    assert detect_format("", b"<adx/>") == "adx"
    assert detect_format("", b"PK\x03\x04...") == "xlsx"
    assert detect_format("", b"VIEC_LAM,202301,XA,,,1") == "csv"
    assert detect_format("", b"") is None


def test_legacy_tcvn3_file_is_named(seeded, clerk_a):
    note = b"\xa7\xb7 r\xb5 so\xb8t \xae\xf1 h\xe5 s\xac h\xe9 ngh\xcco th\xabn L\xe9c Th\xdenh"
    summary = import_file(
        user=clerk_a, filename="x.csv", content=b"VIEC_LAM,202301,XA,,,10,,," + note + b"\n"
    )
    assert summary.conflicts[0].message == (
        "Tệp không phải văn bản UTF-8 (lỗi ở dòng 1): tệp có vẻ dùng bảng mã cũ TCVN3 (ABC)."
        " Hãy chuyển tệp sang Unicode (UTF-8) rồi nhập lại."
    )
