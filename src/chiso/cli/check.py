"""``chiso check FILE [--json] [--unit CODE --period PERIOD]``: check a report's arithmetic.

Reads a .txt, .html or .docx report, points at every figure whose arithmetic does not hold, and
exits 0 when there is no error finding, 1 when there is, 2 when the file cannot be read. Needs
no database and does not import Django unless ``--unit`` is given (then the figures are also
compared with the data stored for that unit and period).

``--json`` prints exactly ``{"claims": [...], "findings": [...]}`` on stdout and nothing else.
Without it, the lines holding findings are shown with each disputed figure marked and numbered,
followed by the numbered findings (colour only on a terminal).
"""

from __future__ import annotations

import os
import sys

from chiso.core.errors import ChisoError, gettext_noop

_ = gettext_noop  # CLI strings are marked for extraction; the core runs without Django.

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_UNUSABLE = 2


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="check the arithmetic of a report (.txt, .html, .docx)",
        description="Point at every figure of a report whose arithmetic does not hold.",
    )
    p.add_argument("file", metavar="FILE", help="the report: .txt (UTF-8), .html or .docx")
    p.add_argument("--json", action="store_true", help="print the claims and findings as JSON")
    p.add_argument("--unit", metavar="CODE", help="also compare with the data of this unit")
    p.add_argument("--period", metavar="PERIOD", help="period id for --unit (e.g. 2023, 2023Q3)")
    p.set_defaults(handler=run)


def run(args) -> int:
    from chiso.core.checker import check_text
    from chiso.core.checker.inputs import read_document

    unit = getattr(args, "unit", None)
    period = getattr(args, "period", None)
    if bool(unit) != bool(period):
        _notice(_("--unit và --period phải được dùng cùng nhau"))
        return EXIT_UNUSABLE
    try:
        text = read_document(args.file)
    except ChisoError as error:
        _notice(error.render())
        return EXIT_UNUSABLE
    result = check_text(text)
    if unit:
        try:
            result = _compare_with_data(result, text, unit, period)
        except ChisoError as error:
            _notice(error.render())
            return EXIT_UNUSABLE
    if getattr(args, "json", False):
        sys.stdout.write(result.to_json() + "\n")
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write(render_terminal(text, result, color=color))
    return EXIT_ERRORS if result.errors else EXIT_OK


def _compare_with_data(result, text, unit, period):
    """Add the findings of a comparison with the stored data (the Django side)."""
    from chiso.cli.setup import django_setup

    django_setup()
    from chiso.checker.services import compare_with_data

    return compare_with_data(result, text=text, unit_code=unit, period_id=period)


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_SEVERITY = {"error": _("LỖI"), "warning": _("CẢNH BÁO")}
_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m"}
_RESET = "\x1b[0m"


def render_terminal(text: str, result, *, color: bool = False) -> str:
    """The lines of ``text`` that hold findings, each disputed figure marked ``[[…]]⁽n⁾``
    (or coloured), then the numbered findings and a summary line."""
    findings = result.findings
    out: list[str] = []
    if findings:
        numbered = list(enumerate(findings, start=1))
        line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                line_starts.append(index + 1)
        by_line: dict[int, list[tuple[int, object]]] = {}
        from bisect import bisect_right

        for number, finding in numbered:
            line = bisect_right(line_starts, finding.start) - 1
            by_line.setdefault(line, []).append((number, finding))
        for line, items in sorted(by_line.items()):
            start = line_starts[line]
            end = text.find("\n", start)
            end = len(text) if end == -1 else end
            pieces = [
                _mark_line(text, s, e, [i for i in items if s <= i[1].start < e], color)
                for s, e in _excerpts(text, start, end, items)
            ]
            out.append(f"{_('dòng')} {line + 1}: {' … '.join(pieces)}")
            out.append("")
        for number, finding in numbered:
            label = _SEVERITY[finding.severity]
            if color:
                label = f"{_COLORS[finding.severity]}{label}{_RESET}"
            out.append(f"[{number}] {label} ({finding.kind}): {finding.message}")
        out.append("")
    errors, warnings = len(result.errors), len(result.warnings)
    out.append(
        _("%(errors)d lỗi, %(warnings)d cảnh báo; đã đọc %(claims)d số liệu.")
        % {"errors": errors, "warnings": warnings, "claims": len(result.claims)}
    )
    return "\n".join(out) + "\n"


_LONG_LINE = 300


def _excerpts(text: str, start: int, end: int, items) -> list[tuple[int, int]]:
    """The whole line, or for a long paragraph only the sentences holding a finding."""
    if end - start <= _LONG_LINE:
        return [(start, end)]
    from chiso.core.checker.sentences import split_sentences

    chosen = []
    for s, e in split_sentences(text[start:end]):
        s, e = s + start, e + start
        if any(s <= finding.start < e for _n, finding in items):
            if chosen and chosen[-1][1] >= s - 1:
                chosen[-1] = (chosen[-1][0], e)
            else:
                chosen.append((s, e))
    return chosen or [(start, end)]


def _mark_line(text: str, start: int, end: int, items, color: bool) -> str:
    pieces = []
    pos = start
    # Findings on one span share a mark: "[[1.468 hồ sơ]][1,2]".
    spans: list[list] = []
    for number, finding in sorted(items, key=lambda item: (item[1].start, item[1].end)):
        if spans and finding.start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], min(finding.end, end))
            spans[-1][2].append(number)
            spans[-1][3] = spans[-1][3] or finding.severity == "error"
            continue
        spans.append([finding.start, min(finding.end, end), [number], finding.severity == "error"])
    for span_start, span_end, numbers, is_error in spans:
        pieces.append(text[pos:span_start])
        figure = text[span_start:span_end]
        refs = ",".join(str(n) for n in numbers)
        if color:
            code = _COLORS["error" if is_error else "warning"]
            pieces.append(f"{code}{figure}{_RESET}[{refs}]")
        else:
            pieces.append(f"[[{figure}]][{refs}]")
        pos = span_end
    pieces.append(text[pos:end])
    return "".join(pieces)
