"""Shared factories: small unit trees and users built in the test, no mocks."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.utils import translation

from chiso.accounts.models import Role
from chiso.accounts.services import user_create
from chiso.orgunits.services import orgunit_create

PASSWORD = "mat-khau-thu-nghiem"
_codes = itertools.count(90000)


@pytest.fixture(autouse=True)
def _default_language():
    """A request may switch the thread's language (``/i18n/setlang/``): back to the default
    after each test, so that no later test depends on the order tests run in."""
    yield
    translation.deactivate()


@pytest.fixture
def make_unit(db):
    def make(name, tier="xa", unit_type=None, parent=None, code=None, **kwargs):
        types = {"tinh": "tinh", "huyen": "huyen", "xa": "xa", "thon": "ap"}
        return orgunit_create(
            code=code or str(next(_codes)),
            name=name,
            unit_type=unit_type or types[tier],
            tier=tier,
            parent=parent,
            **kwargs,
        )

    return make


@pytest.fixture
def tree(make_unit):
    """A province with one district and two communes, each with a hamlet (pre-2025 dates)."""
    until = date(2025, 6, 30)
    province = make_unit("Tỉnh Thử Nghiệm", tier="tinh", code="T1", valid_to=until)
    district = make_unit("Huyện Một", tier="huyen", parent=province, code="H1", valid_to=until)
    a = make_unit("Xã An", parent=district, code="XA", valid_to=until)
    b = make_unit("Xã Bình", parent=district, code="XB", valid_to=until)
    a1 = make_unit("Ấp Một", tier="thon", parent=a, code="XA-1", valid_to=until)
    b1 = make_unit("Ấp Hai", tier="thon", parent=b, code="XB-1", valid_to=until)
    return {"province": province, "district": district, "a": a, "b": b, "a1": a1, "b1": b1}


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_user(db):
    def make(username, *, roles=(Role.DATA_ENTRY,), capture=(), view=(), superuser=False):
        return user_create(
            username=username,
            password=PASSWORD,
            roles=roles,
            capture_units=capture,
            view_units=view,
            is_superuser=superuser,
        )

    return make
