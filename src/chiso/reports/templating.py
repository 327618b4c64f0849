"""Report templates: sandboxed Jinja2 text that renders into a report's body. No database.

Source format
-------------
A template is Jinja2 (``{{ … }}``, ``{% if %}``, ``{% for %}``) in a
:class:`jinja2.sandbox.ImmutableSandboxedEnvironment`: a template can read the figures and call
the functions it is given, never reach Python internals (``__class__``, ``__globals__`` …:
``SecurityError``) nor change what it is given. Undefined names are errors, so a typo shows in
the preview instead of a blank in the report. The text it renders is read line by line:

- ``# Kết quả đạt được``, ``## …``, ``### …``: headings of level 1, 2, 3 (the renderer
  numbers them I., 1., a) and writes level 1 in capitals);
- paragraphs are separated by blank lines; the lines of a paragraph are joined by a space,
  except that a line starting with ``- `` or ``+ `` starts a paragraph of its own;
- ``**…**`` is bold;
- a line holding only ``---`` starts a new page;
- a table function written alone on its line (``{{ table('LAO_DONG_VIEC_LAM') }}``) places a
  table there.

Figures are written with their trace markers (see :mod:`chiso.reports.figures`); parsing turns
them into ``Run(trace=…)``. Top-level ``{% set %}`` names are read after rendering: ``trich_yeu``
(the subject), ``noi_nhan`` (recipients), ``phu_luc`` (annex tables), ``tieu_de_phu_luc``,
``ky_hieu`` (the symbol, default ``BC-UBND``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.numbers import format_number
from chiso.reports.document import Block, Heading, PageBreak, Paragraph, Run, Table
from chiso.reports.figures import MARK_END, MARK_SEP, MARK_START, MARKERS, strip_markers

register_messages(
    {
        "report.template_syntax": gettext_noop(
            "Mẫu báo cáo có lỗi cú pháp ở dòng %(line)s: %(detail)s"
        ),
        "report.template_error": gettext_noop(
            "Không dựng được báo cáo từ mẫu (dòng %(line)s): %(detail)s"
        ),
        "report.template_unsafe": gettext_noop(
            "Mẫu báo cáo truy cập thuộc tính không được phép (dòng %(line)s): %(detail)s"
        ),
        "report.template_too_long": gettext_noop(
            "Mẫu báo cáo quá dài (%(size)s ký tự; tối đa %(limit)s)"
        ),
    }
)

TEMPLATE_FILENAME = "mau-bao-cao"
MAX_SOURCE_CHARS = 200_000
TABLE_TOKEN = "\x04"  # a table placeholder: TABLE_TOKEN + index + TABLE_TOKEN, alone on a line

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_HEADING = re.compile(r"^(#{1,3})\s+(.*\S)\s*$")
_TABLE_LINE = re.compile(rf"^{TABLE_TOKEN}(\d+){TABLE_TOKEN}$")
_BULLET = re.compile(r"^[-+]\s")
_PIECES = re.compile(rf"{MARK_START}([^{MARK_SEP}]*){MARK_SEP}([^{MARK_END}]*){MARK_END}")
_BOLD = "**"
_BLANK = re.compile(r"[ \t\u00a0]+")

FIGURE_FUNCTIONS = frozenset({"fig", "so_lieu"})
TABLE_FUNCTIONS = frozenset({"table", "bang"})
UNIT_TABLE_FUNCTIONS = frozenset({"table_units", "bang_don_vi"})


def _finalize(value):
    """How a printed value reads: nothing for None, numbers the Vietnamese way."""
    if value is None:
        return ""
    if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        return format_number(value)
    return value


def make_environment() -> ImmutableSandboxedEnvironment:
    """The sandbox every report template runs in (globals are given per render)."""
    return ImmutableSandboxedEnvironment(
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        auto_reload=False,
        cache_size=0,
    )


_ENV = make_environment()


def clean_source(source: str) -> str:
    """NFC, ``\\n`` line ends, no control characters (nothing can forge a trace marker)."""
    text = unicodedata.normalize("NFC", source).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _check_size(source: str) -> None:
    if len(source) > MAX_SOURCE_CHARS:
        raise ChisoError("report.template_too_long", size=len(source), limit=MAX_SOURCE_CHARS)


def parse_template(source: str) -> nodes.Template:
    """The template's syntax tree; ``ChisoError`` (``report.template_syntax``) with the line."""
    source = clean_source(source)
    _check_size(source)
    try:
        return _ENV.parse(source, name=TEMPLATE_FILENAME, filename=TEMPLATE_FILENAME)
    except TemplateSyntaxError as error:
        raise ChisoError(
            "report.template_syntax", line=error.lineno or 1, detail=error.message or str(error)
        ) from None


@functools.lru_cache(maxsize=64)
def _wanted(source: str) -> Wanted:
    return wanted(parse_template(source))


def template_wants(source: str) -> Wanted:
    """What ``source`` asks for with constant arguments (cached by source text)."""
    source = clean_source(source)
    _check_size(source)
    return _wanted(source)


@functools.lru_cache(maxsize=64)
def _code(source: str):
    """The compiled code of a (clean) source; compiling takes far longer than rendering, and a
    template's text changes only when someone saves a new version."""
    try:
        return _ENV.compile(source, name=TEMPLATE_FILENAME, filename=TEMPLATE_FILENAME)
    except TemplateSyntaxError as error:
        raise ChisoError(
            "report.template_syntax", line=error.lineno or 1, detail=error.message or str(error)
        ) from None


def compile_template(source: str, functions: dict[str, object]):
    """A Jinja2 template of ``source`` with ``functions`` as its globals."""
    source = clean_source(source)
    _check_size(source)
    return _ENV.template_class.from_code(_ENV, _code(source), _ENV.make_globals(functions), None)


@dataclass(frozen=True)
class Rendered:
    """A rendered template: the marked text and the top-level names it set."""

    text: str
    exports: dict[str, object]


def render_template(template, context: dict[str, object]) -> Rendered:
    """Render ``template`` with ``context``; errors become ``ChisoError`` naming the line."""
    try:
        module = template.make_module(context)
        text = str(module)
        exports = {
            name: getattr(module, name)
            for name in dir(module)
            if not name.startswith("_") and name not in context
        }
    except ChisoError as error:
        line = _error_line(error, template)
        if line is not None and "line" not in error.params:
            raise ChisoError("report.template_error", line=line, detail=error.render()) from None
        raise
    except SecurityError as error:
        raise ChisoError(
            "report.template_unsafe", line=_error_line(error, template) or "?", detail=str(error)
        ) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as error:
        raise ChisoError(
            "report.template_error", line=_error_line(error, template) or "?", detail=str(error)
        ) from None
    return Rendered(text=text, exports=exports)


def _error_line(error: BaseException, template) -> int | None:
    """The template line an error happened on: the innermost frame of the compiled template,
    mapped back to the source through the template's debug information."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TEMPLATE_FILENAME:
            line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line


# --- static analysis: what a template will ask for ------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """Indicator codes a template asks for with constant arguments, by (period, year to
    date); ``None`` as period means the report's period. Used to fetch them in one query."""

    figures: dict[tuple[str | None, bool], list[str]]
    groups: list[str]
    unit_tables: list[str]


def wanted(tree: nodes.Template) -> Wanted:
    figures: dict[tuple[str | None, bool], list[str]] = {}
    groups: list[str] = []
    unit_tables: list[str] = []
    for call in tree.find_all(nodes.Call):
        if not isinstance(call.node, nodes.Name) or not call.args:
            continue
        name = call.node.name
        first = call.args[0]
        if name in FIGURE_FUNCTIONS and isinstance(first, nodes.Const):
            period: str | None = None
            ytd = False
            static = True
            for index, arg in enumerate(call.args[2:], start=2):
                if not isinstance(arg, nodes.Const):
                    static = False
                elif index == 2:
                    period = arg.value
                elif index == 3:
                    ytd = bool(arg.value)
            for kwarg in call.kwargs:
                if not isinstance(kwarg.value, nodes.Const):
                    if kwarg.key in ("ky", "pe", "luy_ke", "ytd"):
                        static = False
                    continue
                if kwarg.key in ("ky", "pe"):
                    period = kwarg.value.value
                elif kwarg.key in ("luy_ke", "ytd"):
                    ytd = bool(kwarg.value.value)
            if static and isinstance(first.value, str):
                figures.setdefault((period, ytd), []).append(first.value)
        elif name in TABLE_FUNCTIONS and isinstance(first, nodes.Const):
            groups.append(str(first.value))
        elif name in UNIT_TABLE_FUNCTIONS:
            if isinstance(first, nodes.Const):
                unit_tables.append(str(first.value))
            elif isinstance(first, nodes.List):
                for item in first.items:
                    if isinstance(item, nodes.List | nodes.Tuple) and item.items:
                        item = item.items[0]  # [code, column label]
                    if isinstance(item, nodes.Const):
                        unit_tables.append(str(item.value))
    return Wanted(figures=figures, groups=groups, unit_tables=unit_tables)


# --- rendered text → blocks -------------------------------------------------------------------


def table_token(index: int) -> str:
    return f"{TABLE_TOKEN}{index}{TABLE_TOKEN}"


def parse_body(text: str, tables: list[Table]) -> tuple[Block, ...]:
    """The blocks a rendered template's text describes (see the module docstring)."""
    blocks: list[Block] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            joined = " ".join(lines)
            runs = to_runs(joined)
            if runs:
                blocks.append(Paragraph(runs))
            lines.clear()

    # A table function written inside a paragraph places its table after that line.
    text = re.sub(rf"{TABLE_TOKEN}\d+{TABLE_TOKEN}", lambda m: f"\n{m.group(0)}\n", text)
    for raw in text.split("\n"):
        line = _BLANK.sub(" ", raw).strip()
        if not strip_markers(line).replace(_BOLD, "").strip():
            flush()
            continue
        table = _TABLE_LINE.match(line)
        if table is not None:
            flush()
            index = int(table.group(1))
            if 0 <= index < len(tables):
                blocks.append(tables[index])
            continue
        heading = _HEADING.match(line)
        if heading is not None:
            flush()
            level = len(heading.group(1))
            blocks.append(Heading(level, strip_markers(heading.group(2)).replace(_BOLD, "")))
            continue
        if line == "---":
            flush()
            blocks.append(PageBreak())
            continue
        if _BULLET.match(strip_markers(line)):
            flush()
        lines.append(line)
    flush()
    return tuple(blocks)


def to_runs(text: str) -> tuple[Run | str, ...]:
    """A paragraph's marked text as runs: traced figures become ``Run(trace=…)``, ``**…**``
    bold; plain text stays ``str``. Neighbouring plain pieces are merged."""
    pieces: list[tuple[str, str | None]] = []  # (text, trace)
    position = 0
    for match in _PIECES.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], None))
        pieces.append((match.group(2), match.group(1) or None))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], None))

    runs: list[Run | str] = []
    bold = False
    for piece, trace in pieces:
        piece = "".join(c for c in piece if c not in MARKERS)
        parts = piece.split(_BOLD)
        for index, part in enumerate(parts):
            if index:
                bold = not bold
            if not part:
                continue
            if trace is None and not bold:
                if runs and isinstance(runs[-1], str):
                    runs[-1] += part
                else:
                    runs.append(part)
            else:
                runs.append(Run(part, bold=bold, trace=trace))
    return tuple(runs)


def block_text(block: Block) -> str:
    """A block as plain text (tables and page breaks give nothing)."""
    if isinstance(block, Heading):
        return block.text
    if isinstance(block, Paragraph):
        return "".join(run if isinstance(run, str) else run.text for run in block.runs)
    return ""


def plain_text(blocks: Iterable[Block]) -> str:
    """The report's prose, one block a line (what the self-check reads)."""
    return "\n".join(text for text in (block_text(b) for b in blocks) if text)


def traces_in(blocks: Iterable[Block], cell_traces: Callable[[Table], Iterable[str]]) -> list[str]:
    """Every trace id the blocks cite, in order, each once."""
    seen: dict[str, None] = {}
    for block in blocks:
        if isinstance(block, Paragraph):
            for run in block.runs:
                if isinstance(run, Run) and run.trace:
                    seen.setdefault(run.trace, None)
        elif isinstance(block, Table):
            for trace in cell_traces(block):
                seen.setdefault(trace, None)
    return list(seen)
