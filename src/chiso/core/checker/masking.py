"""Mask the figures that look like quantities but are not: dates, times, document numbers,
ages, ranks, identifiers and codes.

``mask_spans`` returns the spans (start, end, kind) on the text; ``apply_mask`` blanks them out
with spaces so that offsets are kept. Kinds: ``docref`` (Kế hoạch số 44/KH-UBND ngày …),
``code`` (27-KH/BDVTU, K72, COVID-19), ``date`` (12/01/2023, ngày 6/2, 27/7), ``period``
(tháng 9/2023, 6 tháng đầu năm), ``year`` (năm 2023, a bare 2023), ``year_range`` (2020-2025),
``time`` (03:39, 14h30), ``age`` (12-17 tuổi), ``rank`` (thứ 04/63, xếp hạng 43/63),
``identifier`` (Điều 5, ấp 3, tiêu chí số 17), ``contact`` (phone numbers, links).
"""

from __future__ import annotations

import re

from chiso.core.checker.lexicon import UNIT_FAMILY, UNIT_RE
from chiso.core.docrefs import find_docrefs

__all__ = ["apply_mask", "mask_spans"]

_SP = r"[ \t\u00a0]"
# Patterns run on the lower-cased text. For speed each one starts with a digit or a literal
# word (so the regex engine can skip ahead); a digit's left boundary is checked by a look-behind
# placed after it, a word's left boundary is checked in code (``_word_start``).
_D = r"\d(?<![\w.,/]\d)"  # a first digit not glued to a word, a number or a ratio
_MONEYISH = r"%|đồng|đ(?![\w])|nghìn|ngàn|triệu|tỷ|tỉ"
_DATE_FULL = re.compile(
    rf"{_D}\d?(?P<sep>[/.-])\d{{1,2}}(?P=sep)(?:\d{{4}}|\d{{2}})(?![\d]|[.,]\d)"
)
_ISO_DATE = re.compile(rf"{_D}\d{{3}}-\d{{2}}-\d{{2}}(?![\d])")
# Day/month without a year: masked when a time word precedes it or no unit follows it.
_DAY_MONTH = re.compile(rf"(?P<d>{_D}\d?)/(?P<m>\d{{1,2}})(?![\d]|[.,/]\d)")
_DATE_WORD_BEFORE = re.compile(rf"(?:ngày|hôm|sáng|chiều|tối|đêm|dịp|lễ|tết){_SP}*$")
_PERIOD_PHRASE = re.compile(
    rf"{_D}\d?{_SP}+tháng{_SP}+(?:(?:đầu|cuối|giữa){_SP}+năm(?:{_SP}+\d{{4}})?"
    rf"|năm{_SP}+\d{{4}}|(?=đầu|cuối|qua|vừa qua))"
)
_YEAR_FIRST = r"(?:1(?<![\w.,/-]1)9|2(?<![\w.,/-]2)0)\d{2}"
_YEAR_RANGE = re.compile(rf"{_YEAR_FIRST}{_SP}*[-–—]{_SP}*(?:19|20)\d{{2}}(?![\d])")
_BARE_YEAR = re.compile(rf"{_YEAR_FIRST}(?![\w]|[.,/]\d|{_SP}*(?:{_MONEYISH}))")
_TIME = re.compile(
    rf"\d(?<![\d.,:]\d)\d?:\d{{2}}(?::\d{{2}})?(?![\d])"
    rf"|{_D}\d?{_SP}?h(?:{_SP}?\d{{2}})?(?:'|{_SP}?phút)?(?![\w])"
    rf"|{_D}\d?{_SP}*giờ{_SP}*\d{{1,2}}(?:{_SP}*phút)?(?![\w])"
)
_AGE = re.compile(
    rf"{_D}\d{{0,2}}(?:{_SP}*(?:-|–|đến|tới){_SP}*\d{{1,3}})?{_SP}*(?:tháng{_SP}+)?tuổi(?![\w])"
)
# Word-first patterns (left boundary checked in code).
_WORD_PATTERNS = (
    (
        "date",
        re.compile(rf"(?:ngày{_SP}+)?\d{{1,2}}{_SP}+tháng{_SP}+\d{{1,2}}{_SP}+năm{_SP}+\d{{4}}"),
    ),
    (
        "date",
        re.compile(
            rf"ngày{_SP}+\d{{1,2}}(?:{_SP}*[/.-]{_SP}*\d{{1,2}}(?:{_SP}*[/.-]{_SP}*\d{{2,4}})?)?"
            rf"(?![\d]|[.,]\d|{_SP}*(?:ngày|tháng|năm|giờ|người|lượt|hồ sơ|%))"
        ),
    ),
    (
        "period",
        re.compile(
            rf"(?:tháng|quý|tuần){_SP}+(?:\d{{1,2}}|[ivx]+)"
            rf"(?:{_SP}*[/-]{_SP}*\d{{4}}|{_SP}+năm{_SP}+\d{{4}}|(?![\d\w]|[.,]\d|{_SP}*(?:{_MONEYISH})))"
        ),
    ),
    (
        "time",
        re.compile(rf"lúc{_SP}+\d{{1,2}}{_SP}*giờ(?:{_SP}*\d{{1,2}}(?:{_SP}*phút)?)?(?![\w])"),
    ),
    (
        "age",
        re.compile(
            rf"(?:độ tuổi{_SP}+(?:từ{_SP}+)?\d{{1,3}}(?:{_SP}*(?:-|–|đến|tới){_SP}*\d{{1,3}})?"
            rf"|tuổi{_SP}+(?:từ{_SP}+)?\d{{1,3}}{_SP}*(?:-|–|đến|tới){_SP}*\d{{1,3}})"
            rf"(?![\d]|[.,]\d)"
        ),
    ),
    (
        "rank",
        re.compile(
            rf"(?:(?:đứng|xếp){_SP}+)?(?:thứ|hạng|vị trí|top){_SP}+(?:số{_SP}+)?"
            rf"\d+(?:{_SP}*/{_SP}*\d+)?(?![\d])"
        ),
    ),
    (
        "contact",
        re.compile(
            rf"(?:https?://|www\.)\S+"
            rf"|(?:điện thoại|đt|sđt|hotline|đường dây nóng|fax|tel)[:.]?{_SP}*"
            rf"\(?\+?\d[\d .()-]{{5,}}\d"
        ),
    ),
    (
        "identifier",
        re.compile(
            rf"(?:kế hoạch|quyết định|nghị quyết|nghị định|thông tư|chỉ thị|công văn|"
            rf"văn bản|thông báo|báo cáo|tờ trình|hướng dẫn|chương trình|kết luận|đề án|luật|"
            rf"giấy mời|công điện){_SP}+(?:[\w]+{_SP}+){{0,3}}?số{_SP}*:?{_SP}*\d+(?:[/.-]\w+)*"
            rf"|(?<!tổng )số{_SP}*:{_SP}*\d+(?:[/.-]\w+)*"
        ),
    ),
)
_EMAIL = re.compile(r"@[\w-]+\.[\w.]+")
# A name followed by a number: "Điều 5", "ấp 3", "tiêu chí số 17" (kept when a unit follows).
_IDENTIFIER = re.compile(
    rf"(?:điều|khoản|điểm|mục|chương|phần thứ|tiêu chí|tổ|ấp|thôn|khu phố|khóm|"
    rf"phường|quận|đường|quốc lộ|tỉnh lộ|hương lộ|lô|thửa|tờ bản đồ|tờ|phòng|nhà số|"
    rf"phụ lục|biểu|bảng|mẫu|hình|lần thứ|số nhà|km|kênh|tuyến số|đội|trạm|mũi|liều|lần|"
    rf"đợt|giai đoạn|khóa|kỳ họp|phiên){_SP}+(?:số{_SP}*)?"
    rf"\d+[a-z]?(?:[/.-]\d+)*(?![\w]|[.,]\d)"
)
_YEAR_WORD = re.compile(
    rf"(?:năm|nhiệm kỳ|giai đoạn|niên khóa|niên độ|khóa|đến năm|từ năm|"
    rf"mùa|vụ|niên vụ){_SP}+(?P<y>(?:19|20)\d{{2}})(?![\d.,/]\d|\d)"
)
# Heading and list numbers at the start of a line: "1.", "2.1.", "3)", "(4)".
_HEADING = re.compile(r"^[ \t\u00a0]*(?:\(?\d{1,2}\)|\d{1,2}(?:\.\d{1,2})*\.(?=[ \t\u00a0]))", re.M)
# A token mixing digits with capitals: 44/KH-UBND, 27-KH/BDVTU, K72, COVID-19, 5A (original case).
_TOKEN = re.compile(r"(?<![\w./-])(?=[\w./-]*\d)[\w]+(?:[./-][\w]+)*")
_MONEY_TOKEN = re.compile(r"[\d.,]+(?:đ|Đ|VNĐ|VND|vnđ|KG|kg)(?:/\w+)?")

_DIGIT_PATTERNS = (
    ("date", _DATE_FULL),
    ("date", _ISO_DATE),
    ("period", _PERIOD_PHRASE),
    ("year_range", _YEAR_RANGE),
    ("time", _TIME),
    ("age", _AGE),
    ("heading", _HEADING),
)


def _word_start(lower: str, pos: int) -> bool:
    return pos == 0 or not (lower[pos - 1].isalnum() or lower[pos - 1] == "_")


def mask_spans(text: str, lower: str | None = None) -> list[tuple[int, int, str]]:
    """The look-alike spans of ``text`` (NFC), sorted and merged where they overlap."""
    if lower is None:
        lower = text.lower()
    spans: list[tuple[int, int, str]] = []
    add = spans.append
    for start, end, _ref in find_docrefs(text):
        add((start, end, "docref"))
    for match in _TOKEN.finditer(text):
        token = match.group()
        if any(c.isupper() for c in token) and not _MONEY_TOKEN.fullmatch(token):
            add((match.start(), match.end(), "code"))
    for kind, pattern in _DIGIT_PATTERNS:
        for match in pattern.finditer(lower):
            add((match.start(), match.end(), kind))
    for kind, pattern in _WORD_PATTERNS:
        for match in pattern.finditer(lower):
            if _word_start(lower, match.start()):
                add((match.start(), match.end(), kind))
    for match in _EMAIL.finditer(lower):
        start = match.start()
        while start > 0 and (lower[start - 1].isalnum() or lower[start - 1] in "._+-"):
            start -= 1
        add((start, match.end(), "contact"))
    for match in _IDENTIFIER.finditer(lower):
        if not _word_start(lower, match.start()):
            continue
        # "thôn 3" is a name, but "nông thôn 1.450 người" and "một lần 15,1 tỷ đồng" are figures.
        after = _FIGURE_AFTER.match(lower, match.end())
        if after is None or UNIT_FAMILY.get(after.group().strip()) in _PLACE_FAMILIES:
            add((match.start(), match.end(), "identifier"))
    for match in _YEAR_WORD.finditer(lower):
        if _word_start(lower, match.start()):
            add((match.start("y"), match.end("y"), "year"))
    for match in _BARE_YEAR.finditer(lower):
        if not UNIT_RE.match(lower, match.end()):
            add((match.start(), match.end(), "year"))
    for match in _DAY_MONTH.finditer(lower):
        day, month = int(match["d"]), int(match["m"])
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        before = lower[max(0, match.start() - 12) : match.start()]
        if _DATE_WORD_BEFORE.search(before) or not _followed_by_figure_word(lower, match.end()):
            add((match.start(), match.end(), "date"))
    return _merge(spans)


_PLACE_FAMILIES = frozenset({"commune", "hamlet", "huyện", "tỉnh", "thành phố"})
_FIGURE_AFTER = re.compile(
    rf"(?:{_SP}*(?:{_MONEYISH}|kg|tấn|ha\b))|(?={_SP}*[^\W\d_])(?:{UNIT_RE.pattern})"
)
_AFTER_RATIO = re.compile(rf"{_SP}*(?:\(|%|,{_SP}*(?:đạt|chiếm|bằng)|đạt|chiếm|bằng)")


def _followed_by_figure_word(lower: str, pos: int) -> bool:
    """Whether a unit or a percentage follows ``pos`` (then "5/7 xã" is a ratio, not a date)."""
    return bool(UNIT_RE.match(lower, pos) or _AFTER_RATIO.match(lower, pos))


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            last_start, last_end, last_kind = merged[-1]
            if end > last_end:
                merged[-1] = (last_start, end, last_kind)
            continue
        merged.append((start, end, kind))
    return merged


def apply_mask(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with every span replaced by spaces (same length, offsets unchanged)."""
    if not spans:
        return text
    pieces = []
    pos = 0
    for start, end, _kind in spans:
        pieces.append(text[pos:start])
        pieces.append(" " * (end - start))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)
