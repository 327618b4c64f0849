"""Vocabulary of the checker: units, their families, approximation words, structure markers.

All patterns here run on the lower-cased NFC text. Unit families decide which figures may be
added up or compared: "suất quà" and "phần quà" are the same family (gifts), "lao động" and
"người" both count persons, "hộ" counts households, and money is always in đồng.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Written unit -> family key. Multi-word units must come before their first word in the
# alternation; the pattern is built longest first.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "person": (
        "người",
        "lao động",
        "nhân khẩu",
        "khẩu",
        "đối tượng",
        "công dân",
        "lượt người",
        "học sinh",
        "sinh viên",
        "học viên",
        "trẻ",
        "trẻ em",
        "cháu",
        "em",
        "bệnh nhân",
        "thanh niên",
        "đoàn viên",
        "hội viên",
        "đảng viên",
        "cán bộ",
        "công chức",
        "viên chức",
        "giáo viên",
        "y, bác sĩ",
        "bác sĩ",
        "thí sinh",
        "cử tri",
        "phụ nữ",
        "thương binh",
        "bệnh binh",
        "thân nhân",
        "nạn nhân",
        "đại biểu",
        "cá nhân",
    ),
    "case": ("ca", "ca bệnh", "ca mắc", "trường hợp"),
    "household": ("hộ", "hộ gia đình", "hộ dân", "gia đình", "lượt hộ"),
    "gift": (
        "phần quà",
        "suất quà",
        "phần",
        "suất",
        "quà",
        "gói quà",
        "túi quà",
        "suất ăn",
        "học bổng",
        "xuất quà",
    ),
    "dossier": ("hồ sơ", "bộ hồ sơ", "đơn", "đơn thư", "lá đơn", "vụ việc", "vụ"),
    "opinion": ("ý kiến", "kiến nghị", "lượt ý kiến", "ý kiến, kiến nghị", "câu hỏi"),
    "ballot": ("phiếu",),
    "procedure": (
        "thủ tục",
        "thủ tục hành chính",
        "tthc",
        "dịch vụ công",
        "dịch vụ",
    ),
    "commune": (
        "xã",
        "phường",
        "thị trấn",
        "xã, phường, thị trấn",
        "xã, thị trấn",
        "xã, phường",
        "phường, xã",
        "phường, thị trấn",
        "đơn vị hành chính cấp xã",
    ),
    "hamlet": (
        "thôn",
        "ấp",
        "khu phố",
        "tổ dân phố",
        "sóc",
        "bản",
        "khóm",
        "thôn, ấp",
        "thôn, ấp, khu phố",
        "thôn, bản",
        "thôn, tổ dân phố",
        "ấp, khu phố",
        "khu phố, ấp",
        "thôn, khu phố",
        "thôn, ấp, khu phố, tổ dân phố",
        "ấp, khu phố, tổ dân phố",
    ),
    "school": ("trường", "trường học", "điểm trường", "cơ sở giáo dục", "trường mầm non"),
    "house": (
        "căn",
        "căn nhà",
        "ngôi nhà",
        "nhà",
        "nhà ở",
        "căn hộ",
        "nhà đại đoàn kết",
        "nhà tình nghĩa",
        "nhà tình thương",
    ),
    "dose": ("mũi", "liều", "mũi tiêm"),
    "visit": ("lượt", "lượt khám", "lượt truy cập", "lượt xem"),
    "card": ("thẻ",),
}
# Units counted on their own (the key is the unit itself).
_SINGLE_UNITS = (
    "cơ sở",
    "cơ quan",
    "đơn vị",
    "tập thể",
    "doanh nghiệp",
    "hợp tác xã",
    "htx",
    "tổ hợp tác",
    "công trình",
    "dự án",
    "cụm",
    "loa",
    "cụm loa",
    "bộ",
    "cái",
    "chiếc",
    "con",
    "cây",
    "bao",
    "cuộc",
    "buổi",
    "hội nghị",
    "lớp",
    "đợt",
    "tiêu chí",
    "nhiệm vụ",
    "chỉ tiêu",
    "văn bản",
    "kế hoạch",
    "bài",
    "tin",
    "tin, bài",
    "tin bài",
    "chương trình",
    "mô hình",
    "câu lạc bộ",
    "tổ",
    "đội",
    "nhóm",
    "danh mục",
    "nhóm nhiệm vụ",
    "hài cốt",
    "ngày công",
    "giờ",
    "phút",
    "giây",
    "ngày",
    "tháng",
    "năm",
    "tuần",
    "bậc",
    "điểm",
    "lần",
    "lĩnh vực",
    "huyện",
    "tỉnh",
    "thành phố",
    "huyện, thị xã, thành phố",
    "sở, ngành",
    "sở",
    "ngành",
    "cơ sở kinh doanh",
    "mẫu",
    "tàu",
    "xe",
    "km",
    "ha",
    "héc-ta",
    "hecta",
    "m",
    "mét",
    "m2",
    "m²",
    "m3",
    "m³",
    "lít",
    "trạm",
    "trạm y tế",
    "giường",
    "giường bệnh",
    "sản phẩm",
    "chợ",
    "phòng",
    "phòng học",
    "máy",
    "camera",
    "tuyến",
    "tuyến đường",
)
MASS_UNITS: dict[str, Decimal] = {
    "kg": Decimal(1),
    "ki-lô-gam": Decimal(1),
    "kilôgam": Decimal(1),
    "tấn": Decimal(1000),
    "tạ": Decimal(100),
    "yến": Decimal(10),
    "g": Decimal("0.001"),
    "gam": Decimal("0.001"),
}
MONEY_WORDS = ("đồng", "đ", "vnđ", "vnd", "₫")
SCALES: dict[str, Decimal] = {
    "nghìn": Decimal(10**3),
    "ngàn": Decimal(10**3),
    "triệu": Decimal(10**6),
    "tỷ": Decimal(10**9),
    "tỉ": Decimal(10**9),
}

UNIT_FAMILY: dict[str, str] = {}
for _family, _units in _FAMILIES.items():
    for _unit in _units:
        UNIT_FAMILY[_unit] = _family
for _unit in _SINGLE_UNITS:
    UNIT_FAMILY.setdefault(_unit, _unit)
for _unit in MASS_UNITS:
    UNIT_FAMILY[_unit] = "mass"
UNIT_FAMILY["m"] = "m"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_WORD_END = r"(?![\w])"
# A count or measure unit right after a number ("1.468 dịch vụ công", "15kg").
UNIT_RE = re.compile(rf"[ \t\u00a0]*(?P<unit>{_alternation(UNIT_FAMILY)}){_WORD_END}")
# Money after a number: "20 tỷ đồng", "1.100.000đ", "130 triệu", "2 tỷ 500 triệu đồng".
MONEY_RE = re.compile(
    rf"(?P<scales>(?:[ \t\u00a0]*(?:nghìn|ngàn|triệu|tỷ|tỉ)(?:[ \t\u00a0]+(?:tỷ|tỉ))?(?![\w]))?)"
    rf"(?P<dong>[ \t\u00a0]*(?:{_alternation(MONEY_WORDS)}){_WORD_END})?"
)
# A second group in a compound amount: "2 tỷ 500 triệu đồng".
COMPOUND_RE = re.compile(
    r"[ \t\u00a0]+(?P<number>\d{1,3}(?:,\d+)?)[ \t\u00a0]*(?P<scale>triệu|nghìn|ngàn)"
    rf"(?P<dong>[ \t\u00a0]*(?:{_alternation(MONEY_WORDS)}){_WORD_END})?"
)
# A scale word before a count unit: "1,2 triệu lượt".
SCALE_RE = re.compile(r"[ \t\u00a0]*(?P<scale>nghìn|ngàn|triệu|tỷ|tỉ)(?![\w])")
# "/suất", "/người/tháng" after an amount or a measure; "con bò/hộ" after a count unit.
PER_RE = re.compile(
    rf"(?P<noun>(?:[ \t\u00a0]+[^\W\d_]+){{0,2}}?)"
    rf"[ \t\u00a0]*/[ \t\u00a0]*(?P<per>{_alternation(UNIT_FAMILY)}){_WORD_END}"
    r"(?P<more>[ \t\u00a0]*/[ \t\u00a0]*\w+)?"
)
# "mỗi suất (quà) trị giá 500.000 đồng", "mỗi hộ được hỗ trợ 40 triệu đồng" (text before a number).
EACH_RE = re.compile(
    rf"(?<![\w])(?:mỗi|một(?![ \t\u00a0]+(?:lần|năm|tháng|ngày|tuần|giờ)))[ \t\u00a0]+"
    rf"(?P<per>{_alternation(UNIT_FAMILY)})(?![\w])"
    rf"(?:[ \t\u00a0]+[^\W\d_]+,?){{0,5}}?"
    r"[ \t\u00a0]*(?:trị giá|có giá trị|giá trị|là|gồm|được hỗ trợ|được|hỗ trợ|mức|với mức|"
    r"định mức|:)?[ \t\u00a0]*$"
)
# "với mức hỗ trợ 40 triệu đồng/hộ" is handled by PER_RE; "trị giá 500.000 đồng/suất" too.

# Approximation words right before a number.
APPROX_RE = re.compile(
    r"(?:^|[^\w])(?P<word>trên|hơn|gần|khoảng|ước đạt|ước tính|ước|tối thiểu|ít nhất|"
    r"không dưới|dưới|chưa đến|chưa tới|không quá|tối đa|xấp xỉ|gần như|chừng)"
    r"[ \t\u00a0]*(?:đạt|là|có)?[ \t\u00a0]*$"
)
APPROX_KIND = {
    "trên": "gt",
    "hơn": "gt",
    "tối thiểu": "ge",
    "ít nhất": "ge",
    "không dưới": "ge",
    "dưới": "lt",
    "chưa đến": "lt",
    "chưa tới": "lt",
    "không quá": "le",
    "tối đa": "le",
    "gần": "about",
    "khoảng": "about",
    "ước": "about",
    "ước đạt": "about",
    "ước tính": "about",
    "xấp xỉ": "about",
    "gần như": "about",
    "chừng": "about",
}
APPROX_PREFIX = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "about": "~"}

# Part-whole markers.
MARKER_RE = re.compile(
    r"(?<![\w])(?P<marker>trong đó|trong số đó|bao gồm|gồm có|gồm|chia ra|"
    r"cụ thể(?=[ \t\u00a0]*(?:như sau|là)?[ \t\u00a0]*:))(?![\w])"
    r"(?P<colon>[ \t\u00a0]*(?:có|là|như sau|gồm)?[ \t\u00a0]*:)?"
)
# A total given after its parts: "…, tổng cộng 500 hộ".
AFTER_TOTAL_RE = re.compile(
    r"(?<![\w])(?:tổng cộng|cộng lại|tổng số là|tổng là|tổng cộng là|tổng cộng có)"
    r"[ \t\u00a0:]*$"
)
# Words that make a parenthesis a comparison, not a breakdown: "(năm 2022: 950 hộ)".
COMPARISON_RE = re.compile(r"năm|cùng kỳ|kỳ trước|kế hoạch|chỉ tiêu|so với|tăng|giảm")
RESIDUAL_RE = re.compile(r"còn lại|khác(?![\w])")
COMPLETE_MARKERS = frozenset({"bao gồm", "gồm có", "gồm", "chia ra", "cụ thể"})
TOTAL_CUE_RE = re.compile(
    r"(?<![\w])(?:tổng|cộng lại|tất cả)(?:[ \t\u00a0]+[\w]+){0,8}?[ \t\u00a0]*"
    r"(?:là|:|đạt|gồm|có)?[ \t\u00a0]*$"
)
MONEY_CUE_RE = re.compile(
    r"(?:trị giá|giá trị|kinh phí|số tiền|tiền|vốn|giải ngân|ngân sách|thu|chi|hỗ trợ|mức)"
    r"[^,;.()]{0,30}$"
)
# Labels that cut across one another (a part list by sex and by ethnicity may overlap).
DIMENSION_RE = re.compile(
    r"(?P<sex>\bnữ\b|\bnam\b|phụ nữ)|(?P<ethnic>dân tộc thiểu số|đồng bào|dtts)|"
    r"(?P<age>trẻ em|người cao tuổi|thanh niên|dưới \d+ tuổi)|(?P<disability>khuyết tật)|"
    r"(?P<poor>hộ nghèo|cận nghèo)"
)
