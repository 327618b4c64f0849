"""What every parser returns: ``ValueInput`` rows plus the conflicts found while reading.

A parser never raises on bad input. A row it cannot turn into a ``ValueInput`` becomes a
``ParseConflict`` carrying the row's ``index`` (0-based position of the value in the file, the
same index the row would have had as a ``ValueInput``), so parse and validation conflicts can be
reported together. A file that cannot be read at all (bad JSON, wrong XML namespace, missing
columns, not an XLSX) gives ``fatal`` conflicts with no index and no rows.

``locations`` maps each index to where it is in the file, in the user's words ("dòng 3",
"ô J12", "giá trị thứ 4"), so conflicts from any source can name their row or cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chiso.core.text import detect_legacy_encoding
from chiso.datavalues.types import ValueInput

__all__ = ["ParseConflict", "ParseResult", "ValueInput", "decode_text"]

_LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}


@dataclass(frozen=True)
class ParseConflict:
    """A problem found while reading: ``index`` None for the whole file."""

    index: int | None
    object: str
    property: str
    value: str
    message: str


@dataclass
class ParseResult:
    items: list[ValueInput] = field(default_factory=list)
    conflicts: list[ParseConflict] = field(default_factory=list)
    locations: dict[int, str] = field(default_factory=dict)
    fatal: bool = False
    # How many rows (values) the file holds, read or not.
    total: int = 0

    def fail(
        self, message: str, *, object: str = "", property: str = "file", value: str = ""
    ) -> ParseResult:
        """Mark the whole file unreadable with ``message``; drop any rows read so far."""
        self.items = []
        self.conflicts.append(ParseConflict(None, object, property, value, message))
        self.fatal = True
        return self

    def conflict(
        self, index: int, message: str, *, object: str = "", property: str = "", value: str = ""
    ) -> None:
        self.conflicts.append(ParseConflict(index, object, property, value, message))


def decode_text(content: bytes, result: ParseResult) -> str | None:
    """``content`` as text (UTF-8, with or without BOM); None after ``result.fail`` if not."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        legacy = detect_legacy_encoding(content)
        if legacy:
            result.fail(
                _(
                    "Tệp không phải văn bản UTF-8 (lỗi ở dòng %(line)s): tệp có vẻ dùng bảng mã"
                    " cũ %(encoding)s. Hãy chuyển tệp sang Unicode (UTF-8) rồi nhập lại."
                )
                % {"line": line, "encoding": _LEGACY_NAMES.get(legacy, legacy)}
            )
            return None
        result.fail(
            _(
                "Tệp không phải văn bản UTF-8 (lỗi ở dòng %(line)s). Hãy lưu lại tệp với bảng mã"
                " UTF-8 (Unicode); các bảng mã cũ như TCVN3, VNI không được hỗ trợ khi nhập."
            )
            % {"line": line}
        )
        return None


def text_of(raw) -> str:
    """A JSON/ADX/CSV scalar as text; numbers keep their written digits."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)
