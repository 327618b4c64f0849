"""Formal reports written from chiso's data.

``GET /api/reports/docx?ou=CODE&pe=PERIOD[&template=NAME][&number=N][&date=YYYY-MM-DD]``: the
report as a DOCX file (Decree 30/2020 layout); without ``number``/``date`` a draft ("Số:
…/BC-UBND", today's date). ``template``: a template name (default: the variant of the unit's
tier in the period), or ``name.variant``.

``GET /api/reports?ou=…&pe=…`` (same parameters): the report as JSON: the template used, the
report's prose as plain text, every figure's trace (indicator, unit, period, measure, value, how
many stored values went into it, how it was aggregated and the analytics query that reproduces
it), the findings of the checker on the prose, and the codes the template names that the
catalog does not have (``unknown``).

A unit outside the caller's view scope answers 404, exactly like a missing one; a bad period or
template 400.
"""

from __future__ import annotations

from datetime import date as Date

from django.http import HttpResponse
from ninja import Query, Router, Schema

from chiso.checker.services import finding_message
from chiso.common.errors import error_message
from chiso.reports.services import BuiltReport, report_build

router = Router(tags=["reports"])

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportQuery(Schema):
    ou: str
    pe: str
    template: str | None = None
    number: str | None = None
    date: Date | None = None


class TraceOut(Schema):
    id: str
    measure: str
    indicator: str
    indicator_name: str
    option_combo: str | None
    unit: str
    unit_name: str
    period: str
    year_to_date: bool
    aggregation_type: str
    value: str
    text: str
    values_count: int
    estimate: bool
    description: str
    query: dict[str, str]


class FindingOut(Schema):
    severity: str
    kind: str
    start: int
    end: int
    stated: str
    computed: str
    message: str


class ReportOut(Schema):
    template: str
    template_version: int | None
    unit: str
    unit_name: str
    period: str
    number: str
    draft: bool
    text: str
    traces: list[TraceOut]
    findings: list[FindingOut]
    unknown: list[str]


def _build(request, query: ReportQuery) -> BuiltReport:
    return report_build(
        user=request.user,
        unit_code=query.ou,
        period_id=query.pe,
        template=query.template or None,
        number=query.number or None,
        date=query.date,
    )


@router.get("/docx", summary="The report as DOCX")
def report_docx(request, query: ReportQuery = Query(...)):
    built = _build(request, query)
    response = HttpResponse(built.docx(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{built.filename("docx")}"'
    return response


@router.get("", response=ReportOut, summary="The report's text, traces and self-check")
def report_json(request, query: ReportQuery = Query(...)):
    built = _build(request, query)
    return {
        "template": built.template.key,
        "template_version": built.template.version,
        "unit": built.unit.code,
        "unit_name": built.unit.name,
        "period": built.period.id,
        "number": built.document.reference(),
        "draft": built.is_draft,
        "text": built.text,
        "traces": [
            {**trace.__dict__, "value": "" if trace.value is None else f"{trace.value:f}"}
            for trace in built.traces.values()
        ],
        "findings": [
            {**finding.to_dict(), "message": finding_message(finding)}
            for finding in built.check.findings
        ],
        "unknown": [error_message(problem) for problem in built.unknown],
    }
