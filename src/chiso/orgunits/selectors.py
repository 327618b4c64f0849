"""Reads of the unit tree.

Selectors take an optional ``within`` queryset: callers acting for a user pass
``accounts.access.units_in_scope(user, Action.VIEW)`` (orgunits sits below accounts, so it cannot
ask itself). Without it they read every unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from chiso.core.text import fold, sort_key
from chiso.orgunits.models import OrgUnit, Succession, Tier

TIER_ORDER = {tier.value: rank for rank, tier in enumerate(Tier)}
"""Tiers top to bottom: tỉnh 0, huyện 1, xã 2, thôn 3."""


def _base(within: QuerySet[OrgUnit] | None) -> QuerySet[OrgUnit]:
    return within if within is not None else OrgUnit.objects.all()


def orgunit_valid_on(day: date) -> Q:
    """Filter for unit versions valid on ``day``."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def orgunit_list_descendants(
    unit: OrgUnit,
    *,
    include_self: bool = True,
    on: date | None = None,
    tier: str | None = None,
    within: QuerySet[OrgUnit] | None = None,
) -> QuerySet[OrgUnit]:
    """The subtree of ``unit`` (by materialized path), optionally valid ``on`` a day and of one
    ``tier``."""
    qs = _base(within).filter(path__startswith=unit.path)
    if not include_self:
        qs = qs.exclude(pk=unit.pk)
    if on is not None:
        qs = qs.filter(orgunit_valid_on(on))
    if tier:
        qs = qs.filter(tier=tier)
    return qs


def orgunit_list_ancestors(unit: OrgUnit, *, include_self: bool = False) -> list[OrgUnit]:
    """The chain above ``unit``, top first (province … parent), in one query."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    if not include_self:
        ids = ids[:-1]
    by_id = OrgUnit.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def orgunit_list_tier(
    tier: str,
    *,
    on: date,
    under: OrgUnit | None = None,
    within: QuerySet[OrgUnit] | None = None,
) -> QuerySet[OrgUnit]:
    """Units of ``tier`` valid ``on`` a day, optionally in the subtree of ``under``: communes of
    Tỉnh Bình Phước on 2023-01-01 are its 111 communes whatever the districts between."""
    qs = _base(within).filter(orgunit_valid_on(on), tier=tier)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    return qs


def orgunit_get_by_code(code: str, on: date, *, within: QuerySet[OrgUnit] | None = None) -> OrgUnit:
    """The version that ``code`` names ``on`` a day; raises ``OrgUnit.DoesNotExist``."""
    return _base(within).get(orgunit_valid_on(on), code=code.strip())


@dataclass(frozen=True)
class SuccessionLink:
    """The other side of a succession: ``unit`` succeeded (or was succeeded by) the unit asked
    about, wholly or in part (``kind``), from ``effective``."""

    unit: OrgUnit
    kind: str
    effective: date
    share: Decimal | None = None

    @property
    def whole(self) -> bool:
        return self.kind == Succession.Kind.WHOLE

    def get_kind_display(self) -> str:
        return Succession.Kind(self.kind).label


def _links(qs: QuerySet[Succession], side: str) -> list[SuccessionLink]:
    links = [
        SuccessionLink(getattr(s, side), s.kind, s.effective, s.share)
        for s in qs.select_related(side)
    ]
    return sorted(links, key=lambda link: (link.effective, sort_key(link.unit.name)))


def orgunit_list_successors(unit: OrgUnit) -> list[SuccessionLink]:
    """The units that took ``unit`` over (whole or part), with kind and date."""
    return _links(Succession.objects.filter(predecessor=unit), "successor")


def orgunit_list_predecessors(unit: OrgUnit) -> list[SuccessionLink]:
    """The units ``unit`` took over (whole or part), with kind and date."""
    return _links(Succession.objects.filter(successor=unit), "predecessor")


_ANCESTOR_FIELDS = ("parent__", "parent__parent__", "parent__parent__parent__")


def orgunit_search(
    query: str,
    *,
    on: date | None = None,
    tier: str | None = None,
    within: QuerySet[OrgUnit] | None = None,
) -> QuerySet[OrgUnit]:
    """Accent-insensitive search: "loc ninh" finds "Lộc Ninh".

    Each comma-separated part of ``query`` (folded: no accents, "đ" = "d", any case) must occur
    in the name of the unit or of one of its ancestors, so "loc ninh" also finds the communes and
    hamlets of Huyện Lộc Ninh and "loc ninh, binh phuoc" narrows to Bình Phước. A query that is a
    code prefix matches codes too. The rows carry ``direct`` (0 when the unit's own name matches,
    1 when only an ancestor's does); order them with ``orgunit_display_order``.
    """
    qs = _base(within)
    if on is not None:
        qs = qs.filter(orgunit_valid_on(on))
    if tier:
        qs = qs.filter(tier=tier)
    parts = [fold(p) for p in query.split(",") if fold(p)]
    if not parts:
        return qs.annotate(direct=Value(0, output_field=IntegerField()))
    code = query.strip()
    condition = Q()
    direct = Q()
    for part in parts:
        own = Q(search_name__contains=part)
        anywhere = own
        for prefix in _ANCESTOR_FIELDS:
            anywhere |= Q(**{f"{prefix}search_name__contains": part})
        condition &= anywhere
        direct &= own
    if code and " " not in code and "," not in code:
        condition |= Q(code__startswith=code)
        direct |= Q(code__startswith=code)
    return qs.filter(condition).annotate(
        direct=Case(When(direct, then=Value(0)), default=Value(1), output_field=IntegerField())
    )


def orgunit_display_order(qs: QuerySet[OrgUnit]) -> list[int]:
    """Primary keys of ``qs`` in display order: own-name matches first (when ``qs`` comes from
    ``orgunit_search``), then by tier top-down, then by name the Vietnamese way. Reads three
    columns per row, so it stays cheap for every unit in the country."""
    fields = ["pk", "tier", "name"]
    if "direct" in qs.query.annotations:
        fields.append("direct")
    rows = qs.order_by().values_list(*fields)
    rows = sorted(
        rows,
        key=lambda r: (
            r[3] if len(r) > 3 else 0,
            TIER_ORDER.get(r[1], 9),
            sort_key(r[2]),
            r[0],
        ),
    )
    return [r[0] for r in rows]


def orgunit_sorted(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """``units`` by name the Vietnamese way ("Xã An" < "Xã Ân" < "Xã Bình" < "Xã Đông")."""
    return sorted(units, key=lambda u: (sort_key(u.name), u.valid_from or date.min, u.pk))


def orgunit_top_tier(qs: QuerySet[OrgUnit]) -> str | None:
    """The highest tier present in ``qs`` (provinces for an administrator, the commune for a
    commune officer)."""
    for tier in Tier:
        if qs.filter(tier=tier).exists():
            return tier.value
    return None
