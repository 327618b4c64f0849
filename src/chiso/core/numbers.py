"""Vietnamese numbers, percentages and amounts of money: strict parsing, exact formatting.

Vietnamese writes ``.`` between groups of exactly three digits and ``,`` before the decimals:
``38.406``, ``2.925.425.000``, ``64,5``, ``1.234,56``. Parsing is strict because a misread
separator changes a figure a thousandfold: ``1.5`` is neither 15 nor 1,5 but an error, and
``38,406`` is the decimal 38,406 only where decimals are allowed.

Parsed values keep the exponent they were written with (``"64,50"`` gives ``Decimal("64.50")``),
so the number of decimals written stays visible (see :func:`percent_decimals`). Formatting is done
by hand rather than through Babel so that it is exact for every ``Decimal``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext

from chiso.core.errors import ChisoError, gettext_noop, register_messages

register_messages(
    {
        "number.empty": gettext_noop("Chưa nhập số"),
        "number.invalid": gettext_noop("'%(text)s' không phải là số"),
        "number.ambiguous_dot": gettext_noop(
            "'%(text)s' không phải số hợp lệ: dùng '%(comma)s' hoặc '%(plain)s'"
        ),
        "number.bad_grouping": gettext_noop(
            "'%(text)s' không phải số hợp lệ: dấu '.' phân cách hàng nghìn phải tách các nhóm"
            " đúng 3 chữ số"
        ),
        "number.space_grouping": gettext_noop(
            "'%(text)s' không phải số hợp lệ: không dùng dấu cách để phân cách hàng nghìn,"
            " hãy viết '%(suggestion)s'"
        ),
        "number.multiple_commas": gettext_noop(
            "'%(text)s' không phải số hợp lệ: chỉ được có một dấu ',' (dấu thập phân)"
        ),
        "number.english_format": gettext_noop(
            "'%(text)s' không phải số hợp lệ: dấu '.' phân cách hàng nghìn, dấu ',' phân cách"
            " thập phân (ví dụ 1.234,5)"
        ),
        "number.decimal_not_allowed": gettext_noop(
            "'%(text)s' phải là số nguyên: dấu ',' là dấu thập phân, hàng nghìn viết bằng"
            " dấu '.' (ví dụ 38.406)"
        ),
        "percent.invalid": gettext_noop(
            "'%(text)s' không phải tỷ lệ phần trăm hợp lệ (ví dụ: 96%% hoặc 103,6%%)"
        ),
        "money.invalid": gettext_noop(
            "'%(text)s' không phải số tiền hợp lệ (ví dụ: 2.925.425.000 đồng, 130 triệu đồng,"
            " 1,5 tỷ đồng)"
        ),
    }
)

# Digits are spelled [0-9]: \d would also accept other scripts' digits.
_SIGN = r"[-\u2212]?"
_NUMBER = re.compile(
    rf"(?P<sign>{_SIGN})(?P<int>[0-9]{{1,3}}(?:\.[0-9]{{3}})+|[0-9]+)(?:,(?P<frac>[0-9]+))?"
)
_GROUP_SPACES = "[ \u00a0\u2009\u202f]"
_SINGLE_DOT = re.compile(rf"{_SIGN}[0-9]+\.[0-9]+")
_SPACE_GROUPED = re.compile(rf"{_SIGN}[0-9]{{1,3}}(?:{_GROUP_SPACES}[0-9]{{3}})+(?:,[0-9]+)?")
_ENGLISH = re.compile(rf"{_SIGN}[0-9]+(?:,[0-9]+)+\.[0-9]+")
_DOTTED = re.compile(rf"{_SIGN}[0-9.]*[0-9]\.[0-9][0-9.]*(?:,[0-9]+)?")
_COMMAS = re.compile(rf"{_SIGN}[0-9]+(?:,[0-9]+){{2,}}")


def parse_number(text: str, *, allow_decimal: bool = True) -> Decimal:
    """Parse a number written the Vietnamese way; raise ``ChisoError`` on anything else.

    Accepts ``38.406``, ``2925425000``, ``04``, ``-5`` and, when ``allow_decimal``, ``64,5`` and
    ``1.234,56``; surrounding whitespace is ignored. The result keeps the written exponent.
    """
    stripped = text.strip()
    if not stripped:
        raise ChisoError("number.empty", text=text)
    match = _NUMBER.fullmatch(stripped)
    if match is None:
        raise _number_error(stripped)
    frac = match["frac"]
    if frac is not None and not allow_decimal:
        raise ChisoError("number.decimal_not_allowed", text=stripped)
    digits = match["int"].replace(".", "") + ("." + frac if frac is not None else "")
    value = Decimal(digits)
    return -value if match["sign"] and value else value


def _number_error(text: str) -> ChisoError:
    """The most helpful error for ``text``, which is not a valid Vietnamese number."""
    if _SINGLE_DOT.fullmatch(text) and len(text.partition(".")[2]) != 3:
        return ChisoError(
            "number.ambiguous_dot",
            text=text,
            comma=text.replace(".", ","),
            plain=text.replace(".", ""),
        )
    if _SPACE_GROUPED.fullmatch(text):
        suggestion = re.sub(_GROUP_SPACES, ".", text)
        return ChisoError("number.space_grouping", text=text, suggestion=suggestion)
    if _ENGLISH.fullmatch(text):
        return ChisoError("number.english_format", text=text)
    if _DOTTED.fullmatch(text):
        return ChisoError("number.bad_grouping", text=text)
    if _COMMAS.fullmatch(text):
        return ChisoError("number.multiple_commas", text=text)
    return ChisoError("number.invalid", text=text)


def format_number(value: Decimal | int, decimals: int | None = None) -> str:
    """Format ``value`` the Vietnamese way: ``38.406``, ``64,5``, ``1.234.567,89``.

    With ``decimals=None`` the value is written exactly, without trailing zeros
    (``Decimal("64.50")`` gives ``64,5``); otherwise it is rounded half up to ``decimals``
    places and written with exactly that many (``format_number(Decimal("2.5"), 2)`` is ``2,50``).
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"format_number takes a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot format {number}")
    with localcontext() as context:
        context.prec = max(
            28, number.adjusted() + 2 + max(decimals or 0, -number.as_tuple().exponent)
        )
        if decimals is not None:
            number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        elif number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        else:
            number = number.normalize()
    negative = number.is_signed() and number != 0
    integer, _, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(integer):,}".replace(",", ".")
    return ("-" if negative else "") + grouped + ("," + fraction if fraction else "")


_PERCENT = re.compile(r"(?P<number>.*?)\s*%")


def parse_percent(text: str) -> Decimal:
    """Parse ``103,6%``, ``103,6 %`` or ``96%`` into the percentage itself (``Decimal("103.6")``).

    The ``%`` sign is required; the number follows :func:`parse_number` (its errors name it).
    """
    match = _PERCENT.fullmatch(text.strip())
    if match is None or not match["number"]:
        raise ChisoError("percent.invalid", text=text)
    return parse_number(match["number"])


def percent_decimals(text: str) -> int:
    """How many decimals ``text`` writes: 1 for ``103,6%``, 0 for ``96%`` (sets a tolerance)."""
    return max(0, -parse_percent(text).as_tuple().exponent)


def format_percent(value: Decimal | int, decimals: int = 1) -> str:
    """Format a percentage (``103.6``, not ``1.036``): ``103,6%``, or ``96%`` with decimals=0."""
    return format_number(value, decimals) + "%"


MONEY_UNITS: dict[str, int] = {
    "đồng": 1,
    "nghìn đồng": 10**3,
    "triệu đồng": 10**6,
    "tỷ đồng": 10**9,
}
"""The units :func:`format_money` writes, with their value in đồng."""

_SCALES: dict[str, int] = {
    "": 1,
    "nghìn": 10**3,
    "ngàn": 10**3,
    "triệu": 10**6,
    "tỷ": 10**9,
    "tỉ": 10**9,
    **{
        f"{thousand} {billion}": 10**12
        for thousand in ("nghìn", "ngàn")
        for billion in ("tỷ", "tỉ")
    },
}
_CURRENCIES = ("", "đồng", "đ", "₫", "vnđ", "vnd")
_MONEY_SUFFIXES: dict[str, int] = {
    f"{scale} {currency}".strip(): factor
    for scale, factor in _SCALES.items()
    for currency in _CURRENCIES
    if scale or currency
}
_MONEY = re.compile(r"(?P<number>[-\u2212]?[0-9][0-9.,]*)\s*(?P<unit>[^0-9]+?)")


def parse_money(text: str) -> Decimal:
    """Parse an amount of money into đồng.

    Accepts a number followed by a unit: ``2.925.425.000 đồng``, ``2.925.425.000đ``,
    ``1.100.000 VNĐ``, ``130 triệu đồng``, ``1,5 tỷ đồng``, ``286 triệu``, ``20 tỷ`` (also
    ``nghìn``/``ngàn``, ``tỉ``, ``nghìn tỷ``). A bare number is rejected: its unit is unknown.
    """
    stripped = unicodedata.normalize("NFC", text).strip()
    match = _MONEY.fullmatch(stripped)
    if match is None:
        raise ChisoError("money.invalid", text=text)
    factor = _MONEY_SUFFIXES.get(" ".join(match["unit"].lower().split()))
    if factor is None:
        raise ChisoError("money.invalid", text=text)
    amount = parse_number(match["number"]) * factor
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def format_money(value: Decimal | int, unit: str = "đồng", decimals: int | None = None) -> str:
    """Format an amount given in đồng: ``2.925.425.000 đồng``, ``130 triệu đồng``, ``1,5 tỷ đồng``.

    ``unit`` is one of :data:`MONEY_UNITS` or ``"auto"``: the largest of ``tỷ đồng`` and
    ``triệu đồng`` in which the amount is at least 1 and exact with at most 2 decimals, else
    ``đồng`` (so 130.000.000 gives ``130 triệu đồng`` and 2.925.425.000 stays in đồng).
    ``decimals`` is passed to :func:`format_number` (None: exact).
    """
    if unit == "auto":
        unit = _auto_unit(Decimal(value))
    factor = MONEY_UNITS.get(unit)
    if factor is None:
        raise ValueError(f"unknown money unit {unit!r}; use one of {[*MONEY_UNITS, 'auto']}")
    return f"{format_number(Decimal(value) / factor, decimals)} {unit}"


def _auto_unit(value: Decimal) -> str:
    for unit in ("tỷ đồng", "triệu đồng"):
        amount = abs(value) / MONEY_UNITS[unit]
        if amount >= 1 and amount == amount.quantize(Decimal("0.01")):
            return unit
    return "đồng"
