"""``check_text``: mask, split, extract claims, run the checks, map offsets back."""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

from chiso.core.checker.checks import Document, run_checks
from chiso.core.checker.claims import extract_claims
from chiso.core.checker.masking import apply_mask, mask_spans
from chiso.core.checker.model import CheckResult
from chiso.core.checker.sentences import group_blocks, split_sentences

__all__ = ["check_text"]


def check_text(text: str) -> CheckResult:
    """Read every figure of ``text`` and check the arithmetic between them.

    Offsets in the result index ``text`` exactly as given (also when it is not NFC).
    """
    norm, back = _nfc(text)
    lower = _lower(norm)
    spans = mask_spans(norm, lower)
    masked_lower = apply_mask(lower, spans)
    masked = apply_mask(norm, spans)
    sentences = split_sentences(masked)
    blocks = group_blocks(masked, sentences)
    claims = extract_claims(norm, masked_lower)
    _assign_sentences(claims, sentences)
    doc = Document(norm, lower, masked_lower, claims, sentences, blocks)
    findings = run_checks(doc)
    if back is not None:
        for item in (*claims, *findings):
            item.start, item.end = back[item.start], back[item.end]
        for claim in claims:
            claim.text = text[claim.start : claim.end]
    return CheckResult(claims=claims, findings=findings)


def _assign_sentences(claims, sentences) -> None:
    starts = [s for s, _ in sentences]
    for claim in claims:
        claim.sentence = max(bisect_right(starts, claim.start) - 1, 0)


def _lower(text: str) -> str:
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _nfc(text: str) -> tuple[str, list[int] | None]:
    """``text`` in NFC and, if that changed it, the map from NFC offsets back to ``text``."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    pieces: list[str] = []
    back: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", text[i:j])
        pieces.append(cluster)
        back.extend([i] * len(cluster))
        i = j
    back.append(n)
    norm = "".join(pieces)
    return norm, back
