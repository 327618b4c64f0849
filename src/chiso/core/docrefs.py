"""References to Vietnamese administrative documents: "Kế hoạch số 44/KH-UBND ngày 14/02/2023".

A state document's symbol (Decree 30/2020/NĐ-CP, Phụ lục III) is ``number/KIND-ISSUER``
(``44/KH-UBND``); legal documents add the year (``06/2024/QĐ-UBND``); a công văn has no kind code
(``12/UBND-VX``) and neither do laws (``80/2015/QH13``). Party documents (Hướng dẫn 36-HD/VPTW)
write ``number-KIND/ISSUER`` (``27-KH/BDVTU-BCSĐUBND``) and carry their own kinds (``KL``,
``QĐi``, and ``TT`` meaning thông tri).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from chiso.core.dates import format_date, parse_date
from chiso.core.errors import ChisoError, gettext_noop, register_messages

register_messages(
    {
        "docref.invalid": gettext_noop(
            "'%(text)s' không phải số, ký hiệu văn bản hợp lệ (ví dụ: Kế hoạch số 44/KH-UBND"
            " ngày 14/02/2023)"
        ),
        "docref.unknown_kind": gettext_noop(
            "'%(text)s': không có loại văn bản viết tắt là '%(kind)s'"
        ),
        "docref.kind_mismatch": gettext_noop(
            "'%(text)s': tên loại '%(name)s' không khớp ký hiệu '%(symbol)s' (%(kind_name)s)"
        ),
    }
)

STATE_KINDS: dict[str, str] = {
    # Administrative documents, Decree 30/2020/NĐ-CP Phụ lục III.
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "GN": "Bản ghi nhớ",
    "TTh": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    # Legal documents (Law 80/2015/QH13) that carry a kind code.
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NQLT": "Nghị quyết liên tịch",
    "L": "Lệnh",
    "CV": "Công văn",
}
"""State document kinds by code (``CV`` is how some offices still write a công văn)."""

PARTY_KINDS: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "QĐi": "Quy định",
    "HD": "Hướng dẫn",
    "BC": "Báo cáo",
    "KH": "Kế hoạch",
    "CTr": "Chương trình",
    "TB": "Thông báo",
    "TT": "Thông tri",
    "TTr": "Tờ trình",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "PA": "Phương án",
    "BB": "Biên bản",
    "CV": "Công văn",
}
"""Party document kinds by code (Hướng dẫn 36-HD/VPTW)."""

_NO_KIND_NAMES = ("Công văn", "Văn bản", "Luật", "Bộ luật", "Pháp lệnh")
"""Names that may precede a symbol without a kind code ("Văn bản" may precede any symbol)."""

_CODE = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
_ISSUER = re.compile(rf"{_CODE}(?:-{_CODE})*")
_NUMBER = re.compile(r"[0-9]+[a-z]?")
_REFERENCE = (
    r"(?:(?<!\w)(?i:số)\s*:?\s*)?"
    r"(?<![\w/.,-])(?:"
    rf"(?P<number>{_NUMBER.pattern})/(?:(?P<year>[0-9]{{4}})/)?(?P<tail>{_ISSUER.pattern})"
    rf"|(?P<party_number>{_NUMBER.pattern})-(?P<party_kind>{_CODE})"
    rf"/(?P<party_issuer>{_ISSUER.pattern})"
    r")(?![\w&])"
    r"(?:,?\s+ngày\s+(?P<date>[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"
    r"|[0-9]{1,2}\s+tháng\s+[0-9]{1,2}\s+năm\s+[0-9]{4}))?"
)
_FIND = re.compile(_REFERENCE)
_PARSE = re.compile(rf"(?P<head>.*?){_REFERENCE}")
_ALL_NAMES = sorted(
    {*STATE_KINDS.values(), *PARTY_KINDS.values(), *_NO_KIND_NAMES}, key=len, reverse=True
)
_NAMES = re.compile(rf"(?<!\w)(?i:{'|'.join(map(re.escape, _ALL_NAMES))})")
_QUALIFIERS = re.compile(r"(?:\s+[^\W\d_]+){0,3}\s+")
"""Up to three lowercase words between a kind name and "số": "Kế hoạch phối hợp số"."""


@dataclass(frozen=True)
class DocumentRef:
    """A document reference: ``44/KH-UBND`` is kind ``KH``, number ``44``, issuer ``UBND``.

    ``number`` is kept as written (``"06"``); ``kind`` is None for a công văn or a law; ``year`` is
    set for legal documents; ``party`` selects the Party symbol style ``27-KH/BDVTU-BCSĐUBND``.
    """

    kind: str | None
    number: str
    year: int | None
    issuer: str
    date: date | None = None
    party: bool = False

    def __post_init__(self) -> None:
        kinds = PARTY_KINDS if self.party else STATE_KINDS
        if self.kind is not None and self.kind not in kinds:
            raise ChisoError("docref.unknown_kind", text=self.symbol, kind=self.kind)
        if not (
            _NUMBER.fullmatch(self.number)
            and _ISSUER.fullmatch(self.issuer)
            and (self.year is None or 1000 <= self.year <= 9999)
            and (not self.party or (self.kind is not None and self.year is None))
            # Written without a kind, the symbol must not read back as having one.
            and (self.kind is not None or _split_kind(self.issuer, self.year)[0] is None)
        ):
            raise ChisoError("docref.invalid", text=self.symbol)

    @property
    def symbol(self) -> str:
        """The symbol: ``44/KH-UBND``, ``06/2024/QĐ-UBND``, ``12/UBND-VX``, ``27-KH/BDVTU``."""
        if self.party:
            return f"{self.number}-{self.kind}/{self.issuer}"
        year = f"{self.year}/" if self.year is not None else ""
        kind = f"{self.kind}-" if self.kind is not None else ""
        return f"{self.number}/{year}{kind}{self.issuer}"

    @property
    def kind_name(self) -> str:
        """The kind in words: ``Kế hoạch``. Without a kind code: ``Công văn``, or for a legal
        document ``Luật`` (issued by the Quốc hội, ``QH13``), ``Pháp lệnh`` (``UBTVQH15``) or
        ``Văn bản``."""
        if self.kind is not None:
            return (PARTY_KINDS if self.party else STATE_KINDS)[self.kind]
        if self.year is None:
            return "Công văn"
        if self.issuer.startswith("QH"):
            return "Luật"
        return "Pháp lệnh" if self.issuer.startswith("UBTVQH") else "Văn bản"


def format_docref(ref: DocumentRef, with_name: bool = True) -> str:
    """``Kế hoạch số 44/KH-UBND ngày 14/02/2023``; without the name: ``44/KH-UBND ngày …``."""
    text = f"{ref.kind_name} số {ref.symbol}" if with_name else ref.symbol
    return f"{text} {format_date(ref.date)}" if ref.date is not None else text


def parse_docref(text: str) -> DocumentRef:
    """Parse a reference: an optional kind name (with up to three lowercase qualifying words, as
    in "Kế hoạch phối hợp số"), an optional "số"/"Số:", the symbol and an optional date
    ("ngày 14/02/2023" or "ngày 14 tháng 02 năm 2023").

    A name must agree with the kind code (``docref.kind_mismatch``); a date must exist.
    """
    normalized = " ".join(unicodedata.normalize("NFC", text).split())
    match = _PARSE.fullmatch(normalized)
    if match is None:
        raise ChisoError("docref.invalid", text=text)
    ref = _reference(match)
    if match["head"]:
        name = _name_before(normalized, match.end("head"))
        if name is None or name.start() != 0:
            raise ChisoError("docref.invalid", text=text)
        if not _name_agrees(name[0], ref):
            raise ChisoError(
                "docref.kind_mismatch",
                text=text,
                name=name[0],
                symbol=ref.symbol,
                kind_name=ref.kind_name,
            )
    return ref


def find_docrefs(text: str) -> list[tuple[int, int, DocumentRef]]:
    """Every document reference in ``text`` (NFC) as ``(start, end, ref)``, in order.

    The span covers the kind name when it agrees with the symbol ("Kế hoạch số 44/KH-UBND ngày
    14/02/2023"), else it starts at "số" or at the symbol. A date that does not exist is left
    out of the span and of the reference; symbols with an unknown kind code are skipped.
    """
    found = []
    for match in _FIND.finditer(text):
        end = match.end()
        try:
            ref = _reference(match)
        except ChisoError as error:
            if error.code != "date.nonexistent":
                continue
            ref = _reference(match, with_date=False)
            end = match.end("tail" if match["tail"] is not None else "party_issuer")
        name = _name_before(text, match.start())
        start = name.start() if name is not None and _name_agrees(name[0], ref) else match.start()
        found.append((start, end, ref))
    return found


def _reference(match: re.Match[str], *, with_date: bool = True) -> DocumentRef:
    """The reference a match of ``_REFERENCE`` describes (``ChisoError`` if it is not valid)."""
    when = parse_date(match["date"]) if with_date and match["date"] else None
    if match["party_number"] is not None:
        return DocumentRef(
            kind=match["party_kind"],
            number=match["party_number"],
            year=None,
            issuer=match["party_issuer"],
            date=when,
            party=True,
        )
    year = int(match["year"]) if match["year"] else None
    kind, issuer = _split_kind(match["tail"], year)
    return DocumentRef(kind=kind, number=match["number"], year=year, issuer=issuer, date=when)


def _split_kind(tail: str, year: int | None) -> tuple[str | None, str]:
    """Split what follows a state symbol's number (and year) into kind and issuer: a legal
    document's first part is always its kind, otherwise only a known kind code is."""
    first, dash, rest = tail.partition("-")
    if dash and (year is not None or first in STATE_KINDS):
        return first, rest
    return None, tail


def _name_before(text: str, position: int) -> re.Match[str] | None:
    """The nearest kind name ending before ``position``, separated from it by whitespace and at
    most three lowercase words."""
    names = list(_NAMES.finditer(text, max(0, position - 80), position))
    for name in reversed(names):
        gap = text[name.end() : position]
        if _QUALIFIERS.fullmatch(gap) and (not gap.strip() or gap.strip().islower()):
            return name
    return None


def _name_agrees(name: str, ref: DocumentRef) -> bool:
    """Whether ``name`` fits ``ref``: its kind's name, or "Văn bản" (any document)."""
    folded = name.casefold()
    if folded == "văn bản":
        return True
    if ref.kind is None:
        return folded in {other.casefold() for other in _NO_KIND_NAMES}
    return folded == ref.kind_name.casefold()
