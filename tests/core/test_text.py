import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.core.text import (
    convert_legacy,
    detect_legacy_encoding,
    encode_legacy,
    fold,
    nfc,
    sort_key,
)

VOWELS = {
    "": "aeiouy",
    "\u0306": "a",  # breve: ă
    "\u0302": "aeo",  # circumflex: â ê ô
    "\u031b": "ou",  # horn: ơ ư
}
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VIETNAMESE_LOWER = sorted(
    {
        nfc(base + shape + tone)
        for shape, bases in VOWELS.items()
        for base in bases
        for tone in TONES
    }
    | set("bcdđghklmnpqrstvx")
)
VIETNAMESE_LETTERS = VIETNAMESE_LOWER + [letter.upper() for letter in VIETNAMESE_LOWER]


def test_vietnamese_letters_are_single_code_points():
    assert len(VIETNAMESE_LOWER) == 12 * 6 + 17
    assert all(len(letter) == 1 for letter in VIETNAMESE_LETTERS)


def test_nfc_composes():
    decomposed = "Lo\u0323\u0302c Ninh"
    assert nfc(decomposed) == "Lộc Ninh"
    assert len(nfc(decomposed)) == 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lộc Ninh", "loc ninh"),
        ("  Lộc \t Ninh\n", "loc ninh"),
        ("Lo\u0323\u0302c Ninh", "loc ninh"),
        ("ĐỒNG XOÀI", "dong xoai"),
        ("Đồng Nai", "dong nai"),
        ("Bình Phước", "binh phuoc"),
        ("Thủ Dầu Một", "thu dau mot"),
        ("Quảng Trị", "quang tri"),
        ("Hello World", "hello world"),
        ("", ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fold_removes_every_diacritic():
    folded = fold(" ".join(VIETNAMESE_LETTERS))
    assert folded.isascii()
    assert set(folded) == set("aeiouybcdghklmnpqrstvx ")


def vietnamese_sorted(names):
    return sorted(names, key=sort_key)


def test_sort_key_example():
    names = ["Đồng Nai", "Bình Phước", "An Giang", "Ấp Bắc", "Ăn"]
    assert vietnamese_sorted(names) == ["An Giang", "Ăn", "Ấp Bắc", "Bình Phước", "Đồng Nai"]


def test_sort_key_alphabet_order():
    alphabet = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")
    shuffled = alphabet[:]
    random.Random(7).shuffle(shuffled)
    assert vietnamese_sorted(shuffled) == alphabet


def test_sort_key_tones_are_secondary():
    assert vietnamese_sorted(["mạ", "mai", "mã", "má", "ma", "mả", "mà"]) == [
        "ma",
        "mà",
        "má",
        "mả",
        "mã",
        "mạ",
        "mai",
    ]


def test_sort_key_letters_before_tones():
    # "à" sorts before "b" although "ả" has a tone and "ba" has none.
    assert vietnamese_sorted(["ba", "ả"]) == ["ả", "ba"]
    assert vietnamese_sorted(["ăn", "ám"]) == ["ám", "ăn"]


def test_sort_key_case_is_tertiary():
    assert vietnamese_sorted(["Bình", "bình", "binh"]) == ["binh", "bình", "Bình"]
    assert vietnamese_sorted(["bình", "Binh"]) == ["Binh", "bình"]


def test_sort_key_numbers_compare_as_numbers():
    names = ["Ấp 10", "Ấp 2", "Ấp Bắc", "Ấp 1", "Ấp", "Khu phố 3", "Ấp 02"]
    assert vietnamese_sorted(names) == [
        "Ấp",
        "Ấp 1",
        "Ấp 02",
        "Ấp 2",
        "Ấp 10",
        "Ấp Bắc",
        "Khu phố 3",
    ]


def test_sort_key_words_before_longer_words():
    assert vietnamese_sorted(["Anh Sơn", "An Phú"]) == ["An Phú", "Anh Sơn"]


def test_sort_key_ignores_normalization_form():
    assert sort_key("Lo\u0323\u0302c") == sort_key("Lộc")


def test_sort_key_provinces():
    provinces = [
        "Đồng Nai",
        "Điện Biên",
        "Cà Mau",
        "Cao Bằng",
        "Hà Nội",
        "Hải Phòng",
        "Hà Tĩnh",
        "Ông Ích Khiêm",
        "Ô Môn",
        "Ơ Pu",
        "Yên Bái",
        "Ưu Đàm",
        "Uông Bí",
    ]
    assert vietnamese_sorted(provinces) == [
        "Cà Mau",
        "Cao Bằng",
        "Điện Biên",
        "Đồng Nai",
        "Hà Nội",
        "Hà Tĩnh",
        "Hải Phòng",
        "Ô Môn",
        "Ông Ích Khiêm",
        "Ơ Pu",
        "Uông Bí",
        "Ưu Đàm",
        "Yên Bái",
    ]


@given(st.lists(st.text(alphabet=[*VIETNAMESE_LETTERS, " ", "1", "2", "-"]), max_size=8))
def test_sort_key_is_a_total_order(names):
    once = vietnamese_sorted(names)
    assert vietnamese_sorted(reversed(once)) == once


@pytest.mark.parametrize(
    ("unicode", "tcvn3"),
    [
        ("Lộc Ninh", "Léc Ninh"),
        ("Thủ tục", "Thñ tôc"),
        ("Thị trấn", "ThÞ trÊn"),
        ("hành chính", "hµnh chÝnh"),
        ("Bình Phước", "B×nh Ph\xadíc"),
        ("Đồng Xoài", "§ång Xoµi"),
        ("ăn uống", "¨n uèng"),
    ],
)
def test_tcvn3_table(unicode, tcvn3):
    assert encode_legacy(unicode, "tcvn3") == tcvn3
    assert convert_legacy(tcvn3, "tcvn3") == unicode
    assert convert_legacy(tcvn3.encode("latin-1"), "tcvn3") == unicode


@pytest.mark.parametrize(
    ("unicode", "vni"),
    [
        ("Lộc Ninh", "Loäc Ninh"),
        ("Thủ tục", "Thuû tuïc"),
        ("Thị trấn", "Thò traán"),
        ("Bình Phước", "Bình Phöôùc"),
        ("Đồng Xoài", "Ñoàng Xoaøi"),
        ("Ấp Bắc", "AÁp Baéc"),
        ("ĂN UỐNG", "AÊN UOÁNG"),
        ("thủy lợi", "thuûy lôïi"),
        ("kỷ luật", "kyû luaät"),
        ("Lý Thường Kiệt", "Lyù Thöôøng Kieät"),
        ("quỹ", "quyõ"),
        ("Ỵ ỵ ĩ ỉ", "Î î ó æ"),
    ],
)
def test_vni_table(unicode, vni):
    assert encode_legacy(unicode, "vni") == vni
    assert convert_legacy(vni, "vni") == unicode
    assert convert_legacy(vni.encode("latin-1"), "vni") == unicode


def test_tcvn3_has_no_toned_capitals():
    assert encode_legacy("LỘC NINH", "tcvn3") == "LéC NINH"
    assert convert_legacy("LéC NINH", "tcvn3") == "LộC NINH"
    assert encode_legacy("ĂÂĐÊÔƠƯ", "tcvn3") == "¡¢§£¤¥¦"


def test_convert_legacy_returns_nfc():
    converted = convert_legacy("Loäc", "vni")
    assert converted == unicodedata.normalize("NFC", converted)


@pytest.mark.parametrize("call", [convert_legacy, encode_legacy])
def test_unknown_legacy_encoding(call):
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        call("abc", "viscii")


@given(st.text(alphabet=[*VIETNAMESE_LETTERS, " ", ",", ".", "0", "1", "A", "f", "w"]))
def test_vni_round_trip(text):
    assert convert_legacy(encode_legacy(text, "vni"), "vni") == text


@given(st.text(alphabet=[*VIETNAMESE_LOWER, *"ĂÂĐÊÔƠƯ", " ", ",", "0", "A", "Z"]))
def test_tcvn3_round_trip(text):
    assert convert_legacy(encode_legacy(text, "tcvn3"), "tcvn3") == text


@given(st.text(alphabet=[*VIETNAMESE_LETTERS, " "]))
def test_tcvn3_round_trip_up_to_case(text):
    assert convert_legacy(encode_legacy(text, "tcvn3"), "tcvn3").lower() == text.lower()


SAMPLES = [
    "Thị trấn Lộc Ninh",
    "Thủ tục hành chính được giải quyết đúng hạn",
    "Hỗ trợ hộ nghèo, hộ cận nghèo trên địa bàn xã",
    "Bình Phước",
    "Ấp Bắc",
    "Số lao động được tạo việc làm",
    "Tỷ lệ tiêm chủng đầy đủ cho trẻ em dưới một tuổi",
]


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_detect_legacy_encoding(sample, encoding):
    legacy = encode_legacy(sample, encoding)
    assert detect_legacy_encoding(legacy) == encoding
    assert detect_legacy_encoding(legacy.encode("latin-1")) == encoding
    # A legacy file converted to UTF-8 as if it were cp1252.
    assert detect_legacy_encoding(legacy.encode("utf-8")) == encoding


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thñ tôc", "tcvn3"),
        ("Bé Y tÕ", "tcvn3"),
        ("Loäc Ninh", "vni"),
        ("Xin chaøo", "vni"),
        *((sample, None) for sample in SAMPLES),
        ("Tân Phú", None),
        ("Hòa Bình", None),
        ("Bình An", None),
        ("Hello world", None),
        ("The quick brown fox jumps over the lazy dog", None),
        ("café au lait, Müller, mañana, naïve, São Paulo", None),
        ("Le dé est jeté", None),
        ("© 2023 Company®, 25°C, ½ price", None),
        ("", None),
        ("12.345", None),
        # One word that reads as Vietnamese either way proves nothing.
        ("Léc Ninh", None),
    ],
)
def test_detect_legacy_encoding_table(text, expected):
    assert detect_legacy_encoding(text) == expected


def test_detect_legacy_encoding_bytes():
    assert detect_legacy_encoding("Thị trấn Lộc Ninh".encode()) is None
    assert detect_legacy_encoding(b"Th\xf1 t\xf4c h\xb5nh ch\xddnh") == "tcvn3"
    assert detect_legacy_encoding(b"plain ASCII") is None


def test_detect_then_convert():
    legacy = encode_legacy("Thủ tục hành chính", "tcvn3").encode("latin-1")
    encoding = detect_legacy_encoding(legacy)
    assert convert_legacy(legacy, encoding) == "Thủ tục hành chính"
