"""The arithmetic checks run on the claims of a text.

Structures found per block (a sentence, or a header sentence ending in ``:`` with its list lines):

* part-whole breakdowns: a total, then "trong đó", "gồm", "bao gồm", "chia ra", "cụ thể:" and its
  parts (a sentence opening with "Trong đó" takes its total from the sentence before); a total
  followed by a parenthesis holding at least two parts of its unit ("512 căn (… 347 căn, …
  165 căn)"); parts followed by "tổng cộng N";
* a percentage attached to a ratio ("96/102 xã (94,1%)"), to a part ("chiếm 73,3%"), to an
  explicit total ("chiếm 28,4% tổng dư nợ 1.386.200 triệu đồng"), or to a base stated beside it
  ("đạt 96% kế hoạch (40.000 lao động)", "tăng 4% so với cùng kỳ (36.929 lao động)");
* a unit rate ("1.100.000đ/suất", "mỗi suất 500.000 đồng", "15 kg/người") with a count and an
  amount in the same clause;
* dossiers received against settled plus pending.

Finding kinds: ``part_whole``, ``ratio_percent``, ``share_percent``, ``base_percent``,
``unit_price`` and ``conflict`` (totals implied by two statements that cannot both hold). A
finding is an error only where the structure is unambiguous; otherwise a warning saying why.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from chiso.core.checker.claims import COUNT_KINDS
from chiso.core.checker.lexicon import (
    AFTER_TOTAL_RE,
    COMPARISON_RE,
    COMPLETE_MARKERS,
    DIMENSION_RE,
    MARKER_RE,
    MASS_UNITS,
    RESIDUAL_RE,
)
from chiso.core.checker.model import ERROR, WARNING, Claim, Finding
from chiso.core.numbers import format_number, format_percent

__all__ = ["Document", "run_checks"]

_HUNDRED = Decimal(100)
_EPS = Decimal("1e-9")
_PART_KINDS = frozenset({"count", "money", "measure", "ratio"})
_SHARE_ROLES = frozenset({"percent_share", "percent_rate", "percent"})
_PERCENT_KINDS = frozenset(
    {
        "percent",
        "percent_share",
        "percent_rate",
        "percent_plan",
        "percent_change",
        "percent_vs_prior",
    }
)
_BASE_CODES = {
    "percent_plan": "check.plan.percent",
    "percent_change": "check.change.percent",
    "percent_vs_prior": "check.prior.percent",
}
_SP = r"[ \t\u00a0]"
_CONNECTOR = re.compile(
    rf"[ \t\u00a0,:(=–-]*(?:(?:đạt|chiếm|bằng|là|tương đương|tương ứng|tỷ lệ|tỉ lệ|với|"
    rf"=){_SP}*[,:(]?{_SP}*)*"
)
# Label words may sit between a ratio and its percentage: "12/19 tiêu chí đạt chuẩn, đạt 63,2%".
_RATIO_LINK = re.compile(rf"(?:\(|,|đạt|chiếm|bằng|tỷ lệ|tỉ lệ|là|=|tương đương|tương ứng){_SP}*$")
_OPEN_PAREN = re.compile(rf"{_SP}*\({_SP}*")
_BASE_BETWEEN = re.compile(
    r"[^;]{0,60}?(?:kế hoạch|chỉ tiêu|cùng kỳ|năm trước|năm|kỳ trước|\()[^;]{0,30}$"
)
_SENTENCE_OPENING = re.compile(r"[\W_]*$")
# "chiếm 28,4% tổng dư nợ 1.386.200 triệu đồng"
_TOTAL_AFTER_SHARE = re.compile(
    rf"{_SP}*(?:của|trên|so với)?{_SP}*tổng(?:{_SP}+[\w]+){{0,4}}?{_SP}*(?:là|:)?{_SP}*$"
)
# "1.850 hộ … trong tổng số 2.120 hộ, đạt 89,2%"
_WITHIN_TOTAL = re.compile(rf"(?:trong|trên){_SP}+tổng(?:{_SP}+số)?[^;,()]{{0,40}}$")
_SHARE_MAX_GAP = 90

# Dossier flow: received = settled + pending.
_RECEIVED = re.compile(r"tiếp nhận(?:[^,;.()]{0,25})$")
_SETTLED = re.compile(
    r"(?:đã giải quyết|giải quyết xong|đã xử lý xong|đã trả kết quả)"
    r"[^,;.()]{0,25}$"
)
_PENDING = re.compile(
    r"(?:đang giải quyết|chưa giải quyết|đang xử lý|đang thụ lý|"
    r"chưa đến hạn)[^,;.()]{0,25}$"
)
_OTHER_STATUS = re.compile(
    r"trả lại|rút hồ sơ|rút|từ chối|hủy|chuyển sang|tồn|kỳ trước|"
    r"bổ sung|tạm dừng"
)


@dataclass
class Document:
    """The text being checked and what was read from it."""

    text: str  # NFC
    lower: str  # lower-cased text
    masked: str  # lower-cased, look-alikes blanked
    claims: list[Claim]
    sentences: list[tuple[int, int]]
    blocks: list[list[int]]  # sentence indices

    def __post_init__(self) -> None:
        self.block_spans = [
            (self.sentences[b[0]][0], self.sentences[b[-1]][1]) for b in self.blocks
        ]
        self.claim_starts = [c.start for c in self.claims]
        self.sentence_starts = [s for s, _ in self.sentences]

    def claims_in(self, start: int, end: int) -> list[Claim]:
        lo = bisect_left(self.claim_starts, start)
        hi = bisect_left(self.claim_starts, end)
        return self.claims[lo:hi]

    def sentence_index(self, pos: int) -> int:
        return max(bisect_left(self.sentence_starts, pos + 1) - 1, 0)


@dataclass
class Structure:
    """A part-whole breakdown: totals per unit family over a region holding the parts."""

    start: int
    end: int
    totals: dict[str | None, Claim]
    primary: Claim | None
    complete: bool
    marker: str
    parts: list[Claim] = field(default_factory=list)


def run_checks(doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    used_bases: set[int] = set()
    for bstart, bend in doc.block_spans:
        block = doc.claims_in(bstart, bend)
        if not block:
            continue
        parens = _paren_pairs(doc.masked, bstart, bend)
        _set_depths(block, parens)
        structures = _structures(doc, block, parens, bstart, bend)
        in_structure: set[int] = set()
        totals: set[int] = set()
        for structure in structures:
            findings.extend(_check_structure(doc, structure))
            in_structure.update(id(p) for p in structure.parts)
            totals.update(id(t) for t in structure.totals.values())
        findings.extend(_check_ratios(doc, block))
        findings.extend(_check_bases(doc, block, used_bases))
        findings.extend(_check_rates(doc, block, in_structure))
        findings.extend(_check_explicit_shares(doc, block, in_structure))
        findings.extend(_check_loose_shares(doc, block, in_structure, totals))
    findings.extend(_check_flows(doc))
    findings.extend(_check_balances(doc))
    findings.extend(_check_repeated_totals(doc))
    findings = _dedupe(findings)
    findings.sort(key=lambda f: (f.start, f.end))
    return findings


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (span, kind); on a span with an error, warnings are dropped."""
    best: dict[tuple[int, int, str], Finding] = {}
    for finding in findings:
        key = (finding.start, finding.end, finding.kind)
        kept = best.get(key)
        if kept is None or (kept.severity == WARNING and finding.severity == ERROR):
            best[key] = finding
    with_error = {(f.start, f.end) for f in best.values() if f.severity == ERROR}
    return [f for f in best.values() if f.severity == ERROR or (f.start, f.end) not in with_error]


# --- structure detection -------------------------------------------------------------------


def _paren_pairs(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    pairs = []
    stack = []
    pos = start
    while True:
        o = masked.find("(", pos, end)
        c = masked.find(")", pos, end)
        if o == -1 and c == -1:
            break
        if o != -1 and (c == -1 or o < c):
            stack.append(o)
            pos = o + 1
        else:
            if stack:
                pairs.append((stack.pop(), c))
            pos = c + 1
    for o in stack:  # unclosed: runs to the end of the block
        pairs.append((o, end))
    pairs.sort()
    return pairs


def _set_depths(block: list[Claim], parens: list[tuple[int, int]]) -> None:
    for claim in block:
        claim.depth = sum(1 for o, c in parens if o < claim.start < c) if parens else 0


def _depth_at(parens, pos) -> int:
    return sum(1 for o, c in parens if o < pos < c)


def _innermost(parens: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    best = None
    for o, c in parens:
        if o < pos < c and (best is None or o > best[0]):
            best = (o, c)
    return best


def _clause_start(masked: str, lo: int, pos: int) -> int:
    semi = masked.rfind(";", lo, pos)
    return semi + 1 if semi != -1 else lo


def _find_top_level(masked, char, start, end, parens) -> int:
    base = _depth_at(parens, start)
    pos = masked.find(char, start, end)
    while pos != -1 and _depth_at(parens, pos) > base:
        pos = masked.find(char, pos + 1, end)
    return pos


def _structures(doc: Document, block, parens, bstart, bend) -> list[Structure]:
    masked = doc.masked
    structures: list[Structure] = []
    for marker in MARKER_RE.finditer(masked, bstart, bend):
        mstart, mend = marker.span()
        pair = _innermost(parens, mstart)
        sentence = doc.sentence_index(mstart)
        sentence_start, sentence_end = doc.sentences[sentence]
        colon = bool(marker["colon"])
        if pair is not None:
            region_end = pair[1]
        elif colon:
            region_end = bend
        else:
            semi = _find_top_level(masked, ";", mend, sentence_end, parens)
            region_end = semi if semi != -1 else sentence_end
        totals = _totals_before(doc, block, parens, sentence_start, mstart)
        if not totals and sentence > 0 and _SENTENCE_OPENING.match(masked, sentence_start, mstart):
            # "… cho 19.850 lao động. Trong đó, …": the total is in the sentence before.
            prev_start, prev_end = doc.sentences[sentence - 1]
            if "\n\n" not in masked[prev_end:sentence_start]:
                prev_claims = doc.claims_in(prev_start, prev_end)
                prev_parens = _paren_pairs(masked, prev_start, prev_end)
                _set_depths(prev_claims, prev_parens)
                totals = _totals_before(doc, prev_claims, prev_parens, prev_start, prev_end)
        name = marker["marker"]
        primary = max(totals.values(), key=lambda c: c.start) if totals else None
        structures.append(
            Structure(mend, region_end, totals, primary, name in COMPLETE_MARKERS, name)
        )
    # Parenthetical breakdowns: "512 căn (xây mới 347 căn, sửa chữa 165 căn)".
    for o, c in parens:
        inner = masked[o + 1 : c]
        if MARKER_RE.match(inner.lstrip()) or COMPARISON_RE.search(inner):
            continue
        total = _claim_before(block, o, masked)
        if total is None:
            continue
        inside = [
            x
            for x in block
            if o < x.start < c
            and x.kind in _PART_KINDS
            and x.depth == total.depth + 1
            and _family(x, total) == total.ukey
        ]
        if len(inside) >= 2:
            structures.append(Structure(o + 1, c, {total.ukey: total}, total, True, "("))
    # A total after its parts: "…, tổng cộng 500 hộ".
    for claim in block:
        if claim.kind not in COUNT_KINDS:
            continue
        before = masked[max(bstart, claim.start - 30) : claim.start]
        if not AFTER_TOTAL_RE.search(before):
            continue
        sentence_start, _ = doc.sentences[doc.sentence_index(claim.start)]
        colon = masked.rfind(":", sentence_start, claim.start)
        region_start = max(sentence_start, colon + 1)
        structures.append(
            Structure(region_start, claim.start, {claim.ukey: claim}, claim, True, "tổng cộng")
        )
    # Parts: claims in the region, not inside a nested region or a comparison parenthesis.
    for structure in structures:
        nested = [
            (s.start, s.end)
            for s in structures
            if s is not structure
            and structure.start <= s.start
            and s.end <= structure.end
            and (s.start, s.end) != (structure.start, structure.end)
        ]
        base_depth = _depth_at(parens, structure.start)
        total_ids = {id(t) for t in structure.totals.values()}
        parts = []
        for x in block:
            if not (structure.start <= x.start < structure.end) or x.kind not in _PART_KINDS:
                continue
            if id(x) in total_ids or any(ns <= x.start < ne for ns, ne in nested):
                continue
            if x.depth > base_depth:
                pair = _innermost(parens, x.start)
                prev = _claim_before(block, pair[0], masked) if pair else None
                if prev is not None and (x.ukey is None or prev.ukey == x.ukey):
                    continue
            parts.append(x)
        structure.parts = parts
    return structures


def _claim_before(block: list[Claim], pos: int, masked: str) -> Claim | None:
    """The count/amount claim that a parenthesis at ``pos`` follows ("629 hộ (…")."""
    best = None
    for claim in block:
        if claim.end > pos:
            break
        best = claim
    if best is None or best.kind not in COUNT_KINDS:
        return None
    between = masked[best.end : pos]
    if len(between) > 40 or any(ch in between for ch in ",;:)"):
        return None
    return best


def _totals_before(doc, block, parens, scope_start, limit) -> dict[str | None, Claim]:
    """Per unit family, the nearest figure before ``limit`` in the nearest clause holding one."""
    candidates = [
        c
        for c in block
        if scope_start <= c.start
        and c.end <= limit
        and c.kind in COUNT_KINDS
        and not any(o < c.start < cl < limit for o, cl in parens)
    ]
    if not candidates:
        return {}
    clause = _clause_start(doc.masked, scope_start, candidates[-1].start)
    totals: dict[str | None, Claim] = {}
    for c in candidates:
        if c.start >= clause:
            totals[c.ukey] = c  # later ones win: the nearest
    return totals


def _family(part: Claim, primary: Claim | None) -> str | None:
    if part.ukey is None and primary is not None and primary.ukey != "money":
        return primary.ukey
    return part.ukey


# --- formatting ----------------------------------------------------------------------------

_MONEY_SCALES = (
    ("tỷ", Decimal(10**9), "tỷ đồng"),
    ("tỉ", Decimal(10**9), "tỷ đồng"),
    ("triệu", Decimal(10**6), "triệu đồng"),
    ("nghìn", Decimal(10**3), "nghìn đồng"),
    ("ngàn", Decimal(10**3), "nghìn đồng"),
)


def _scale(claim: Claim) -> tuple[Decimal, str]:
    """The factor and unit a figure is shown in: the one it was written in."""
    if claim.ukey == "money":
        lowered = claim.text.lower()
        for word, factor, unit in _MONEY_SCALES:
            if word in lowered:
                return factor, unit
        return Decimal(1), "đồng"
    if claim.ukey == "mass" and claim.unit in MASS_UNITS:
        return MASS_UNITS[claim.unit], claim.unit
    unit = claim.unit or ""
    if claim.kind == "rate" and "/" in unit:
        unit = unit.split("/", 1)[0]
    return Decimal(1), unit


def _number(claim: Claim, value: Decimal) -> str:
    """``value`` (canonical: đồng, kg, count) as a bare number in ``claim``'s scale."""
    factor, _unit = _scale(claim)
    return format_number(_tidy(value / factor))


def _quantity(claim: Claim, value: Decimal) -> str:
    """``value`` with ``claim``'s unit: "1.472 hồ sơ", "2.975 triệu đồng", "44"."""
    _factor, unit = _scale(claim)
    number = _number(claim, value)
    return f"{number} {unit}" if unit else number


def _stated(claim: Claim, value: Decimal) -> str:
    """The ``stated``/``computed`` field: a Vietnamese number (money in đồng, mass as written)."""
    if claim.ukey == "money":
        return format_number(_tidy(value))
    return _number(claim, value)


def _tidy(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    if abs(value) >= 1:
        return value.quantize(Decimal("0.01")).normalize()
    return value.normalize()


def _as_written(claim: Claim) -> str:
    """The figure with its approximation word: "trên 20 tỷ đồng"."""
    return f"{claim.qualifier} {claim.text}" if claim.qualifier else claim.text


def _fmt_percent(value: Decimal, decimals: int) -> str:
    return format_percent(value, max(decimals, 1))


# --- part-whole ----------------------------------------------------------------------------


def _attached_percent(doc: Document, part: Claim, next_start: int) -> Claim | None:
    """The share written after ``part`` and before ``next_start`` ("…, chiếm tỷ lệ 73,3%")."""
    if part.kind == "ratio":
        return None
    i = bisect_left(doc.claim_starts, part.end)
    while i < len(doc.claims) and doc.claims[i].start < next_start:
        claim = doc.claims[i]
        if claim.kind in _SHARE_ROLES:
            between = doc.masked[part.end : claim.start]
            if len(between) <= _SHARE_MAX_GAP and ";" not in between:
                return claim
            return None
        if claim.kind in _PERCENT_KINDS or claim.kind in COUNT_KINDS:
            return None
        i += 1
    return None


def _check_structure(doc: Document, s: Structure) -> list[Finding]:
    findings: list[Finding] = []
    groups: dict[str | None, list[Claim]] = {}
    for part in s.parts:
        groups.setdefault(_family(part, s.primary), []).append(part)
    complete = s.complete
    # A family whose parts add up exactly shows the list is complete for every family.
    for family, parts in groups.items():
        total = s.totals.get(family)
        if (
            total is not None
            and len(parts) >= 2
            and not total.approx
            and not any(p.approx for p in parts)
            and sum(p.number for p in parts) == total.number
        ):
            complete = True
    for family, parts in groups.items():
        total = s.totals.get(family)
        shares = []
        for k, part in enumerate(parts):
            nxt = parts[k + 1].start if k + 1 < len(parts) else s.end
            shares.append(_attached_percent(doc, part, nxt))
        family_complete = complete
        if shares and all(shares):
            total_share = sum(p.number for p in shares)
            if abs(total_share - _HUNDRED) <= sum(p.tolerance for p in shares) + _EPS:
                family_complete = True
        if parts and RESIDUAL_RE.search(
            doc.masked, max(s.start, parts[-1].start - 40), parts[-1].start
        ):
            family_complete = True
        if total is None:
            findings.extend(_conflicting_shares(parts, shares, ERROR))
            continue
        findings.extend(_sum_finding(doc, s, total, parts, family_complete))
        share_findings = []
        for part, share in zip(parts, shares, strict=True):
            if share is not None:
                finding = _share_finding(part, total, share)
                if finding is not None:
                    share_findings.append(finding)
        findings.extend(share_findings)
        given = [p for p in shares if p is not None]
        if len(given) >= 2 and not share_findings:
            findings.extend(_share_sum(given, family_complete and len(given) == len(parts)))
    return findings


def _share_sum(given: list[Claim], complete: bool) -> list[Finding]:
    total_share = sum(p.number for p in given)
    tol = sum(p.tolerance for p in given) + _EPS
    over = total_share - _HUNDRED > tol
    off = complete and abs(total_share - _HUNDRED) > tol
    if not (over or off) or any(p.approx for p in given):
        return []
    decimals = max(p.decimals for p in given)
    last = given[-1]
    code = "check.share.sum" if over else "check.share.sum_complete"
    return [
        _finding(
            ERROR,
            "share_percent",
            last,
            _fmt_percent(last.number, last.decimals),
            _fmt_percent(last.number + _HUNDRED - total_share, decimals),
            code,
            parts=" + ".join(_fmt_percent(p.number, p.decimals) for p in given),
            sum=_fmt_percent(total_share, decimals),
        )
    ]


def _sum_finding(doc, s: Structure, total: Claim, parts: list[Claim], complete: bool):
    if not parts:
        return []
    computed = sum(p.number for p in parts)
    stated = total.number
    tol = total.tolerance + sum(p.tolerance for p in parts) + _EPS
    diff = computed - stated
    params = {
        "parts": " + ".join(_number(total, p.number) for p in parts),
        "sum": _quantity(total, computed),
        "total": _quantity(total, stated),
        "total_text": _as_written(total),
    }
    stated_text, computed_text = _stated(total, stated), _stated(total, computed)

    def make(severity, code):
        return [_finding(severity, "part_whole", total, stated_text, computed_text, code, **params)]

    if any(p.approx for p in parts):
        if abs(diff) > max(tol, abs(stated) / 10) and (complete or diff > 0):
            return make(WARNING, "check.sum.approximate")
        return []
    if total.approx:
        bound_tol = sum(p.tolerance for p in parts) if total.approx != "about" else tol
        if _holds(total.approx, computed, stated, bound_tol):
            return []
        if total.approx == "about":
            return make(WARNING, "check.sum.approximate") if complete or diff > 0 else []
        if not complete and total.approx in ("gt", "ge") and diff < 0:
            return []  # "trên 20 tỷ, trong đó …": a partial list may sum lower
        if len(parts) < 2 and not complete:
            return []
        return make(ERROR if complete else WARNING, "check.sum.direction")
    if abs(diff) <= tol:
        return []
    if complete:
        if len(parts) < 2 and s.marker != "(":
            return []  # "gồm 5 người": one figure after "gồm" is not a breakdown
        if total.ukey == "money" and _rounded_amount(stated, diff):
            return make(WARNING, "check.sum.rounded")
        return make(ERROR, "check.sum.mismatch")
    if diff > 0:
        if len(parts) >= 2 and _dimensions_overlap(doc, s, parts):
            return make(WARNING, "check.sum.overlap")
        return make(ERROR, "check.sum.exceeds")
    if len(parts) >= 2:
        return make(WARNING, "check.sum.incomplete")
    return []


def _holds(approx: str, computed: Decimal, stated: Decimal, tol: Decimal) -> bool:
    """Whether ``computed`` (give or take ``tol``, the rounding of its inputs) satisfies the
    approximation: "trên 20 tỷ" is a bound, not a rounded figure."""
    if approx == "gt":
        return computed + tol > stated
    if approx == "ge":
        return computed + tol >= stated
    if approx == "lt":
        return computed - tol < stated
    if approx == "le":
        return computed - tol <= stated
    return abs(computed - stated) <= max(tol, abs(stated) / 10)


def _rounded_amount(stated: Decimal, diff: Decimal) -> bool:
    """Whether an amount like 550.000.000 may be ``diff`` away from the sum by rounding."""
    digits = str(int(abs(stated)))
    zeros = len(digits) - len(digits.rstrip("0"))
    return zeros >= 6 and abs(diff) < Decimal(5).scaleb(zeros - 1)


def _dimensions_overlap(doc: Document, s: Structure, parts: list[Claim]) -> bool:
    seen: set[str] = set()
    pos = s.start
    for part in parts:
        label = doc.masked[pos : part.end + 40]
        for m in DIMENSION_RE.finditer(label):
            seen.add(m.lastgroup)
        pos = part.end
    return len(seen) >= 2


# --- percentages ---------------------------------------------------------------------------


def _compare_percent(share: Claim, computed: Decimal) -> str | None:
    """None when ``share`` agrees with ``computed``, else "truncated", "approx" or "wrong"."""
    stated = share.number
    half = share.tolerance
    if share.approx:
        if share.approx in ("gt", "ge"):
            return None if computed >= stated - half else "wrong"
        if share.approx in ("lt", "le"):
            return None if computed <= stated + half else "wrong"
        return None if abs(computed - stated) <= 1 + half else "approx"
    if abs(computed - stated) <= half + _EPS:
        return None
    quantum = Decimal(1).scaleb(-share.decimals)
    if computed >= 0 and stated >= 0 and computed.quantize(quantum, rounding=ROUND_DOWN) == stated:
        return "truncated"
    return "wrong"


def _share_finding(part: Claim, total: Claim, share: Claim, implicit: bool = False):
    if not total.number:
        return None
    computed = part.number / total.number * _HUNDRED
    verdict = _compare_percent(share, computed)
    if verdict is None:
        return None
    params = {
        "part": _number(total, part.number),
        "total": _quantity(total, total.number),
        "stated": share.text,
        "computed": _fmt_percent(computed, share.decimals),
        "exact": format_percent(computed, max(share.decimals, 1) + 2),
    }
    stated, shown = _fmt_percent(share.number, share.decimals), params["computed"]
    if verdict == "truncated":
        return _finding(
            WARNING, "share_percent", share, stated, shown, "check.share.truncated", **params
        )
    if total.approx or part.approx or verdict == "approx":
        return _finding(
            WARNING, "share_percent", share, stated, shown, "check.share.approximate", **params
        )
    if implicit:
        return _finding(
            WARNING, "share_percent", share, stated, shown, "check.share.implicit", **params
        )
    return _finding(ERROR, "share_percent", share, stated, shown, "check.share.percent", **params)


def _conflicting_shares(parts, shares, severity) -> list[Finding]:
    """Parts with shares but no stated total: the totals they imply must overlap."""
    pairs = [
        (p, s)
        for p, s in zip(parts, shares, strict=True)
        if s is not None and s.number > 0 and not s.approx and not p.approx and p.kind != "ratio"
    ]
    if len(pairs) < 2:
        return []
    findings = []
    first_part, first_share = pairs[0]
    lo, hi = _implied_total(first_part, first_share)
    for part, share in pairs[1:]:
        low, high = _implied_total(part, share)
        if high < lo or low > hi:
            middle = (lo + hi) / 2
            findings.append(
                _finding(
                    severity,
                    "conflict",
                    share,
                    _fmt_percent(share.number, share.decimals),
                    _fmt_percent(part.number / middle * _HUNDRED, share.decimals),
                    "check.conflict.shares",
                    first=_quantity(first_part, first_part.number),
                    first_percent=first_share.text,
                    first_total=_quantity(first_part, _whole(middle)),
                    second=_quantity(part, part.number),
                    second_percent=share.text,
                    second_total=_quantity(part, _whole((low + high) / 2)),
                )
            )
        else:
            lo, hi = max(lo, low), min(hi, high)
    return findings


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1))


def _implied_total(part: Claim, share: Claim) -> tuple[Decimal, Decimal]:
    low_share = max(share.number - share.tolerance, _EPS)
    high_share = share.number + share.tolerance
    low = (part.number - part.tolerance) * _HUNDRED / high_share
    high = (part.number + part.tolerance) * _HUNDRED / low_share
    return low, high


def _next_share(doc: Document, block: list[Claim], k: int) -> Claim | None:
    claim = block[k]
    nxt = block[k + 1] if k + 1 < len(block) else None
    if nxt is None or nxt.kind not in _SHARE_ROLES:
        return None
    between = doc.masked[claim.end : nxt.start]
    if len(between) > _SHARE_MAX_GAP or ";" in between:
        return None
    return nxt


def _check_loose_shares(doc, block, in_structure, totals) -> list[Finding]:
    """Figures of one unit each with a share, outside any breakdown: the totals they imply
    must agree; a lone one is checked against the larger figure of its unit before it."""
    groups: dict[str, list[tuple[Claim, Claim]]] = {}
    findings = []
    for k, claim in enumerate(block):
        if claim.kind not in COUNT_KINDS or id(claim) in in_structure or claim.ukey is None:
            continue
        if id(claim) in totals:
            continue
        share = _next_share(doc, block, k)
        if share is None or (
            share.kind == "percent"
            and not doc.masked[claim.end : share.start].rstrip().endswith("(")
        ):
            continue
        groups.setdefault(claim.ukey, []).append((claim, share))
    for pairs in groups.values():
        if len(pairs) >= 2:
            findings.extend(
                _conflicting_shares([p for p, _ in pairs], [s for _, s in pairs], WARNING)
            )
        elif len(pairs) == 1 and pairs[0][1].kind == "percent_share":
            part, share = pairs[0]
            whole = _larger_before(doc, block, part)
            if whole is not None and not _ratio_nearby(doc, block, share):
                finding = _share_finding(part, whole, share, implicit=True)
                if finding is not None:
                    findings.append(finding)
    return findings


def _larger_before(doc: Document, block: list[Claim], part: Claim) -> Claim | None:
    """The nearest figure of ``part``'s unit before it in its sentence, if larger."""
    sentence_start, _ = doc.sentences[doc.sentence_index(part.start)]
    for claim in reversed(block):
        if claim.start >= part.start or claim.start < sentence_start:
            continue
        if claim.kind in COUNT_KINDS and claim.ukey == part.ukey:
            return claim if claim.number > part.number else None
    return None


def _ratio_nearby(doc, block, share) -> bool:
    return any(c.kind == "ratio" and abs(c.start - share.end) < 30 for c in block)


def _check_explicit_shares(doc: Document, block: list[Claim], in_structure) -> list[Finding]:
    """ "chiếm 28,4% tổng dư nợ 1.386.200 triệu đồng" and "… trong tổng số 2.120 hộ, đạt 89,2%"."""
    findings = []
    masked = doc.masked
    for k, pct in enumerate(block):
        if pct.kind not in _SHARE_ROLES:
            continue
        part = whole = None
        nxt = block[k + 1] if k + 1 < len(block) else None
        if (
            nxt is not None
            and nxt.kind in COUNT_KINDS
            and _TOTAL_AFTER_SHARE.fullmatch(masked, pct.end, nxt.start)
        ):
            whole = nxt
            part = _previous_of(doc, block, k, whole)
        elif k >= 2 and block[k - 1].kind in COUNT_KINDS and block[k - 2].kind in COUNT_KINDS:
            whole, candidate = block[k - 1], block[k - 2]
            between = masked[candidate.end : whole.start]
            link = masked[whole.end : pct.start]
            if (
                _WITHIN_TOTAL.search(between)
                and len(link) <= 40
                and ";" not in link
                and _RATIO_LINK.search(link)
                and candidate.ukey == whole.ukey
            ):
                part = candidate
        if part is None or whole is None or part.ukey != whole.ukey:
            continue
        finding = _share_finding(part, whole, pct)
        if finding is not None:
            findings.append(finding)
    return findings


def _previous_of(doc, block, k, whole) -> Claim | None:
    pct = block[k]
    for j in range(k - 1, -1, -1):
        cand = block[j]
        if ";" in doc.masked[cand.end : pct.start]:
            return None
        if cand.kind in COUNT_KINDS:
            return cand if cand.ukey == whole.ukey else None
    return None


def _check_ratios(doc: Document, block: list[Claim]) -> list[Finding]:
    findings = []
    for k, ratio in enumerate(block):
        if ratio.kind != "ratio" or not ratio.denominator:
            continue
        share = None
        if k > 0 and block[k - 1].kind in _PERCENT_KINDS:
            candidate = block[k - 1]  # "đạt 98,2% (15.812/16.102 trẻ)"
            between = doc.masked[candidate.end : ratio.start]
            if candidate.kind not in _BASE_CODES and _OPEN_PAREN.fullmatch(between):
                share = candidate
        if share is None and k + 1 < len(block) and block[k + 1].kind in _PERCENT_KINDS:
            candidate = block[k + 1]  # "96/102 xã (94,1%)", "12/19 tiêu chí, đạt 63,2%"
            between = doc.masked[ratio.end : candidate.start]
            if (
                candidate.kind not in _BASE_CODES
                and len(between) <= 60
                and ";" not in between
                and ")" not in between
                and (_CONNECTOR.fullmatch(between) or _RATIO_LINK.search(between))
            ):
                share = candidate
        if share is None:
            continue
        computed = ratio.number / ratio.denominator * _HUNDRED
        verdict = _compare_percent(share, computed)
        if verdict is None:
            continue
        params = {
            "ratio": f"{format_number(ratio.number)}/{format_number(ratio.denominator)}",
            "stated": share.text,
            "computed": _fmt_percent(computed, share.decimals),
            "exact": format_percent(computed, max(share.decimals, 1) + 2),
        }
        stated, shown = _fmt_percent(share.number, share.decimals), params["computed"]
        if verdict == "truncated":
            findings.append(
                _finding(
                    WARNING,
                    "ratio_percent",
                    share,
                    stated,
                    shown,
                    "check.ratio.truncated",
                    **params,
                )
            )
        else:
            severity = WARNING if verdict == "approx" or ratio.approx else ERROR
            findings.append(
                _finding(
                    severity, "ratio_percent", share, stated, shown, "check.ratio.percent", **params
                )
            )
    return findings


def _check_bases(doc: Document, block: list[Claim], used: set[int]) -> list[Finding]:
    """Percentages of a plan or of the same period with the base written beside them."""
    findings = []
    for k, pct in enumerate(block):
        if pct.kind not in _BASE_CODES or k + 1 >= len(block):
            continue
        base = block[k + 1]
        between = doc.masked[pct.end : base.start]
        if base.kind not in COUNT_KINDS or not _BASE_BETWEEN.fullmatch(between):
            continue
        if "," in between and "(" not in between:
            continue
        used.add(id(base))
        actual = None
        for j in range(k - 1, -1, -1):
            cand = block[j]
            if ";" in doc.masked[cand.end : pct.start]:
                break
            if (
                cand.kind in COUNT_KINDS
                and id(cand) not in used
                and cand.depth <= pct.depth
                and (cand.ukey == base.ukey or cand.ukey is None or base.ukey is None)
            ):
                actual = cand
                break
        if actual is None or not base.number:
            continue
        if pct.kind == "percent_change":
            computed = (actual.number - base.number) / base.number * _HUNDRED
        else:
            computed = actual.number / base.number * _HUNDRED
        verdict = _compare_percent(pct, computed)
        if verdict is None:
            continue
        params = {
            "actual": _number(base, actual.number),
            "base_number": _number(base, base.number),
            "base": _quantity(base, base.number),
            "stated": f"giảm {pct.text}" if pct.number < 0 else pct.text,
            "computed": _fmt_percent(computed, pct.decimals),
        }
        severity = ERROR
        if verdict in ("truncated", "approx") or actual.approx or base.approx:
            severity = WARNING
        findings.append(
            _finding(
                severity,
                "base_percent",
                pct,
                _fmt_percent(pct.number, pct.decimals),
                params["computed"],
                _BASE_CODES[pct.kind],
                **params,
            )
        )
    return findings


# --- unit rates ----------------------------------------------------------------------------


def _check_rates(doc: Document, block: list[Claim], part_ids: set[int]) -> list[Finding]:
    findings, handled = _check_rate_lists(doc, block)
    masked = doc.masked
    for rate in block:
        if rate.kind != "rate" or rate.per is None or id(rate) in handled:
            continue
        sentence_start, sentence_end = doc.sentences[doc.sentence_index(rate.start)]
        left = masked.rfind(";", sentence_start, rate.start)
        right = masked.find(";", rate.end, sentence_end)
        lo = left + 1 if left != -1 else sentence_start
        hi = right if right != -1 else sentence_end
        scope = [c for c in block if lo <= c.start < hi and c is not rate]
        counts = [
            c
            for c in scope
            if c.kind in ("count", "measure") and c.ukey == rate.per and id(c) not in part_ids
        ]
        amounts = [
            c
            for c in scope
            if c.kind in COUNT_KINDS
            and c.ukey == rate.ukey
            and c.ukey != rate.per
            and id(c) not in part_ids
        ]
        if not counts or not amounts:
            continue
        before = [c for c in counts if c.start < rate.start]
        count = before[-1] if before else counts[0]
        cued = [c for c in amounts if c.cue == "total"]
        amount = (cued or sorted(amounts, key=lambda c: abs(c.start - rate.start)))[0]
        ambiguous = len(counts) > 1 or len(amounts) > 1
        computed = count.number * rate.number
        stated = amount.number
        rate_tol = rate.tolerance
        if _AVERAGE.search(masked, max(lo, rate.start - 25), rate.start):
            # "bình quân 48 triệu đồng/hộ": an average is rounded to its last written digit.
            rate_tol = max(rate_tol, _half_unit(rate))
        tol = amount.tolerance + count.tolerance * rate.number + rate_tol * count.number
        tol += _EPS
        diff = computed - stated
        params = {
            "count": _quantity(count, count.number),
            "rate": rate.text,
            "computed": _quantity(amount, computed),
            "stated": _quantity(amount, stated),
            "total_text": _as_written(amount),
        }
        stated_text, computed_text = _stated(amount, stated), _stated(amount, computed)
        if count.approx or rate.approx:
            if abs(diff) > max(tol, abs(stated) / 10):
                findings.append(
                    _finding(
                        WARNING,
                        "unit_price",
                        amount,
                        stated_text,
                        computed_text,
                        "check.rate.ambiguous",
                        **params,
                    )
                )
            continue
        if amount.approx:
            bound_tol = tol - amount.tolerance - _EPS if amount.approx != "about" else tol
            if _holds(amount.approx, computed, stated, bound_tol):
                continue
            severity = WARNING if ambiguous or amount.approx == "about" else ERROR
            findings.append(
                _finding(
                    severity,
                    "unit_price",
                    amount,
                    stated_text,
                    computed_text,
                    "check.rate.direction",
                    **params,
                )
            )
            continue
        if abs(diff) <= tol:
            continue
        if ambiguous:
            code, severity = "check.rate.ambiguous", WARNING
        elif amount.ukey == "money" and _rounded_amount(stated, diff):
            code, severity = "check.rate.rounded", WARNING
        else:
            code, severity = "check.rate.amount", ERROR
        findings.append(
            _finding(severity, "unit_price", amount, stated_text, computed_text, code, **params)
        )
    return findings


_AVERAGE = re.compile(r"bình quân|trung bình")


def _check_rate_lists(doc: Document, block: list[Claim]) -> tuple[list[Finding], set[int]]:
    """Several rates in one sentence paired in order with as many counts:
    "làm mới 35 căn, sửa chữa 17 căn, kinh phí 1.825 triệu đồng (45 triệu đồng/căn, 15 triệu
    đồng/căn)" gives 35 × 45 + 17 × 15 against the one amount."""
    findings: list[Finding] = []
    handled: set[int] = set()
    groups: dict[tuple[int, str | None, str], list[Claim]] = {}
    for claim in block:
        if claim.kind == "rate" and claim.per is not None:
            key = (doc.sentence_index(claim.start), claim.ukey, claim.per)
            groups.setdefault(key, []).append(claim)
    for (sentence, ukey, per), rates in groups.items():
        if len(rates) < 2:
            continue
        handled.update(id(r) for r in rates)
        start, end = doc.sentences[sentence]
        scope = [c for c in block if start <= c.start < end]
        counts = [c for c in scope if c.kind in ("count", "measure") and c.ukey == per]
        for total in counts:
            others = [c for c in counts if c is not total]
            if len(others) >= 2 and sum(c.number for c in others) == total.number:
                counts = others  # "512 căn (347 căn, 165 căn)": the total is not paired
                break
        amounts = [c for c in scope if c.kind in COUNT_KINDS and c.ukey == ukey and c.ukey != per]
        if len(counts) != len(rates) or len(amounts) != 1:
            continue
        amount = amounts[0]
        if amount.approx or any(c.approx for c in counts) or any(r.approx for r in rates):
            continue
        computed = sum(c.number * r.number for c, r in zip(counts, rates, strict=True))
        tol = amount.tolerance + _EPS
        for count, rate in zip(counts, rates, strict=True):
            if _AVERAGE.search(doc.masked, max(start, rate.start - 25), rate.start):
                tol += _half_unit(rate) * count.number
        if abs(computed - amount.number) <= tol:
            continue
        products = " + ".join(
            f"{_number(c, c.number)} × {r.text}" for c, r in zip(counts, rates, strict=True)
        )
        findings.append(
            _finding(
                ERROR,
                "unit_price",
                amount,
                _stated(amount, amount.number),
                _stated(amount, computed),
                "check.rate.amounts",
                products=products,
                computed=_quantity(amount, computed),
                stated=_quantity(amount, amount.number),
            )
        )
    return findings, handled


def _half_unit(claim: Claim) -> Decimal:
    """Half a unit of the last digit written in ``claim`` (in its canonical unit)."""
    factor, _unit = _scale(claim)
    written = claim.number / factor
    exponent = min(0, written.normalize().as_tuple().exponent)
    return Decimal(5).scaleb(exponent - 1) * factor


# --- totals implied by two statements ------------------------------------------------------


_USED = re.compile(
    r"(?:đã chi|chi|đã sử dụng|sử dụng|đã giải ngân|giải ngân|đã cấp|đã phân bổ|"
    r"đã giải quyết|đã trả)[ \t\u00a0]*(?:được|là|:)?[ \t\u00a0]*$"
)
_LEFT = re.compile(
    r"(?:còn lại|còn tồn|tồn quỹ|còn dư|số dư|còn)[ \t\u00a0]*(?:là|:)?"
    r"[ \t\u00a0]*$"
)
_FROM = re.compile(r"(?<![\w])từ[ \t\u00a0]*$")
_TO = re.compile(r"(?:xuống còn|xuống|lên|còn)[ \t\u00a0]*$")
_BY = re.compile(r"(?<![\w])(?P<dir>giảm|tăng)(?:[ \t\u00a0]+(?:được|thêm|là))?[ \t\u00a0]*$")


def _check_balances(doc: Document) -> list[Finding]:
    """Balances within a sentence: "vận động 1.246, đã chi 1.180, còn 76" (1.246 − 1.180) and
    "giảm từ 846 hộ xuống còn 517 hộ, giảm 329 hộ" (846 − 517)."""
    findings = []
    masked = doc.masked
    for start, end in doc.sentences:
        claims = [c for c in doc.claims_in(start, end) if c.kind in COUNT_KINDS and not c.approx]
        if len(claims) < 3:
            continue
        before = {id(c): masked[max(start, c.start - 25) : c.start] for c in claims}
        for k, used in enumerate(claims):
            if not _USED.search(before[id(used)]):
                continue
            first = next((c for c in reversed(claims[:k]) if c.ukey == used.ukey), None)
            left = next((c for c in claims[k + 1 :] if c.ukey == used.ukey), None)
            if first is None or left is None or not _LEFT.search(before[id(left)]):
                continue
            computed = first.number - used.number
            if abs(computed - left.number) > first.tolerance + used.tolerance + left.tolerance:
                findings.append(
                    _balance(
                        left,
                        computed,
                        f"{_number(left, first.number)} − {_number(left, used.number)}",
                    )
                )
        for k, origin in enumerate(claims):
            if not _FROM.search(before[id(origin)]):
                continue
            rest = [c for c in claims[k + 1 :] if c.ukey == origin.ukey]
            if len(rest) < 2 or not _TO.search(before[id(rest[0])]):
                continue
            target, change = rest[0], rest[1]
            direction = _BY.search(before[id(change)])
            if direction is None:
                continue
            computed = abs(origin.number - target.number)
            if abs(computed - change.number) > origin.tolerance + target.tolerance + (
                change.tolerance
            ):
                findings.append(
                    _balance(
                        change,
                        computed,
                        f"{_number(change, origin.number)} − {_number(change, target.number)}"
                        if origin.number >= target.number
                        else f"{_number(change, target.number)} − {_number(change, origin.number)}",
                    )
                )
    return findings


def _balance(claim: Claim, computed: Decimal, expression: str) -> Finding:
    return _finding(
        ERROR,
        "conflict",
        claim,
        _stated(claim, claim.number),
        _stated(claim, computed),
        "check.conflict.balance",
        expression=expression,
        computed=_quantity(claim, computed),
        stated=_quantity(claim, claim.number),
    )


def _check_flows(doc: Document) -> list[Finding]:
    """Dossiers received against settled + pending, within three consecutive sentences."""
    findings = []
    lower = doc.masked
    window: list[tuple[str, Claim, int]] = []
    for claim in doc.claims:
        if claim.kind != "count" or claim.ukey != "dossier" or claim.approx:
            continue
        before = lower[max(0, claim.start - 45) : claim.start]
        role = None
        if _SETTLED.search(before):
            role = "settled"
        elif _PENDING.search(before):
            role = "pending"
        elif _RECEIVED.search(before) and not _OTHER_STATUS.search(before):
            role = "received"
        if role is None:
            continue
        sentence = doc.sentence_index(claim.start)
        window = [w for w in window if sentence - w[2] <= 2]
        if role == "received":
            window = []
        window.append((role, claim, sentence))
        roles = {}
        for name, c, _s in window:
            roles.setdefault(name, c)
        if set(roles) != {"received", "settled", "pending"} or role == "received":
            continue
        received, settled, pending = roles["received"], roles["settled"], roles["pending"]
        first = min(received.start, settled.start, pending.start)
        span_text = lower[first : claim.end]
        window = []
        if _OTHER_STATUS.search(span_text):
            continue
        computed = settled.number + pending.number
        if computed == received.number:
            continue
        findings.append(
            _finding(
                WARNING,
                "conflict",
                received,
                _stated(received, received.number),
                _stated(received, computed),
                "check.conflict.flow",
                settled=_number(received, settled.number),
                pending=_number(received, pending.number),
                computed=_quantity(received, computed),
                stated=_quantity(received, received.number),
            )
        )
    return findings


_LABEL_AFTER_CUE = re.compile(
    rf"(?<![\w])tổng(?:{_SP}+số)?(?P<label>(?:{_SP}+[\w]+){{1,8}}?){_SP}*"
    rf"(?:là|:|đạt|có)?{_SP}*$"
)
_LABEL_WORDS = re.compile(r"[^\W\d_]+")
_STOP = frozenset(
    {
        "là",
        "có",
        "đạt",
        "được",
        "của",
        "các",
        "những",
        "đã",
        "với",
        "trị",
        "giá",
        "trong",
        "quý",
        "năm",
        "tháng",
        "kỳ",
        "này",
        "qua",
        "đầu",
        "cuối",
        "đến",
        "nay",
        "từ",
        "i",
        "ii",
        "iii",
        "iv",
        "toàn",
        "tỉnh",
        "huyện",
        "xã",
        "thị",
        "trên",
        "địa",
        "bàn",
    }
)


def _check_repeated_totals(doc: Document) -> list[Finding]:
    """A total named the same way ("tổng số lượt tiếp công dân") given two different values."""
    seen: dict[tuple[str | None, str], Claim] = {}
    findings = []
    lower = doc.lower
    for claim in doc.claims:
        if claim.cue != "total" or claim.kind not in COUNT_KINDS or claim.approx:
            continue
        sentence_start, _ = doc.sentences[doc.sentence_index(claim.start)]
        match = _LABEL_AFTER_CUE.search(lower, max(sentence_start, claim.start - 80), claim.start)
        if match is None:
            continue
        words = [w for w in _LABEL_WORDS.findall(match["label"]) if w not in _STOP]
        if len(words) < 2:
            continue
        key = (claim.ukey, " ".join(words))
        first = seen.get(key)
        if first is None:
            seen[key] = claim
            continue
        if abs(first.number - claim.number) > first.tolerance + claim.tolerance + _EPS:
            findings.append(
                _finding(
                    WARNING,
                    "conflict",
                    claim,
                    _stated(claim, claim.number),
                    _stated(first, first.number),
                    "check.conflict.total",
                    label=" ".join(words),
                    stated=claim.text,
                    other=first.text,
                )
            )
    return findings


# --- helpers -------------------------------------------------------------------------------


def _finding(severity, kind, claim: Claim, stated, computed, code, /, **params) -> Finding:
    return Finding(
        severity=severity,
        kind=kind,
        start=claim.start,
        end=claim.end,
        stated=stated,
        computed=computed,
        code=code,
        params={k: str(v) for k, v in params.items()},
    )
