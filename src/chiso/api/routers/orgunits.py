"""Org units as the API shows them: only those in the caller's view scope."""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from chiso.accounts.access import Action, UnitNotFound, units_in_scope
from chiso.orgunits.selectors import orgunit_valid_on

router = Router(tags=["orgUnits"])


class OrgUnitOut(Schema):
    code: str
    name: str
    tier: str
    unit_type: str
    parent: str | None
    valid_from: date | None
    valid_to: date | None


class OrgUnitFilter(Schema):
    on: date | None = None
    level: str | None = None
    parent: str | None = None


def _out(unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "tier": unit.tier,
        "unit_type": unit.unit_type,
        "parent": unit.parent.code if unit.parent_id else None,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


@router.get("", response=list[OrgUnitOut])
@paginate(LimitOffsetPagination)
def list_units(request, filters: OrgUnitFilter = Query(...)):
    day = filters.on or timezone.localdate()
    qs = units_in_scope(request.user, Action.VIEW).filter(orgunit_valid_on(day))
    if filters.level:
        qs = qs.filter(tier=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    return [_out(u) for u in qs.select_related("parent")]


@router.get("/{code}", response=OrgUnitOut)
def get_unit(request, code: str, on: date | None = None):
    day = on or timezone.localdate()
    unit = (
        units_in_scope(request.user, Action.VIEW)
        .filter(orgunit_valid_on(day), code=code)
        .select_related("parent")
        .first()
    )
    if unit is None:
        raise UnitNotFound()
    return _out(unit)
