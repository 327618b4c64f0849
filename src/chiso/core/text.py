"""Vietnamese text: NFC storage, accent folding for search, Vietnamese sort order, and legacy
8-bit encodings (TCVN3/ABC and VNI-Windows) that still turn up in old spreadsheets.

Legacy text is handled as it reaches chiso: the font's bytes read as Latin-1/cp1252, so "Lộc"
typed in TCVN3 shows as "Léc" and in VNI as "Loäc". Both tables use only bytes 0xA1-0xFE, where
Latin-1 and cp1252 agree.
"""

from __future__ import annotations

import re
import unicodedata

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_TONES = (_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT)
"""The tone marks as combining characters: huyền, sắc, hỏi, ngã, nặng."""

_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"


def nfc(s: str) -> str:
    """``s`` in Unicode normal form C, the form chiso stores."""
    return unicodedata.normalize("NFC", s)


def fold(s: str) -> str:
    """Accent-folded form for search: "Lộc  Ninh" and "loc ninh" both give "loc ninh".

    Removes every diacritic, turns "đ"/"Đ" (which has no decomposition) into "d", lowercases and
    collapses whitespace.
    """
    stripped = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").casefold().split())


# Sorting ------------------------------------------------------------------------------------

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
"""The Vietnamese alphabet; f, j, w and z (foreign words) at their Latin places."""
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_SHAPED = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}
_TONE_RANK = {_GRAVE: 1, _ACUTE: 2, _HOOK: 3, _TILDE: 4, _DOT: 5}
"""Tone order: none, huyền, sắc, hỏi, ngã, nặng."""
# Primary weights: whitespace < numbers < other symbols < Vietnamese letters < other letters.
_SPACE, _NUMBER, _SYMBOL, _LETTER, _OTHER_LETTER = 0, 1, 2, 0x200000, 0x300000
_CHUNK = re.compile(r"[0-9]+|.", re.DOTALL)


def sort_key(s: str) -> tuple:
    """A key that sorts Vietnamese names the Vietnamese way.

    Letters compare by the alphabet a ă â b c d đ e ê g … o ô ơ … u ư v x y first, ignoring
    tones and case; then tones (none, huyền, sắc, hỏi, ngã, nặng), then case (lower first).
    Digit runs compare as numbers, so "Ấp 2" sorts before "Ấp 10".
    """
    text = nfc(s)
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for chunk in _CHUNK.findall(text):
        if chunk[0] in "0123456789":
            primary += [_NUMBER, int(chunk)]
            continue
        base, *marks = unicodedata.normalize("NFD", chunk)
        letter = base.lower()
        for mark in marks:
            letter = _SHAPED.get((letter, mark), letter)
        if letter in _LETTER_RANK:
            primary.append(_LETTER + _LETTER_RANK[letter])
        elif base.isspace():
            primary.append(_SPACE)
        elif base.isalpha():
            primary.append(_OTHER_LETTER + ord(letter))
        else:
            primary.append(_SYMBOL + ord(base))
        tones.append(next((_TONE_RANK[m] for m in marks if m in _TONE_RANK), 0))
        cases.append(int(base.isupper()))
    return (tuple(primary), tuple(tones), tuple(cases), text)


# Legacy encodings ------------------------------------------------------------------------------

_TCVN3_BYTES = bytes.fromhex(
    "b5 b8 b6 b7 b9 a8 bb be bc bd c6 a9 c7 ca c8 c9 cb ae"
    " cc d0 ce cf d1 aa d2 d5 d3 d4 d6 d7 dd d8 dc de"
    " df e3 e1 e2 e4 ab e5 e8 e6 e7 e9 ac ea ed eb ec ee"
    " ef f3 f1 f2 f4 ad f5 f8 f6 f7 f9 fa fd fb fc fe"
    " a1 a2 a7 a3 a4 a5 a6"
)
_TCVN3_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
_TCVN3_DECODE = dict(zip(_TCVN3_BYTES.decode("latin-1"), _TCVN3_LETTERS, strict=True))
# TCVN3 (ABC) fonts have no toned capitals: "VnTimeH" fonts show the lowercase codes as capitals.
_TCVN3_ENCODE = {
    **{letter: code for code, letter in _TCVN3_DECODE.items()},
    **{
        letter.upper(): code
        for code, letter in _TCVN3_DECODE.items()
        if letter.upper() not in _TCVN3_LETTERS
    },
}

# VNI-Windows writes a letter as its base letter followed by a diacritic character, except đ,
# ơ and ư (one character each, ơ and ư then take a tone character), i with a tone and ỵ.
_VNI_TONE = {"": "", _ACUTE: "ù", _GRAVE: "ø", _HOOK: "û", _TILDE: "õ", _DOT: "ï"}
_VNI_MARKS = {
    "": _VNI_TONE,
    _HORN: _VNI_TONE,
    _CIRCUMFLEX: {"": "â", _ACUTE: "á", _GRAVE: "à", _HOOK: "å", _TILDE: "ã", _DOT: "ä"},
    _BREVE: {"": "ê", _ACUTE: "é", _GRAVE: "è", _HOOK: "ú", _TILDE: "ü", _DOT: "ë"},
}
_VNI_I = {"": "i", _ACUTE: "í", _GRAVE: "ì", _HOOK: "æ", _TILDE: "ó", _DOT: "ò"}
_VNI_HORN_BASES = {"o": "ô", "u": "ö"}


def _vni_table() -> dict[str, str]:
    """Unicode letter -> its VNI spelling, for every letter VNI spells differently."""
    table = {"đ": "ñ", "Đ": "Ñ"}
    for shape, bases in (("", "aeiouy"), (_BREVE, "a"), (_CIRCUMFLEX, "aeo"), (_HORN, "ou")):
        for base in bases:
            for tone in ("", *_TONES):
                letter = nfc(base + shape + tone)
                if base == "i":
                    spelling = _VNI_I[tone]
                elif base == "y" and tone == _DOT:
                    spelling = "î"
                else:
                    spelling = _VNI_HORN_BASES.get(base, base) if shape == _HORN else base
                    spelling += _VNI_MARKS[shape][tone]
                if spelling != letter:
                    table[letter] = spelling
                    table[letter.upper()] = spelling.upper()
    return table


_VNI_ENCODE = _vni_table()
_VNI_DECODE = {spelling: letter for letter, spelling in _VNI_ENCODE.items()}
_VNI_PATTERN = re.compile("|".join(map(re.escape, sorted(_VNI_DECODE, key=len, reverse=True))))

LEGACY_ENCODINGS = ("tcvn3", "vni")


def convert_legacy(text: str | bytes, encoding: str) -> str:
    """Convert TCVN3 (``"tcvn3"``) or VNI-Windows (``"vni"``) text to Unicode NFC.

    ``text`` is the raw bytes or the bytes as read through Latin-1/cp1252 ("Léc Ninh").
    TCVN3 has no toned capitals, so those come back lowercase ("LéC" gives "LộC").
    """
    text = _as_text(text)
    if encoding == "tcvn3":
        return nfc("".join(_TCVN3_DECODE.get(c, c) for c in text))
    if encoding == "vni":
        return nfc(_VNI_PATTERN.sub(lambda m: _VNI_DECODE[m[0]], text))
    raise ValueError(f"unknown legacy encoding {encoding!r}; use one of {LEGACY_ENCODINGS}")


def encode_legacy(text: str, encoding: str) -> str:
    """Unicode ``text`` as a TCVN3 or VNI font stores it, read through Latin-1 (the inverse of
    :func:`convert_legacy`, for exports to old systems and tests)."""
    if encoding == "tcvn3":
        table = _TCVN3_ENCODE
    elif encoding == "vni":
        table = _VNI_ENCODE
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}; use one of {LEGACY_ENCODINGS}")
    return "".join(table.get(c, c) for c in nfc(text))


def _as_text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# A Vietnamese syllable: onset, vowel nucleus, coda (tones removed, vowel shapes kept).
_SYLLABLE = re.compile(
    r"(?P<onset>ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?P<nucleus>iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyê|uyu"
    r"|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy"
    r"|ưa|ưi|ươ|ưu|yê|[aăâeêioôơuưy])"
    r"(?P<coda>ch|ng|nh|[cmnpt])?"
)
_NO_CODA = {
    *("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui"),
    *("ưa", "ưi", "ưu", "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu"),
    *("uya", "uyu"),
}
_NEEDS_CODA = {"ă", "â", "oă", "uâ", "iê", "yê", "uyê", "uô", "ươ"}
_STOP_CODAS = {"c", "ch", "p", "t"}
_WORD = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00ff])+")
_LEGACY_RANGE = re.compile(r"[\u00a1-\u00ff]")
_UNICODE_ONLY_LETTERS = re.compile(r"[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
"""Vietnamese letters outside Latin-1: no legacy text read through Latin-1 contains them."""


def _is_syllable(word: str) -> bool:
    """Whether ``word`` is spelled like a Vietnamese syllable: cased as a word, with at most one
    tone, a valid onset/nucleus/coda and the spelling rules that tie them together."""
    if word[1:] != word[1:].lower() and word != word.upper():
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONES]
    match = _SYLLABLE.fullmatch(nfc("".join(c for c in decomposed if c not in _TONES)))
    if match is None or len(tones) > 1:
        return False
    onset, nucleus, coda = match["onset"] or "", match["nucleus"], match["coda"] or ""
    front = nucleus[0] in "eêiy"
    return not (
        (coda in _STOP_CODAS and tones not in ([_ACUTE], [_DOT]))
        or (coda and nucleus in _NO_CODA)
        or (not coda and nucleus in _NEEDS_CODA)
        or (coda in ("nh", "ch") and nucleus[-1] not in "aêiy")
        or (coda in ("ng", "c") and nucleus[-1] in "iy")
        or (onset in ("gh", "ngh", "k") and not front)
        or (onset == "c" and front)
    )


def detect_legacy_encoding(data: str | bytes) -> str | None:
    """``"tcvn3"`` or ``"vni"`` when ``data`` is Vietnamese in that legacy encoding read through
    Latin-1/cp1252 (or its raw bytes), else None: Unicode Vietnamese, English, anything else.

    The evidence is the words with Latin-1 accented characters that are not Vietnamese as they
    stand ("ThÞ", "Loäc") but are once converted; the encoding that explains most of them (and at
    least half) wins. A word that reads as Vietnamese either way ("Léc") proves nothing.
    """
    text = _as_text(data)
    if _UNICODE_ONLY_LETTERS.search(text):
        return None
    suspects = [
        word
        for word in _WORD.findall(text)
        if len(word) > 1 and _LEGACY_RANGE.search(word) and not _is_syllable(word)
    ]
    scores = {
        encoding: sum(_is_syllable(convert_legacy(word, encoding)) for word in suspects)
        for encoding in LEGACY_ENCODINGS
    }
    best = max(LEGACY_ENCODINGS, key=scores.__getitem__)
    tied = any(scores[other] == scores[best] for other in LEGACY_ENCODINGS if other != best)
    if scores[best] == 0 or tied or scores[best] * 2 < len(suspects):
        return None
    return best
