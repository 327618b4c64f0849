"""Reads of the indicator catalog."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from chiso.core.text import fold, sort_key
from chiso.indicators.models import (
    DEFAULT_CODE,
    CategoryOptionCombo,
    Indicator,
    IndicatorGroup,
    IndicatorGroupMember,
)


def indicator_get_by_code(code: str) -> Indicator:
    """The indicator ``code`` (with its category combo); raises ``Indicator.DoesNotExist``."""
    return Indicator.objects.select_related("category_combo").get(code=code)


def indicator_list(group: IndicatorGroup | str | None = None) -> QuerySet[Indicator]:
    """All indicators by code, or the members of ``group`` (an instance or a code) in group
    order."""
    qs = Indicator.objects.select_related("category_combo")
    if group is None:
        return qs.order_by("code")
    if isinstance(group, str):
        return qs.filter(memberships__group__code=group).order_by("memberships__sort_order", "code")
    return qs.filter(memberships__group=group).order_by("memberships__sort_order", "code")


def indicator_group_list() -> QuerySet[IndicatorGroup]:
    """Groups in order, each with ``members`` prefetched (ordered, with their indicators)."""
    members = IndicatorGroupMember.objects.select_related(
        "indicator", "indicator__category_combo"
    ).order_by("sort_order", "id")
    return IndicatorGroup.objects.order_by("sort_order", "code").prefetch_related(
        Prefetch("members", queryset=members)
    )


def option_combos_for(indicator: Indicator) -> QuerySet[CategoryOptionCombo]:
    """The option combos a value of ``indicator`` may carry, in product order (exactly one,
    ``DEFAULT``, for an indicator without disaggregation)."""
    return CategoryOptionCombo.objects.filter(
        category_combo_id=indicator.category_combo_id
    ).order_by("sort_order", "id")


def option_combo_get(indicator: Indicator, code: str | None) -> CategoryOptionCombo:
    """The option combo ``code`` of ``indicator``'s combo; an empty code or DHIS2's
    ``default`` means ``DEFAULT``. Raises ``CategoryOptionCombo.DoesNotExist``."""
    if not code or code.lower() == DEFAULT_CODE.lower():
        code = DEFAULT_CODE
    return option_combos_for(indicator).get(code=code)


def indicator_matches(indicator: Indicator, query: str) -> bool:
    """Accent- and case-insensitive match of ``query`` against the code and both names
    ("viec lam" finds "Số lao động được giải quyết việc làm"; "đ" folds to "d")."""
    words = fold(query).split()
    haystack = " ".join(
        fold(s)
        for s in (
            indicator.code.replace("_", " "),
            indicator.code,
            indicator.name_vi,
            indicator.name_en,
            indicator.short_name_vi,
        )
    )
    return all(word in haystack for word in words)


def indicator_catalog_sections(query: str = "") -> list[tuple[IndicatorGroup | None, list]]:
    """The catalog page: ``(group, indicators)`` for each group in group order, indicators sorted
    the Vietnamese way by their name in the active language, filtered by ``query``; indicators in
    no group come last under ``None``. Groups with no match are left out."""
    query = query.strip()
    sections: list[tuple[IndicatorGroup | None, list]] = []
    grouped: set[int] = set()
    for group in indicator_group_list():
        members = [m.indicator for m in group.members.all()]
        grouped.update(i.pk for i in members)
        if query:
            members = [i for i in members if indicator_matches(i, query)]
        if members:
            sections.append((group, sorted(members, key=lambda i: sort_key(i.name))))
    rest = [
        i
        for i in Indicator.objects.select_related("category_combo").exclude(pk__in=grouped)
        if not query or indicator_matches(i, query)
    ]
    if rest:
        sections.append((None, sorted(rest, key=lambda i: sort_key(i.name))))
    return sections
