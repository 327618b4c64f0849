"""Fixtures for the unit tests: the whole official package, loaded once for a module."""

from __future__ import annotations

import pytest

from chiso.orgunits.models import OrgUnit, Succession, Tier
from chiso.orgunits.services import demo_hamlets_create, units_load


def _delete_all_units() -> None:
    Succession.objects.all().delete()
    for tier in reversed(Tier):  # children before parents (parent is PROTECT)
        OrgUnit.objects.filter(tier=tier).delete()


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """Every unit of the package plus the demo hamlets of Huyện Lộc Ninh, committed once for
    the module (loading takes about 2 s) and removed after it, so other tests see an empty
    tree. Tests still use ``db`` and roll back their own writes."""
    with django_db_blocker.unblock():
        result = units_load()
        hamlets = demo_hamlets_create()
    yield {"result": result, "hamlets": hamlets}
    with django_db_blocker.unblock():
        _delete_all_units()
