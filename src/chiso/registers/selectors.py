"""Reads of the register. Every read of personal data is scoped through the access choke-point
(``scope_filter`` on the household's current hamlet, or on the hamlet a distribution was made
in); a household outside the scope reads exactly like a missing one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from chiso.accounts.access import Action, scope_filter, units_in_scope
from chiso.core.citizen_id import mask
from chiso.core.text import fold
from chiso.orgunits.models import OrgUnit
from chiso.registers.models import (
    Classification,
    ClassKind,
    Distribution,
    Household,
    ItemKind,
    Member,
    Programme,
    Residence,
)

CITIZEN_ID_PERMISSION = "registers.view_citizen_id"

GROUP_ORDER = [*ClassKind.values, "KHAC"]
"""Beneficiary groups in the order of the NHOM_DOI_TUONG category."""


class HouseholdNotFound(Household.DoesNotExist):
    """Missing or outside the user's scope (deliberately indistinguishable)."""


class ProgrammeNotFound(Programme.DoesNotExist):
    """Missing or outside the user's scope (deliberately indistinguishable)."""


# --- households ---------------------------------------------------------------------------


def household_scope(user, action: Action = Action.VIEW) -> QuerySet[Household]:
    """Households whose current hamlet lies in the user's scope for ``action``."""
    return Household.objects.filter(scope_filter(user, action, field="hamlet__"))


def classified_on(day: date, kinds: Iterable[str] | None = None) -> Q:
    """Filter for classifications valid on ``day`` (of ``kinds``)."""
    q = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    if kinds is not None:
        q &= Q(kind__in=list(kinds))
    return q


def household_search(
    user,
    *,
    query: str = "",
    hamlet: OrgUnit | int | None = None,
    kind: str = "",
    on: date | None = None,
) -> QuerySet[Household]:
    """Households in the user's view scope, searched accent-insensitively ("nguyen van an"
    finds "Nguyễn Văn An"; also by household code, a member's name or the address), in one
    hamlet (or commune: any unit, by its subtree) and of one class valid ``on`` a day."""
    qs = household_scope(user)
    if hamlet is not None:
        unit = hamlet if isinstance(hamlet, OrgUnit) else OrgUnit.objects.filter(pk=hamlet).first()
        qs = qs.filter(hamlet__path__startswith=unit.path) if unit else qs.none()
    folded = fold(query)
    if folded:
        members = Member.objects.filter(household=OuterRef("pk"), search_name__contains=folded)
        qs = qs.filter(
            Q(search_name__contains=folded) | Q(code__istartswith=query.strip()) | Exists(members)
        )
    if kind:
        day = on or date.today()
        classes = Classification.objects.filter(
            classified_on(day, [kind]), household=OuterRef("pk")
        )
        qs = qs.filter(Exists(classes))
    return qs.select_related("hamlet__parent").order_by("hamlet__path", "code")


def household_get(user, pk: int | str, action: Action = Action.VIEW) -> Household:
    """The household if it is in the user's scope for ``action``; ``HouseholdNotFound``
    otherwise."""
    try:
        return household_scope(user, action).select_related("hamlet__parent").get(pk=int(pk))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise HouseholdNotFound() from None


def household_people(household: Household) -> int:
    """Persons in the household: its members, or its declared size when that is larger."""
    count = household.members.count()
    return max(count, household.size or 0)


def household_classes_on(household: Household, day: date) -> list[str]:
    """The household's classes valid on ``day``, in ``GROUP_ORDER``."""
    kinds = set(household.classifications.filter(classified_on(day)).values_list("kind", flat=True))
    return [k for k in GROUP_ORDER if k in kinds]


def residence_on(household: Household, day: date) -> Residence | None:
    return (
        household.residences.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("hamlet")
        .first()
    )


@dataclass(frozen=True)
class MemberView:
    member: Member
    citizen_id: str  # masked unless the user may see it


def can_view_citizen_id(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(CITIZEN_ID_PERMISSION))


def show_citizen_id(user, number: str) -> str:
    """The number for ``user``: whole with the permission, else ``0xx******123``."""
    return number if can_view_citizen_id(user) else mask(number)


def member_views(user, household: Household) -> list[MemberView]:
    full = can_view_citizen_id(user)
    return [
        MemberView(m, m.citizen_id if full else mask(m.citizen_id)) for m in household.members.all()
    ]


# --- programmes ---------------------------------------------------------------------------


def programme_scope(user) -> QuerySet[Programme]:
    """Programmes run by a unit in the user's view scope or by one above it (a commune officer
    sees the province's Tết programme and records its hand-overs in the commune)."""
    scope = units_in_scope(user, Action.VIEW)
    inside = Q(orgunit__in=scope)
    above = Exists(scope.filter(path__startswith=OuterRef("orgunit__path")))
    return Programme.objects.filter(inside | above).select_related("orgunit")


def programme_get(user, pk: int | str) -> Programme:
    try:
        return programme_scope(user).get(pk=int(pk))
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise ProgrammeNotFound() from None


def distribution_scope(user, programme: Programme | None = None) -> QuerySet[Distribution]:
    """Hand-overs made in a hamlet of the user's view scope."""
    qs = Distribution.objects.filter(scope_filter(user, Action.VIEW, field="hamlet__"))
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs


def distribution_list(
    user, programme: Programme, *, unit: OrgUnit | None = None
) -> QuerySet[Distribution]:
    """The programme's hand-overs visible to the user (in ``unit``'s subtree), in signing-sheet
    order: hamlet, then date, then household code."""
    qs = distribution_scope(user, programme)
    if unit is not None:
        qs = qs.filter(hamlet__path__startswith=unit.path)
    return qs.select_related("household", "item", "member", "hamlet__parent").order_by(
        "hamlet__path", "date", "household__code", "pk"
    )


@dataclass(frozen=True)
class TotalRow:
    key: str  # item name, group code or unit name
    label: str
    count: int
    quantity: Decimal
    value: Decimal
    people: int


def _totals(qs: QuerySet[Distribution], field: str) -> list[dict]:
    return list(
        qs.values(field)
        .annotate(
            n=Count("pk"),
            quantity=Sum("quantity"),
            value=Sum("value"),
            people=Sum("people"),
        )
        .order_by(field)
    )


def _dec(value) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def programme_totals(user, programme: Programme) -> dict[str, list[TotalRow]]:
    """Totals of the hand-overs the user may see, per item, per beneficiary group and per
    commune: SQL aggregates (``by_item``, ``by_group``, ``by_unit``, ``total``)."""
    qs = distribution_scope(user, programme)
    items = {i.pk: i for i in programme.items.all()}
    by_item = [
        TotalRow(
            str(r["item"]),
            items[r["item"]].name if r["item"] in items else "",
            r["n"],
            _dec(r["quantity"]),
            _dec(r["value"]),
            r["people"] or 0,
        )
        for r in _totals(qs, "item")
    ]
    labels = {k.value: k.label for k in ClassKind}
    group_rows = {r["beneficiary_group"]: r for r in _totals(qs, "beneficiary_group")}
    by_group = [
        TotalRow(
            g,
            str(labels.get(g, _other_label())),
            r["n"],
            _dec(r["quantity"]),
            _dec(r["value"]),
            r["people"] or 0,
        )
        for g in GROUP_ORDER
        if (r := group_rows.get(g))
    ]
    unit_rows = (
        qs.annotate(commune=F("hamlet__parent"))
        .values("commune", "hamlet__parent__name")
        .annotate(
            n=Count("pk"),
            quantity=Sum("quantity"),
            value=Sum("value"),
            people=Sum("people"),
        )
        .order_by("hamlet__parent__path")
    )
    by_unit = [
        TotalRow(
            str(r["commune"]),
            r["hamlet__parent__name"],
            r["n"],
            _dec(r["quantity"]),
            _dec(r["value"]),
            r["people"] or 0,
        )
        for r in unit_rows
    ]
    whole = qs.aggregate(n=Count("pk"), quantity=Sum("quantity"), value=Sum("value"))
    total = TotalRow(
        "",
        "",
        whole["n"] or 0,
        _dec(whole["quantity"]),
        _dec(whole["value"]),
        sum(r.people for r in by_unit),
    )
    return {"by_item": by_item, "by_group": by_group, "by_unit": by_unit, "total": [total]}


def _other_label() -> str:
    from django.utils.translation import gettext

    return gettext("Đối tượng khác")


GIFT_KINDS = (ItemKind.GIFT.value, ItemKind.CASH.value)
