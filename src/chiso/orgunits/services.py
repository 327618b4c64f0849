"""Writes to the unit tree. Paths and search names are derived here, never in ``save()``.

- ``orgunit_create``: one unit version.
- ``units_load``: the official structures and successions (idempotent bulk load).
- ``hamlets_import``: a commune's hamlets from a user file (atomic, row errors).
- ``demo_hamlets_create``: the generated demo hamlets of Huyện Lộc Ninh (idempotent).
- ``orgunit_move_to_successor``: move user scopes and hamlets to a whole successor (explicit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q

from chiso.core.dates import format_date_short
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.text import fold, nfc
from chiso.orgunits.loaders import (
    LEGACY_UNTIL,
    HamletRow,
    PackageData,
    read_package,
)
from chiso.orgunits.models import OrgUnit, Succession, Tier, UnitType
from chiso.orgunits.selectors import orgunit_valid_on

register_messages(
    {
        "hamlets.row.code_missing": gettext_noop("Dòng %(row)s, cột ma: thiếu mã"),
        "hamlets.row.code_invalid": gettext_noop(
            "Dòng %(row)s, cột ma: mã '%(value)s' chỉ được gồm chữ cái không dấu, chữ số và "
            "các dấu - _ . (tối đa 20 ký tự)"
        ),
        "hamlets.row.code_duplicate": gettext_noop(
            "Dòng %(row)s, cột ma: mã '%(value)s' trùng với dòng %(other)s"
        ),
        "hamlets.row.name_missing": gettext_noop("Dòng %(row)s, cột ten: thiếu tên"),
        "hamlets.row.name_too_long": gettext_noop("Dòng %(row)s, cột ten: tên dài quá 150 ký tự"),
        "hamlets.row.name_duplicate": gettext_noop(
            "Dòng %(row)s, cột ten: tên '%(value)s' trùng với dòng %(other)s"
        ),
        "hamlets.row.type_unknown": gettext_noop(
            "Dòng %(row)s, cột loai: không rõ loại '%(value)s' (dùng một trong: %(allowed)s)"
        ),
        "hamlets.row.type_missing": gettext_noop(
            "Dòng %(row)s, cột loai: thiếu loại (tên '%(value)s' không bắt đầu bằng thôn, ấp, "
            "khu phố…)"
        ),
        "hamlets.row.type_mismatch": gettext_noop(
            "Dòng %(row)s, cột loai: tên '%(value)s' không khớp với loại '%(type)s'"
        ),
        "hamlets.not_commune": gettext_noop(
            "%(name)s (mã %(unit_code)s) không phải đơn vị cấp xã; thôn, ấp chỉ thuộc cấp xã"
        ),
        "units.demo_district_missing": gettext_noop(
            "Chưa có Huyện Lộc Ninh (mã %(unit_code)s): hãy chạy 'chiso units load' trước"
        ),
        "move.no_whole_successor": gettext_noop(
            "%(name)s (mã %(unit_code)s) không có đúng một đơn vị kế thừa toàn bộ; "
            "hãy chuyển thủ công"
        ),
        "move.date_outside_successor": gettext_noop(
            "Ngày %(date)s nằm ngoài thời gian hiệu lực của %(successor)s (%(validity)s)"
        ),
    }
)


# --- unit creation helpers -------------------------------------------------------------------


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


def _lock_units() -> None:
    """Serialise bulk loads: ids are allocated here, not by the database. SQLite's IMMEDIATE
    transactions already hold the write lock; PostgreSQL needs the table lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {OrgUnit._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _allocate_ids() -> Iterable[int]:
    start = (OrgUnit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    return iter(range(start, 1 << 62))


def _bulk_insert(units: Sequence[OrgUnit]) -> None:
    """Insert units whose ``id`` and ``path`` are already set (parents first), then bring the
    id sequence up to date where the database keeps one."""
    if not units:
        return
    OrgUnit.objects.bulk_create(units, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [OrgUnit]):
                cursor.execute(sql)


def _new_unit(pk: int, parent: OrgUnit | None, parent_path: str | None = None, **fields):
    name = nfc(fields.pop("name")).strip()
    base = parent_path if parent_path is not None else (parent.path if parent else "/")
    return OrgUnit(
        id=pk,
        name=name,
        search_name=fold(name),
        path=f"{base}{pk}/",
        parent_id=parent.pk if parent else fields.pop("parent_id", None),
        **fields,
    )


# --- official structures ---------------------------------------------------------------------

OFFICIAL_TIERS = (Tier.PROVINCE, Tier.DISTRICT, Tier.COMMUNE)
_COMPARED = ("uid", "name", "unit_type", "latitude", "longitude", "area_km2")


@dataclass
class UnitsLoadResult:
    """What ``units_load`` found and did. ``counts``: ``{structure: {tier: n}}`` as in the
    package, plus ``{"successions": {kind: n}}``."""

    counts: dict[str, dict[str, int]]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    moved: int = 0  # units given another parent (their subtrees' paths changed)


@transaction.atomic
def units_load(data: PackageData | None = None) -> UnitsLoadResult:
    """Load both official structures and the 1 July 2025 successions (``loaders.read_package``).

    Idempotent: a unit version is matched by (tier, code, valid_from, valid_to); existing rows
    are updated only where the package differs, so re-running changes nothing. Never deletes.
    """
    data = data or read_package()
    result = UnitsLoadResult(counts=data.counts())
    _lock_units()
    existing = {
        (u.tier, u.code, u.valid_from, u.valid_to): u
        for u in OrgUnit.objects.filter(tier__in=OFFICIAL_TIERS, is_demo=False).only(
            "id", "path", "parent_id", "tier", "code", "valid_from", "valid_to", *_COMPARED
        )
    }
    ids = _allocate_ids()
    by_key: dict[str, OrgUnit] = {}
    to_create: list[OrgUnit] = []
    to_update: list[OrgUnit] = []
    moved: list[tuple[str, OrgUnit]] = []
    for rec in data.units:  # parents come before their children
        parent = by_key[rec.parent_key] if rec.parent_key else None
        fields = {
            "uid": rec.uid,
            "name": rec.name,
            "unit_type": rec.unit_type,
            "latitude": rec.latitude,
            "longitude": rec.longitude,
            "area_km2": rec.area_km2,
        }
        unit = existing.get((rec.tier, rec.code, rec.valid_from, rec.valid_to))
        if unit is None:
            unit = _new_unit(
                next(ids),
                parent,
                code=rec.code,
                tier=rec.tier,
                valid_from=rec.valid_from,
                valid_to=rec.valid_to,
                **fields,
            )
            to_create.append(unit)
        else:
            changed = False
            for name, value in fields.items():
                if getattr(unit, name) != value:
                    setattr(unit, name, value)
                    changed = True
            if changed:
                unit.search_name = fold(unit.name)
            parent_id = parent.pk if parent else None
            if unit.parent_id != parent_id:
                moved.append((unit.path, unit))
                unit.parent_id = parent_id
                unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
                changed = True
            if changed:
                to_update.append(unit)
            else:
                result.unchanged += 1
        by_key[rec.key] = unit
    _bulk_insert(to_create)
    if to_update:
        OrgUnit.objects.bulk_update(
            to_update, ["parent", "path", "search_name", *_COMPARED], batch_size=500
        )
    for old_path, unit in moved:  # rare: the package moved a unit; carry its subtree along
        for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    result.created, result.updated = len(to_create), len(to_update)

    effective = LEGACY_UNTIL + timedelta(days=1)
    existing_links = {(s.predecessor_id, s.successor_id): s for s in Succession.objects.all()}
    new_links, changed_links = [], []
    for rec in data.successions:
        pair = (by_key[rec.predecessor_key].pk, by_key[rec.successor_key].pk)
        link = existing_links.get(pair)
        if link is None:
            new_links.append(
                Succession(
                    predecessor_id=pair[0], successor_id=pair[1], kind=rec.kind, effective=effective
                )
            )
        elif link.kind != rec.kind or link.effective != effective:
            link.kind, link.effective = rec.kind, effective
            changed_links.append(link)
    Succession.objects.bulk_create(new_links, batch_size=2000)
    Succession.objects.bulk_update(changed_links, ["kind", "effective"], batch_size=500)
    result.successions_created, result.successions_updated = len(new_links), len(changed_links)
    result.moved = len(moved)
    if connection.vendor == "postgresql":
        # Fresh statistics: analytics joins units and successions by path ranges, and a newly
        # loaded table without them gets plans that take seconds instead of milliseconds.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {OrgUnit._meta.db_table}, {Succession._meta.db_table}")
    return result


# --- hamlets ---------------------------------------------------------------------------------

HAMLET_TYPES: dict[str, str] = {
    UnitType.VILLAGE: "Thôn",
    UnitType.AP: "Ấp",
    UnitType.NEIGHBOURHOOD: "Khu phố",
    UnitType.SOC: "Sóc",
    UnitType.RESIDENTIAL_GROUP: "Tổ dân phố",
    UnitType.BAN: "Bản",
    UnitType.BUON: "Buôn",
    UnitType.PLEI: "Plei",
    UnitType.XOM: "Xóm",
    UnitType.KHOM: "Khóm",
    UnitType.LANG: "Làng",
}
"""Hamlet-level unit types and the Vietnamese word that names them (stored names use it)."""
_HAMLET_BY_FOLDED = {fold(label): t for t, label in HAMLET_TYPES.items()}
_HAMLET_BY_FOLDED.update({fold(str(t.value).replace("_", " ")): t for t in HAMLET_TYPES})
# Longest first, so "khu pho" wins over a shorter word.
_HAMLET_PREFIXES = sorted(HAMLET_TYPES.items(), key=lambda kv: -len(kv[1]))
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,19}")
NAME_MAX = 150


def hamlet_type_of_name(name: str) -> str | None:
    """The hamlet type a name starts with ("Ấp Bàu Trư" -> ``ap``), else None."""
    folded = fold(name)
    for unit_type, label in _HAMLET_PREFIXES:
        if folded.startswith(fold(label) + " "):
            return unit_type
    return None


def hamlet_code(commune: OrgUnit, code: str) -> str:
    """The stored code of hamlet ``code`` of ``commune``: ``25270-01``. Hamlets have no
    official codes, so the file's code is made unique by the commune's."""
    code = code.strip()
    prefix = f"{commune.code}-"
    return code if code.startswith(prefix) else prefix + code


@dataclass
class HamletImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ChisoError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_rows(rows: Sequence[HamletRow]) -> tuple[list[tuple[HamletRow, str, str]], list]:
    """Validate every row; return ``(row, name, type)`` for each and all row errors."""
    errors: list[ChisoError] = []
    checked = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    allowed = ", ".join(label.lower() for label in HAMLET_TYPES.values())
    for row in rows:
        n = row.number
        code, name, given = row.code.strip(), " ".join(nfc(row.name).split()), row.unit_type
        if not code:
            errors.append(ChisoError("hamlets.row.code_missing", row=n))
        elif not _CODE.fullmatch(code):
            errors.append(ChisoError("hamlets.row.code_invalid", row=n, value=code))
        elif code.casefold() in seen_codes:
            errors.append(
                ChisoError(
                    "hamlets.row.code_duplicate",
                    row=n,
                    value=code,
                    other=seen_codes[code.casefold()],
                )
            )
        else:
            seen_codes[code.casefold()] = n
        unit_type = None
        if given.strip():
            unit_type = _HAMLET_BY_FOLDED.get(fold(given))
            if unit_type is None:
                errors.append(
                    ChisoError("hamlets.row.type_unknown", row=n, value=given, allowed=allowed)
                )
        if not name:
            errors.append(ChisoError("hamlets.row.name_missing", row=n))
            continue
        named = hamlet_type_of_name(name)
        if unit_type is None and not given.strip():
            if named is None:
                errors.append(ChisoError("hamlets.row.type_missing", row=n, value=name))
                continue
            unit_type = named
        if unit_type is None:
            continue
        label = HAMLET_TYPES[unit_type]
        if named is None:
            name = f"{label} {name}"
        elif named != unit_type:
            errors.append(ChisoError("hamlets.row.type_mismatch", row=n, value=name, type=given))
            continue
        elif fold(name[: len(label)]) == fold(label):
            name = label + name[len(label) :]  # "ấp 1", "Ap 1" -> "Ấp 1"
        if len(name) > NAME_MAX:
            errors.append(ChisoError("hamlets.row.name_too_long", row=n))
            continue
        if fold(name) in seen_names:
            errors.append(
                ChisoError(
                    "hamlets.row.name_duplicate", row=n, value=name, other=seen_names[fold(name)]
                )
            )
            continue
        seen_names[fold(name)] = n
        checked.append((row, name, unit_type))
    return checked, errors


@transaction.atomic
def hamlets_import(
    *, commune: OrgUnit, rows: Sequence[HamletRow], dry_run: bool = False
) -> HamletImportResult:
    """Create or update the hamlets of ``commune`` (a commune-tier version) from file rows.

    Each hamlet takes the commune version's validity. A row whose code already names a hamlet of
    this commune version updates its name and type; an identical one is left alone. Atomic: if
    any row is bad, nothing is written and every bad row is reported.
    """
    if commune.tier != Tier.COMMUNE:
        raise ChisoError("hamlets.not_commune", name=commune.name, unit_code=commune.code)
    checked, errors = _check_rows(rows)
    result = HamletImportResult(errors=errors)
    if errors:
        return result
    existing = {h.code: h for h in OrgUnit.objects.filter(parent=commune, tier=Tier.HAMLET)}
    _lock_units()
    ids = _allocate_ids()
    to_create, to_update = [], []
    for row, name, unit_type in checked:
        code = hamlet_code(commune, row.code)
        unit = existing.get(code)
        if unit is None:
            to_create.append(
                _new_unit(
                    next(ids),
                    commune,
                    code=code,
                    uid=code,
                    name=name,
                    unit_type=unit_type,
                    tier=Tier.HAMLET,
                    valid_from=commune.valid_from,
                    valid_to=commune.valid_to,
                )
            )
        elif unit.name != name or unit.unit_type != unit_type:
            unit.name, unit.search_name, unit.unit_type = name, fold(name), unit_type
            to_update.append(unit)
        else:
            result.unchanged += 1
    result.created, result.updated = len(to_create), len(to_update)
    if dry_run:
        return result
    _bulk_insert(to_create)
    OrgUnit.objects.bulk_update(to_update, ["name", "search_name", "unit_type"])
    return result


# --- demo ------------------------------------------------------------------------------------

DEMO_DISTRICT = "692"  # Huyện Lộc Ninh, Tỉnh Bình Phước (before 1 July 2025)
DEMO_DAY = date(2023, 12, 31)
DEMO_SUFFIX = "(dữ liệu mẫu)"


def demo_hamlet_count(commune_code: str) -> int:
    """How many demo hamlets a commune gets: 6 to 10, fixed by its code."""
    return 6 + int(commune_code) % 5


@transaction.atomic
def demo_hamlets_create() -> int:
    """Generate the demo hamlets of the 16 communes of Huyện Lộc Ninh (pre-2025 versions):
    "Ấp 1 (dữ liệu mẫu)" … (a thị trấn gets "Khu phố …"), ``is_demo=True``, codes
    ``<commune>-NN``. Idempotent; returns how many were created."""
    district = OrgUnit.objects.filter(
        orgunit_valid_on(DEMO_DAY), code=DEMO_DISTRICT, tier=Tier.DISTRICT
    ).first()
    if district is None:
        raise ChisoError("units.demo_district_missing", unit_code=DEMO_DISTRICT)
    communes = list(OrgUnit.objects.filter(parent=district, tier=Tier.COMMUNE).order_by("code"))
    existing = set(
        OrgUnit.objects.filter(parent__in=communes, tier=Tier.HAMLET).values_list("code", flat=True)
    )
    _lock_units()
    ids = _allocate_ids()
    to_create = []
    for commune in communes:
        unit_type = (
            UnitType.NEIGHBOURHOOD
            if commune.unit_type in (UnitType.TOWNSHIP, UnitType.WARD)
            else UnitType.AP
        )
        for i in range(1, demo_hamlet_count(commune.code) + 1):
            code = f"{commune.code}-{i:02d}"
            if code in existing:
                continue
            to_create.append(
                _new_unit(
                    next(ids),
                    commune,
                    code=code,
                    uid=code,
                    name=f"{HAMLET_TYPES[unit_type]} {i} {DEMO_SUFFIX}",
                    unit_type=unit_type,
                    tier=Tier.HAMLET,
                    valid_from=commune.valid_from,
                    valid_to=commune.valid_to,
                    is_demo=True,
                )
            )
    _bulk_insert(to_create)
    return len(to_create)


# --- moving to a successor -------------------------------------------------------------------


@dataclass
class MoveResult:
    successor: OrgUnit
    users: int = 0
    hamlets: int = 0


def orgunit_whole_successor(unit: OrgUnit) -> OrgUnit | None:
    """The one unit that took ``unit`` over whole, or None (split, several, none)."""
    links = list(unit.successions.select_related("successor"))
    if len(links) == 1 and links[0].kind == Succession.Kind.WHOLE:
        return links[0].successor
    return None


def _move_scopes(old: OrgUnit, new: OrgUnit) -> int:
    """Users capturing for ``old`` now capture for ``new`` and keep viewing ``old`` (its
    history); users viewing ``old`` also view ``new``. Returns how many users changed.

    Uses the reverse relations the accounts app declares on OrgUnit (``capture_users``,
    ``view_users``) rather than importing accounts, which sits above orgunits."""
    touched = set()
    for user in old.capture_users.all():
        user.capture_units.remove(old)
        user.capture_units.add(new)
        user.view_units.add(old)
        touched.add(user.pk)
    viewers = (
        old.view_users.exclude(pk__in=touched).exclude(view_units=new).exclude(capture_units=new)
    )
    for user in viewers:
        user.view_units.add(new)
        touched.add(user.pk)
    return len(touched)


@transaction.atomic
def orgunit_move_to_successor(
    *, predecessor: OrgUnit, on: date, users: bool = True, hamlets: bool = True
) -> MoveResult:
    """Move user scopes and hamlets from ``predecessor`` to its whole successor from ``on``.

    DESIGN §4: only by this explicit action, with a date. Each hamlet of the predecessor that is
    still valid the day before ``on`` ends that day and continues as a new version (same uid and
    code) under the successor from ``on``; its data stays with the old version, so history is
    unchanged. Users scoped to a moved hamlet move with it. Idempotent.
    """
    successor = orgunit_whole_successor(predecessor)
    if successor is None:
        raise ChisoError(
            "move.no_whole_successor", name=predecessor.name, unit_code=predecessor.code
        )
    if not successor.valid_on(on):
        validity = " – ".join(
            format_date_short(d) if d else "…" for d in (successor.valid_from, successor.valid_to)
        )
        raise ChisoError(
            "move.date_outside_successor",
            date=format_date_short(on),
            successor=successor.name,
            validity=validity,
        )
    result = MoveResult(successor=successor)
    if users:
        result.users = _move_scopes(predecessor, successor)
    if not hamlets:
        return result
    day_before = on - timedelta(days=1)
    moving = list(
        OrgUnit.objects.filter(orgunit_valid_on(day_before), parent=predecessor, tier=Tier.HAMLET)
    )
    already = set(
        OrgUnit.objects.filter(parent=successor, tier=Tier.HAMLET, valid_from=on).values_list(
            "uid", flat=True
        )
    )
    _lock_units()
    ids = _allocate_ids()
    new_versions = []
    for old in moving:
        if old.uid in already:
            continue
        new_versions.append(
            _new_unit(
                next(ids),
                successor,
                uid=old.uid,
                code=old.code,
                name=old.name,
                unit_type=old.unit_type,
                tier=old.tier,
                valid_from=on,
                valid_to=successor.valid_to,
                is_demo=old.is_demo,
            )
        )
    OrgUnit.objects.filter(pk__in=[h.pk for h in moving]).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=day_before)
    ).update(valid_to=day_before)
    _bulk_insert(new_versions)
    by_uid = {h.uid: h for h in new_versions}
    for old in moving:
        if old.uid in by_uid and users:
            result.users += _move_scopes(old, by_uid[old.uid])
    result.hamlets = len(new_versions)
    return result
