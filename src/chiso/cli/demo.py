"""``chiso demo``: create and migrate a database and load the demo (idempotent)."""

from __future__ import annotations

from datetime import date

from chiso.cli.setup import django_setup, migrate, notice

DEMO_PASSWORD = "chiso-demo"
LOCNINH_TOWNSHIP = "25270"  # Thị trấn Lộc Ninh, Huyện Lộc Ninh, Tỉnh Bình Phước (before 2025)
REFERENCE_DAY = date(2023, 12, 31)


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="create/migrate the database and load the demo data")
    p.set_defaults(handler=run)


def run(args) -> int:
    django_setup()
    migrate()
    demo_load()
    print_logins()
    return 0


def demo_load() -> None:
    """Load every part of the demo that is missing."""
    from chiso.accounts.models import Role, User
    from chiso.accounts.services import role_sync, user_create
    from chiso.approvals.demo import approvals_demo_load
    from chiso.datavalues.demo import demo_values_load
    from chiso.datavalues.totals import totals_rebuild
    from chiso.indicators.services import catalog_load
    from chiso.orgunits.models import OrgUnit
    from chiso.orgunits.selectors import orgunit_valid_on
    from chiso.orgunits.services import demo_hamlets_create, units_load
    from chiso.validation.demo import validation_demo_load

    if units_load().moved:
        totals_rebuild()  # the units above some values changed
    demo_hamlets_create()
    catalog_load()
    role_sync()
    if not User.objects.filter(username="admin").exists():
        user_create(
            username="admin",
            password=DEMO_PASSWORD,
            full_name="Quản trị hệ thống",
            roles=[Role.ADMIN],
            is_superuser=True,
        )
        notice("demo: user admin created")
    if not User.objects.filter(username="locninh").exists():
        township = OrgUnit.objects.filter(orgunit_valid_on(REFERENCE_DAY), code=LOCNINH_TOWNSHIP)
        user_create(
            username="locninh",
            password=DEMO_PASSWORD,
            full_name="Cán bộ Thị trấn Lộc Ninh",
            roles=[Role.DATA_ENTRY],
            capture_units=township,
        )
        notice("demo: user locninh created")
    for username in approvals_demo_load(DEMO_PASSWORD):
        notice(f"demo: user {username} created")
    demo_values_load()
    from chiso.registers.demo import registers_demo_load

    registers_demo_load()
    validation_demo_load()


def print_logins() -> None:
    notice(
        "Demo logins (demo only):\n"
        f"  admin    / {DEMO_PASSWORD}   (quản trị, toàn bộ đơn vị)\n"
        f"  locninh  / {DEMO_PASSWORD}   (nhập liệu, Thị trấn Lộc Ninh {LOCNINH_TOWNSHIP})\n"
        f"  huyenlocninh  / {DEMO_PASSWORD}   (phê duyệt, Huyện Lộc Ninh 692)\n"
        f"  tinhbinhphuoc / {DEMO_PASSWORD}   (phê duyệt, Tỉnh Bình Phước 70)"
    )
