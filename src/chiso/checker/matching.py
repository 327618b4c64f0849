"""Which stated figures name which indicator: matching claims to the catalog by unit and words.

Plain Python over the core's claims and small descriptions of the indicators (no database), so
the rules can be read and tested on their own. For each claim:

1. **Candidates**: the indicators whose unit is of the claim's family: counts of the same unit
   family (``lao động`` and ``người`` are both persons), money (in đồng), masses (kg, tấn ...)
   and percentages (a plain rate such as "đạt 13,8%"; a share "chiếm 73,3%", a % of plan and a
   change are not values of an indicator; the last two are compared with the figure they follow,
   see 4.).
2. **Words around it**: the *near* context is the claim itself, the words after it up to the
   next comma, figure, "và", "còn", "trong đó" or clause end, and the words before it back to
   the previous figure's such words (or the start of the clause: the last ``;``, line break or
   sentence end).
   A candidate matches when one of its keywords (``keywords.py``) occurs there as whole words,
   accent-insensitively; an occurrence overlapping a longer occurrence of another candidate
   does not count ("hộ nghèo" in "hộ nghèo dân tộc thiểu số"). Only the near context names the
   indicator (a figure further on in a clause is often a part: "…, trong đó 500 lao động
   nữ"). The best candidate has the most distinct keywords, then the same written unit as the
   claim, then the longest keyword; a tie means no match. The match is *unambiguous* when no
   other candidate matched at all.
3. **Targets are skipped**: a figure introduced by "chỉ tiêu", "kế hoạch giao" ..., or in a
   sentence of "phấn đấu", "mục tiêu" ..., is a plan, not a result ("Chương trình mục tiêu quốc
   gia" is a name, not a cue).
4. **Percentages of a figure**: "đạt 96% kế hoạch", "tăng 4% so với cùng kỳ", "bằng 104% so với
   cùng kỳ" belong to the nearest matched figure before them in the same clause.
5. **Disaggregation**: for an indicator with options, the option named after the figure
   (then before it, then anywhere in the clause) selects that option's row; none named: the
   total; two named at the same place: no match (it cannot tell which).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.checker.keywords import PLAN_CUES, PROPER_NAMES, SENTENCE_PLAN_CUES
from chiso.core.checker.model import Claim
from chiso.core.text import fold

__all__ = ["ComboSpec", "IndicatorSpec", "Match", "match_claims"]

VALUE = "value"
PLAN = "plan"
CHANGE = "change"
PRIOR = "prior"

_FIGURE_KINDS = frozenset({"count", "money", "measure"})
_PERCENT_VALUE_KINDS = frozenset({"percent", "percent_rate"})
_PERCENT_OF = {"percent_plan": PLAN, "percent_change": CHANGE, "percent_vs_prior": PRIOR}
_CLAUSE_END = re.compile(r"[;\n\r\u2028\u2029]|[.!?…](?=\s)")
_AFTER_END = re.compile(
    r"[,;:()\n\r\u2028\u2029]|[.!?…](?=\s|$)|(?<!\w)(?:và|còn|trong đó)(?!\w)", re.I
)
_SENTENCE_END = re.compile(r"[\n\r\u2028\u2029]|[.!?…](?=\s)")
_BACK_LIMIT = 300
_SENTENCE_LIMIT = 1500
_AFTER_LIMIT = 80


@dataclass(frozen=True)
class ComboSpec:
    """One option combo of an indicator: its code and, per option, the folded keywords."""

    code: str
    name: str
    options: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class IndicatorSpec:
    """What matching needs to know about an indicator."""

    code: str
    name: str
    unit: str  # as in the catalog ("lao động", "đồng", "kg", "%")
    kind: str  # "count", "money", "mass" or "percent"
    family: str  # for counts: the unit family key of chiso.core.checker.lexicon
    keywords: tuple[str, ...]  # folded
    combos: tuple[ComboSpec, ...] = ()  # empty without disaggregation


@dataclass
class Match:
    """A claim read as a figure of ``indicator`` (``option_combo``: None for the total)."""

    claim: Claim
    indicator: IndicatorSpec
    option_combo: ComboSpec | None
    measure: str  # "value", or for a percentage of a figure: "plan", "change", "prior"
    unambiguous: bool
    base: Claim | None = None  # for plan/change/prior: the figure the percentage is about
    keywords: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    near: str
    clause: str
    after: str
    near_before: str
    clause_before: str
    sentence_before: str


def match_claims(text: str, claims: list[Claim], indicators: list[IndicatorSpec]) -> list[Match]:
    """The claims of ``text`` that name one of ``indicators``, in text order."""
    matches: list[Match] = []
    by_claim: dict[int, Match] = {}
    ordered = sorted(claims, key=lambda c: (c.start, c.end))
    for index, claim in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if claim.kind in _PERCENT_OF:
            match = _percent_of_figure(text, claim, ordered[:index], by_claim)
        else:
            match = _match_figure(text, claim, previous, following, indicators)
        if match is not None:
            by_claim[id(claim)] = match
            matches.append(match)
    return matches


# --- contexts -------------------------------------------------------------------------------


def _clause_start(
    text: str, pos: int, pattern: re.Pattern[str] = _CLAUSE_END, limit: int = _BACK_LIMIT
) -> int:
    floor = max(0, pos - limit)
    start = floor
    for found in pattern.finditer(text, floor, pos):
        start = found.end()
    return start


def _after_end(text: str, pos: int, limit: int) -> int:
    found = _AFTER_END.search(text, pos, min(limit, pos + _AFTER_LIMIT))
    return found.start() if found else min(limit, pos + _AFTER_LIMIT)


def _context(text: str, claim: Claim, previous: Claim | None, following: Claim | None):
    clause = _clause_start(text, claim.start)
    sentence = _clause_start(text, claim.start, _SENTENCE_END, _SENTENCE_LIMIT)
    near = clause
    if previous is not None and previous.end <= claim.start:
        near = max(clause, previous.end)
        # The words after the previous figure up to a comma or "và" are that figure's own.
        own = _AFTER_END.search(text, previous.end, claim.start)
        if own is not None and own.start() - previous.end <= _AFTER_LIMIT:
            near = max(near, own.start())
    limit = following.start if following is not None and following.start >= claim.end else len(text)
    after_end = _after_end(text, claim.end, limit)
    own = text[claim.start : claim.end]
    after = text[claim.end : after_end]
    return _Context(
        near=fold(f"{text[near : claim.start]} {own} {after}"),
        clause=fold(f"{text[clause : claim.start]} {own} {after}"),
        after=fold(after),
        near_before=fold(text[near : claim.start]),
        clause_before=fold(text[clause : claim.start]),
        sentence_before=fold(text[sentence : claim.start]),
    )


def _occurrences(haystack: str, keyword: str) -> list[tuple[int, int]]:
    pattern = re.compile(rf"(?<!\w){re.escape(keyword)}(?!\w)")
    return [m.span() for m in pattern.finditer(haystack)]


def _is_plan(ctx: _Context) -> bool:
    """Whether the figure is a target: a plan word just before it, or a strong one ("phấn
    đấu", "mục tiêu" ...) earlier in its sentence (a list of targets spans several clauses)."""
    near, sentence = ctx.near_before, ctx.sentence_before
    for name in PROPER_NAMES:
        near, sentence = near.replace(name, " "), sentence.replace(name, " ")
    return any(_occurrences(near, cue) for cue in PLAN_CUES) or any(
        _occurrences(sentence, cue) for cue in SENTENCE_PLAN_CUES
    )


# --- figures --------------------------------------------------------------------------------


def _candidates(claim: Claim, indicators: list[IndicatorSpec]) -> list[IndicatorSpec]:
    if claim.kind == "money":
        return [i for i in indicators if i.kind == "money"]
    if claim.kind == "measure" and claim.ukey == "mass":
        return [i for i in indicators if i.kind == "mass"]
    if claim.kind in _PERCENT_VALUE_KINDS:
        return [i for i in indicators if i.kind == "percent"]
    if claim.kind == "count" and claim.ukey:
        return [i for i in indicators if i.kind == "count" and i.family == claim.ukey]
    return []


def _scores(haystack: str, candidates: list[IndicatorSpec]) -> dict[str, list[str]]:
    """Per candidate code, the distinct keywords found, leaving out occurrences that overlap a
    longer occurrence of another candidate's keyword."""
    found: list[tuple[int, int, str, str]] = []
    for spec in candidates:
        for keyword in spec.keywords:
            for start, end in _occurrences(haystack, keyword):
                found.append((start, end, spec.code, keyword))
    kept: dict[str, list[str]] = {}
    for start, end, code, keyword in found:
        inside = any(
            other != code and s < end and start < e and (e - s) > (end - start)
            for s, e, other, _kw in found
        )
        if not inside and keyword not in kept.setdefault(code, []):
            kept[code].append(keyword)
    return {code: words for code, words in kept.items() if words}


def _match_figure(text, claim, previous, following, indicators) -> Match | None:
    if claim.kind not in _FIGURE_KINDS and claim.kind not in _PERCENT_VALUE_KINDS:
        return None
    candidates = _candidates(claim, indicators)
    if not candidates:
        return None
    ctx = _context(text, claim, previous, following)
    if _is_plan(ctx):
        return None
    by_code = {spec.code: spec for spec in candidates}
    scores = _scores(ctx.near, candidates)
    if not scores:
        return None
    written = (claim.unit or "").casefold()

    def rank(code: str) -> tuple[int, int, int]:
        spec = by_code[code]
        return (
            len(scores[code]),
            int(spec.unit.casefold() == written),
            max(len(k) for k in scores[code]),
        )

    ordered = sorted(scores, key=rank, reverse=True)
    if len(ordered) > 1 and rank(ordered[0]) == rank(ordered[1]):
        return None
    spec = by_code[ordered[0]]
    combo, combo_sure = _option_combo(spec, ctx)
    if not combo_sure:
        return None
    return Match(
        claim=claim,
        indicator=spec,
        option_combo=combo,
        measure=VALUE,
        unambiguous=len(ordered) == 1,
        keywords=scores[spec.code],
    )


def _option_combo(spec: IndicatorSpec, ctx: _Context) -> tuple[ComboSpec | None, bool]:
    """The option combo the words select (None: the total) and whether that is certain."""
    if not spec.combos:
        return None, True
    for haystack in (ctx.after, ctx.near_before, ctx.clause_before):
        named = [
            combo
            for combo in spec.combos
            if combo.options
            and all(any(_occurrences(haystack, k) for k in option) for option in combo.options)
        ]
        if len(named) == 1:
            return named[0], True
        if len(named) > 1:
            return None, False
    return None, True


# --- percentages of a figure ----------------------------------------------------------------


def _percent_of_figure(text, claim, before: list[Claim], by_claim: dict[int, Match]):
    clause = _clause_start(text, claim.start)
    for previous in reversed(before):
        if previous.end <= clause:
            return None
        if previous.kind not in _FIGURE_KINDS:
            continue
        base = by_claim.get(id(previous))
        if base is None or base.measure != VALUE:
            return None
        return Match(
            claim=claim,
            indicator=base.indicator,
            option_combo=base.option_combo,
            measure=_PERCENT_OF[claim.kind],
            unambiguous=base.unambiguous,
            base=previous,
            keywords=base.keywords,
        )
    return None
