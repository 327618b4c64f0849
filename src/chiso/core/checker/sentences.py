"""Sentence splitting for Vietnamese report text, done by hand.

A line break always ends a sentence. Inside a line, ``.``, ``!``, ``?`` and ``…`` end one when
whitespace and then a capital letter, a digit, an opening quote or bracket, or a bullet follow.
The dots inside ``2.925.425.000`` never qualify (no whitespace follows), nor does the dot of an
abbreviation ("TP. Hồ Chí Minh", "ThS. Nguyễn"). ``;`` never ends a sentence.

``group_blocks`` joins a sentence that ends with ``:`` to the list lines under it ("- …",
"+ …", "a) …" or lines starting in lower case), so a breakdown spread over lines stays together.
"""

from __future__ import annotations

import re

__all__ = ["group_blocks", "split_sentences"]

_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_END = re.compile(r"(?:[.!?]+|…)[\"”’')\]]*(?=[ \t\u00a0]+(?P<next>\S)|[ \t\u00a0]*$)")
_ABBREVIATIONS = frozenset(
    {
        "tp",
        "tx",
        "tt",
        "p",
        "q",
        "h",
        "ts",
        "ths",
        "pgs",
        "gs",
        "bs",
        "ks",
        "cn",
        "th",
        "bsck",
        "kp",
        "đ/c",
        "đc",
        "ubnd",
        "st",
        "v.v",
        "vv",
        "no",
        "mr",
        "ms",
        "dr",
    }
)
_WORD_BEFORE = re.compile(r"([\w/.]+)$")
_BULLET = re.compile(r"[ \t\u00a0]*(?:[-+•*–—]|[a-zđ]\)|\d{1,2}[.)](?=[ \t\u00a0]))")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the sentences of ``text``, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start, line_end = line.span()
        pos = start
        for end in _END.finditer(text, start, line_end):
            nxt = end["next"]
            if nxt is not None and not (nxt.isupper() or nxt.isdigit() or nxt in "\"“‘'([-•+*–"):
                continue
            if text[end.start()] == "." and end.end() - end.start() == 1:
                word = _WORD_BEFORE.search(text, max(start, end.start() - 12), end.start())
                if word and word.group(1).lower() in _ABBREVIATIONS:
                    continue
            _add(text, spans, pos, end.end())
            pos = end.end()
        _add(text, spans, pos, line_end)
    return spans


def _add(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def group_blocks(text: str, sentences: list[tuple[int, int]]) -> list[list[int]]:
    """Indices of ``sentences`` grouped into blocks: a sentence ending with ``:`` takes the list
    lines that follow it (each starting with a bullet or a lower-case letter)."""
    blocks: list[list[int]] = []
    open_list = False
    for index, (start, end) in enumerate(sentences):
        if open_list and _continues_list(text, start):
            blocks[-1].append(index)
        else:
            blocks.append([index])
            open_list = text[end - 1] == ":"
            continue
        # Stay open while items follow; a new header line closes it.
        open_list = True
    return blocks


def _continues_list(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return True  # same line as the previous sentence of the item
    if _BULLET.match(text, start):
        return True
    first = text[start]
    return first.islower()
