"""Reads of the unit tree."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from chiso.orgunits.models import OrgUnit


def orgunit_valid_on(day: date) -> Q:
    """Filter for unit versions valid on ``day``."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def orgunit_list_descendants(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def orgunit_list_ancestors(unit: OrgUnit, *, include_self: bool = False) -> list[OrgUnit]:
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    if not include_self:
        ids = ids[:-1]
    by_id = OrgUnit.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def orgunit_get_by_code(code: str, on: date) -> OrgUnit:
    """The version that ``code`` names on ``day``; raises ``OrgUnit.DoesNotExist``."""
    return OrgUnit.objects.get(orgunit_valid_on(on), code=code)
