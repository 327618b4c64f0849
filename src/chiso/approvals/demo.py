"""Demo approvers for the Lộc Ninh walk-through (DESIGN.md section 8: demo logins only).

The workflow itself starts empty: nothing is submitted, so the 2022–2023 reference figures
stay open for editing; the demo flow runs on later periods.
"""

from __future__ import annotations

from datetime import date

from chiso.accounts.models import Role, User
from chiso.accounts.services import user_create
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_valid_on

REFERENCE_DAY = date(2024, 12, 31)  # the pre-reform units, valid until 30/06/2025
DEMO_APPROVERS = (
    # username, full name, unit code
    ("huyenlocninh", "Cán bộ phê duyệt Huyện Lộc Ninh", "692"),
    ("tinhbinhphuoc", "Cán bộ phê duyệt Tỉnh Bình Phước", "70"),
)


def approvals_demo_load(password: str) -> list[str]:
    """Create the demo approvers that are missing (role ``phe_duyet``, view scope on their
    unit); returns the usernames created. Needs the units loaded."""
    created = []
    for username, full_name, code in DEMO_APPROVERS:
        if User.objects.filter(username=username).exists():
            continue
        units = OrgUnit.objects.filter(orgunit_valid_on(REFERENCE_DAY), code=code)
        if not units.exists():
            continue
        user_create(
            username=username,
            password=password,
            full_name=full_name,
            roles=[Role.APPROVER],
            view_units=units,
        )
        created.append(username)
    return created
