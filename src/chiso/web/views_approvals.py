"""Submission and approval pages.

- ``/approvals/?ou=CODE&pe=PERIOD&group=CODE``: for a unit in the user's view scope (a code
  means the version valid on the period's last day), one form (indicator group) and one
  period: the state of each reporting unit under it (the unit itself for a commune), the
  completeness and timeliness against the Decree 09/2019 deadline, and the buttons the user's
  role and level allow (submit, approve, reopen with a reason, approve all).
- ``POST /approvals/act/``: one of those actions; answers with a redirect back to the page and
  the outcome as a message (a unit outside the scope answers 404, like a missing one).
- ``/approvals/summary/?ou=CODE&pe=PERIOD``: the completeness of every form, as an htmx
  fragment for the dashboard.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import Action, UnitNotFound, require_unit, units_in_scope
from chiso.approvals.models import Channel
from chiso.approvals.selectors import (
    approval_actions,
    completeness,
    completeness_by_group,
    reporting_deadline_for,
)
from chiso.approvals.services import (
    approval_approve,
    approval_approve_all,
    approval_reopen,
    approval_submit,
)
from chiso.common.errors import error_message
from chiso.core.errors import ChisoError
from chiso.core.periods import Period, PeriodType
from chiso.indicators.models import IndicatorGroup
from chiso.indicators.selectors import indicator_group_list
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_get_by_code, orgunit_valid_on
from chiso.web.pickers import (
    Choice,
    parse_period_param,
    part_choices,
    period_from_parts,
    period_parts,
    today,
    unit_choices,
    year_choices,
)

_TYPE_ORDER = list(PeriodType)  # coarsest first


def _approvals_url(**params) -> str:
    return f"{reverse('web:approvals')}?{urlencode({k: v for k, v in params.items() if v})}"


def _default_period() -> Period:
    """The last whole month: the one being reported on now."""
    return Period.containing(PeriodType.MONTH, today()).previous()


def _resolve_unit(user, code: str, period: Period) -> OrgUnit:
    try:
        unit = orgunit_get_by_code(code, period.end)
    except (OrgUnit.DoesNotExist, OrgUnit.MultipleObjectsReturned):
        raise Http404 from None
    try:
        return require_unit(user, unit, Action.VIEW)
    except UnitNotFound:
        raise Http404 from None


def _default_unit(user, period: Period) -> OrgUnit | None:
    """The first unit of a non-national user's view scope valid at the period's end."""
    if user.is_superuser:
        return None
    scope = units_in_scope(user, Action.VIEW).filter(orgunit_valid_on(period.end))
    first = scope.order_by("path").first()
    if first is not None and first.parent_id is None and scope.filter(parent=None).count() > 1:
        return None
    return first


def _group_types(group: IndicatorGroup | None) -> list[PeriodType]:
    if group is None:
        return []
    present = {PeriodType(m.indicator.period_type) for m in group.members.all()}
    return [t for t in _TYPE_ORDER if t in present]


@require_GET
@login_required
def approvals(request):
    user = request.user
    if "year" in request.GET:
        try:
            picked = period_from_parts(request.GET["year"], request.GET.get("part", ""))
        except ChisoError:
            picked = None
        return redirect(
            _approvals_url(
                ou=request.GET.get("ou", ""),
                pe=picked.id if picked else "",
                group=request.GET.get("group", ""),
            )
        )
    groups = list(indicator_group_list())
    group_code = request.GET.get("group", "")
    group = next((g for g in groups if g.code == group_code), groups[0] if groups else None)
    period, period_error = parse_period_param(request.GET.get("pe"), _default_period())
    code = request.GET.get("ou", "").strip()
    if code and period_error:
        try:
            unit = _resolve_unit(user, code, period)
        except Http404:
            unit = None
    else:
        unit = _resolve_unit(user, code, period) if code else _default_unit(user, period)

    types = _group_types(group)
    report = None
    rows = []
    approvable = 0
    if unit is not None and group is not None:
        report = completeness(group, unit, period)
        actions = approval_actions(user, report.units)
        rows = [(status, actions[status.unit.pk]) for status in report.units]
        approvable = sum(1 for _status, allowed in rows if "approve" in allowed)
    year, part = period_parts(period)
    context = {
        "unit": unit,
        "period": period,
        "period_error": period_error,
        "group": group,
        "groups": [Choice(g.code, g.name, g == group) for g in groups],
        "period_fits": not types or period.type in types,
        "unit_choices": unit_choices(user, Action.VIEW, unit, period.end),
        "year_choices": year_choices(year),
        "part_choices": part_choices(set(types) or None, part),
        "report": report,
        "rows": rows,
        "approvable": approvable,
        "show_parent": len({s.unit.parent_id for s, _a in rows}) > 1,
        "deadline": reporting_deadline_for(period),
    }
    return render(request, "web/approvals/index.html", context)


_DONE = {
    "submit": gettext_noop("Đã nộp nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s."),
    "approve": gettext_noop(
        "Đã phê duyệt nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s: %(state)s."
    ),
    "reopen": gettext_noop("Đã mở lại nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s."),
}


@require_POST
@login_required
def approvals_act(request):
    """Submit, approve, reopen (with ``reason``) or approve all (``action=approve_all``, for
    the units under ``ou``); back to the page with the outcome."""
    user = request.user
    post = request.POST
    action = post.get("action", "")
    back = post.get("back", "").strip() or post.get("ou", "").strip()
    try:
        period = Period.parse(post.get("pe", "").strip())
    except ChisoError:
        raise Http404 from None
    group = IndicatorGroup.objects.filter(code=post.get("group", "").strip()).first()
    if group is None or action not in ("submit", "approve", "reopen", "approve_all"):
        raise Http404
    unit = _resolve_unit(user, post.get("ou", "").strip(), period)
    params = {"form": group.name, "unit": unit.name, "period": period.format_label(gettext)}
    try:
        if action == "submit":
            status = approval_submit(
                user=user, group=group, orgunit=unit, period=period, channel=Channel.WEB
            )
        elif action == "approve":
            status = approval_approve(
                user=user, group=group, orgunit=unit, period=period, channel=Channel.WEB
            )
        elif action == "reopen":
            status = approval_reopen(
                user=user,
                group=group,
                orgunit=unit,
                period=period,
                reason=post.get("reason", ""),
                channel=Channel.WEB,
            )
        else:
            count = approval_approve_all(
                user=user, group=group, parent=unit, period=period, channel=Channel.WEB
            )
    except UnitNotFound:
        raise Http404 from None
    except ChisoError as error:
        messages.error(request, error_message(error))
    else:
        if action == "approve_all":
            messages.success(
                request,
                gettext("Đã phê duyệt %(count)s đơn vị, nhóm chỉ tiêu “%(form)s”, %(period)s.")
                % {"count": count, **params},
            )
        else:
            messages.success(request, gettext(_DONE[action]) % {**params, "state": status.label})
    return redirect(_approvals_url(ou=back, pe=period.id, group=group.code))


@require_GET
@login_required
def approvals_summary(request):
    """htmx fragment for the dashboard: completeness of each form for ``ou`` and ``pe``."""
    try:
        period = Period.parse(request.GET.get("pe", "").strip())
    except ChisoError:
        return HttpResponse("")
    unit = _resolve_unit(request.user, request.GET.get("ou", "").strip(), period)
    groups = [g for g in indicator_group_list() if period.type in _group_types(g)]
    reports = completeness_by_group(groups, unit, period) if groups else []
    reports = [r for r in reports if r.expected]
    return render(
        request,
        "web/approvals/_summary.html",
        {
            "reports": reports,
            "unit": unit,
            "period": period,
            "deadline": reporting_deadline_for(period),
        },
    )
