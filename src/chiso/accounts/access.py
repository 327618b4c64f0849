"""The access choke-point: every read or write scoped to an org unit asks here.

A user's *capture scope* is the subtrees of their capture units; their *view scope* is the
subtrees of their view and capture units. Superusers and members of the ``quan_tri`` group see
and capture everything. Anything outside a scope is reported exactly like a missing unit, so a
probe cannot tell "forbidden" from "missing".
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet

from chiso.accounts.models import Role, User
from chiso.orgunits.models import OrgUnit


class Action(StrEnum):
    VIEW = "view"
    CAPTURE = "capture"


class UnitNotFound(OrgUnit.DoesNotExist):
    """The unit does not exist or the user may not act on it (deliberately indistinguishable)."""


def _is_global(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_chiso_is_admin", None)
    if cached is None:
        cached = user.groups.filter(name=Role.ADMIN.value).exists()
        user._chiso_is_admin = cached
    return cached


def _root_paths(user: User, action: Action) -> list[str]:
    units = OrgUnit.objects.filter(capture_users=user)
    if action is Action.VIEW:
        units = OrgUnit.objects.filter(Q(capture_users=user) | Q(view_users=user))
    return sorted(set(units.values_list("path", flat=True)))


def scope_filter(user, action: Action, *, field: str = "") -> Q:
    """A ``Q`` restricting a queryset to rows whose unit (reached through ``field``, e.g.
    ``"orgunit__"``) lies in the user's scope for ``action``. The only way to build one."""
    if _is_global(user):
        return Q()
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    paths = _root_paths(user, Action(action))
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}path__startswith": path})
    return condition


def units_in_scope(user, action: Action) -> QuerySet[OrgUnit]:
    """All unit versions the user may ``action``."""
    return OrgUnit.objects.filter(scope_filter(user, action))


def require_unit(user, unit: OrgUnit | int | None, action: Action) -> OrgUnit:
    """Return the unit if ``user`` may ``action`` it; raise ``UnitNotFound`` otherwise."""
    if unit is None:
        raise UnitNotFound()
    pk = unit.pk if isinstance(unit, OrgUnit) else unit
    try:
        return units_in_scope(user, action).get(pk=pk)
    except OrgUnit.DoesNotExist:
        raise UnitNotFound() from None


def can(user, unit: OrgUnit, action: Action) -> bool:
    try:
        require_unit(user, unit, action)
    except UnitNotFound:
        return False
    return True
