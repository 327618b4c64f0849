"""Unit and period pickers shared by the entry form and the dashboard.

Periods are picked with two select lists (year, and a part of it: the whole year, a half, a
quarter or a month) and turned into a period id here; units with a short select list (the
whole scope when it is small, else the neighbourhood of the current unit) plus a search box
that asks ``unit_search`` for matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from chiso.accounts.access import Action, units_in_scope
from chiso.core.errors import ChisoError
from chiso.core.periods import Period, PeriodType
from chiso.core.text import fold
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_valid_on

# A scope this small is offered whole in the select list; a larger one through search.
FULL_LIST_LIMIT = 200
SEARCH_LIMIT = 20
YEARS_BACK = 6

_ROMAN = ("I", "II", "III", "IV")
_TIER_DEPTH = {Tier.PROVINCE: 0, Tier.DISTRICT: 1, Tier.COMMUNE: 2, Tier.HAMLET: 3}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool = False


def today() -> date:
    return timezone.localdate()


def period_parts(period: Period) -> tuple[int, str]:
    """``2023Q3`` → (2023, "Q3"); ``202309`` → (2023, "09"); ``2023`` → (2023, "")."""
    ident = period.id
    return period.year, ident[4:]


def period_from_parts(year: str, part: str) -> Period:
    """The period a (year, part) pair from the selects names; ChisoError if none."""
    return Period.parse(f"{year.strip()}{part.strip()}")


def part_choices(types: set[PeriodType] | None, selected: str) -> list[Choice]:
    """The "part of the year" options for the period ``types`` wanted (all when None)."""
    wanted = types or {PeriodType.YEAR, PeriodType.HALF, PeriodType.QUARTER, PeriodType.MONTH}
    choices: list[tuple[str, str]] = []
    if PeriodType.YEAR in wanted:
        choices.append(("", gettext("Cả năm")))
    if PeriodType.HALF in wanted:
        choices += [("S1", gettext("6 tháng đầu năm")), ("S2", gettext("6 tháng cuối năm"))]
    if PeriodType.QUARTER in wanted:
        choices += [
            (f"Q{n}", gettext("Quý %(roman)s") % {"roman": _ROMAN[n - 1]}) for n in range(1, 5)
        ]
    if PeriodType.MONTH in wanted:
        choices += [(f"{m:02d}", gettext("Tháng %(month)s") % {"month": m}) for m in range(1, 13)]
    return [Choice(value, label, value == selected) for value, label in choices]


def year_choices(selected: int) -> list[Choice]:
    this_year = today().year
    years = set(range(this_year - YEARS_BACK, this_year + 1)) | {selected}
    return [Choice(str(y), str(y), y == selected) for y in sorted(years, reverse=True)]


def parse_period_param(text: str | None, default: Period) -> tuple[Period, str | None]:
    """The period ``text`` names, or ``default`` with the (translated) reason it was not used."""
    if not text:
        return default, None
    try:
        return Period.parse(text.strip()), None
    except ChisoError as error:
        return default, error.render(gettext)


def indent(unit: OrgUnit, top: int = 0) -> str:
    """Non-breaking spaces showing a unit's tier (below ``top``) in a select list."""
    return "\u00a0\u00a0\u00a0" * max(0, _TIER_DEPTH.get(unit.tier, 0) - top)


@dataclass(frozen=True)
class UnitChoices:
    """The select list's units, and whether the scope is larger than the list (so the page
    offers a search box too)."""

    choices: list[Choice]
    searchable: bool


def unit_choices(user, action: Action, unit: OrgUnit | None, day: date) -> UnitChoices:
    """Units for the select list: the whole scope (valid on ``day``) when small, else the
    current unit's ancestors, itself and its children within the scope (scope roots, or the
    provinces for a user with national scope, when no unit is chosen)."""
    scope = units_in_scope(user, action).filter(orgunit_valid_on(day))
    searchable = scope.count() > FULL_LIST_LIMIT
    if not searchable:
        units = list(scope.order_by("path"))
    elif unit is None:
        units = list(scope.filter(tier=Tier.PROVINCE).order_by("name"))
        if not units:
            # A large non-national scope: its roots are the units whose parent is outside it.
            units = list(scope.exclude(parent__in=scope).order_by("path")[:FULL_LIST_LIMIT])
    else:
        ancestor_ids = [int(p) for p in unit.path.strip("/").split("/") if p]
        units = list(scope.filter(Q(pk__in=ancestor_ids) | Q(parent=unit)).order_by("path"))
    selected = unit.pk if unit else None
    top = min((_TIER_DEPTH.get(u.tier, 0) for u in units), default=0)
    choices = [
        Choice(u.code, f"{indent(u, top)}{u.name} ({u.code})", u.pk == selected) for u in units
    ]
    return UnitChoices(choices=choices, searchable=searchable)


def search_units(user, action: Action, text: str, day: date) -> list[OrgUnit]:
    """Units in scope valid on ``day`` whose code starts with ``text`` or whose folded name
    contains it (accent-insensitive, "đ" = "d"); at most ``SEARCH_LIMIT``."""
    text = text.strip()
    if len(text) < 2 and not text.isdigit():
        return []
    condition = Q(code__startswith=text) | Q(search_name__contains=fold(text))
    return list(
        units_in_scope(user, action)
        .filter(orgunit_valid_on(day))
        .filter(condition)
        .select_related("parent")
        .order_by("tier", "search_name")[:SEARCH_LIMIT]
    )


_TARGETS = {"entry": "web:entry", "dashboard": "web:dashboard"}
_KEEP = {"entry": ("pe", "group"), "dashboard": ("pe", "ind")}


@require_GET
@login_required
def unit_search(request):
    """htmx fragment: links to the entry form or dashboard for the matching units."""
    from django.urls import reverse

    target = request.GET.get("for", "dashboard")
    if target not in _TARGETS:
        target = "dashboard"
    action = Action.CAPTURE if target == "entry" else Action.VIEW
    period, _error = parse_period_param(
        request.GET.get("pe"), Period.containing(PeriodType.YEAR, today())
    )
    units = search_units(request.user, action, request.GET.get("q", ""), period.end)
    base = reverse(_TARGETS[target])
    kept = {k: request.GET[k] for k in _KEEP[target] if request.GET.get(k)}
    results = [{"unit": u, "url": f"{base}?{urlencode({'ou': u.code, **kept})}"} for u in units]
    return render(request, "web/unit_results.html", {"results": results})
