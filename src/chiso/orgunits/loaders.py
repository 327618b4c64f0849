"""Reading unit lists: the official structures from ``vietnamadminunits`` and hamlet files.

Nothing here writes to the database; ``chiso.orgunits.services`` applies what is read.

Official structures (package ``vietnamadminunits``, MIT):

- ``data/dataset.db`` table ``admin_units_legacy``: the pre-reform structure (an early-2025
  snapshot: 63 provinces, 696 district-level units, 10,035 communes; five island districts have
  no communes). Stored with ``valid_from = None`` (the snapshot does not say since when each unit
  existed) and ``valid_to = 2025-06-30``.
- table ``admin_units``: the structure from 1 July 2025 (34 provinces, 3,321 communes, no
  district tier), stored with ``valid_from = 2025-07-01`` and ``valid_to = None``.
- ``data/converter_2025.json``: the official old -> new conversion, keyed by name slugs
  (``provinceKey_districtKey_wardKey``). ``DICT_PROVINCE`` maps each new province to the old
  ones it absorbed (always whole); ``DICT_PROVINCE_WARD_NO_DIVIDED`` lists, per new commune, the
  old communes it absorbed whole; ``DICT_PROVINCE_WARD_DIVIDED`` lists, per split old commune,
  the new communes that received part of it. An island district without communes appears with
  an empty ward slug (e.g. ``thanhphodanang_huyenhoangsa_`` -> Đặc khu Hoàng Sa): it becomes a
  district -> commune-tier whole succession.

Codes are the official GSO codes the package carries for every unit (2 digits for provinces,
3 for districts, 5 for communes); nothing is derived. A code names a unit only together with a
date: 25195 is Phường Tân Phú (Tp. Đồng Xoài) before the reform and Phường Bình Phước after it.

``uid`` (stable across versions of one unit): ``vn.<code>`` for units from 1 July 2025; a
pre-reform unit shares it when it continues as that unit (same code, tier and name, and a whole
succession between them, e.g. Tỉnh Đồng Nai, Xã Lộc Thạnh), otherwise it gets
``vn.<code>.to2025-06-30``.

Types come from the name prefix (Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn,
Đặc khu), not from the package's type column, which contradicts the name for 7 pre-reform
communes (e.g. "Thị trấn Ngọc Lặc" typed "Xã"). A district-level "Thành phố" is a provincial
city, or a city under a centrally-governed city when its province is a "Thành phố". The few
prefixes the package capitalises ("Thành Phố Bắc Kạn") are written the official way.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.text import convert_legacy, detect_legacy_encoding, fold, nfc
from chiso.orgunits.models import Succession, Tier, UnitType

REFORM_DAY = date(2025, 7, 1)
LEGACY_UNTIL = date(2025, 6, 30)
PACKAGE = "vietnamadminunits"

LEGACY = "legacy"
CURRENT = "2025"
STRUCTURES = (LEGACY, CURRENT)

register_messages(
    {
        "units.package_missing": gettext_noop(
            "Không tìm thấy dữ liệu đơn vị hành chính của gói vietnamadminunits"
        ),
        "units.package_inconsistent": gettext_noop(
            "Dữ liệu gói vietnamadminunits không khớp: bảng chuyển đổi nhắc tới '%(key)s' "
            "nhưng danh sách đơn vị không có"
        ),
        "units.unknown_type": gettext_noop(
            "Không xác định được loại đơn vị của '%(name)s' (cấp %(tier)s)"
        ),
        "hamlets.file_missing": gettext_noop("Không tìm thấy tệp '%(path)s'"),
        "hamlets.file_unreadable": gettext_noop(
            "Không đọc được tệp '%(path)s': cần tệp CSV (UTF-8) hoặc Excel (.xlsx)"
        ),
        "hamlets.legacy_encoding": gettext_noop(
            "Tệp '%(path)s' dùng bảng mã cũ %(encoding)s, không phải Unicode. Hãy chuyển mã "
            "sang Unicode (ví dụ: Unikey > Công cụ chuyển mã, từ %(encoding)s sang Unicode) "
            "rồi nhập lại."
        ),
        "hamlets.empty": gettext_noop("Tệp '%(path)s' không có dòng dữ liệu nào"),
        "hamlets.missing_columns": gettext_noop(
            "Tệp thiếu cột %(columns)s (dòng tiêu đề cần có: ma, ten, loai)"
        ),
    }
)

# Name prefix -> unit type, per tier. Longer prefixes first ("Thị trấn" before "Thị xã" is not
# an issue, but "Thành phố" must not shadow anything).
_PREFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    Tier.PROVINCE: (("Tỉnh ", UnitType.PROVINCE), ("Thành phố ", UnitType.CENTRAL_CITY)),
    Tier.DISTRICT: (
        ("Huyện ", UnitType.RURAL_DISTRICT),
        ("Quận ", UnitType.URBAN_DISTRICT),
        ("Thị xã ", UnitType.TOWN),
        ("Thành phố ", UnitType.PROVINCIAL_CITY),
    ),
    Tier.COMMUNE: (
        ("Xã ", UnitType.COMMUNE),
        ("Phường ", UnitType.WARD),
        ("Thị trấn ", UnitType.TOWNSHIP),
        ("Đặc khu ", UnitType.SPECIAL_ZONE),
    ),
}


def unit_type_from_name(name: str, tier: str, *, in_central_city: bool = False) -> str:
    """The unit type a name's prefix says (``Huyện Lộc Ninh`` -> ``huyen``)."""
    for prefix, unit_type in _PREFIXES.get(tier, ()):
        if name.startswith(prefix):
            if unit_type == UnitType.PROVINCIAL_CITY and in_central_city:
                return UnitType.CITY_UNDER_CENTRAL_CITY
            return unit_type
    raise ChisoError("units.unknown_type", name=name, tier=tier)


def official_name(name: str, tier: str) -> str:
    """``name`` in NFC with single spaces and its type prefix spelt the official way: the package
    writes a few as "Thành Phố Bắc Kạn"; the name is "Thành phố Bắc Kạn"."""
    name = " ".join(nfc(name).split())
    for prefix, _unit_type in _PREFIXES.get(tier, ()):
        if name.casefold().startswith(prefix.casefold()):
            return prefix + name[len(prefix) :]
    return name


@dataclass(frozen=True)
class UnitRecord:
    """One unit version as read from the package; ``key`` is the package's slug key."""

    key: str
    structure: str
    code: str
    name: str
    unit_type: str
    tier: str
    parent_key: str | None
    valid_from: date | None
    valid_to: date | None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    area_km2: Decimal | None = None
    uid: str = ""


@dataclass(frozen=True)
class SuccessionRecord:
    predecessor_key: str
    successor_key: str
    kind: str


@dataclass
class PackageData:
    """Both structures, parents before children, and the 1 July 2025 successions."""

    units: list[UnitRecord] = field(default_factory=list)
    successions: list[SuccessionRecord] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """``{structure: {tier: n}}`` plus ``{"successions": {kind: n}}``."""
        out: dict[str, dict[str, int]] = {s: {} for s in STRUCTURES}
        for unit in self.units:
            tiers = out[unit.structure]
            tier = str(unit.tier)  # plain "tinh", not the enum member
            tiers[tier] = tiers.get(tier, 0) + 1
        kinds: dict[str, int] = {}
        for succ in self.successions:
            kinds[succ.kind] = kinds.get(succ.kind, 0) + 1
        out["successions"] = kinds
        return out


def package_dir() -> Path:
    """The installed package's directory, found without importing it (its import is slow)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ChisoError("units.package_missing")
    path = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not (path / "dataset.db").exists():
        raise ChisoError("units.package_missing")
    return path


def _dec(value, places: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(Decimal(places))


_LAT = "0.000001"
_AREA = "0.01"


def read_package(data_dir: Path | None = None) -> PackageData:
    """Read both structures and the conversion from the installed package."""
    data_dir = data_dir or package_dir()
    con = sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        legacy_rows = con.execute(
            "SELECT province, district, ward, provinceCode, provinceLat, provinceLon,"
            " districtCode, districtType, districtLat, districtLon, wardCode, wardType, wardLat,"
            " wardLon, provinceKey, districtKey, wardKey FROM admin_units_legacy"
            " ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
        current_rows = con.execute(
            "SELECT province, ward, provinceCode, provinceLat, provinceLon, wardCode, wardType,"
            " wardLat, wardLon, wardAreaKm2, provinceKey, wardKey FROM admin_units"
            " ORDER BY provinceCode, wardCode"
        ).fetchall()
    finally:
        con.close()
    with open(data_dir / "converter_2025.json", encoding="utf-8") as fh:
        conversion = json.load(fh)

    provinces: dict[str, UnitRecord] = {}
    districts: dict[str, UnitRecord] = {}
    communes: dict[str, UnitRecord] = {}

    def typed(name: str, tier: str, package_type: str | None, **kw) -> str:
        # The name decides: the package's type column disagrees with the name for a few
        # units (e.g. "Thị trấn Ngọc Lặc" typed "Xã"), and the name is the official one.
        return unit_type_from_name(name, tier, **kw)

    # Pre-reform structure.
    for r in legacy_rows:
        pkey = f"{LEGACY}:{r['provinceKey']}"
        if pkey not in provinces:
            name = official_name(r["province"], Tier.PROVINCE)
            provinces[pkey] = UnitRecord(
                key=pkey,
                structure=LEGACY,
                code=r["provinceCode"],
                name=name,
                unit_type=typed(name, Tier.PROVINCE, None),
                tier=Tier.PROVINCE,
                parent_key=None,
                valid_from=None,
                valid_to=LEGACY_UNTIL,
                latitude=_dec(r["provinceLat"], _LAT),
                longitude=_dec(r["provinceLon"], _LAT),
            )
        dkey = f"{pkey}_{r['districtKey']}"
        if dkey not in districts:
            name = official_name(r["district"], Tier.DISTRICT)
            in_city = provinces[pkey].unit_type == UnitType.CENTRAL_CITY
            districts[dkey] = UnitRecord(
                key=dkey,
                structure=LEGACY,
                code=r["districtCode"],
                name=name,
                unit_type=typed(name, Tier.DISTRICT, r["districtType"], in_central_city=in_city),
                tier=Tier.DISTRICT,
                parent_key=pkey,
                valid_from=None,
                valid_to=LEGACY_UNTIL,
                latitude=_dec(r["districtLat"], _LAT),
                longitude=_dec(r["districtLon"], _LAT),
            )
        if r["ward"] is None:  # island districts without communes
            continue
        wkey = f"{dkey}_{r['wardKey']}"
        name = official_name(r["ward"], Tier.COMMUNE)
        communes[wkey] = UnitRecord(
            key=wkey,
            structure=LEGACY,
            code=r["wardCode"],
            name=name,
            unit_type=typed(name, Tier.COMMUNE, r["wardType"]),
            tier=Tier.COMMUNE,
            parent_key=dkey,
            valid_from=None,
            valid_to=LEGACY_UNTIL,
            latitude=_dec(r["wardLat"], _LAT),
            longitude=_dec(r["wardLon"], _LAT),
        )

    # Structure from 1 July 2025.
    new_provinces: dict[str, UnitRecord] = {}
    new_communes: dict[str, UnitRecord] = {}
    for r in current_rows:
        pkey = f"{CURRENT}:{r['provinceKey']}"
        if pkey not in new_provinces:
            name = official_name(r["province"], Tier.PROVINCE)
            new_provinces[pkey] = UnitRecord(
                key=pkey,
                structure=CURRENT,
                code=r["provinceCode"],
                name=name,
                unit_type=typed(name, Tier.PROVINCE, None),
                tier=Tier.PROVINCE,
                parent_key=None,
                valid_from=REFORM_DAY,
                valid_to=None,
                latitude=_dec(r["provinceLat"], _LAT),
                longitude=_dec(r["provinceLon"], _LAT),
                uid=f"vn.{r['provinceCode']}",
            )
        wkey = f"{pkey}_{r['wardKey']}"
        name = official_name(r["ward"], Tier.COMMUNE)
        new_communes[wkey] = UnitRecord(
            key=wkey,
            structure=CURRENT,
            code=r["wardCode"],
            name=name,
            unit_type=typed(name, Tier.COMMUNE, r["wardType"]),
            tier=Tier.COMMUNE,
            parent_key=pkey,
            valid_from=REFORM_DAY,
            valid_to=None,
            latitude=_dec(r["wardLat"], _LAT),
            longitude=_dec(r["wardLon"], _LAT),
            area_km2=_dec(r["wardAreaKm2"], _AREA),
            uid=f"vn.{r['wardCode']}",
        )

    # Successions of the official conversion, effective 1 July 2025.
    successions: list[SuccessionRecord] = []
    whole, partial = Succession.Kind.WHOLE.value, Succession.Kind.PARTIAL.value
    for new_key, old_keys in conversion["DICT_PROVINCE"].items():
        for old_key in old_keys:
            successions.append(
                SuccessionRecord(f"{LEGACY}:{old_key}", f"{CURRENT}:{new_key}", whole)
            )

    def old_unit_key(slug: str) -> str:
        # "province_district_ward" (ward empty for island districts) -> our keys
        return f"{LEGACY}:{slug.rstrip('_')}"

    for new_pkey, wards in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_slugs in wards.items():
            for slug in old_slugs:
                successions.append(
                    SuccessionRecord(old_unit_key(slug), f"{CURRENT}:{new_pkey}_{new_wkey}", whole)
                )
    for new_pkey, splits in conversion["DICT_PROVINCE_WARD_DIVIDED"].items():
        for slug, parts in splits.items():
            for part in parts:
                successions.append(
                    SuccessionRecord(
                        old_unit_key(slug), f"{CURRENT}:{new_pkey}_{part['newWardKey']}", partial
                    )
                )

    old_units = {**provinces, **districts, **communes}
    new_units = {**new_provinces, **new_communes}
    for succ in successions:  # the conversion must name units both lists hold
        for key, units in ((succ.predecessor_key, old_units), (succ.successor_key, new_units)):
            if key not in units:
                raise ChisoError("units.package_inconsistent", key=key)

    # uid: a pre-reform unit continuing under the same code, tier and name shares the uid.
    continuing = {
        s.predecessor_key
        for s in successions
        if s.kind == whole
        and (old := old_units[s.predecessor_key]).code == (new := new_units[s.successor_key]).code
        and old.tier == new.tier
        and old.name == new.name
    }
    legacy_units = [
        _with_uid(u, f"vn.{u.code}" if u.key in continuing else f"vn.{u.code}.to2025-06-30")
        for u in (*provinces.values(), *districts.values(), *communes.values())
    ]
    units = [*legacy_units, *new_provinces.values(), *new_communes.values()]
    return PackageData(units=units, successions=successions)


def _with_uid(unit: UnitRecord, uid: str) -> UnitRecord:
    return replace(unit, uid=uid)


# --- hamlet files --------------------------------------------------------------------------

HAMLET_COLUMNS = {
    "code": ("ma", "ma thon", "ma don vi", "code"),
    "name": ("ten", "ten thon", "ten don vi", "name"),
    "type": ("loai", "loai don vi", "type"),
}
"""Accepted header names (folded: accents, case and spacing ignored) for each column."""


@dataclass(frozen=True)
class HamletRow:
    """A data row of a hamlet file; ``number`` is its row number in the file (header = 1)."""

    number: int
    code: str
    name: str
    unit_type: str


LEGACY_ENCODING_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}


def read_hamlet_file(path: str | Path, *, legacy_encoding: str | None = None) -> list[HamletRow]:
    """Read a hamlet file (CSV in UTF-8, or XLSX; first sheet, header on the first row).

    Raises ``ChisoError`` for an unusable file: missing, unreadable, in a legacy Vietnamese
    encoding (TCVN3/VNI) unless ``legacy_encoding`` asks to convert it, without data rows or
    without the ``ma``/``ten`` columns. Values are validated by ``services.hamlets_import``.
    """
    path = Path(path)
    if not path.is_file():
        raise ChisoError("hamlets.file_missing", path=str(path))
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        rows = [[_cell(v) for v in row] for row in _xlsx_rows(path)]
    else:
        rows = [[_cell(v) for v in row] for row in _csv_rows(path)]
    if legacy_encoding:
        rows = [[convert_legacy(v, legacy_encoding) for v in row] for row in rows]
    else:
        encoding = detect_legacy_encoding("\n".join(" ".join(r) for r in rows))
        if encoding:
            raise ChisoError(
                "hamlets.legacy_encoding",
                path=str(path),
                encoding=LEGACY_ENCODING_NAMES.get(encoding, encoding),
            )
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise ChisoError("hamlets.empty", path=str(path))
    header = [" ".join(fold(h).replace("_", " ").split()) for h in rows[0]]
    index: dict[str, int] = {}
    for key, names in HAMLET_COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
                break
    missing = [n for n, key in (("ma", "code"), ("ten", "name")) if key not in index]
    if missing:
        raise ChisoError("hamlets.missing_columns", columns=", ".join(missing))

    def get(row: list[str], key: str) -> str:
        i = index.get(key)
        return row[i] if i is not None and i < len(row) else ""

    out = [
        HamletRow(number=n, code=get(r, "code"), name=get(r, "name"), unit_type=get(r, "type"))
        for n, r in enumerate(rows[1:], start=2)
        if any(r)
    ]
    if not out:
        raise ChisoError("hamlets.empty", path=str(path))
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Not UTF-8: 8-bit legacy Vietnamese (TCVN3 .VnTime, VNI) reads through Latin-1 so
            # the legacy check can name it; any other 8-bit file is unreadable.
            text = raw.decode("latin-1")
            if not detect_legacy_encoding(text):
                raise ChisoError("hamlets.file_unreadable", path=str(path)) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(path: Path) -> list[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ChisoError("hamlets.file_unreadable", path=str(path)) from exc
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
