"""Writes to the unit tree. Paths and search names are derived here, never in ``save()``."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from chiso.core.text import fold, nfc
from chiso.orgunits.models import OrgUnit


@transaction.atomic
def orgunit_create(
    *,
    code: str,
    name: str,
    unit_type: str,
    tier: str,
    parent: OrgUnit | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    uid: str | None = None,
    is_demo: bool = False,
    **extra,
) -> OrgUnit:
    """Create one unit version under ``parent`` and set its materialized path."""
    name = nfc(name).strip()
    unit = OrgUnit.objects.create(
        uid=uid or f"{code}@{valid_from.isoformat() if valid_from else 'start'}",
        code=code,
        name=name,
        search_name=fold(name),
        unit_type=unit_type,
        tier=tier,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        is_demo=is_demo,
        path="",
        **extra,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit
