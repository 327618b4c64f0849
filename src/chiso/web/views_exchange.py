"""Import and export pages: ``/data/upload/`` (upload a file, optionally as a dry run, then a
result page listing every conflict with its row or cell) and ``/data/template/`` (download the
XLSX entry template for a group, unit and period)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chiso.accounts.access import Action, UnitNotFound, units_in_scope
from chiso.common.errors import error_message
from chiso.core.errors import ChisoError
from chiso.core.periods import Period, PeriodType
from chiso.datavalues.models import Channel
from chiso.exchange.services import FORMATS, import_file, template_build
from chiso.indicators.selectors import indicator_group_list
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.web.pickers import (
    Choice,
    part_choices,
    period_from_parts,
    today,
    year_choices,
)

MAX_UPLOAD = 50 * 1024 * 1024
# Units offered as suggestions in the code fields (any code in scope can be typed).
SUGGESTED_UNITS = 200


def _unit_suggestions(user, action: Action) -> list[Choice]:
    """Units in scope, current versions first (periods may be past, so older ones too)."""
    scope = units_in_scope(user, action)
    units = list(scope.filter(orgunit_valid_on(today())).order_by("path")[:SUGGESTED_UNITS])
    if len(units) < SUGGESTED_UNITS:
        units += scope.exclude(pk__in=[u.pk for u in units]).order_by("path")[
            : SUGGESTED_UNITS - len(units)
        ]
    seen: dict[str, Choice] = {}
    for unit in units:
        seen.setdefault(unit.code, Choice(unit.code, f"{unit.name} ({unit.code})"))
    return list(seen.values())


def _export_context(request) -> dict:
    period = Period.containing(PeriodType.YEAR, today())
    return {
        "export_units": _unit_suggestions(request.user, Action.VIEW),
        "export_formats": FORMATS,
        "export_period": period.id,
    }


@require_http_methods(["GET", "POST"])
@login_required
def upload(request):
    context = _export_context(request)
    if request.method == "GET":
        return render(request, "web/exchange/upload.html", context)
    upload_file = request.FILES.get("file")
    dry_run = bool(request.POST.get("dry_run"))
    partial = bool(request.POST.get("partial"))
    context.update(dry_run=dry_run, partial=partial)
    if upload_file is None:
        context["error"] = _("Hãy chọn một tệp để tải lên.")
        return render(request, "web/exchange/upload.html", context, status=400)
    if upload_file.size > MAX_UPLOAD:
        context["error"] = _("Tệp quá lớn (tối đa 50 MB).")
        return render(request, "web/exchange/upload.html", context, status=400)
    summary = import_file(
        user=request.user,
        filename=upload_file.name,
        content=upload_file.read(),
        dry_run=dry_run,
        atomic=not partial,
        channel=Channel.IMPORT,
    )
    context.update(summary=summary, filename=upload_file.name)
    return render(request, "web/exchange/result.html", context)


@require_GET
@login_required
def template(request):
    """The form; with ``ou``, ``group`` and ``year`` (plus ``part``) given, the file."""
    user = request.user
    groups = list(indicator_group_list())
    group_code = request.GET.get("group", "")
    this_year = today().year
    year_text = request.GET.get("year", str(this_year))
    part = request.GET.get("part", "")
    code = request.GET.get("ou", "").strip()
    children = bool(request.GET.get("children"))
    context = {
        "groups": [Choice(g.code, g.name, g.code == group_code) for g in groups],
        "units": _unit_suggestions(user, Action.CAPTURE),
        "unit_code": code,
        "children": children,
    }
    error = None
    if code and group_code:
        try:
            period = period_from_parts(year_text, part)
            filename, content = template_build(
                user=user,
                group_code=group_code,
                unit_code=code,
                period_id=period.id,
                children=children,
            )
        except UnitNotFound:
            error = _("Không tìm thấy đơn vị mã “%(code)s” trong phạm vi của bạn.") % {"code": code}
        except ChisoError as exc:
            error = error_message(exc)
        else:
            response = HttpResponse(
                content,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    elif request.GET.get("submitted"):
        error = _("Hãy chọn đơn vị và nhóm chỉ tiêu.")
    try:
        year = int(year_text)
    except ValueError:
        year = this_year
    context.update(
        error=error,
        year_choices=year_choices(year),
        part_choices=part_choices(None, part),
    )
    if error:
        return render(request, "web/exchange/template.html", context, status=400)
    return render(request, "web/exchange/template.html", context)
