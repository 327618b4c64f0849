"""Claim extraction: every figure of a (masked) text with its unit, role and approximation.

Numbers are parsed strictly by :func:`chiso.core.numbers.parse_number`; a token it rejects
("1.5", "1,263,538") is not a claim. The extractor works on the lower-cased, masked text, so
dates, document numbers and the like (see :mod:`masking`) are never read as figures.
"""

from __future__ import annotations

import re
from decimal import Decimal

from chiso.core.checker.lexicon import (
    APPROX_KIND,
    APPROX_PREFIX,
    APPROX_RE,
    COMPOUND_RE,
    EACH_RE,
    MASS_UNITS,
    MONEY_CUE_RE,
    MONEY_RE,
    PER_RE,
    SCALE_RE,
    SCALES,
    TOTAL_CUE_RE,
    UNIT_FAMILY,
    UNIT_RE,
)
from chiso.core.checker.model import Claim
from chiso.core.errors import ChisoError
from chiso.core.numbers import parse_number

__all__ = ["extract_claims"]

_NUMBER = re.compile(r"(?<![\w.,/])\d+(?:[.,]\d+)*")
_RATIO_TAIL = re.compile(r"[ \t\u00a0]*/[ \t\u00a0]*(?P<den>\d+(?:[.,]\d+)*)(?![\w.,/]\d)")
_PERCENT_TAIL = re.compile(r"[ \t\u00a0]?%")
_CLAUSE_CUT = re.compile(r".*[;:()\n\[\]]", re.S)
_COMMA_CUT = re.compile(r".*[,;:()\n]", re.S)
_CHANGE_BEFORE = re.compile(
    r"(?<![\w])(?P<dir>tăng|giảm|vượt|vượt mức|hụt)(?:[ \t\u00a0]+(?:thêm|"
    r"được|khoảng|gần|trên|hơn|ước|là|đến|tới|còn))*[ \t\u00a0]*$"
)
_PLAN_AFTER = re.compile(
    r"[ \t\u00a0]*(?:so[ \t\u00a0]+với[ \t\u00a0]+)?(?:kế hoạch|kh\b|chỉ tiêu|mục tiêu|"
    r"nghị quyết|dự toán)"
)
_PRIOR_AFTER = re.compile(
    r"[ \t\u00a0]*(?:so[ \t\u00a0]+với[ \t\u00a0]+)(?:cùng kỳ|năm trước|năm ngoái|"
    r"cùng thời điểm|kỳ trước|năm \d{4}|năm)"
)
_SHARE_BEFORE = re.compile(
    r"chiếm(?:[ \t\u00a0]+(?:tỷ lệ|tỉ lệ|khoảng|gần|trên|hơn|ước|là))*"
    r"[ \t\u00a0]*$"
)
_RATE_BEFORE = re.compile(r"(?:tỷ lệ|tỉ lệ)")
_PRE_UNIT = re.compile(
    r"(?<![\w])số[ \t\u00a0]+(?P<rest>[\w \t\u00a0]{1,50}?)[ \t\u00a0]*(?:là|:|đạt|có)?"
    r"[ \t\u00a0]*$"
)

COUNT_KINDS = frozenset({"count", "money", "measure"})


def extract_claims(text: str, masked: str) -> list[Claim]:
    """Claims of ``text`` (NFC) read from ``masked`` (its lower-cased copy, look-alikes blanked),
    in text order."""
    claims: list[Claim] = []
    pos = 0
    for match in _NUMBER.finditer(masked):
        if match.start() < pos:
            continue
        claim = _read_claim(text, masked, match)
        if claim is None:
            continue
        if claim.approx is not None:
            claim.qualifier = _qualifier(text, masked, claim.start)
        claims.append(claim)
        pos = claim.end
    return claims


def _qualifier(text: str, masked: str, start: int) -> str | None:
    before = _before(masked, start)
    found = APPROX_RE.search(before, max(0, len(before) - 24))
    if found is None:
        return None
    offset = start - len(before)
    return text[offset + found.start("word") : offset + found.end("word")]


def _parse(token: str) -> Decimal | None:
    try:
        return parse_number(token)
    except ChisoError:
        return None


def _before(masked: str, start: int, width: int = 80) -> str:
    return masked[max(0, start - width) : start]


def _read_claim(text: str, masked: str, match: re.Match[str]) -> Claim | None:
    token = match.group()
    start, end = match.span()
    number = _parse(token)
    if number is None:
        return None
    before = _before(masked, start)
    approx = None
    approx_match = APPROX_RE.search(before, max(0, len(before) - 24))
    if approx_match is not None:
        approx = APPROX_KIND[approx_match["word"]]
        cue_before = before[: approx_match.start("word")]
    else:
        cue_before = before

    # Ratio "843/843 thôn".
    ratio = _RATIO_TAIL.match(masked, end)
    if ratio is not None:
        denominator = _parse(ratio["den"])
        if denominator is None:
            return None
        end = ratio.end()
        unit_match = UNIT_RE.match(masked, end)
        unit = ukey = None
        if unit_match is not None:
            unit = unit_match["unit"]
            ukey = UNIT_FAMILY[unit]
            end = unit_match.end()
        value = f"{_plain(number)}/{_plain(denominator)}"
        return _claim(
            text,
            start,
            end,
            "ratio",
            value,
            unit,
            number,
            approx,
            ukey=ukey,
            denominator=denominator,
        )

    # Percentage.
    percent = _PERCENT_TAIL.match(masked, end)
    if percent is not None:
        end = percent.end()
        kind, sign = _percent_role(masked, start, end, before)
        signed = -number if sign < 0 else number
        decimals = max(0, -number.as_tuple().exponent)
        return _claim(
            text,
            start,
            end,
            kind,
            _plain(signed),
            "%",
            signed,
            approx,
            ukey="%",
            decimals=decimals,
            tolerance=Decimal(5).scaleb(-decimals - 1),
        )

    # Money.
    money = MONEY_RE.match(masked, end)
    scales = money["scales"].split() if money and money["scales"] else []
    has_dong = bool(money and money["dong"])
    compound = None
    if scales and not has_dong:
        compound = COMPOUND_RE.match(masked, money.end())
    if (
        has_dong
        or (compound is not None and compound["dong"])
        or (
            scales
            and not UNIT_RE.match(masked, money.end("scales"))
            and MONEY_CUE_RE.search(cue_before)
        )
    ):
        factor = Decimal(1)
        for word in scales:
            factor *= SCALES[word]
        amount = number * factor
        tolerance = (
            Decimal(5).scaleb(-max(0, -number.as_tuple().exponent) - 1) * factor
            if scales
            else Decimal(0)
        )
        end = money.end()
        # "2 tỷ 500 triệu đồng"
        if compound is not None:
            part = _parse(compound["number"])
            if part is not None:
                amount += part * SCALES[compound["scale"]]
                tolerance = Decimal(5).scaleb(-1) * SCALES[compound["scale"]]
                end = compound.end()
        per = PER_RE.match(masked, end)
        if per is not None and not per["more"] and not per["noun"]:
            unit_text = f"đồng/{per['per']}"
            return _claim(
                text,
                start,
                per.end(),
                "rate",
                _plain(amount),
                unit_text,
                amount,
                approx,
                ukey="money",
                per=UNIT_FAMILY[per["per"]],
            )
        each = EACH_RE.search(before)
        if each is not None and not _CLAUSE_BREAK.search(before, each.start()):
            return _claim(
                text,
                start,
                end,
                "rate",
                _plain(amount),
                f"đồng/{each['per']}",
                amount,
                approx,
                ukey="money",
                per=UNIT_FAMILY[each["per"]],
            )
        return _claim(
            text,
            start,
            end,
            "money",
            _plain(amount),
            "đồng",
            amount,
            approx,
            ukey="money",
            tolerance=tolerance,
            cue=_cue(cue_before),
        )

    # Count or measure, possibly scaled ("1,2 triệu lượt").
    factor = Decimal(1)
    unit_pos = end
    scale = SCALE_RE.match(masked, end)
    if scale is not None:
        after_scale = UNIT_RE.match(masked, scale.end())
        if after_scale is not None:
            factor = SCALES[scale["scale"]]
            unit_pos = scale.end()
    unit_match = UNIT_RE.match(masked, unit_pos)
    if unit_match is None and scale is not None:
        factor = SCALES[scale["scale"]]
        tolerance = Decimal(5).scaleb(-max(0, -number.as_tuple().exponent) - 1) * factor
        return _claim(
            text,
            start,
            scale.end(),
            "count",
            _plain(number * factor),
            None,
            number * factor,
            approx,
            tolerance=tolerance,
            cue=_cue(cue_before),
        )
    if unit_match is not None:
        unit = unit_match["unit"]
        ukey = UNIT_FAMILY[unit]
        end = unit_match.end()
        value = number * factor
        canonical = value * MASS_UNITS[unit] if ukey == "mass" else value
        kind = "measure" if unit in MASS_UNITS or ukey in _MEASURES else "count"
        tolerance = Decimal(0)
        if factor != 1:
            tolerance = Decimal(5).scaleb(-max(0, -number.as_tuple().exponent) - 1) * factor
        if ukey == "mass":
            tolerance *= MASS_UNITS[unit]
        per = PER_RE.match(masked, end)
        if per is not None and not per["more"] and UNIT_FAMILY[per["per"]] != ukey:
            written = f"{unit}{per['noun']}/{per['per']}"
            return _claim(
                text,
                start,
                per.end(),
                "rate",
                _plain(value),
                written,
                canonical,
                approx,
                ukey=ukey,
                per=UNIT_FAMILY[per["per"]],
            )
        each = EACH_RE.search(before)
        if (
            each is not None
            and not _CLAUSE_BREAK.search(before, each.start())
            and (UNIT_FAMILY[each["per"]] != ukey)
        ):
            return _claim(
                text,
                start,
                end,
                "rate",
                _plain(value),
                f"{unit}/{each['per']}",
                canonical,
                approx,
                ukey=ukey,
                per=UNIT_FAMILY[each["per"]],
            )
        return _claim(
            text,
            start,
            end,
            kind,
            _plain(value),
            unit,
            canonical,
            approx,
            ukey=ukey,
            tolerance=tolerance,
            cue=_cue(cue_before),
        )

    # A bare number; its unit may have been named before it ("Tổng số hồ sơ tiếp nhận: 1.468").
    unit = ukey = None
    pre = _PRE_UNIT.search(cue_before, max(0, len(cue_before) - 55))
    if pre is not None:
        head = UNIT_RE.match(" " + pre["rest"])
        if head is not None:
            unit = head["unit"]
            ukey = UNIT_FAMILY[unit]
    return _claim(
        text,
        start,
        end,
        "count",
        _plain(number),
        unit,
        number,
        approx,
        ukey=ukey,
        cue=_cue(cue_before),
    )


_MEASURES = frozenset(
    {"mass", "km", "ha", "héc-ta", "hecta", "m", "mét", "m2", "m²", "m3", "m³", "lít"}
)
_CLAUSE_BREAK = re.compile(r"[;.\n]")


def _cue(before: str) -> str | None:
    if TOTAL_CUE_RE.search(before, max(0, len(before) - 75)):
        return "total"
    return None


def _percent_role(masked: str, start: int, end: int, before: str) -> tuple[str, int]:
    """The role of the percentage at ``start:end`` and the sign of a change."""
    clause = before
    cut = _COMMA_CUT.match(clause)
    near = clause[cut.end() :] if cut else clause
    change = _CHANGE_BEFORE.search(near)
    after = masked[end : end + 40]
    if change is not None:
        return "percent_change", (-1 if change["dir"] in ("giảm", "hụt") else 1)
    if _PLAN_AFTER.match(after):
        return "percent_plan", 1
    if _PRIOR_AFTER.match(after):
        return "percent_vs_prior", 1
    if _SHARE_BEFORE.search(near):
        return "percent_share", 1
    if _RATE_BEFORE.search(near):
        return "percent_rate", 1
    if before.rstrip().endswith("("):
        return "percent_share", 1
    return "percent", 1


def _plain(value: Decimal) -> str:
    """A Decimal written plainly ("38406", "73.3"), without exponent or trailing zeros."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _claim(
    text,
    start,
    end,
    kind,
    value,
    unit,
    number,
    approx,
    *,
    ukey=None,
    per=None,
    denominator=None,
    decimals=0,
    tolerance=Decimal(0),
    cue=None,
) -> Claim:
    if approx is not None:
        value = APPROX_PREFIX[approx] + value
    return Claim(
        start=start,
        end=end,
        text=text[start:end],
        kind=kind,
        value=value,
        unit=unit,
        number=number,
        denominator=denominator,
        approx=approx,
        ukey=ukey,
        per=per,
        tolerance=tolerance,
        decimals=decimals,
        cue=cue,
    )
