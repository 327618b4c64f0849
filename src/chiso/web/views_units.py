"""The unit browser: search units valid on a date, open one to see its place in the tree, its
validity and its successors and predecessors. Only units in the user's view scope are shown; a
unit outside it answers 404 exactly like a missing one."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chiso.accounts.access import Action, UnitNotFound, require_unit, units_in_scope
from chiso.core.dates import format_date_short, parse_date
from chiso.core.errors import ChisoError
from chiso.core.numbers import format_number
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import (
    orgunit_display_order,
    orgunit_list_ancestors,
    orgunit_list_predecessors,
    orgunit_list_successors,
    orgunit_search,
    orgunit_sorted,
    orgunit_top_tier,
    orgunit_valid_on,
)

PAGE_SIZE = 50


def validity_label(unit: OrgUnit) -> str:
    """ "01/07/2025 – nay", "đến 30/06/2025", "01/01/2020 – 30/06/2025"."""
    start, end = unit.valid_from, unit.valid_to
    if start and end:
        return f"{format_date_short(start)} – {format_date_short(end)}"
    if start:
        return _("%(start)s – nay") % {"start": format_date_short(start)}
    if end:
        return _("đến %(end)s") % {"end": format_date_short(end)}
    return _("không thời hạn")


def _parse_day(text: str | None) -> tuple[date | None, str | None]:
    """The day asked for: today when the parameter is absent, ``None`` (every date) when it is
    present but empty, today with the reason when it cannot be read."""
    today = timezone.localdate()
    if text is None:
        return today, None
    if not text.strip():
        return None, None
    try:
        return date.fromisoformat(text.strip()), None
    except ValueError:
        pass
    try:
        return parse_date(text), None
    except ChisoError as error:
        return today, error.render(_)


def _context_names(unit: OrgUnit) -> str:
    """ "Huyện Lộc Ninh, Tỉnh Bình Phước" from the prefetched parent chain."""
    names = []
    parent = unit.parent
    while parent is not None and len(names) < 3:
        names.append(parent.name)
        parent = parent.parent if parent.parent_id else None
    return ", ".join(names)


@require_GET
@login_required
def unit_list(request):
    """Units in the user's view scope valid on a day (default today; an empty date means every
    version), searched accent-insensitively, or without a query the top tier of the scope."""
    query = request.GET.get("q", "")[:200].strip()
    raw_day = request.GET.get("on")
    day, date_error = _parse_day(raw_day)
    tier = request.GET.get("tier", "")
    if tier not in Tier.values:
        tier = ""
    scope = units_in_scope(request.user, Action.VIEW)
    notice = None
    if raw_day is None and not scope.filter(orgunit_valid_on(day)).exists():
        # A scope of units that have all ended (a pre-2025 commune): show its last day.
        last = scope.aggregate(last=Max("valid_to"))["last"]
        if last is not None and last < day:
            day = last
            notice = _(
                "Không còn đơn vị nào trong phạm vi của bạn có hiệu lực hôm nay; "
                "đang hiển thị theo ngày %(day)s."
            ) % {"day": format_date_short(day)}
    other_dates = 0
    if query:
        qs = orgunit_search(query, on=day, tier=tier or None, within=scope)
        if day is not None:  # versions of other dates that match: offered, not mixed in
            everywhere = orgunit_search(query, tier=tier or None, within=scope)
            other_dates = everywhere.exclude(orgunit_valid_on(day)).count()
    else:
        qs = scope if day is None else scope.filter(orgunit_valid_on(day))
        shown_tier = tier or orgunit_top_tier(qs)
        qs = qs.filter(tier=shown_tier) if shown_tier else qs.none()
    ids = orgunit_display_order(qs)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    by_id = OrgUnit.objects.select_related("parent__parent__parent").in_bulk(page.object_list)
    rows = [
        {"unit": u, "validity": validity_label(u), "context": _context_names(u)}
        for u in (by_id[pk] for pk in page.object_list)
    ]
    params = {"q": query, "on": day.isoformat() if day else "", "tier": tier}
    context = {
        "q": query,
        "on": day,
        "tier": tier,
        "tiers": Tier.choices,
        "date_error": date_error,
        "notice": notice,
        "rows": rows,
        "page": page,
        "total": len(ids),
        "other_dates": other_dates,
        "all_dates_query": urlencode({"q": query, "on": "", "tier": tier}),
        "base_query": urlencode({k: v for k, v in params.items() if v or k == "on"}),
    }
    template = "web/units/_results.html" if request.htmx else "web/units/list.html"
    return render(request, template, context)


@require_GET
@login_required
def unit_detail(request, pk: int):
    try:
        unit = require_unit(request.user, pk, Action.VIEW)
    except UnitNotFound as exc:
        raise Http404 from exc
    scope = units_in_scope(request.user, Action.VIEW)
    ancestors = orgunit_list_ancestors(unit)
    successors = orgunit_list_successors(unit)
    predecessors = orgunit_list_predecessors(unit)
    related = [a.pk for a in ancestors] + [link.unit.pk for link in successors + predecessors]
    visible = set(scope.filter(pk__in=related).values_list("pk", flat=True))
    children = orgunit_sorted(scope.filter(parent=unit))
    context = {
        "unit": unit,
        "validity": validity_label(unit),
        "area": format_number(unit.area_km2, 2) if unit.area_km2 is not None else "",
        "current": unit.valid_on(timezone.localdate()),
        "ancestors": [(a, a.pk in visible) for a in ancestors],
        "children": [(c, validity_label(c)) for c in children],
        "successors": [(link, link.unit.pk in visible) for link in successors],
        "predecessors": [(link, link.unit.pk in visible) for link in predecessors],
    }
    return render(request, "web/units/detail.html", context)
