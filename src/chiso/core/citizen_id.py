"""Vietnamese personal identification numbers (số định danh cá nhân, printed on the căn cước
công dân card): 12 digits, pure Python.

Structure (Thông tư 07/2016/TT-BCA, Điều 7; Thông tư 59/2021/TT-BCA): ``PPP G YY NNNNNN`` —

- ``PPP``: the code of the province where the birth was registered: one of the 63 province
  codes ``001`` (Hà Nội) … ``096`` (Cà Mau), the pre-2025 administrative codes zero-padded
  (codes issued before 1 July 2025 stay valid, and the merged provinces kept codes of this set);
- ``G``: century and sex: 0/1 born 1900–1999 male/female, 2/3 2000–2099, 4/5 2100–2199,
  6/7 2200–2299, 8/9 1800–1899;
- ``YY``: the last two digits of the birth year;
- ``NNNNNN``: a serial number.

``parse_citizen_id`` normalises (spaces, dots and dashes dropped) and validates; ``check
_against`` compares with a birth year and sex when those are known; ``mask`` hides all but the
first and the last three digits: ``0xx******123``.
"""

from __future__ import annotations

import re

from chiso.core.errors import ChisoError, gettext_noop, register_messages

register_messages(
    {
        "citizen_id.format": gettext_noop(
            "Số định danh cá nhân '%(value)s' không hợp lệ: phải gồm đúng 12 chữ số"
        ),
        "citizen_id.province": gettext_noop(
            "Số định danh cá nhân '%(value)s' không hợp lệ: 3 chữ số đầu (%(prefix)s) không phải"
            " mã tỉnh, thành phố (001–096)"
        ),
        "citizen_id.birth_year": gettext_noop(
            "Số định danh cá nhân '%(value)s' ghi năm sinh %(id_year)s, không khớp năm sinh"
            " %(year)s"
        ),
        "citizen_id.sex": gettext_noop(
            "Số định danh cá nhân '%(value)s' ghi giới tính %(id_sex)s, không khớp giới tính"
            " %(sex)s"
        ),
    }
)

PROVINCE_CODES = frozenset(
    f"{code:03d}"
    for code in (
        *(1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34),
        *(35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67),
        *(68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96),
    )
)
"""The 63 province codes a personal identification number may start with."""

_CENTURY = {
    0: 1900,
    1: 1900,
    2: 2000,
    3: 2000,
    4: 2100,
    5: 2100,
    6: 2200,
    7: 2200,
    8: 1800,
    9: 1800,
}
_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS = re.compile(r"[0-9]{12}")

MALE, FEMALE = "nam", "nu"


def parse_citizen_id(text: str) -> str:
    """The 12-digit number in ``text`` ("070 1 85 012345" gives "070185012345"), or
    ChisoError ``citizen_id.*``. A leading apostrophe (Excel's text marker) is dropped; a number
    that Excel turned into 11 digits by dropping the leading zero is refused, not guessed."""
    raw = str(text).strip().lstrip("'")
    digits = _SEPARATORS.sub("", raw)
    if not _DIGITS.fullmatch(digits):
        raise ChisoError("citizen_id.format", value=raw)
    if digits[:3] not in PROVINCE_CODES:
        raise ChisoError("citizen_id.province", value=raw, prefix=digits[:3])
    return digits


def birth_year_of(number: str) -> int:
    """The birth year a valid number encodes."""
    return _CENTURY[int(number[3])] + int(number[4:6])


def sex_of(number: str) -> str:
    """``MALE`` or ``FEMALE`` as a valid number encodes it."""
    return FEMALE if int(number[3]) % 2 else MALE


def check_against(number: str, *, birth_year: int | None = None, sex: str | None = None) -> None:
    """ChisoError when a valid ``number`` contradicts a known birth year or sex (``MALE`` /
    ``FEMALE``)."""
    if birth_year is not None and birth_year_of(number) != birth_year:
        raise ChisoError(
            "citizen_id.birth_year", value=number, id_year=birth_year_of(number), year=birth_year
        )
    if sex in (MALE, FEMALE) and sex_of(number) != sex:
        names = {MALE: "nam", FEMALE: "nữ"}
        raise ChisoError(
            "citizen_id.sex", value=number, id_sex=names[sex_of(number)], sex=names[sex]
        )


def mask(number: str) -> str:
    """``0xx******123``: the first digit and the last three; empty stays empty."""
    if not number:
        return ""
    if len(number) != 12:
        return "*" * len(number)
    return f"{number[0]}xx******{number[-3:]}"
