"""Read-only pages of the indicator catalog: the grouped list and one indicator's details."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chiso.indicators.models import Indicator
from chiso.indicators.selectors import (
    indicator_catalog_sections,
    indicator_get_by_code,
    option_combos_for,
)


@require_GET
@login_required
def indicator_list(request):
    query = request.GET.get("q", "")[:200]
    sections = indicator_catalog_sections(query)
    total = len({i.pk for _group, indicators in sections for i in indicators})
    return render(
        request,
        "web/indicators/list.html",
        {"sections": sections, "q": query, "total": total},
    )


@require_GET
@login_required
def indicator_detail(request, code: str):
    try:
        indicator = indicator_get_by_code(code)
    except Indicator.DoesNotExist as exc:
        raise Http404(code) from exc
    combo = indicator.category_combo
    categories = [
        (c, list(c.options.order_by("sort_order", "id"))) for c in combo.ordered_categories()
    ]
    return render(
        request,
        "web/indicators/detail.html",
        {
            "indicator": indicator,
            "combo": combo,
            "categories": categories,
            "option_combos": list(option_combos_for(indicator)),
            "groups": list(indicator.groups.order_by("sort_order", "code")),
        },
    )
