"""The content of a formal report (báo cáo), independent of any file format.

A :class:`ReportDocument` holds everything a Decree 30/2020/NĐ-CP document shows: the header
(parent body, issuing body, number and symbol, place and date), the kind and subject, the body as a
list of blocks, the signature block, the recipients ("Nơi nhận") and an optional annex of tables.
Renderers (``chiso.reports.docx_render``) turn it into files; nothing here touches the database.

Text is given as it should read (Vietnamese); the renderer applies the typography the decree fixes
(upper case for the bodies and the signature, fonts, sizes, rules, numbering of headings).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

CellValue = str | int | Decimal | None
"""What a table cell holds: text, or a number formatted by the renderer (``None`` is blank)."""

ColumnFormat = Literal["text", "center", "integer", "decimal", "percent"]
"""How a table column is written.

``text``: left-aligned; ``center``: text centred (an ordinal column "STT");
``integer``: ``38.406``; ``decimal``: one decimal, ``64,5``; ``percent``: a percentage given as
the percentage itself (``Decimal("96")`` for 96%), written ``96,0%``. The three number formats
are right-aligned; in the XLSX annex they are numeric cells (a percent cell holds the fraction,
0.96, formatted ``0.0%``).
"""

NUMBER_FORMATS: frozenset[str] = frozenset({"integer", "decimal", "percent"})


@dataclass(frozen=True)
class Run:
    """A piece of text with one look. ``trace`` names where a figure came from (e.g. a data value
    key); the DOCX renderer wraps a traced run in a bookmark so the figure can be found again."""

    text: str
    bold: bool = False
    italic: bool = False
    trace: str | None = None


@dataclass(frozen=True)
class Heading:
    """A section heading. ``text`` is given without its number: the renderer numbers level 1
    with Roman numerals in upper case (``I. KẾT QUẢ ĐẠT ĐƯỢC``), level 2 with Arabic numerals
    (``1. Công tác …``) and level 3 with letters (``a) …``); numbering restarts under each
    parent. ``numbered=False`` writes the text as it is."""

    level: int
    text: str
    numbered: bool = True

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, not {self.level!r}")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: justified, first line indented. ``runs`` may mix plain strings and
    :class:`Run` objects."""

    runs: tuple[Run | str, ...]

    @classmethod
    def of(cls, *runs: Run | str) -> Paragraph:
        """``Paragraph.of("Toàn tỉnh đã giải quyết việc làm cho ", Run("38.406", trace=…), …)``."""
        return cls(tuple(runs))


@dataclass(frozen=True)
class Cell:
    """A table cell that carries a trace id besides its value."""

    value: CellValue
    trace: str | None = None


@dataclass(frozen=True)
class Table:
    """A table with one header row.

    ``formats`` gives each column's :data:`ColumnFormat` (default: ``text`` for columns holding
    any text, ``integer`` for the others). ``widths_mm`` are the column widths in the DOCX
    (default: spread evenly over the text width) and guide the XLSX column widths.
    ``bold_rows`` are indexes into ``rows`` written in bold (totals, group lines). ``title`` is
    written above the table (and names its sheet in the XLSX annex); ``note`` is the italic line
    above it on the right, e.g. ``Đơn vị tính: người``.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[CellValue | Cell, ...], ...]
    widths_mm: tuple[float, ...] | None = None
    formats: tuple[ColumnFormat, ...] | None = None
    bold_rows: frozenset[int] = frozenset()
    title: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        columns = len(self.header)
        if columns == 0:
            raise ValueError("a table needs at least one column")
        for index, row in enumerate(self.rows):
            if len(row) != columns:
                raise ValueError(f"row {index} has {len(row)} cells; the header has {columns}")
        for name, spec in (("widths_mm", self.widths_mm), ("formats", self.formats)):
            if spec is not None and len(spec) != columns:
                raise ValueError(f"{name} has {len(spec)} entries; the header has {columns}")
        if self.formats is not None:
            unknown = set(self.formats) - NUMBER_FORMATS - {"text", "center"}
            if unknown:
                raise ValueError(f"unknown column formats: {sorted(unknown)}")

    def column_formats(self) -> tuple[ColumnFormat, ...]:
        """Each column's format, ``formats`` or inferred from the values."""
        if self.formats is not None:
            return self.formats
        inferred: list[ColumnFormat] = []
        for column in range(len(self.header)):
            values = [cell_value(row[column]) for row in self.rows]
            numeric = all(v is None or _is_number(v) for v in values)
            inferred.append("integer" if numeric and self.rows else "text")
        return tuple(inferred)


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


Block = Heading | Paragraph | Table | PageBreak


@dataclass(frozen=True)
class Signature:
    """The signature block: ``authority`` (``TM. ỦY BAN NHÂN DÂN``, may be empty), ``position``
    (``CHỦ TỊCH``, or ``KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH`` on two lines) and the signer's name (may be
    empty on a draft)."""

    authority: str
    position: str
    signer: str = ""

    def position_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.position.splitlines() if line.strip())


@dataclass(frozen=True)
class Annex:
    """Tables that follow the report on a new page under ``PHỤ LỤC`` (or ``label``, e.g.
    ``PHỤ LỤC I``) and ``title``; ``note`` replaces the default italic line
    ``(Kèm theo Báo cáo số …/BC-UBND ngày …)``."""

    title: str
    tables: tuple[Table, ...]
    label: str = "PHỤ LỤC"
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReportDocument:
    """A formal report as Decree 30/2020/NĐ-CP lays it out.

    ``parent_body`` may be empty (a body with no parent: the left column then shows the issuing
    body alone). ``number`` is the registered number (``"123"``; numbers below 10 are written
    with a leading zero) or ``None`` for a draft, written ``Số: …/BC-UBND``. ``subject`` (trích
    yếu) may span several lines (``\\n``). ``recipients`` are the "Nơi nhận" lines without their
    leading dash (``Như trên;`` … ``Lưu: VT, VX.``).
    """

    parent_body: str
    issuing_body: str
    number: str | None
    symbol: str
    place: str
    date: date
    subject: str
    body: tuple[Block, ...]
    signature: Signature
    recipients: tuple[str, ...] = ()
    kind_title: str = "BÁO CÁO"
    annex: Annex | None = None

    def number_line(self) -> str:
        """``Số: 123/BC-UBND``, ``Số: 05/BC-UBND``, or ``Số: …/BC-UBND`` on a draft."""
        return f"Số: {self.reference()}"

    def reference(self) -> str:
        """``123/BC-UBND`` (``…/BC-UBND`` on a draft)."""
        number = (self.number or "").strip()
        if not number:
            number = "…"
        elif number.isdigit() and int(number) < 10:
            number = f"{int(number):02d}"
        return f"{number}/{self.symbol}"


def cell_value(cell: CellValue | Cell) -> CellValue:
    return cell.value if isinstance(cell, Cell) else cell


def cell_trace(cell: CellValue | Cell) -> str | None:
    return cell.trace if isinstance(cell, Cell) else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)
