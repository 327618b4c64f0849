from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.core.docrefs import (
    PARTY_KINDS,
    STATE_KINDS,
    DocumentRef,
    find_docrefs,
    format_docref,
    parse_docref,
)
from chiso.core.errors import ChisoError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kế hoạch số 44/KH-UBND ngày 14/02/2023",
            DocumentRef("KH", "44", None, "UBND", date(2023, 2, 14)),
        ),
        ("Số: 27-KH/BDVTU-BCSĐUBND", DocumentRef("KH", "27", None, "BDVTU-BCSĐUBND", party=True)),
        ("06/2024/QĐ-UBND", DocumentRef("QĐ", "06", 2024, "UBND")),
        (
            "Chỉ thị số 33/CT-TTg ngày 26/11/2021",
            DocumentRef("CT", "33", None, "TTg", date(2021, 11, 26)),
        ),
        (
            "Quyết định số 318/QĐ-TTg ngày 08/3/2022",
            DocumentRef("QĐ", "318", None, "TTg", date(2022, 3, 8)),
        ),
        ("12/UBND-VX", DocumentRef(None, "12", None, "UBND-VX")),
        ("Công văn số 12/UBND-VX", DocumentRef(None, "12", None, "UBND-VX")),
        ("Quyết định 1493/QĐ-UBND", DocumentRef("QĐ", "1493", None, "UBND")),
        ("số 36/CTr-UBND", DocumentRef("CTr", "36", None, "UBND")),
        ("Số:123/BC-UBND", DocumentRef("BC", "123", None, "UBND")),
        (
            "Kế hoạch phối hợp số 27-KH/BDVTU-BCSĐUBND ngày 12/01/2023",
            DocumentRef("KH", "27", None, "BDVTU-BCSĐUBND", date(2023, 1, 12), party=True),
        ),
        (
            "Chương trình hành động số 17-CTr/TU ngày 30/9/2021",
            DocumentRef("CTr", "17", None, "TU", date(2021, 9, 30), party=True),
        ),
        ("Kết luận số 01-KL/TW", DocumentRef("KL", "01", None, "TW", party=True)),
        ("Thông tri số 05-TT/TU", DocumentRef("TT", "05", None, "TU", party=True)),
        ("Quy định số 08-QĐi/TW", DocumentRef("QĐi", "08", None, "TW", party=True)),
        ("Nghị định số 30/2020/NĐ-CP", DocumentRef("NĐ", "30", 2020, "CP")),
        ("Thông tư 01/2011/TT-BNV", DocumentRef("TT", "01", 2011, "BNV")),
        (
            "Thông tư liên tịch số 02/2008/TTLT-BTC-BNV",
            DocumentRef("TTLT", "02", 2008, "BTC-BNV"),
        ),
        ("Luật số 80/2015/QH13", DocumentRef(None, "80", 2015, "QH13")),
        ("Văn bản số 06/2024/QĐ-UBND", DocumentRef("QĐ", "06", 2024, "UBND")),
        ("Quy định số 5/QyĐ-UBND", DocumentRef("QyĐ", "5", None, "UBND")),
        ("Giấy mời số 15a/GM-UBND", DocumentRef("GM", "15a", None, "UBND")),
        ("kế hoạch số 44/KH-UBND", DocumentRef("KH", "44", None, "UBND")),
        (
            "Kế hoạch số 44/KH-UBND, ngày 14 tháng 02 năm 2023",
            DocumentRef("KH", "44", None, "UBND", date(2023, 2, 14)),
        ),
        (
            "  Kế hoạch  số\n44/KH-UBND   ngày 14/02/2023 ",
            DocumentRef("KH", "44", None, "UBND", date(2023, 2, 14)),
        ),
        (
            "Ke\u0302\u0301 hoa\u0323ch so\u0302\u0301 44/KH-UBND",
            DocumentRef("KH", "44", None, "UBND"),
        ),
    ],
)
def test_parse_docref(text, expected):
    assert parse_docref(text) == expected


@pytest.mark.parametrize(
    ("ref", "name"),
    [
        (DocumentRef("KH", "44", None, "UBND"), "Kế hoạch"),
        (DocumentRef("TT", "01", 2011, "BNV"), "Thông tư"),
        (DocumentRef("TT", "05", None, "TU", party=True), "Thông tri"),
        (DocumentRef("QĐi", "08", None, "TW", party=True), "Quy định"),
        (DocumentRef(None, "12", None, "UBND-VX"), "Công văn"),
        (DocumentRef(None, "80", 2015, "QH13"), "Luật"),
        (DocumentRef(None, "02", 2022, "UBTVQH15"), "Pháp lệnh"),
        (DocumentRef(None, "3", 2020, "HĐND"), "Văn bản"),
    ],
)
def test_kind_name(ref, name):
    assert ref.kind_name == name


@pytest.mark.parametrize(
    ("ref", "symbol"),
    [
        (DocumentRef("KH", "44", None, "UBND"), "44/KH-UBND"),
        (DocumentRef("QĐ", "06", 2024, "UBND"), "06/2024/QĐ-UBND"),
        (DocumentRef(None, "12", None, "UBND-VX"), "12/UBND-VX"),
        (DocumentRef(None, "80", 2015, "QH13"), "80/2015/QH13"),
        (DocumentRef("KH", "27", None, "BDVTU-BCSĐUBND", party=True), "27-KH/BDVTU-BCSĐUBND"),
    ],
)
def test_symbol(ref, symbol):
    assert ref.symbol == symbol


def test_format_docref():
    ref = DocumentRef("KH", "44", None, "UBND", date(2023, 2, 14))
    assert format_docref(ref) == "Kế hoạch số 44/KH-UBND ngày 14/02/2023"
    assert format_docref(ref, with_name=False) == "44/KH-UBND ngày 14/02/2023"
    undated = DocumentRef("KH", "27", None, "BDVTU-BCSĐUBND", party=True)
    assert format_docref(undated) == "Kế hoạch số 27-KH/BDVTU-BCSĐUBND"
    assert format_docref(DocumentRef(None, "12", None, "UBND-VX")) == "Công văn số 12/UBND-VX"


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "docref.invalid", {"text": ""}),
        ("abc", "docref.invalid", {"text": "abc"}),
        ("14/02/2023", "docref.invalid", {"text": "14/02/2023"}),
        ("44 KH-UBND", "docref.invalid", {"text": "44 KH-UBND"}),
        ("/KH-UBND", "docref.invalid", {"text": "/KH-UBND"}),
        ("44/KH-UBND ngày mai", "docref.invalid", {"text": "44/KH-UBND ngày mai"}),
        ("Báo cáo Tháng 44/KH-UBND", "docref.invalid", {"text": "Báo cáo Tháng 44/KH-UBND"}),
        ("Theo Kế hoạch số 44/KH-UBND", "docref.invalid", {"text": "Theo Kế hoạch số 44/KH-UBND"}),
        ("27-XX/TU", "docref.unknown_kind", {"text": "27-XX/TU", "kind": "XX"}),
        ("27-QyĐ/TU", "docref.unknown_kind", {"text": "27-QyĐ/TU", "kind": "QyĐ"}),
        ("06/2024/XYZ-UBND", "docref.unknown_kind", {"text": "06/2024/XYZ-UBND", "kind": "XYZ"}),
        (
            "Kế hoạch số 12/QĐ-UBND",
            "docref.kind_mismatch",
            {
                "text": "Kế hoạch số 12/QĐ-UBND",
                "name": "Kế hoạch",
                "symbol": "12/QĐ-UBND",
                "kind_name": "Quyết định",
            },
        ),
        (
            "Kế hoạch số 12/UBND-VX",
            "docref.kind_mismatch",
            {
                "text": "Kế hoạch số 12/UBND-VX",
                "name": "Kế hoạch",
                "symbol": "12/UBND-VX",
                "kind_name": "Công văn",
            },
        ),
        ("Kế hoạch số 44/KH-UBND ngày 31/02/2023", "date.nonexistent", {"text": "31/02/2023"}),
    ],
)
def test_parse_docref_rejects(text, code, params):
    with pytest.raises(ChisoError) as caught:
        parse_docref(text)
    assert caught.value.code == code
    assert caught.value.params == params
    assert "%(" not in str(caught.value)


def test_kind_mismatch_message():
    with pytest.raises(ChisoError) as caught:
        parse_docref("Kế hoạch số 12/QĐ-UBND")
    assert str(caught.value) == (
        "'Kế hoạch số 12/QĐ-UBND': tên loại 'Kế hoạch' không khớp ký hiệu '12/QĐ-UBND' (Quyết định)"
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "XX", "number": "1", "year": None, "issuer": "UBND"}, "docref.unknown_kind"),
        (
            {"kind": "KL", "number": "1", "year": None, "issuer": "UBND"},
            "docref.unknown_kind",
        ),
        ({"kind": "KH", "number": "", "year": None, "issuer": "UBND"}, "docref.invalid"),
        ({"kind": "KH", "number": "4 4", "year": None, "issuer": "UBND"}, "docref.invalid"),
        ({"kind": "KH", "number": "44", "year": None, "issuer": "ubnd"}, "docref.invalid"),
        ({"kind": "KH", "number": "44", "year": None, "issuer": "UBND-"}, "docref.invalid"),
        ({"kind": "KH", "number": "44", "year": 24, "issuer": "UBND"}, "docref.invalid"),
        (
            {"kind": "KH", "number": "44", "year": 2024, "issuer": "TU", "party": True},
            "docref.invalid",
        ),
        (
            {"kind": None, "number": "44", "year": None, "issuer": "TU", "party": True},
            "docref.invalid",
        ),
        # Without a kind, these symbols would read back as having one.
        ({"kind": None, "number": "44", "year": None, "issuer": "KH-UBND"}, "docref.invalid"),
        ({"kind": None, "number": "44", "year": 2024, "issuer": "ABC-UBND"}, "docref.invalid"),
    ],
)
def test_document_ref_validates(fields, code):
    with pytest.raises(ChisoError) as caught:
        DocumentRef(**fields)
    assert caught.value.code == code


PROSE = (
    "Thực hiện Nghị quyết số 01/NQ-CP ngày 06/01/2023 của Chính phủ và Kế hoạch phối hợp số "
    "27-KH/BDVTU-BCSĐUBND ngày 12/01/2023, tỉnh ban hành Kế hoạch thực hiện Quyết định số "
    "346/QĐ-TTg ngày 06/4/2023; Quyết định 1493/QĐ-UBND ngày 14/9/2023 về bộ tiêu chí. "
    "Theo Kết luận số 01-KL/TW, 843/843 ấp có loa; ngày 27/7 tặng 50.897 phần quà. "
    "Công văn 12/UBND-VX nhắc lại văn bản 06/2024/QĐ-UBND."
)


def test_find_docrefs_in_prose():
    found = [(PROSE[start:end], ref) for start, end, ref in find_docrefs(PROSE)]
    assert found == [
        (
            "Nghị quyết số 01/NQ-CP ngày 06/01/2023",
            DocumentRef("NQ", "01", None, "CP", date(2023, 1, 6)),
        ),
        (
            "Kế hoạch phối hợp số 27-KH/BDVTU-BCSĐUBND ngày 12/01/2023",
            DocumentRef("KH", "27", None, "BDVTU-BCSĐUBND", date(2023, 1, 12), party=True),
        ),
        (
            "Quyết định số 346/QĐ-TTg ngày 06/4/2023",
            DocumentRef("QĐ", "346", None, "TTg", date(2023, 4, 6)),
        ),
        (
            "Quyết định 1493/QĐ-UBND ngày 14/9/2023",
            DocumentRef("QĐ", "1493", None, "UBND", date(2023, 9, 14)),
        ),
        ("Kết luận số 01-KL/TW", DocumentRef("KL", "01", None, "TW", party=True)),
        ("Công văn 12/UBND-VX", DocumentRef(None, "12", None, "UBND-VX")),
        ("văn bản 06/2024/QĐ-UBND", DocumentRef("QĐ", "06", 2024, "UBND")),
    ]


def test_find_docrefs_spans_are_offsets_into_the_text():
    text = "Căn cứ Kế hoạch số 44/KH-UBND ngày 14/02/2023, UBND huyện báo cáo."
    assert find_docrefs(text) == [
        (7, 45, DocumentRef("KH", "44", None, "UBND", date(2023, 2, 14))),
    ]
    assert text[7:45] == "Kế hoạch số 44/KH-UBND ngày 14/02/2023"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        # A name that disagrees with the symbol stays outside the span.
        ("theo kế hoạch số 44/QĐ-UBND ngày 14/02/2023", "số 44/QĐ-UBND ngày 14/02/2023"),
        # Capitalised words between a name and the number are not qualifiers.
        ("Kế hoạch Sở Y tế số 44/KH-SYT", "số 44/KH-SYT"),
        ("Số: 123/BC-UBND", "Số: 123/BC-UBND"),
        # A date that does not exist is left out.
        ("Kế hoạch số 44/KH-UBND ngày 31/02/2023", "Kế hoạch số 44/KH-UBND"),
    ],
)
def test_find_docrefs_span(text, span):
    [(start, end, _)] = find_docrefs(text)
    assert text[start:end] == span


def test_find_docrefs_drops_a_nonexistent_date():
    [(_, _, ref)] = find_docrefs("Kế hoạch số 44/KH-UBND ngày 31/02/2023")
    assert ref == DocumentRef("KH", "44", None, "UBND")


@pytest.mark.parametrize(
    "text",
    [
        "ngày 14/11/2023 có 843/843 ấp, 111/111 xã, xếp hạng 43/63",
        "nhiệm kỳ 2020-2025, ngày 27/7",
        "đạt 12/19 tiêu chí, tốc độ 60km/h, COVID-19",
        "Kết luận số 15-XYZ/TW",
        "mã 12/abc và A44/KH-UBND",
        "",
    ],
)
def test_find_docrefs_ignores_non_references(text):
    assert find_docrefs(text) == []


def _issuers(kind, year):
    part = st.from_regex(r"[A-ZĐ][A-Za-zĐđ0-9&]{0,5}", fullmatch=True)
    if kind is None and year is not None:
        return part
    parts = st.lists(part, min_size=1, max_size=3)
    if kind is None:
        parts = parts.filter(lambda p: len(p) == 1 or p[0] not in STATE_KINDS)
    return parts.map("-".join)


@st.composite
def document_refs(draw):
    party = draw(st.booleans())
    if party:
        kind, year = draw(st.sampled_from(sorted(PARTY_KINDS))), None
    else:
        kind = draw(st.none() | st.sampled_from(sorted(STATE_KINDS)))
        year = draw(st.none() | st.integers(min_value=1945, max_value=2100))
    return DocumentRef(
        kind=kind,
        number=draw(st.from_regex(r"[0-9]{1,4}[a-z]?", fullmatch=True)),
        year=year,
        issuer=draw(_issuers(kind, year)),
        date=draw(st.none() | st.dates(min_value=date(1945, 1, 1), max_value=date(2100, 12, 31))),
        party=party,
    )


@given(document_refs())
def test_docref_round_trip(ref):
    assert parse_docref(format_docref(ref)) == ref
    assert parse_docref(format_docref(ref, with_name=False)) == ref


@given(document_refs(), document_refs())
def test_find_docrefs_round_trip(first, second):
    one, two = format_docref(first), format_docref(second, with_name=False)
    text = f"Căn cứ {one} và số {two}, UBND xã báo cáo 38.406 lao động."
    start_one = len("Căn cứ ")
    start_two = len(f"Căn cứ {one} và ")
    assert find_docrefs(text) == [
        (start_one, start_one + len(one), first),
        (start_two, start_two + len(f"số {two}"), second),
    ]
