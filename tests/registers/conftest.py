"""Register fixtures on the shared ``tree`` (Xã An with Ấp Một, Xã Bình with Ấp Hai, valid
until 30/06/2025): the seeded catalog (for the register-fed indicators), officers of each
commune, and a household factory going through the services."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from chiso.indicators.services import catalog_load
from chiso.registers.models import ClassKind
from chiso.registers.services import classification_add, household_create, programme_create
from chiso.registers.types import ItemInput, MemberInput

_ids = itertools.count(1)


@pytest.fixture
def catalog(db):
    catalog_load()


@pytest.fixture
def officer_a(make_user, tree):
    return make_user("can_bo_an", capture=[tree["a"]])


@pytest.fixture
def officer_b(make_user, tree):
    return make_user("can_bo_binh", capture=[tree["b"]])


@pytest.fixture
def admin(make_user):
    return make_user("quan_tri", superuser=True)


@pytest.fixture
def make_household(tree, admin):
    """``make("Nguyễn Văn An", hamlet=tree["a1"], kinds=["HO_NGHEO"], members=2)``."""

    def make(
        name,
        *,
        hamlet=None,
        kinds=(),
        members=0,
        birth_year=1970,
        citizen_id="",
        since=date(2022, 1, 1),
        user=None,
    ):
        household = household_create(
            user=user or admin,
            hamlet=hamlet or tree["a1"],
            head=MemberInput(name, birth_year=birth_year, citizen_id=citizen_id),
            members=[
                MemberInput(f"Thành viên {next(_ids)}", birth_year=2000) for _ in range(members)
            ],
            address="Tổ 1",
            since=since,
        )
        for kind in kinds:
            classification_add(
                user=user or admin, household=household, kind=kind, valid_from=since, refresh=False
            )
        return household

    return make


@pytest.fixture
def tet_programme(tree, admin):
    """Quà Tết 2023 run by the district: 500.000 đ for poor households, 400.000 đ for
    families of people with meritorious service."""
    return programme_create(
        user=admin,
        orgunit=tree["district"],
        name="Quà Tết Quý Mão 2023",
        start=date(2023, 1, 1),
        end=date(2023, 1, 31),
        funding_source="Ngân sách huyện",
        eligible_classes=[ClassKind.POOR, ClassKind.MERITORIOUS],
        items=[
            ItemInput("Quà Tết hộ nghèo", "gift", Decimal(500000), beneficiary_class="HO_NGHEO"),
            ItemInput(
                "Quà Tết người có công", "gift", Decimal(400000), beneficiary_class="NGUOI_CO_CONG"
            ),
        ],
    )
