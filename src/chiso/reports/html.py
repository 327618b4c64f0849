"""A built report laid out for an HTML preview, every figure tied to its trace. No database.

:func:`preview` turns a :class:`~chiso.reports.services.BuiltReport` into plain dataclasses a
web template can walk: the header lines as the DOCX shows them, the body and annex blocks with
headings numbered like the renderer numbers them (I., 1., a)), paragraphs cut into segments, and
each traced figure carrying the number of its entry in the list of sources (so the page can link
figure → source and back). Nothing here knows about HTML escaping or URLs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from chiso.core.dates import place_date_line
from chiso.core.numbers import format_number
from chiso.reports.document import (
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Run,
    Table,
    cell_trace,
    cell_value,
)
from chiso.reports.docx_render import annex_note, recipient_lines
from chiso.reports.figures import MISSING, Trace

_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


@dataclass
class Segment:
    text: str
    bold: bool = False
    italic: bool = False
    source: int | None = None  # the number of the figure's entry in ``Preview.sources``
    first: bool = False  # the first place this figure appears (the back link's target)
    missing: bool = False  # a figure without data, written "…"


@dataclass
class PreviewCell:
    text: str
    align: str  # left, center, right
    source: int | None = None
    first: bool = False


@dataclass
class PreviewTable:
    title: str
    note: str
    header: list[str]
    rows: list[tuple[bool, list[PreviewCell]]]  # (bold, cells)


@dataclass
class PreviewBlock:
    kind: str  # heading, paragraph, table, pagebreak
    level: int = 0
    segments: list[Segment] = field(default_factory=list)
    table: PreviewTable | None = None


@dataclass
class Source:
    number: int
    trace: Trace
    anchor: str  # where the figure first appears in the text


@dataclass
class Preview:
    parent_body: str
    issuing_body: list[str]
    number_line: str
    place_date: str
    kind_title: str
    subject: list[str]
    blocks: list[PreviewBlock]
    authority: str
    position: list[str]
    signer: str
    recipients: list[str]
    annex_label: str = ""
    annex_title: list[str] = field(default_factory=list)
    annex_note: str = ""
    annex_blocks: list[PreviewBlock] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def preview(document: ReportDocument, traces: dict[str, Trace]) -> Preview:
    numbers = {trace_id: index for index, trace_id in enumerate(traces, start=1)}
    seen: set[int] = set()
    counters = [0, 0, 0]
    body = _blocks(document.body, numbers, seen, counters)
    annex = document.annex
    result = Preview(
        parent_body=document.parent_body.upper(),
        issuing_body=[line.strip().upper() for line in document.issuing_body.split("\n")],
        number_line=document.number_line(),
        place_date=place_date_line(document.place, document.date),
        kind_title=document.kind_title.upper(),
        subject=[line.strip() for line in document.subject.split("\n")],
        blocks=body,
        authority=document.signature.authority.upper(),
        position=[line.upper() for line in document.signature.position_lines()],
        signer=document.signature.signer,
        recipients=recipient_lines(document.recipients),
    )
    if annex is not None:
        result.annex_label = annex.label.upper()
        result.annex_title = [line.strip() for line in annex.title.split("\n")]
        result.annex_note = annex.note if annex.note is not None else annex_note(document)
        result.annex_blocks = _blocks(annex.tables, numbers, seen, counters)
    result.sources = [
        Source(number=numbers[trace_id], trace=trace, anchor=f"f-{numbers[trace_id]}")
        for trace_id, trace in traces.items()
    ]
    return result


def _blocks(blocks, numbers: dict[str, int], seen: set[int], counters: list[int]):
    out: list[PreviewBlock] = []
    for block in blocks:
        if isinstance(block, Heading):
            text = block.text.upper() if block.level == 1 else block.text
            if block.numbered:
                text = f"{_label(block.level, counters)} {text}"
            out.append(
                PreviewBlock(
                    kind="heading",
                    level=block.level,
                    segments=[Segment(text, bold=True, italic=block.level == 3)],
                )
            )
        elif isinstance(block, Paragraph):
            segments = []
            for part in block.runs:
                run = Run(part) if isinstance(part, str) else part
                number = numbers.get(run.trace) if run.trace else None
                first = number is not None and number not in seen
                if number is not None:
                    seen.add(number)
                segments.append(
                    Segment(run.text, run.bold, run.italic, number, first, run.text == MISSING)
                )
            out.append(PreviewBlock(kind="paragraph", segments=segments))
        elif isinstance(block, Table):
            out.append(PreviewBlock(kind="table", table=_table(block, numbers, seen)))
        elif isinstance(block, PageBreak):
            out.append(PreviewBlock(kind="pagebreak"))
    return out


def _label(level: int, counters: list[int]) -> str:
    index = level - 1
    counters[index] += 1
    for deeper in range(index + 1, len(counters)):
        counters[deeper] = 0
    number = counters[index]
    if level == 1:
        roman = ""
        for value, symbol in _ROMAN:
            while number >= value:
                roman += symbol
                number -= value
        return f"{roman}."
    if level == 2:
        return f"{number}."
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, len(_LETTERS))
        letters = _LETTERS[rest] + letters
    return f"{letters})"


_ALIGN = {"text": "left", "center": "center"}


def _cell_text(value, column_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if column_format == "percent":
        return format_number(value, 1) + "%"
    if column_format == "decimal":
        return format_number(value, 1)
    if column_format == "integer":
        return format_number(value, 0 if Decimal(value) == int(value) else None)
    return format_number(value)


def _table(table: Table, numbers: dict[str, int], seen: set[int]) -> PreviewTable:
    formats = table.column_formats()
    rows = []
    for index, row in enumerate(table.rows):
        cells = []
        for column, content in enumerate(row):
            trace = cell_trace(content)
            number = numbers.get(trace) if trace else None
            first = number is not None and number not in seen
            if number is not None:
                seen.add(number)
            cells.append(
                PreviewCell(
                    text=_cell_text(cell_value(content), formats[column]),
                    align=_ALIGN.get(formats[column], "right"),
                    source=number,
                    first=first,
                )
            )
        rows.append((index in table.bold_rows, cells))
    return PreviewTable(title=table.title, note=table.note, header=list(table.header), rows=rows)
