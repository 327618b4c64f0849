"""The report checker page: ``/check/``.

Paste a report or upload one (.txt, .html, .docx), optionally with a unit code and a period to
compare the stated figures with chiso's data. The answer shows the text with every disputed
figure highlighted (errors red, warnings amber), each highlight numbered and linked to its
explanation below (stated and computed figures, the message), a count summary and, with a
unit, the table of figures matched to indicators. Nothing is stored.

A unit outside the user's view scope gets exactly the answer of a missing unit (404 status, the
same message, no figures from the data).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db.models import Case, Value, When
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from chiso.accounts.access import Action, units_in_scope
from chiso.checker.services import CheckUnitNotFound, compare_figures, finding_message
from chiso.checker.uploads import MAX_TEXT_CHARS, MAX_UPLOAD_BYTES, report_text
from chiso.common.errors import error_message
from chiso.core.checker import Finding, check_text
from chiso.core.errors import ChisoError
from chiso.core.numbers import format_number
from chiso.core.periods import Period
from chiso.orgunits.models import Tier
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.web.pickers import today

TEMPLATE = "web/check/index.html"
UNIT_OPTIONS_LIMIT = 300


@dataclass
class Segment:
    """A piece of the text: plain, or a highlighted figure with the numbers of its findings."""

    text: str
    numbers: list[int] = field(default_factory=list)
    error: bool = False

    @property
    def marked(self) -> bool:
        return bool(self.numbers)

    @property
    def anchor(self) -> str:
        return f"m-{self.numbers[0]}" if self.numbers else ""


@dataclass
class Item:
    """A numbered finding for the explanation list."""

    number: int
    finding: Finding
    figure: str
    message: str
    anchor: str

    @property
    def is_error(self) -> bool:
        return self.finding.severity == "error"

    @property
    def from_data(self) -> bool:
        return self.finding.kind == "data_mismatch"


def segments(text: str, findings: list[Finding]) -> tuple[list[Segment], dict[int, str]]:
    """``text`` cut into plain and highlighted pieces (overlapping findings share one
    highlight), and for each finding number the anchor of its highlight."""
    spans: list[list] = []  # [start, end, numbers, error]
    for number, finding in enumerate(findings, start=1):
        start, end = finding.start, max(finding.end, finding.start)
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
            spans[-1][2].append(number)
            spans[-1][3] = spans[-1][3] or finding.severity == "error"
            continue
        spans.append([start, end, [number], finding.severity == "error"])
    pieces: list[Segment] = []
    anchors: dict[int, str] = {}
    pos = 0
    for start, end, numbers, error in spans:
        if start > pos:
            pieces.append(Segment(text[pos:start]))
        segment = Segment(text[start:end], numbers, error)
        pieces.append(segment)
        for number in numbers:
            anchors[number] = segment.anchor
        pos = end
    if pos < len(text):
        pieces.append(Segment(text[pos:]))
    return pieces, anchors


def _unit_options(user, day) -> list[tuple[str, str]]:
    """Suggestions for the unit code box: units the user may view on ``day``, the highest
    tiers first (hamlets left out), at most ``UNIT_OPTIONS_LIMIT``."""
    tiers = [Tier.PROVINCE, Tier.DISTRICT, Tier.COMMUNE]
    rank = Case(*(When(tier=t, then=Value(i)) for i, t in enumerate(tiers)), default=Value(9))
    units = (
        units_in_scope(user, Action.VIEW)
        .filter(orgunit_valid_on(day), tier__in=tiers)
        .order_by(rank, "path")[:UNIT_OPTIONS_LIMIT]
    )
    return [(u.code, f"{u.name} ({u.code})") for u in units]


def _period_day(period_id: str):
    try:
        return Period.parse(period_id).end
    except ChisoError:
        return today()


@login_required
@require_http_methods(["GET", "POST"])
def check(request):
    """The form; on POST, the checked text with its findings."""
    too_big = False
    try:
        data = request.POST if request.method == "POST" else {}
    except RequestDataTooBig:
        data, too_big = {}, True
    text = (data.get("text") or "").replace("\r\n", "\n")
    unit_code = (data.get("unit") or "").strip()
    period_id = (data.get("period") or "").strip()
    context = {
        "text": text,
        "unit_code": unit_code,
        "period_id": period_id,
        "unit_options": _unit_options(request.user, _period_day(period_id)),
        "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        "errors": [],
    }
    if request.method != "POST":
        return render(request, TEMPLATE, context)

    upload = None if too_big else request.FILES.get("file")
    try:
        if too_big:
            limit = format_number(MAX_TEXT_CHARS)
            raise ChisoError("check.text_too_long", length=f"> {limit}", limit=limit)
        if bool(unit_code) != bool(period_id):
            raise ChisoError("check.unit_period")
        text = report_text(text, upload)
        if period_id:
            Period.parse(period_id)
    except ChisoError as error:
        context["errors"].append(error_message(error))
        return render(request, TEMPLATE, context)
    if upload is not None:
        context["text"] = text
        context["file_name"] = upload.name

    result = check_text(text)
    comparison = None
    if unit_code:
        try:
            comparison = compare_figures(
                result, text=text, unit_code=unit_code, period_id=period_id, user=request.user
            )
        except CheckUnitNotFound as error:
            context["errors"].append(error_message(error))
            return render(request, TEMPLATE, context, status=404)
        except ChisoError as error:
            context["errors"].append(error_message(error))
            return render(request, TEMPLATE, context)
    findings = list(result.findings)
    if comparison is not None:
        findings += comparison.findings
    findings.sort(key=lambda f: (f.start, f.end))
    pieces, anchors = segments(text, findings)
    items = [
        Item(
            number=number,
            finding=finding,
            figure=text[finding.start : finding.end],
            message=finding_message(finding),
            anchor=anchors[number],
        )
        for number, finding in enumerate(findings, start=1)
    ]
    errors = sum(1 for f in findings if f.severity == "error")
    context.update(
        {
            "checked": True,
            "segments": pieces,
            "items": items,
            "error_count": errors,
            "warning_count": len(findings) - errors,
            "claim_count": len(result.claims),
            "comparison": comparison,
            "compared": _compared_counts(comparison),
        }
    )
    return render(request, TEMPLATE, context)


def _compared_counts(comparison) -> dict[str, int] | None:
    if comparison is None:
        return None
    figures = comparison.figures
    return {
        "matched": len(figures),
        "agree": sum(1 for f in figures if f.agrees is True),
        "differ": sum(1 for f in figures if f.agrees is False),
        "no_data": sum(1 for f in figures if f.agrees is None),
    }
