"""The Bình Phước demo for report tests: the official units, the catalog and the demo values,
loaded once for a module (rolled back at its end), with an administrator and a commune user."""

from __future__ import annotations

import pytest
from django.db import transaction

from chiso.accounts.models import Role
from chiso.accounts.services import role_sync, user_create
from chiso.datavalues.demo import demo_values_load
from chiso.indicators.services import catalog_load
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.services import demo_hamlets_create, units_load

LOCNINH_TOWNSHIP = "25270"  # Thị trấn Lộc Ninh, Huyện Lộc Ninh (before 2025)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        units_load()
        demo_hamlets_create()
        catalog_load()
        role_sync()
        admin = user_create(
            username="demo_admin", password="mat-khau-thu-nghiem", is_superuser=True
        )
        township = OrgUnit.objects.filter(code=LOCNINH_TOWNSHIP, valid_to__isnull=False)
        commune_user = user_create(
            username="can_bo_xa",
            password="mat-khau-thu-nghiem",
            roles=[Role.DATA_ENTRY],
            capture_units=township,
        )
        demo_values_load(admin)
        yield {"admin": admin, "commune_user": commune_user}
        transaction.set_rollback(True)


@pytest.fixture
def admin(demo, db):
    return demo["admin"]


@pytest.fixture
def commune_user(demo, db):
    return demo["commune_user"]
