"""Excel import of beneficiary lists (danh sách hộ nghèo, danh sách nhận quà …) the way
communes keep them: upload → per-row validation and likely duplicates → the user decides per
duplicate (merge into the household found, skip, or register as new) → one atomic write.

The template (``beneficiary_template``) has the columns of ``COLUMNS``; files that name them
differently are read through ``HEADER_ALIASES`` ("Họ và tên", "Họ tên chủ hộ", "Số CCCD",
"Thôn/Ấp" …). The header row is found among the first 15 rows (lists carry a title above it).

Duplicates (``find_duplicates``) are matched with rapidfuzz on accent- and space-folded names
("Nguyễn Văn  An", "NGUYEN VAN AN" and "Nguyễn VănAn" are the same key) within the same birth
year, and on the citizen ID when one is given:

- against the register, inside the user's view scope: same ID, or name similarity ≥
  ``NAME_THRESHOLD`` with the same birth year (rows without a birth year: within the commune);
- against the whole register, by citizen ID only: a person already registered outside the
  user's scope is reported with the commune's name and nothing else (no personal data leaves the
  scope; the user already holds the number);
- within the file itself: a row that repeats an earlier row.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from rapidfuzz import fuzz, process

from chiso.accounts.access import Action, require_unit
from chiso.core.citizen_id import check_against, parse_citizen_id
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.text import fold
from chiso.orgunits.models import OrgUnit, Tier
from chiso.registers.feed import refresh_yearly
from chiso.registers.models import (
    Area,
    BeneficiaryImport,
    Classification,
    ClassKind,
    Household,
    Member,
    Sex,
)
from chiso.registers.selectors import classified_on, household_scope
from chiso.registers.services import (
    _classification_add,
    clean_name,
    household_create,
)
from chiso.registers.types import MemberInput

register_messages(
    {
        "import.unreadable": gettext_noop(
            "Không đọc được tệp '%(name)s': chỉ nhận tệp Excel (.xlsx) hoặc CSV (UTF-8)"
        ),
        "import.no_header": gettext_noop(
            "Không tìm thấy dòng tiêu đề có cột họ tên (ví dụ: 'Họ và tên', 'Họ tên chủ hộ')"
            " trong 15 dòng đầu của tệp"
        ),
        "import.empty": gettext_noop("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề"),
        "import.not_commune": gettext_noop("%(name)s không phải đơn vị cấp xã"),
        "import.row.name": gettext_noop("Dòng %(row)s, cột %(column)s: thiếu họ tên"),
        "import.row.year": gettext_noop(
            "Dòng %(row)s, cột %(column)s: năm sinh '%(value)s' không hợp lệ"
        ),
        "import.row.id": gettext_noop("Dòng %(row)s, cột %(column)s: %(message)s"),
        "import.row.hamlet": gettext_noop(
            "Dòng %(row)s, cột %(column)s: không có thôn, ấp '%(value)s' trong %(commune)s"
        ),
        "import.row.hamlet_missing": gettext_noop(
            "Dòng %(row)s: thiếu thôn, ấp (%(commune)s có nhiều thôn, ấp)"
        ),
        "import.row.kind": gettext_noop("Dòng %(row)s, cột %(column)s: không rõ diện '%(value)s'"),
        "import.row.size": gettext_noop(
            "Dòng %(row)s, cột %(column)s: số nhân khẩu '%(value)s' không hợp lệ"
        ),
        "import.not_preview": gettext_noop("Danh sách này đã được nhập hoặc đã hủy"),
        "import.has_errors": gettext_noop(
            "Danh sách còn %(count)s dòng sai; sửa tệp rồi tải lên lại, hoặc chọn chỉ nhập các"
            " dòng đúng"
        ),
        "import.decision_missing": gettext_noop(
            "Dòng %(row)s có thể trùng với hộ đã có: hãy chọn gộp, bỏ qua hoặc thêm mới"
        ),
        "import.decision_bad": gettext_noop(
            "Dòng %(row)s: không thể gộp vào hộ đã chọn (ngoài phạm vi hoặc không nằm trong các"
            " hộ có thể trùng)"
        ),
        "import.row.failed": gettext_noop("Dòng %(row)s: %(message)s"),
    }
)

NAME_THRESHOLD = 90
"""rapidfuzz ratio (0–100) of the folded, space-free names from which rows are flagged."""
MAX_ROWS = 20000
HEADER_SCAN = 15

COLUMNS = [
    ("head_name", "Họ tên chủ hộ"),
    ("birth_year", "Năm sinh"),
    ("sex", "Giới tính"),
    ("ethnicity", "Dân tộc"),
    ("citizen_id", "Số CCCD"),
    ("address", "Địa chỉ"),
    ("hamlet", "Thôn/Ấp"),
    ("size", "Số nhân khẩu"),
    ("kind", "Diện"),
    ("area", "Khu vực"),
]
"""The template's columns: (field, header)."""

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "head_name": (
        "họ tên chủ hộ",
        "họ và tên chủ hộ",
        "họ và tên",
        "họ tên",
        "chủ hộ",
        "tên chủ hộ",
        "họ tên người nhận",
        "họ và tên người nhận",
    ),
    "birth_year": ("năm sinh", "ngày sinh", "ngày tháng năm sinh", "ngày, tháng, năm sinh"),
    "sex": ("giới tính", "nam/nữ", "giới"),
    "ethnicity": ("dân tộc",),
    "citizen_id": (
        "số cccd",
        "cccd",
        "số căn cước",
        "số căn cước công dân",
        "số định danh",
        "số định danh cá nhân",
        "cmnd/cccd",
        "số cmnd/cccd",
        "số cmnd",
        "cmnd",
    ),
    "address": ("địa chỉ", "nơi ở", "địa chỉ thường trú", "nơi cư trú", "chỗ ở hiện nay"),
    "hamlet": (
        "thôn/ấp",
        "thôn, ấp",
        "thôn",
        "ấp",
        "khu phố",
        "tổ dân phố",
        "thôn/ấp/khu phố",
        "thôn/tổ dân phố",
        "thôn/xóm",
        "ấp/khu phố",
    ),
    "size": ("số nhân khẩu", "nhân khẩu", "số khẩu", "số người trong hộ"),
    "kind": ("diện", "đối tượng", "phân loại", "diện hộ", "nhóm đối tượng", "diện đối tượng"),
    "area": ("khu vực", "nông thôn/thành thị"),
}

KIND_NAMES: dict[str, str] = {
    "ho ngheo": ClassKind.POOR,
    "ngheo": ClassKind.POOR,
    "hn": ClassKind.POOR,
    "ho can ngheo": ClassKind.NEAR_POOR,
    "can ngheo": ClassKind.NEAR_POOR,
    "hcn": ClassKind.NEAR_POOR,
    "bao tro xa hoi": ClassKind.SOCIAL_PROTECTION,
    "doi tuong bao tro xa hoi": ClassKind.SOCIAL_PROTECTION,
    "btxh": ClassKind.SOCIAL_PROTECTION,
    "nguoi co cong": ClassKind.MERITORIOUS,
    "gia dinh nguoi co cong": ClassKind.MERITORIOUS,
    "nguoi co cong voi cach mang": ClassKind.MERITORIOUS,
    "ncc": ClassKind.MERITORIOUS,
    "dan toc thieu so": ClassKind.ETHNIC_MINORITY,
    "dtts": ClassKind.ETHNIC_MINORITY,
}

MERGE, SKIP, NEW = "merge", "skip", "new"


def _header_key(text) -> str:
    """ "Thôn / Ấp:" and "thon/ap" agree."""
    folded = re.sub(r"\s*/\s*", "/", fold(str(text or "")))
    return re.sub(r"\s*,\s*", ", ", folded).strip(" :.*")


_ALIASES = {
    _header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}


@dataclass
class Duplicate:
    """A likely duplicate of a row: a register household (``household_id`` set only when it is
    in the user's view scope) or an earlier row of the file (``row``)."""

    reason: str  # "id" or "name"
    score: int
    household_id: int | None = None
    household_code: str = ""
    name: str = ""
    birth_year: int | None = None
    place: str = ""  # hamlet, commune (in scope) or the commune only (outside)
    in_scope: bool = True
    row: int | None = None


@dataclass
class ImportRow:
    number: int
    head_name: str = ""
    birth_year: int | None = None
    sex: str = ""
    ethnicity: str = ""
    citizen_id: str = ""
    address: str = ""
    hamlet_id: int | None = None
    hamlet_name: str = ""
    size: int | None = None
    kind: str = ""
    area: str = ""
    errors: list[str] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def read_table(filename: str, content: bytes) -> list[list]:
    """The first sheet of an XLSX file, or a CSV file, as rows of raw cells."""
    try:
        if filename.lower().endswith(".csv"):
            text = content.decode("utf-8-sig")
            return [list(r) for r in csv.reader(io.StringIO(text))]
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [list(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as error:  # openpyxl raises many kinds for a bad file
        raise ChisoError("import.unreadable", name=filename) from error


def find_header(rows: list[list]) -> tuple[int, dict[str, int], dict[str, str]]:
    """(index of the header row, field -> column, field -> header as written)."""
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN]):
        columns: dict[str, int] = {}
        written: dict[str, str] = {}
        for col, cell in enumerate(row):
            name = _ALIASES.get(_header_key(cell))
            if name and name not in columns:
                columns[name] = col
                written[name] = _cell(cell)
        if "head_name" in columns and (best is None or len(columns) > len(best[1])):
            best = (index, columns, written)
    if best is None:
        raise ChisoError("import.no_header")
    return best


def _year(value) -> int | None:
    if isinstance(value, datetime | date):
        return value.year
    text = _cell(value)
    if not text:
        return None
    match = re.fullmatch(r"(?:\d{1,2}[/.-]){0,2}(\d{4})|(\d{4})-\d{2}-\d{2}(?:T.*)?", text)
    if not match:
        raise ValueError(text)
    year = int(match[1] or match[2])
    if not 1900 <= year <= timezone.localdate().year:
        raise ValueError(text)
    return year


def _sex(value) -> str:
    folded = fold(_cell(value))
    if folded in ("nam", "male", "m"):
        return Sex.MALE
    if folded in ("nu", "female", "f"):
        return Sex.FEMALE
    return ""


def _hamlet_index(commune: OrgUnit) -> dict[str, OrgUnit]:
    index: dict[str, OrgUnit] = {}
    for hamlet in OrgUnit.objects.filter(parent=commune, tier=Tier.HAMLET).order_by("code"):
        folded = fold(hamlet.name)
        index.setdefault(folded, hamlet)
        index.setdefault(re.sub(r"\s*\(.*\)$", "", folded), hamlet)  # "ấp 3 (dữ liệu mẫu)"
        index.setdefault(hamlet.code.casefold(), hamlet)
        short = hamlet.code.rsplit("-", 1)[-1].casefold()
        index.setdefault(short, hamlet)
        index.setdefault(short.lstrip("0") or "0", hamlet)
    return index


def _hamlet_for(index: dict[str, OrgUnit], value: str) -> OrgUnit | None:
    folded = fold(value)
    if not folded:
        return None
    found = index.get(folded)
    if found is None:
        number = re.fullmatch(r"(?:thon|ap|khu pho|to dan pho|to|xom|ban|soc)?\s*0*(\d+)", folded)
        if number:
            found = index.get(number[1]) or next(
                (h for k, h in index.items() if re.fullmatch(rf"\D+ 0*{number[1]}", k)), None
            )
    return found


def parse_rows(
    rows: list[list], commune: OrgUnit, *, default_kind: str = ""
) -> tuple[list[ImportRow], dict[str, str]]:
    """Validate every data row; returns the rows (with their errors) and the columns found."""
    header_index, columns, written = find_header(rows)
    hamlets = _hamlet_index(commune)
    only_hamlet = None
    distinct = {h.pk: h for h in hamlets.values()}
    if len(distinct) == 1:
        only_hamlet = next(iter(distinct.values()))
    result: list[ImportRow] = []

    def col(name: str) -> str:
        return written.get(name, dict(COLUMNS)[name])

    for offset, raw in enumerate(rows[header_index + 1 :], start=header_index + 2):

        def get(name: str, raw=raw):
            i = columns.get(name)
            return raw[i] if i is not None and i < len(raw) else None

        if not any(_cell(c) for c in raw):
            continue
        name = clean_name(_cell(get("head_name")))
        if not name and not any(_cell(get(f)) for f in ("citizen_id", "birth_year")):
            continue  # a total or signature line under the table
        row = ImportRow(number=offset, head_name=name)
        if not name:
            row.errors.append(
                ChisoError("import.row.name", row=offset, column=col("head_name")).render()
            )
        try:
            row.birth_year = _year(get("birth_year"))
        except ValueError:
            row.errors.append(
                ChisoError(
                    "import.row.year",
                    row=offset,
                    column=col("birth_year"),
                    value=_cell(get("birth_year")),
                ).render()
            )
        row.sex = _sex(get("sex"))
        row.ethnicity = clean_name(_cell(get("ethnicity")))[:40]
        raw_id = _cell(get("citizen_id"))
        if raw_id:
            try:
                # kept for duplicate detection even when it contradicts the birth year
                row.citizen_id = parse_citizen_id(raw_id)
                check_against(row.citizen_id, birth_year=row.birth_year, sex=row.sex or None)
            except ChisoError as error:
                row.errors.append(
                    ChisoError(
                        "import.row.id",
                        row=offset,
                        column=col("citizen_id"),
                        message=error.render(),
                    ).render()
                )
        row.address = clean_name(_cell(get("address")))[:255]
        hamlet_text = _cell(get("hamlet"))
        hamlet = _hamlet_for(hamlets, hamlet_text) if hamlet_text else only_hamlet
        if hamlet is None:
            if hamlet_text:
                row.errors.append(
                    ChisoError(
                        "import.row.hamlet",
                        row=offset,
                        column=col("hamlet"),
                        value=hamlet_text,
                        commune=commune.name,
                    ).render()
                )
            else:
                row.errors.append(
                    ChisoError(
                        "import.row.hamlet_missing", row=offset, commune=commune.name
                    ).render()
                )
        else:
            row.hamlet_id, row.hamlet_name = hamlet.pk, hamlet.name
        size_text = _cell(get("size"))
        if size_text:
            try:
                row.size = int(size_text)
                if not 0 < row.size < 100:
                    raise ValueError
            except ValueError:
                row.size = None
                row.errors.append(
                    ChisoError(
                        "import.row.size", row=offset, column=col("size"), value=size_text
                    ).render()
                )
        kind_text = _cell(get("kind"))
        if kind_text:
            kind = KIND_NAMES.get(fold(kind_text)) or (
                kind_text if kind_text in ClassKind.values else None
            )
            if kind is None:
                row.errors.append(
                    ChisoError(
                        "import.row.kind", row=offset, column=col("kind"), value=kind_text
                    ).render()
                )
            else:
                row.kind = kind
        else:
            row.kind = default_kind
        area = fold(_cell(get("area")))
        row.area = Area.URBAN if area in ("thanh thi", "urban") else Area.RURAL
        result.append(row)
        if len(result) > MAX_ROWS:
            break
    if not result:
        raise ChisoError("import.empty")
    return result, {name: written.get(name, "") for name in columns}


# --- duplicates -------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """Accent-, case- and space-insensitive: "Nguyễn VănAn" and "nguyen van an" agree."""
    return fold(name).replace(" ", "")


def _place(hamlet_name: str, commune_name: str) -> str:
    return f"{hamlet_name}, {commune_name}" if hamlet_name else commune_name


def find_duplicates(user, rows: list[ImportRow], commune: OrgUnit) -> None:
    """Fill each row's ``duplicates`` (best first)."""
    scope = household_scope(user)
    fields = (
        "pk",
        "household_id",
        "full_name",
        "search_name",
        "birth_year",
        "citizen_id",
        "household__code",
        "household__hamlet__name",
        "household__hamlet__parent__name",
    )
    years = sorted({r.birth_year for r in rows if r.birth_year})
    members = Member.objects.filter(household__in=scope.values("pk"))
    by_year: dict[int, list[tuple]] = defaultdict(list)
    for chunk_start in range(0, len(years), 200):
        chunk = years[chunk_start : chunk_start + 200]
        for m in members.filter(birth_year__in=chunk).values_list(*fields):
            by_year[m[4]].append(m)
    local: list[tuple] = []
    if any(r.birth_year is None for r in rows):
        local = list(
            members.filter(household__hamlet__parent=commune).values_list(*fields).iterator()
        )
    # Citizen IDs anywhere in the register (outside the scope: the commune only).
    ids = sorted({r.citizen_id for r in rows if r.citizen_id})
    by_id: dict[str, tuple] = {}
    visible_households = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = list(Member.objects.filter(citizen_id__in=chunk).values_list(*fields))
        visible_households |= set(
            scope.filter(pk__in={m[1] for m in found}).values_list("pk", flat=True)
        )
        for m in found:
            by_id[m[5]] = m
    keys_cache: dict[int, tuple[list[str], list[tuple]]] = {}

    def bucket(year: int | None) -> tuple[list[str], list[tuple]]:
        key = year if year is not None else -1
        if key not in keys_cache:
            source = by_year.get(year, []) if year is not None else local
            keys_cache[key] = ([m[3].replace(" ", "") for m in source], source)
        return keys_cache[key]

    seen_rows: list[ImportRow] = []
    for row in rows:
        found: dict[int, Duplicate] = {}
        if row.citizen_id and row.citizen_id in by_id:
            m = by_id[row.citizen_id]
            if m[1] in visible_households:
                found[m[1]] = Duplicate("id", 100, m[1], m[6], m[2], m[4], _place(m[7], m[8]))
            else:
                found[-m[1]] = Duplicate("id", 100, None, "", "", None, m[8], in_scope=False)
        if row.head_name:
            keys, source = bucket(row.birth_year)
            matches = process.extract(
                name_key(row.head_name),
                keys,
                scorer=fuzz.ratio,
                score_cutoff=NAME_THRESHOLD,
                limit=5,
            )
            for _key, score, index in matches:
                m = source[index]
                if row.citizen_id and m[5] and m[5] != row.citizen_id:
                    continue  # two different numbers: two people
                if m[1] not in found:
                    found[m[1]] = Duplicate(
                        "name", round(score), m[1], m[6], m[2], m[4], _place(m[7], m[8])
                    )
        # Repeats within the file.
        for earlier in seen_rows:
            same_id = row.citizen_id and row.citizen_id == earlier.citizen_id
            same_name = (
                row.birth_year == earlier.birth_year
                and row.head_name
                and fuzz.ratio(name_key(row.head_name), name_key(earlier.head_name))
                >= NAME_THRESHOLD
            )
            if same_id or (
                same_name and not (row.citizen_id and earlier.citizen_id and not same_id)
            ):
                score = (
                    100
                    if same_id
                    else round(fuzz.ratio(name_key(row.head_name), name_key(earlier.head_name)))
                )
                found[-1_000_000 - earlier.number] = Duplicate(
                    "id" if same_id else "name",
                    score,
                    name=earlier.head_name,
                    birth_year=earlier.birth_year,
                    row=earlier.number,
                )
        row.duplicates = [
            asdict(d) for d in sorted(found.values(), key=lambda d: (-d.score, d.reason != "id"))
        ]
        seen_rows.append(row)


# --- preview and apply ------------------------------------------------------------------------


def beneficiary_import_preview(
    *,
    user,
    commune: OrgUnit | int,
    filename: str,
    content: bytes,
    kind: str = "",
    valid_from: date | None = None,
    document: str = "",
) -> BeneficiaryImport:
    """Read and check a list for ``commune`` (capture scope): every row's errors and likely
    duplicates, stored for the preview page. Nothing is written to the register."""
    unit = require_unit(user, commune, Action.CAPTURE)
    if unit.tier != Tier.COMMUNE:
        raise ChisoError("import.not_commune", name=unit.name)
    table = read_table(filename, content)
    rows, columns = parse_rows(table, unit, default_kind=kind)
    find_duplicates(user, rows, unit)
    return BeneficiaryImport.objects.create(
        commune=unit,
        filename=filename[:255],
        kind=kind,
        valid_from=valid_from,
        document=clean_name(document)[:255],
        rows=[asdict(r) for r in rows],
        summary={"columns": columns},
        created_by=user,
    )


def default_decision(row: dict) -> str:
    """What the preview offers first: merge into the best household in scope, skip a row that
    repeats an earlier one or someone registered elsewhere, else new."""
    duplicates = row.get("duplicates") or []
    if not duplicates:
        return NEW
    best = duplicates[0]
    if best.get("household_id"):
        return f"{MERGE}:{best['household_id']}"
    return SKIP


@transaction.atomic
def beneficiary_import_apply(
    *, user, batch: BeneficiaryImport, decisions: dict[int, str], partial: bool = False
) -> dict[str, int]:
    """Write a previewed list: per row ``new`` (register the household), ``merge:<id>`` (the
    household found: add the class, fill a missing citizen ID) or ``skip``. A row with likely
    duplicates needs a decision; rows with errors block the import unless ``partial``. Atomic:
    any refusal and nothing is written."""
    if batch.status != BeneficiaryImport.Status.PREVIEW or batch.created_by_id != user.pk:
        raise ChisoError("import.not_preview")
    commune = require_unit(user, batch.commune_id, Action.CAPTURE)
    rows = batch.rows
    bad = [r for r in rows if r["errors"]]
    if bad and not partial:
        raise ChisoError("import.has_errors", count=len(bad))
    valid_from = batch.valid_from or timezone.localdate()
    counts = {"created": 0, "merged": 0, "skipped": len(bad)}
    capture = household_scope(user, Action.CAPTURE)
    for row in rows:
        if row["errors"]:
            continue
        number = row["number"]
        decision = decisions.get(number)
        if decision is None:
            if row["duplicates"]:
                raise ChisoError("import.decision_missing", row=number)
            decision = NEW
        try:
            if decision == SKIP:
                counts["skipped"] += 1
            elif decision == NEW:
                _apply_new(user, row, valid_from, batch.document)
                counts["created"] += 1
            elif decision.startswith(f"{MERGE}:"):
                target = int(decision.split(":", 1)[1])
                allowed = {d["household_id"] for d in row["duplicates"] if d["household_id"]}
                household = capture.filter(pk=target).first() if target in allowed else None
                if household is None:
                    raise ChisoError("import.decision_bad", row=number)
                _apply_merge(user, household, row, valid_from, batch.document)
                counts["merged"] += 1
            else:
                raise ChisoError("import.decision_bad", row=number)
        except ChisoError as error:
            if error.code.startswith("import."):
                raise
            raise ChisoError("import.row.failed", row=number, message=error.render()) from error
    batch.status = BeneficiaryImport.Status.DONE
    batch.summary = {**batch.summary, **counts}
    batch.rows = []  # personal data is kept in the register only
    batch.save(update_fields=["status", "summary", "rows"])
    if counts["created"] or counts["merged"]:
        years = list(range(valid_from.year, max(valid_from.year, timezone.localdate().year) + 1))
        refresh_yearly(commune, years[-10:], user=user)
    return counts


def _apply_new(user, row: dict, valid_from: date, document: str) -> Household:
    head = MemberInput(
        full_name=row["head_name"],
        birth_year=row["birth_year"],
        sex=row["sex"],
        ethnicity=row["ethnicity"],
        citizen_id=row["citizen_id"],
    )
    household = household_create(
        user=user,
        hamlet=row["hamlet_id"],
        head=head,
        address=row["address"],
        area=row["area"] or Area.RURAL,
        size=row["size"],
        since=valid_from,
    )
    if row["kind"]:
        _classification_add(user, household, row["kind"], valid_from, None, document, None)
    return household


def _apply_merge(user, household: Household, row: dict, valid_from: date, document: str) -> None:
    if row["citizen_id"]:
        head = household.members.filter(relation="chu_ho", citizen_id="").first()
        if head is not None and not Member.objects.filter(citizen_id=row["citizen_id"]).exists():
            head.citizen_id = row["citizen_id"]
            head.save(update_fields=["citizen_id"])
    if row["size"] and not household.size:
        household.size = row["size"]
        household.save(update_fields=["size", "updated"])
    if row["kind"]:
        already = Classification.objects.filter(
            classified_on(valid_from, [row["kind"]]), household=household
        ).exists()
        if not already:
            _classification_add(user, household, row["kind"], valid_from, None, document, None)


def beneficiary_import_cancel(*, user, batch: BeneficiaryImport) -> None:
    if batch.created_by_id == user.pk and batch.status == BeneficiaryImport.Status.PREVIEW:
        batch.status = BeneficiaryImport.Status.CANCELLED
        batch.rows = []
        batch.save(update_fields=["status", "rows"])


def beneficiary_template() -> bytes:
    """The documented XLSX template: the columns, one example row (generated, not a real
    person) and a sheet explaining each column and the headers also accepted."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([header for _, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "Nguyễn Văn Mẫu",
            1975,
            "Nam",
            "Kinh",
            "'070075000001",
            "Tổ 2",
            "Ấp 1",
            4,
            "Hộ nghèo",
            "Nông thôn",
        ]
    )
    for letter, width in zip("ABCDEFGHIJ", (28, 10, 10, 12, 16, 24, 18, 12, 22, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Cách ghi", "Tên cột khác cũng được nhận"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    notes = {
        "head_name": ("có", "Họ và tên chủ hộ (hoặc người nhận), có dấu"),
        "birth_year": ("không", "Năm sinh (1975) hoặc ngày sinh (12/03/1975)"),
        "sex": ("không", "Nam hoặc Nữ"),
        "ethnicity": ("không", "Kinh, Xtiêng, Khmer, Tày, Nùng…"),
        "citizen_id": (
            "không",
            "12 chữ số của số định danh cá nhân (CCCD); ghi dạng văn bản để giữ số 0 đầu",
        ),
        "address": ("không", "Số nhà, đường, tổ"),
        "hamlet": (
            "có, nếu xã có nhiều thôn, ấp",
            "Tên thôn, ấp, khu phố như trong chiso (Ấp 1) hoặc số (1)",
        ),
        "size": ("không", "Số nhân khẩu của hộ"),
        "kind": (
            "không",
            "Hộ nghèo, Hộ cận nghèo, Bảo trợ xã hội, Người có công, Dân tộc thiểu số",
        ),
        "area": ("không", "Nông thôn (mặc định) hoặc Thành thị"),
    }
    for name, header in COLUMNS:
        required, how = notes[name]
        others = ", ".join(a for a in HEADER_ALIASES[name] if _header_key(a) != _header_key(header))
        guide.append([header, required, how, others])
    for letter, width in zip("ABCD", (18, 16, 60, 70), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
