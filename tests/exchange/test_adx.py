"""ADX: period mapping, namespace and safety checks, disaggregation attributes."""

import pytest

from chiso.core.errors import ChisoError
from chiso.exchange.adx import adx_period_to_id, parse_adx, period_id_to_adx

ADX_PERIODS = [
    ("2023-01-01/P1Y", "2023"),
    ("2023-01-01/P6M", "2023S1"),
    ("2023-07-01/P6M", "2023S2"),
    ("2023-07-01/P3M", "2023Q3"),
    ("2023-09-01/P1M", "202309"),
    ("2023-01-30/P7D", "2023W5"),
    ("2023-01-15/P1D", "20230115"),
]


@pytest.mark.parametrize(("adx", "period_id"), ADX_PERIODS)
def test_adx_period_maps_to_chiso_period_and_back(adx, period_id):
    assert adx_period_to_id(adx) == period_id
    assert period_id_to_adx(period_id) == adx


def test_adx_week_written_as_p1w_is_accepted():
    assert adx_period_to_id("2023-01-30/P1W") == "2023W5"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2023-02-01/P3M",
            "'2023-02-01/P3M': kỳ quý phải bắt đầu ngày 01/01/2023, không phải 01/02/2023",
        ),
        (
            "2023-01-31/P7D",
            "'2023-01-31/P7D': kỳ tuần phải bắt đầu ngày 30/01/2023, không phải 31/01/2023",
        ),
        (
            "2023-01-01/P2M",
            "'2023-01-01/P2M': độ dài kỳ 'P2M' không được hỗ trợ (chỉ P1Y, P6M, P3M, P1M, P7D,"
            " P1D)",
        ),
        (
            "202301",
            "'202301' không phải kỳ ADX hợp lệ (dạng ngày-bắt-đầu/độ-dài, ví dụ"
            " 2023-01-01/P1Y, 2023-07-01/P3M, 2023-09-01/P1M)",
        ),
        (
            "2023-02-30/P1D",
            "'2023-02-30/P1D' không phải kỳ ADX hợp lệ (dạng"
            " ngày-bắt-đầu/độ-dài, ví dụ 2023-01-01/P1Y, 2023-07-01/P3M, 2023-09-01/P1M)",
        ),
    ],
)
def test_bad_adx_periods_are_explained(text, message):
    with pytest.raises(ChisoError) as caught:
        adx_period_to_id(text)
    assert str(caught.value) == message


def test_disaggregation_attributes_select_the_option_combo(catalog):
    content = """<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015">
  <group orgUnit="XA" period="2023-01-01/P1M" dataSet="ASXH">
    <dataValue dataElement="QUA" NHOM="CAN_NGHEO" value="4"><annotation>Tết</annotation></dataValue>
    <dataValue dataElement="VIEC_LAM" value="10" status="estimate"/>
  </group>
</adx>""".encode()
    result = parse_adx(content)
    assert result.conflicts == []
    assert [
        (
            i.index,
            i.indicator_code,
            i.option_combo_code,
            i.orgunit_code,
            i.period_id,
            i.value,
            i.status,
            i.comment,
        )
        for i in result.items
    ] == [
        (0, "QUA", "CAN_NGHEO", "XA", "202301", "4", None, "Tết"),
        (1, "VIEC_LAM", "DEFAULT", "XA", "202301", "10", "estimate", ""),
    ]
    assert result.locations == {0: "dataValue thứ 1 (dòng 4)", 1: "dataValue thứ 2 (dòng 5)"}


def test_unknown_or_missing_disaggregation_is_a_row_conflict(catalog):
    content = b"""<adx xmlns="urn:ihe:qrph:adx:2015">
  <group orgUnit="XA" period="2023-01-01/P1M" dataSet="ASXH">
    <dataValue dataElement="QUA" value="4"/>
    <dataValue dataElement="QUA" NHOM="GIAU" value="4"/>
    <dataValue dataElement="VIEC_LAM" GIOI_TINH="NAM" value="4"/>
    <dataValue dataElement="VIEC_LAM" value="4"/>
  </group>
</adx>"""
    result = parse_adx(content)
    assert [(c.index, c.property, c.message) for c in result.conflicts] == [
        (0, "NHOM", "Thiếu phân tổ theo nhóm 'NHOM' của chỉ tiêu 'QUA' (thuộc tính NHOM)."),
        (1, "NHOM", "Nhóm phân tổ 'NHOM' không có phân tổ mã 'GIAU'."),
        (2, "GIOI_TINH", "Chỉ tiêu 'VIEC_LAM' không phân tổ theo nhóm 'GIOI_TINH'."),
    ]
    assert [i.index for i in result.items] == [3]


def test_wrong_namespace_is_unreadable():
    result = parse_adx(b'<adx xmlns="urn:example"><group/></adx>')
    assert result.fatal and result.items == []
    assert result.conflicts[0].message == (
        "Tệp XML không phải ADX: phần tử gốc phải là <adx> với không gian tên"
        " urn:ihe:qrph:adx:2015, tệp có <adx> (không gian tên: urn:example)."
    )


def test_malformed_xml_names_the_line():
    result = parse_adx(b'<adx xmlns="urn:ihe:qrph:adx:2015">\n<group>\n</adx>')
    assert result.fatal
    assert result.conflicts[0].message == (
        "Tệp XML không hợp lệ ở dòng 3 (lỗi cú pháp XML; chi tiết: Opening and ending tag"
        " mismatch: group line 2 and adx, line 3, column 7)."
    )


def test_entities_and_dtds_are_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE adx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="&b;" period="2023-01-01/P1Y"/></adx>"""
    result = parse_adx(bomb)
    assert result.fatal
    assert result.conflicts[0].message == "Tệp ADX không được chứa khai báo DOCTYPE/DTD."
    external = b"""<?xml version="1.0"?>
<!DOCTYPE adx [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="&x;" period="2023-01-01/P1Y"/></adx>"""
    assert parse_adx(external).fatal


def test_group_problems_are_reported_on_each_of_its_values(catalog):
    content = b"""<adx xmlns="urn:ihe:qrph:adx:2015">
  <group orgUnit="XA" period="2023-02-01/P3M" dataSet="ASXH">
    <dataValue dataElement="VIEC_LAM" value="1"/>
    <dataValue dataElement="VIEC_LAM" value="2"/>
  </group>
</adx>"""
    result = parse_adx(content)
    assert result.items == []
    assert [(c.index, c.property) for c in result.conflicts] == [(0, "period"), (1, "period")]
    assert result.total == 2
