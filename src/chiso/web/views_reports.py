"""Formal reports: choose, preview with sources, download; and the report templates.

- ``/reports/``: choose a unit, a period and a template (the unit and period selects reload the
  page; nothing is built yet).
- ``/reports/preview/?ou=&pe=&template=[&number=&date=]``: the report as HTML, laid out like the
  document; every figure links to its source below it (indicator, unit, period, measure, how it
  was aggregated from how many stored values, and the analytics query and dashboard that show
  it), with the result of the report's self-check and the download links.
- ``/reports/download/?…&format=docx|pdf|xlsx``: the DOCX, its PDF (LibreOffice), the annex.
- ``/reports/templates/`` (provincial administrators): the templates in use; edit a template
  with a preview on any unit and period (saving adds a version); every version, and restoring
  an old one (as a new version).

A unit outside the user's view scope answers 404 exactly like a missing one.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.accounts.access import Action, UnitNotFound, require_unit
from chiso.checker.services import finding_message
from chiso.common.errors import error_message
from chiso.core.dates import parse_date
from chiso.core.errors import ChisoError
from chiso.core.periods import Period, PeriodType
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_get_by_code
from chiso.reports.html import preview
from chiso.reports.models import ReportTemplate
from chiso.reports.selectors import report_template_list, report_template_versions
from chiso.reports.services import (
    BuiltReport,
    can_edit_templates,
    report_build,
    report_template_restore,
    report_template_save,
    report_templates_ensure_defaults,
)
from chiso.web.pickers import (
    part_choices,
    period_from_parts,
    period_parts,
    today,
    unit_choices,
    year_choices,
)

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PICKER_TYPES = {PeriodType.YEAR, PeriodType.HALF, PeriodType.QUARTER, PeriodType.MONTH}


def _period(request) -> tuple[Period, str | None]:
    """The period of ``pe``, else of the ``year``/``part`` selects, else this year; with the
    reason when what was given could not be read."""
    default = Period.containing(PeriodType.YEAR, today())
    text = request.GET.get("pe", "").strip()
    try:
        if text:
            return Period.parse(text), None
        if request.GET.get("year"):
            return period_from_parts(request.GET["year"], request.GET.get("part", "")), None
    except ChisoError as error:
        return default, error.render(gettext)
    return default, None


def _unit(user, code: str, period: Period) -> OrgUnit | None:
    if not code:
        return None
    try:
        unit = orgunit_get_by_code(code, period.end)
    except (OrgUnit.DoesNotExist, OrgUnit.MultipleObjectsReturned):
        raise Http404 from None
    try:
        return require_unit(user, unit, Action.VIEW)
    except UnitNotFound:
        raise Http404 from None


def _template_choices(selected: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected): the default (by the unit's tier) and each template name."""
    report_templates_ensure_defaults()
    names: dict[str, str] = {}
    for template in report_template_list():
        label = template.title.split("(")[0].strip()
        names.setdefault(template.name, label)
    choices = [("", gettext("Theo cấp của đơn vị (mặc định)"), not selected)]
    choices += [(name, f"{label} ({name})", name == selected) for name, label in names.items()]
    return choices


def _params(unit: OrgUnit | None, period: Period, request) -> dict[str, str]:
    params = {
        "ou": unit.code if unit else "",
        "pe": period.id,
        "template": request.GET.get("template", "").strip(),
        "number": request.GET.get("number", "").strip(),
        "date": request.GET.get("date", "").strip(),
    }
    return {k: v for k, v in params.items() if v}


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v})}"


def _form_context(request, unit: OrgUnit | None, period: Period, period_error: str | None):
    year, part = period_parts(period)
    return {
        "unit": unit,
        "period": period,
        "period_error": period_error,
        "unit_choices": unit_choices(request.user, Action.VIEW, unit, period.end),
        "year_choices": year_choices(year),
        "part_choices": part_choices(PICKER_TYPES, part),
        "template_choices": _template_choices(request.GET.get("template", "").strip()),
        "number": request.GET.get("number", "").strip(),
        "report_date": request.GET.get("date", "").strip(),
        "can_edit_templates": can_edit_templates(request.user),
    }


def _report_date(request) -> date | None:
    text = request.GET.get("date", "").strip()
    return parse_date(text) if text else None


def _build(request, unit: OrgUnit, period: Period, *, body: str | None = None) -> BuiltReport:
    try:
        return report_build(
            user=request.user,
            unit_code=unit.code,
            period_id=period.id,
            template=request.GET.get("template", "").strip() or None,
            number=request.GET.get("number", "").strip() or None,
            date=_report_date(request),
            body=body,
        )
    except UnitNotFound:
        raise Http404 from None


@require_GET
@login_required
def reports(request):
    period, period_error = _period(request)
    unit = _unit(request.user, request.GET.get("ou", "").strip(), period)
    context = _form_context(request, unit, period, period_error)
    return render(request, "web/reports/index.html", context)


def _preview_context(built: BuiltReport) -> dict:
    page = preview(built.document, built.traces)
    for source in page.sources:
        trace = source.trace
        source.api_url = _url("api:analytics", **trace.query) if trace.query else ""
        source.dashboard_url = _url(
            "web:dashboard", ou=trace.unit, pe=trace.period, ind=trace.indicator
        )
    findings = [
        {
            "error": finding.severity == "error",
            "figure": built.text[finding.start : finding.end],
            "message": finding_message(finding),
        }
        for finding in built.check.findings
    ]
    return {
        "built": built,
        "page": page,
        "unknown": [error_message(problem) for problem in built.unknown],
        "findings": findings,
        "error_count": len(built.check.errors),
        "warning_count": len(built.check.warnings),
    }


@require_GET
@login_required
def report_preview(request):
    period, period_error = _period(request)
    unit = _unit(request.user, request.GET.get("ou", "").strip(), period)
    context = _form_context(request, unit, period, period_error)
    if unit is None or period_error:
        return render(request, "web/reports/index.html", context)
    try:
        built = _build(request, unit, period)
    except ChisoError as error:
        context["build_error"] = error_message(error)
        return render(request, "web/reports/index.html", context, status=400)
    params = _params(unit, period, request)
    context.update(_preview_context(built))
    context["downloads"] = [
        (gettext("Văn bản Word (.docx)"), _url("web:report_download", **params, format="docx")),
        (gettext("PDF"), _url("web:report_download", **params, format="pdf")),
    ]
    if built.document.annex is not None:
        context["downloads"].append(
            (gettext("Phụ lục Excel (.xlsx)"), _url("web:report_download", **params, format="xlsx"))
        )
    context["api_url"] = _url("api:report_docx", **params)
    return render(request, "web/reports/preview.html", context)


@require_GET
@login_required
def report_download(request):
    period, period_error = _period(request)
    kind = request.GET.get("format", "docx")
    if kind not in FORMATS:
        kind = "docx"
    unit = _unit(request.user, request.GET.get("ou", "").strip(), period)
    if unit is None or period_error:
        raise Http404
    try:
        built = _build(request, unit, period)
        if kind == "docx":
            content = built.docx()
        elif kind == "xlsx":
            content = built.annex_xlsx()
            if content is None:
                raise Http404
        else:
            content = built.pdf()
    except ChisoError as error:
        context = _form_context(request, unit, period, None)
        context["build_error"] = error_message(error)
        return render(request, "web/reports/index.html", context, status=400)
    response = HttpResponse(content, content_type=FORMATS[kind])
    name = built.filename(kind)
    if kind == "xlsx":
        name = name.replace("bao-cao-", "phu-luc-", 1)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- templates ----------------------------------------------------------------------------------


def _require_editor(user) -> None:
    if not can_edit_templates(user):
        raise PermissionDenied


@require_GET
@login_required
def template_list(request):
    _require_editor(request.user)
    report_templates_ensure_defaults()
    return render(request, "web/reports/templates.html", {"templates": report_template_list()})


@require_http_methods(["GET", "POST"])
@login_required
def template_edit(request, pk: int):
    _require_editor(request.user)
    template = get_object_or_404(ReportTemplate, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    body = data.get("body", template.body) if request.method == "POST" else template.body
    context = {
        "template": template,
        "body": body,
        "title": data.get("title", template.title),
        "note": data.get("note", ""),
        "preview_ou": data.get("ou", "").strip(),
        "preview_pe": data.get("pe", "").strip(),
        "latest": report_template_versions(template.name, template.variant).first(),
    }
    if request.method == "POST" and request.POST.get("action") == "save":
        try:
            saved = report_template_save(
                user=request.user,
                name=template.name,
                variant=template.variant,
                body=body,
                title=request.POST.get("title", ""),
                note=request.POST.get("note", ""),
                base_version=_int(request.POST.get("base_version")),
            )
        except ChisoError as error:
            context["save_error"] = error_message(error)
            return render(request, "web/reports/template_edit.html", context, status=400)
        messages.success(
            request,
            gettext("Đã lưu mẫu %(key)s, phiên bản %(version)s.")
            % {"key": saved.key, "version": saved.version},
        )
        return redirect("web:report_template_edit", pk=saved.pk)
    if request.method == "POST" and context["preview_ou"] and context["preview_pe"]:
        try:
            period = Period.parse(context["preview_pe"])
        except ChisoError as error:
            context["preview_error"] = error_message(error)
        else:
            try:
                unit = _unit(request.user, context["preview_ou"], period)
                built = report_build(
                    user=request.user,
                    unit_code=unit.code,
                    period_id=period.id,
                    template=template.name,
                    body=body,
                )
                context.update(_preview_context(built))
            except Http404:
                context["preview_error"] = gettext("Không tìm thấy đơn vị.")
            except ChisoError as error:
                context["preview_error"] = error_message(error)
    return render(request, "web/reports/template_edit.html", context)


@require_GET
@login_required
def template_history(request, pk: int):
    _require_editor(request.user)
    template = get_object_or_404(ReportTemplate, pk=pk)
    versions = list(report_template_versions(template.name, template.variant))
    return render(
        request,
        "web/reports/template_history.html",
        {"template": template, "versions": versions, "current": versions[0] if versions else None},
    )


@require_POST
@login_required
def template_restore(request, pk: int):
    _require_editor(request.user)
    template = get_object_or_404(ReportTemplate, pk=pk)
    try:
        saved = report_template_restore(user=request.user, template=template)
    except ChisoError as error:
        messages.error(request, error_message(error))
        return redirect("web:report_template_history", pk=template.pk)
    messages.success(
        request,
        gettext("Đã khôi phục phiên bản %(old)s thành phiên bản %(version)s.")
        % {"old": template.version, "version": saved.version},
    )
    return redirect("web:report_template_edit", pk=saved.pk)


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None
