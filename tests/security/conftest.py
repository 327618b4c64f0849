"""The fixture world of the access tests: two districts of one province, the real indicator
catalog, values, a register and users of every role and scope.

    Tỉnh Thử Nghiệm (T1)
    ├── Huyện Một (H1)                 ← ``district`` views it (approver)
    │   ├── Xã An (XA) — Ấp Một (XA-1)   ← ``commune_a`` captures it: the *own* commune
    │   └── Xã Bình (XB) — Ấp Hai (XB-1) ← ``commune_b`` captures it: *another* commune
    └── Huyện Hai (H2)
        └── Xã Cấm (XC) — "Ấp Bí Mật ZQXMARKER" (XC-1): the *forbidden* commune, whose data
            carry ``MARKER`` (a hamlet name, a value 8675309, a comment, a household head)

The own commune's data carry ``OWN_MARKER`` the same way (and a hand-over of the district's
programme to its household). ``province_admin`` is a superuser (as the demo ``admin``);
``anonymous`` is not logged in. Only ``province_admin`` may ever see ``MARKER``; only
``commune_a``, ``district`` and ``province_admin`` may see ``OWN_MARKER``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from chiso.accounts.models import Role
from chiso.accounts.services import token_create, user_create
from chiso.datavalues.models import Channel
from chiso.datavalues.services import datavalue_bulk_upsert, target_set
from chiso.datavalues.types import ValueInput
from chiso.indicators.models import Indicator
from chiso.indicators.services import catalog_load
from chiso.orgunits.services import orgunit_create

PASSWORD = "mat-khau-thu-nghiem"
# The own commune's mark: seen by its officer, the district and the province, never by the
# officer of another commune or an anonymous visitor.
OWN_MARKER = "QYWANMARK"
MARKER = "ZQXMARKER"
MARKER_NUMBER = 8675309
# Every form the forbidden commune's data could take in a response.
MARKERS = (MARKER, str(MARKER_NUMBER), "8.675.309", "8,675,309")
INDICATOR = "VL_VIEC_LAM_MOI"  # integer, monthly, sum
GROUP = "LAO_DONG_VIEC_LAM"
ROLES = ("anonymous", "commune_b", "commune_a", "district", "province_admin")


@dataclass
class Target:
    """The objects a URL is filled with: those of the own commune or of the forbidden one."""

    name: str
    ou: str
    unit_pk: int
    hamlet: str
    hamlet_pk: int
    district: str
    objects: dict[str, int] = field(default_factory=dict)


@dataclass
class World:
    users: dict
    tokens: dict[str, str]
    own: Target
    forbidden: Target
    objects: dict[str, object] = field(default_factory=dict)  # not tied to a unit


def _unit(code, name, tier, parent=None, unit_type=None):
    types = {"tinh": "tinh", "huyen": "huyen", "xa": "xa", "thon": "ap"}
    return orgunit_create(
        code=code, name=name, unit_type=unit_type or types[tier], tier=tier, parent=parent
    )


def _values(admin) -> None:
    items = []
    for n, (unit, period, value, comment) in enumerate(
        [
            ("XA", "202301", "10", f"ghi chú xã An {OWN_MARKER}"),
            ("XA-1", "202301", "3", ""),
            ("XB", "202301", "7", ""),
            ("XC", "202301", str(MARKER_NUMBER), f"ghi chú {MARKER}"),
            ("XC-1", "202302", str(MARKER_NUMBER), MARKER),
        ]
    ):
        items.append(
            ValueInput(
                index=n,
                indicator_code=INDICATOR,
                option_combo_code=None,
                orgunit_code=unit,
                period_id=period,
                value=value,
                comment=comment,
            )
        )
    result = datavalue_bulk_upsert(user=admin, items=items, channel=Channel.DEMO)
    assert result.status == "SUCCESS", result.conflicts


def _targets(admin, units) -> None:
    from chiso.core.periods import Period

    indicator = Indicator.objects.get(code=INDICATOR)
    for code, value in (("XA", 100), ("XC", MARKER_NUMBER)):
        target_set(
            user=admin,
            indicator=indicator,
            orgunit=units[code],
            period=Period.parse("2023"),
            value=Decimal(value),
        )


def _registers(admin, units) -> dict[str, dict[str, int]]:
    """A household in each commune's hamlet and a programme in each district, when the
    registers app is there."""
    if not apps.is_installed("chiso.registers"):
        return {"own": {}, "forbidden": {}}
    from chiso.registers.services import distribution_create, household_create, programme_create
    from chiso.registers.types import ItemInput, MemberInput

    made = {}
    for side, hamlet, district, head in (
        ("own", "XA-1", "H1", f"Nguyễn Văn {OWN_MARKER}"),
        ("forbidden", "XC-1", "H2", f"Trần Thị {MARKER}"),
    ):
        household = household_create(
            user=admin,
            hamlet=units[hamlet],
            head=MemberInput(head, birth_year=1970),
            address=f"Tổ 1, {hamlet}",
            since=date(2022, 1, 1),
        )
        programme = programme_create(
            user=admin,
            orgunit=units[district],
            name=f"Quà Tết {district} {MARKER if side == 'forbidden' else ''}".strip(),
            start=date(2023, 1, 1),
            end=date(2023, 1, 31),
            items=[ItemInput("Quà Tết hộ nghèo", "gift", Decimal(500000))],
        )
        distribution_create(
            user=admin,
            item=programme.items.get(),
            household=household,
            on=date(2023, 1, 15),
            handed_over_by=head,
        )
        made[side] = {"household": household.pk, "programme": programme.pk}
    return made


def _batches(users, units) -> dict[str, int]:
    """A beneficiary list being imported by the own commune's officer (only its author may
    open it)."""
    if not apps.is_installed("chiso.registers"):
        return {}
    from chiso.registers.imports import beneficiary_import_preview, beneficiary_template

    batch = beneficiary_import_preview(
        user=users["commune_a"],
        commune=units["XA"],
        filename="danh-sach.xlsx",
        content=beneficiary_template(),
    )
    return {"batch": batch.pk}


def _shared_objects() -> dict[str, object]:
    """Seeded rules, computed indicators, scorecards and report templates, when those apps
    are there."""
    found: dict[str, object] = {}
    if apps.is_installed("chiso.validation"):
        from chiso.validation.models import ComputedIndicator, Criterion, ValidationRule
        from chiso.validation.seeds import validation_seed

        validation_seed()
        found["rule"] = ValidationRule.objects.order_by("code").first().code
        found["computed"] = ComputedIndicator.objects.order_by("code").first().code
        criterion = Criterion.objects.select_related("scorecard").order_by("pk").first()
        found["scorecard"] = criterion.scorecard.code
        found["criterion"] = criterion.pk
    if apps.is_installed("chiso.reports"):
        from chiso.reports.models import ReportTemplate
        from chiso.reports.services import report_templates_ensure_defaults

        report_templates_ensure_defaults()
        found["template"] = ReportTemplate.objects.order_by("pk").first().pk
    return found


@pytest.fixture
def world(db) -> World:
    catalog_load()
    units = {}
    units["T1"] = _unit("T1", "Tỉnh Thử Nghiệm", "tinh")
    units["H1"] = _unit("H1", "Huyện Một", "huyen", units["T1"])
    units["H2"] = _unit("H2", "Huyện Hai", "huyen", units["T1"])
    units["XA"] = _unit("XA", "Xã An", "xa", units["H1"])
    units["XB"] = _unit("XB", "Xã Bình", "xa", units["H1"])
    units["XC"] = _unit("XC", "Xã Cấm", "xa", units["H2"])
    units["XA-1"] = _unit("XA-1", f"Ấp Một {OWN_MARKER}", "thon", units["XA"])
    units["XB-1"] = _unit("XB-1", "Ấp Hai", "thon", units["XB"])
    units["XC-1"] = _unit("XC-1", f"Ấp Bí Mật {MARKER}", "thon", units["XC"])

    def user(name, **kwargs):
        return user_create(username=name, password=PASSWORD, full_name=name, **kwargs)

    users = {
        "anonymous": None,
        "commune_b": user("commune_b", roles=[Role.DATA_ENTRY], capture_units=[units["XB"]]),
        "commune_a": user("commune_a", roles=[Role.DATA_ENTRY], capture_units=[units["XA"]]),
        "district": user("district", roles=[Role.APPROVER, Role.VIEWER], view_units=[units["H1"]]),
        "province_admin": user(
            "province_admin",
            roles=[Role.ADMIN],
            capture_units=[units["T1"]],
            is_superuser=True,
        ),
    }
    admin = users["province_admin"]
    _values(admin)
    _targets(admin, units)
    registers = _registers(admin, units)
    tokens = {name: token_create(user=u, name="kiểm thử")[1] for name, u in users.items() if u}

    def target(name, commune, hamlet, district):
        return Target(
            name=name,
            ou=commune,
            unit_pk=units[commune].pk,
            hamlet=hamlet,
            hamlet_pk=units[hamlet].pk,
            district=district,
            objects=dict(registers[name]),
        )

    return World(
        users=users,
        tokens=tokens,
        own=target("own", "XA", "XA-1", "H1"),
        forbidden=target("forbidden", "XC", "XC-1", "H2"),
    )


@pytest.fixture
def full_world(world) -> World:
    """The world plus what the route walk needs beyond data: seeded rules, computed
    indicators, scorecards and report templates, and a beneficiary list being imported."""
    from chiso.orgunits.models import OrgUnit

    shared = _shared_objects()
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["XA"])}
    world.own.objects.update(_batches(world.users, units))
    for target in (world.own, world.forbidden):
        target.objects.update(shared)
    world.objects.update(shared)
    return world
