"""Writes for the indicator catalog: option-combo generation and JSON catalog load/import/export.

The catalog document (``data/catalog.json`` is the seeded one) is::

    {"version": 1,
     "categories": [{"code", "name_vi", "name_en", "options": [{"code", "name_vi", "name_en"}]}],
     "category_combos": [{"code", "name_vi", "name_en", "categories": [CATEGORY_CODE, ...]}],
     "indicators": [{"code", "name_vi", "name_en", "short_name_vi"?, "unit", "value_type",
                     "aggregation_type", "period_type", "direction"?, "has_target"?,
                     "description"?, "category_combo"?}],
     "groups": [{"code", "name_vi", "name_en", "indicators": [INDICATOR_CODE, ...]}]}

List order gives the order of options, of a combo's categories, of groups and of a group's
members. An import upserts by code and never deletes categories, options, combos, indicators or
groups (values may refer to them); it does replace a combo's category list and a group's member
list, and regenerates option combos. Option combos are not in the document: they are generated.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from chiso.indicators.models import (
    DEFAULT_CODE,
    DEFAULT_NAME,
    AggregationType,
    Category,
    CategoryCombo,
    CategoryComboCategory,
    CategoryOption,
    CategoryOptionCombo,
    Direction,
    Indicator,
    IndicatorGroup,
    IndicatorGroupMember,
    PeriodType,
    ValueType,
)

CATALOG_VERSION = 1
SEEDED_CATALOG = Path(__file__).resolve().parent / "data" / "catalog.json"
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_]*$")
KINDS = (
    "categories",
    "category_options",
    "category_combos",
    "option_combos",
    "indicators",
    "groups",
)
TOP_LEVEL_KEYS = {"version", "categories", "category_combos", "indicators", "groups"}
OPTION_COMBO_CODE_SEPARATOR = "_"
OPTION_COMBO_NAME_SEPARATOR = ", "


class CatalogError(ValueError):
    """An invalid catalog; ``problems`` are translated messages, each naming its entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Counts:
    """Per kind: rows created, updated, unchanged (and option combos deleted)."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    deleted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            kind: {
                "created": self.created[kind],
                "updated": self.updated[kind],
                "unchanged": self.unchanged[kind],
                "deleted": self.deleted[kind],
            }
            for kind in KINDS
        }

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())


# --- option combos ---------------------------------------------------------------------------


@transaction.atomic
def category_combo_generate_option_combos(combo: CategoryCombo) -> list[CategoryOptionCombo]:
    """Make ``combo``'s option combos the cartesian product of its categories' options.

    Existing option combos are matched by their set of options, so they keep their id (and the
    values that refer to them) when an option is renamed or recoded; codes and names follow the
    options. Option combos no longer in the product are deleted (a ``CatalogError`` if values
    still refer to them). Returns the option combos in product order.
    """
    return _generate_option_combos(combo, Counts())


def _generate_option_combos(combo: CategoryCombo, counts: Counts) -> list[CategoryOptionCombo]:
    categories = combo.ordered_categories()
    option_lists = [list(c.options.order_by("sort_order", "id")) for c in categories]
    wanted = []
    for order, options in enumerate(itertools.product(*option_lists), start=1):
        if options:
            code = OPTION_COMBO_CODE_SEPARATOR.join(o.code for o in options)
            name_vi = OPTION_COMBO_NAME_SEPARATOR.join(o.name_vi for o in options)
            name_en = OPTION_COMBO_NAME_SEPARATOR.join(o.name_en or o.name_vi for o in options)
        else:
            code, name_vi, name_en = DEFAULT_CODE, DEFAULT_NAME, DEFAULT_NAME
        wanted.append((frozenset(o.pk for o in options), options, code, name_vi, name_en, order))

    existing = {
        frozenset(oc.options.values_list("pk", flat=True)): oc for oc in combo.option_combos.all()
    }
    wanted_keys = {w[0] for w in wanted}
    obsolete = [oc for key, oc in existing.items() if key not in wanted_keys]
    for oc in obsolete:
        try:
            oc.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise CatalogError(
                [
                    _("Tổ hợp %(combo)s: không thể xóa phân tổ %(code)s vì đã có số liệu.")
                    % {"combo": combo.code, "code": oc.code}
                ]
            ) from exc
        counts.deleted["option_combos"] += 1

    # Move changed codes out of the way first, so that swapping two codes cannot collide.
    to_update = []
    for key, _options, code, name_vi, name_en, order in wanted:
        oc = existing.get(key)
        if oc is not None and (oc.code, oc.name_vi, oc.name_en, oc.sort_order) != (
            code,
            name_vi,
            name_en,
            order,
        ):
            to_update.append((oc, code, name_vi, name_en, order))
            if oc.code != code:
                CategoryOptionCombo.objects.filter(pk=oc.pk).update(code=f"~{oc.pk}")

    result = []
    for key, options, code, name_vi, name_en, order in wanted:
        oc = existing.get(key)
        if oc is None:
            oc = CategoryOptionCombo.objects.create(
                category_combo=combo,
                code=code,
                name_vi=name_vi,
                name_en=name_en,
                sort_order=order,
            )
            oc.options.set(options)
            counts.created["option_combos"] += 1
        result.append(oc)
    for oc, code, name_vi, name_en, order in to_update:
        oc.code, oc.name_vi, oc.name_en, oc.sort_order = code, name_vi, name_en, order
        oc.save(update_fields=["code", "name_vi", "name_en", "sort_order"])
        counts.updated["option_combos"] += 1
    counts.unchanged["option_combos"] += len(existing) - len(obsolete) - len(to_update)
    return result


@transaction.atomic
def category_combo_ensure_default() -> CategoryCombo:
    """The ``DEFAULT`` combo (no categories) with its single ``DEFAULT`` option combo."""
    combo, _created = CategoryCombo.objects.get_or_create(
        code=DEFAULT_CODE, defaults={"name_vi": DEFAULT_NAME, "name_en": DEFAULT_NAME}
    )
    category_combo_generate_option_combos(combo)
    return combo


# --- validation ------------------------------------------------------------------------------

_SECTIONS = {
    "categories": ({"code", "name_vi", "name_en", "options"}, {"code", "name_vi"}),
    "options": ({"code", "name_vi", "name_en"}, {"code", "name_vi"}),
    "category_combos": ({"code", "name_vi", "name_en", "categories"}, {"code", "name_vi"}),
    "indicators": (
        {
            "code",
            "name_vi",
            "name_en",
            "short_name_vi",
            "unit",
            "value_type",
            "aggregation_type",
            "period_type",
            "direction",
            "has_target",
            "description",
            "category_combo",
        },
        {"code", "name_vi", "name_en", "value_type", "aggregation_type", "period_type"},
    ),
    "groups": ({"code", "name_vi", "name_en", "indicators"}, {"code", "name_vi"}),
}
_ENUMS = {
    "value_type": ValueType,
    "aggregation_type": AggregationType,
    "period_type": PeriodType,
    "direction": Direction,
}
_MAX_LENGTHS = {
    "code": 64,
    "name_vi": 255,
    "name_en": 255,
    "short_name_vi": 120,
    "unit": 32,
}


def _entry_label(section: str, index: int, entry: Any) -> str:
    code = entry.get("code") if isinstance(entry, dict) else None
    label = f"{section}[{index}]"
    return f"{label} {code}" if isinstance(code, str) and code else label


def _check_entry(section: str, label: str, entry: Any, problems: list[str]) -> bool:
    """Shape, required fields, types, lengths, code syntax and enums of one entry."""
    allowed, required = _SECTIONS[section]
    if not isinstance(entry, dict):
        problems.append(_("%(entry)s: phải là một đối tượng JSON.") % {"entry": label})
        return False
    ok = True
    for key in sorted(set(entry) - allowed):
        problems.append(
            _("%(entry)s: trường “%(field)s” không được hỗ trợ.") % {"entry": label, "field": key}
        )
        ok = False
    for key in sorted(required):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(
                _("%(entry)s: thiếu trường bắt buộc “%(field)s”.") % {"entry": label, "field": key}
            )
            ok = False
    for key, limit in _MAX_LENGTHS.items():
        value = entry.get(key)
        if key in entry and key not in required and not isinstance(value, str):
            problems.append(
                _("%(entry)s: trường “%(field)s” phải là chuỗi.") % {"entry": label, "field": key}
            )
            ok = False
        elif isinstance(value, str) and len(value) > limit:
            problems.append(
                _("%(entry)s: trường “%(field)s” dài quá %(limit)s ký tự.")
                % {"entry": label, "field": key, "limit": limit}
            )
            ok = False
    code = entry.get("code")
    if isinstance(code, str) and code and not CODE_RE.match(code):
        problems.append(
            _(
                "%(entry)s: mã “%(code)s” chỉ được gồm chữ in hoa không dấu, chữ số "
                "và dấu gạch dưới."
            )
            % {"entry": label, "code": code}
        )
        ok = False
    for key, enum in _ENUMS.items():
        if key in entry and entry[key] not in enum.values:
            problems.append(
                _(
                    "%(entry)s: giá trị “%(value)s” của “%(field)s” không hợp lệ "
                    "(cho phép: %(allowed)s)."
                )
                % {
                    "entry": label,
                    "value": entry[key],
                    "field": key,
                    "allowed": ", ".join(enum.values),
                }
            )
            ok = False
    if "has_target" in entry and not isinstance(entry["has_target"], bool):
        problems.append(
            _("%(entry)s: trường “%(field)s” phải là true hoặc false.")
            % {"entry": label, "field": "has_target"}
        )
        ok = False
    if "description" in entry and not isinstance(entry["description"], str):
        problems.append(
            _("%(entry)s: trường “%(field)s” phải là chuỗi.")
            % {"entry": label, "field": "description"}
        )
        ok = False
    return ok


def _code_list(label: str, entry: dict, key: str, problems: list[str]) -> list[str] | None:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(
            _("%(entry)s: trường “%(field)s” phải là danh sách mã.")
            % {"entry": label, "field": key}
        )
        return None
    for code in sorted({v for v in value if value.count(v) > 1}):
        problems.append(
            _("%(entry)s: mã “%(code)s” bị lặp trong “%(field)s”.")
            % {"entry": label, "code": code, "field": key}
        )
    return value


def catalog_validate(data: Any) -> list[str]:
    """Every problem in the catalog document ``data``; an empty list when it can be imported."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return [_("Danh mục chỉ tiêu phải là một đối tượng JSON.")]
    for key in sorted(set(data) - TOP_LEVEL_KEYS):
        problems.append(_("Danh mục chỉ tiêu: mục “%(field)s” không được hỗ trợ.") % {"field": key})
    version = data.get("version", CATALOG_VERSION)
    if version != CATALOG_VERSION:
        problems.append(
            _("Danh mục chỉ tiêu: phiên bản %(version)s không được hỗ trợ (cần %(expected)s).")
            % {"version": version, "expected": CATALOG_VERSION}
        )
    sections = {}
    for section in ("categories", "category_combos", "indicators", "groups"):
        value = data.get(section, [])
        if not isinstance(value, list):
            problems.append(
                _("Danh mục chỉ tiêu: mục “%(field)s” phải là một danh sách.") % {"field": section}
            )
            value = []
        sections[section] = value

    def codes_of(section: str) -> dict[str, str]:
        seen: dict[str, str] = {}
        for index, entry in enumerate(sections[section]):
            label = _entry_label(section, index, entry)
            if not _check_entry(section, label, entry, problems):
                # Still known by its code, so that references to it add no further noise.
                code = entry.get("code") if isinstance(entry, dict) else None
                if isinstance(code, str) and code:
                    seen.setdefault(code, label)
                continue
            if entry["code"] in seen:
                problems.append(
                    _("%(entry)s: mã “%(code)s” đã có ở %(other)s.")
                    % {"entry": label, "code": entry["code"], "other": seen[entry["code"]]}
                )
            else:
                seen[entry["code"]] = label
        return seen

    categories = codes_of("categories")
    for index, entry in enumerate(sections["categories"]):
        label = _entry_label("categories", index, entry)
        if not isinstance(entry, dict):
            continue
        options = entry.get("options", [])
        if not isinstance(options, list):
            problems.append(
                _("%(entry)s: trường “%(field)s” phải là một danh sách.")
                % {"entry": label, "field": "options"}
            )
            continue
        if not options:
            problems.append(
                _("%(entry)s: nhóm phân tổ phải có ít nhất một phân tổ.") % {"entry": label}
            )
        seen: dict[str, str] = {}
        for opt_index, option in enumerate(options):
            opt_label = f"{label} " + _entry_label("options", opt_index, option)
            if not _check_entry("options", opt_label, option, problems):
                continue
            if option["code"] in seen:
                problems.append(
                    _("%(entry)s: mã “%(code)s” đã có ở %(other)s.")
                    % {"entry": opt_label, "code": option["code"], "other": seen[option["code"]]}
                )
            else:
                seen[option["code"]] = opt_label

    known_categories = set(categories) | set(Category.objects.values_list("code", flat=True))
    combos = codes_of("category_combos")
    for index, entry in enumerate(sections["category_combos"]):
        label = _entry_label("category_combos", index, entry)
        if not isinstance(entry, dict):
            continue
        listed = _code_list(label, entry, "categories", problems)
        if listed is None:
            continue
        if entry.get("code") == DEFAULT_CODE and listed:
            problems.append(
                _("%(entry)s: tổ hợp %(code)s không được có nhóm phân tổ.")
                % {"entry": label, "code": DEFAULT_CODE}
            )
        if entry.get("code") != DEFAULT_CODE and not listed:
            problems.append(
                _("%(entry)s: tổ hợp phân tổ phải có ít nhất một nhóm phân tổ.") % {"entry": label}
            )
        for code in listed:
            if code not in known_categories:
                problems.append(
                    _("%(entry)s: không có nhóm phân tổ mã “%(code)s”.")
                    % {"entry": label, "code": code}
                )

    known_combos = (
        set(combos) | set(CategoryCombo.objects.values_list("code", flat=True)) | {DEFAULT_CODE}
    )
    indicators = codes_of("indicators")
    for index, entry in enumerate(sections["indicators"]):
        label = _entry_label("indicators", index, entry)
        if not isinstance(entry, dict):
            continue
        combo = entry.get("category_combo", DEFAULT_CODE)
        if combo not in known_combos:
            problems.append(
                _("%(entry)s: không có tổ hợp phân tổ mã “%(code)s”.")
                % {"entry": label, "code": combo}
            )

    known_indicators = set(indicators) | set(Indicator.objects.values_list("code", flat=True))
    codes_of("groups")
    for index, entry in enumerate(sections["groups"]):
        label = _entry_label("groups", index, entry)
        if not isinstance(entry, dict):
            continue
        listed = _code_list(label, entry, "indicators", problems)
        for code in listed or ():
            if code not in known_indicators:
                problems.append(
                    _("%(entry)s: không có chỉ tiêu mã “%(code)s”.")
                    % {"entry": label, "code": code}
                )
    return problems


# --- import / load ---------------------------------------------------------------------------


def _upsert(model, kind: str, counts: Counts, lookup: dict, values: dict, *, linked=None):
    """Create or update the row ``lookup`` with ``values``; ``linked(obj) -> bool`` syncs its
    ordered links and says whether they changed. Counts the row once."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        if linked is not None:
            linked(obj)
        counts.created[kind] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    links_changed = linked(obj) if linked is not None else False
    if changed or links_changed:
        counts.updated[kind] += 1
    else:
        counts.unchanged[kind] += 1
    return obj


def _sync_links(model, parent_field: str, parent, child_field: str, children: list) -> bool:
    """Make the ordered link rows of ``parent`` equal ``children``; True if anything changed."""
    links = model.objects.filter(**{parent_field: parent})
    current = [
        (getattr(link, f"{child_field}_id"), link.sort_order)
        for link in links.order_by("sort_order", "id")
    ]
    wanted = [(child.pk, order) for order, child in enumerate(children, start=1)]
    if current == wanted:
        return False
    links.delete()
    model.objects.bulk_create(
        [
            model(**{parent_field: parent, child_field: child, "sort_order": order})
            for order, child in enumerate(children, start=1)
        ]
    )
    return True


@transaction.atomic
def catalog_import(data: Any) -> dict[str, dict[str, int]]:
    """Validate and upsert the catalog document ``data``, all or nothing.

    Raises ``CatalogError`` listing every problem, each naming its entry (e.g.
    ``indicators[3] VL_VIEC_LAM_MOI: ...``). Returns, per kind, the number of rows created,
    updated, unchanged and deleted (only option combos are ever deleted).
    """
    problems = catalog_validate(data)
    if problems:
        raise CatalogError(problems)
    counts = Counts()

    for entry in data.get("categories", []):
        category = _upsert(
            Category,
            "categories",
            counts,
            {"code": entry["code"]},
            {"name_vi": entry["name_vi"], "name_en": entry.get("name_en", "")},
        )
        for order, option in enumerate(entry.get("options", []), start=1):
            _upsert(
                CategoryOption,
                "category_options",
                counts,
                {"category": category, "code": option["code"]},
                {
                    "name_vi": option["name_vi"],
                    "name_en": option.get("name_en", ""),
                    "sort_order": order,
                },
            )

    categories = {c.code: c for c in Category.objects.all()}
    entries = list(data.get("category_combos", []))
    if not any(e["code"] == DEFAULT_CODE for e in entries) and not (
        CategoryCombo.objects.filter(code=DEFAULT_CODE).exists()
    ):
        entries.insert(
            0,
            {
                "code": DEFAULT_CODE,
                "name_vi": DEFAULT_NAME,
                "name_en": DEFAULT_NAME,
                "categories": [],
            },
        )
    for entry in entries:
        wanted = [categories[code] for code in entry.get("categories", [])]
        _upsert(
            CategoryCombo,
            "category_combos",
            counts,
            {"code": entry["code"]},
            {"name_vi": entry["name_vi"], "name_en": entry.get("name_en", "")},
            linked=lambda combo, wanted=wanted: _sync_links(
                CategoryComboCategory, "category_combo", combo, "category", wanted
            ),
        )
    # Options or categories may have changed under any combo: regenerate them all (few rows).
    for combo in CategoryCombo.objects.order_by("code"):
        _generate_option_combos(combo, counts)

    combos = {c.code: c for c in CategoryCombo.objects.all()}
    for entry in data.get("indicators", []):
        _upsert(
            Indicator,
            "indicators",
            counts,
            {"code": entry["code"]},
            {
                "name_vi": entry["name_vi"],
                "name_en": entry["name_en"],
                "short_name_vi": entry.get("short_name_vi", ""),
                "unit": entry.get("unit", ""),
                "value_type": entry["value_type"],
                "aggregation_type": entry["aggregation_type"],
                "period_type": entry["period_type"],
                "direction": entry.get("direction", Direction.NEUTRAL.value),
                "has_target": entry.get("has_target", False),
                "description": entry.get("description", ""),
                "category_combo": combos[entry.get("category_combo", DEFAULT_CODE)],
            },
        )

    indicators = {i.code: i for i in Indicator.objects.all()}
    for order, entry in enumerate(data.get("groups", []), start=1):
        members = [indicators[code] for code in entry.get("indicators", [])]
        _upsert(
            IndicatorGroup,
            "groups",
            counts,
            {"code": entry["code"]},
            {"name_vi": entry["name_vi"], "name_en": entry.get("name_en", ""), "sort_order": order},
            linked=lambda group, members=members: _sync_links(
                IndicatorGroupMember, "group", group, "indicator", members
            ),
        )
    return counts.as_dict()


def catalog_read(path: str | Path) -> Any:
    """The JSON document in ``path``; ``CatalogError`` if it is not readable JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise CatalogError(
            [_("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": exc.strerror}]
        ) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(
            [_("Tệp %(path)s không phải JSON hợp lệ: %(error)s") % {"path": path, "error": exc}]
        ) from exc


def catalog_load(data: Any = None) -> dict[str, dict[str, int]]:
    """Upsert ``data`` (default: the seeded catalog, ``data/catalog.json``); idempotent.

    Returns the counts of ``catalog_import``; a second load reports everything unchanged.
    """
    if data is None:
        data = catalog_read(SEEDED_CATALOG)
    return catalog_import(data)


# --- export ----------------------------------------------------------------------------------


def catalog_export() -> dict[str, Any]:
    """The whole catalog as a document that ``catalog_import`` accepts (and reproduces)."""
    categories = [
        {
            "code": c.code,
            "name_vi": c.name_vi,
            "name_en": c.name_en,
            "options": [
                {"code": o.code, "name_vi": o.name_vi, "name_en": o.name_en}
                for o in c.options.order_by("sort_order", "id")
            ],
        }
        for c in Category.objects.order_by("code")
    ]
    combos = [
        {
            "code": combo.code,
            "name_vi": combo.name_vi,
            "name_en": combo.name_en,
            "categories": [c.code for c in combo.ordered_categories()],
        }
        for combo in CategoryCombo.objects.order_by("code")
    ]
    indicators = [
        {
            "code": i.code,
            "name_vi": i.name_vi,
            "name_en": i.name_en,
            "short_name_vi": i.short_name_vi,
            "unit": i.unit,
            "value_type": i.value_type,
            "aggregation_type": i.aggregation_type,
            "period_type": i.period_type,
            "direction": i.direction,
            "has_target": i.has_target,
            "description": i.description,
            "category_combo": i.category_combo.code,
        }
        for i in Indicator.objects.select_related("category_combo").order_by("code")
    ]
    groups = [
        {
            "code": g.code,
            "name_vi": g.name_vi,
            "name_en": g.name_en,
            "indicators": [
                m.indicator.code
                for m in g.members.select_related("indicator").order_by("sort_order", "id")
            ],
        }
        for g in IndicatorGroup.objects.order_by("sort_order", "code")
    ]
    return {
        "version": CATALOG_VERSION,
        "categories": categories,
        "category_combos": combos,
        "indicators": indicators,
        "groups": groups,
    }
