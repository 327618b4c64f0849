"""Writes: computed indicators and rules (expressions checked before saving), rule runs with
their stored results, manual scorecard assessments.

``rules_run`` evaluates the applicable rules for a unit (and, with ``descendants``, every unit
under it) over a period: a rule of period type *t* runs for each period of type *t* lying within
the period asked for (a year runs the monthly rules for each month), for the units of its tiers.
Values come through analytics (one call per tier, sub-period and period shift, whatever the
number of rules and units). Each run replaces the stored results of the rules it evaluated for
the units and periods it evaluated: a violation is stored (or replaced), a rule that holds or is
skipped deletes its old result. ``rules_run_for_values`` does the same for the keys an import or
a form wrote.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.accounts.access import Action, can, require_unit, scope_filter
from chiso.common.errors import error_message
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.expressions import NUMBER, Expr, Ref, parse, references
from chiso.core.periods import Period, PeriodType, periods_in
from chiso.core.rules import OPERATORS, evaluate_rule, render_message
from chiso.indicators.models import Indicator
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.validation.evaluation import fetch_values, known_options
from chiso.validation.models import (
    Assessment,
    ComputedIndicator,
    Criterion,
    Importance,
    MissingValueStrategy,
    Operator,
    ValidationResult,
    ValidationRule,
)
from chiso.validation.selectors import (
    IMPORTANCE_ORDER,
    parsed,
    resolve_period,
    resolve_unit,
    rules_touching,
)

logger = logging.getLogger("chiso.validation")

__all__ = [
    "InvalidInput",
    "Violation",
    "assessment_set",
    "computed_indicator_save",
    "expression_check",
    "rule_message",
    "rules_run",
    "rules_run_for_values",
    "validation_rule_save",
]

register_messages(
    {
        "validation.unknown_indicator": gettext_noop(
            "Không có chỉ tiêu mã '%(indicator)s' (vị trí %(position)s)"
        ),
        "validation.unknown_option": gettext_noop(
            "Chỉ tiêu '%(indicator)s' không có phân tổ '%(option)s' (vị trí %(position)s)"
        ),
    }
)

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_]*$")
_TIER_ORDER = [Tier.PROVINCE, Tier.DISTRICT, Tier.COMMUNE, Tier.HAMLET]

# What a violated comparison means, for the default message ("vế trái (5) lớn hơn vế phải (3)").
_BROKEN = {
    "==": gettext_noop("khác"),
    "!=": gettext_noop("bằng"),
    "<": gettext_noop("không nhỏ hơn"),
    "<=": gettext_noop("lớn hơn"),
    ">": gettext_noop("không lớn hơn"),
    ">=": gettext_noop("nhỏ hơn"),
}


class InvalidInput(ValueError):
    """Form input that cannot be saved: ``errors`` maps a field to its translated message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


# --- expressions -------------------------------------------------------------------------------


def _ref_position(text: str, ref: Ref) -> int:
    prefix = "#" if ref.kind == "value" else "T"
    match = re.search(
        re.escape(prefix) + r"\{\s*" + re.escape(ref.code) + r"(?![A-Za-z0-9_-])", text
    )
    return match.start() + 1 if match else 1


def expression_check(text: str, expect: str = NUMBER) -> Expr:
    """Parse ``text`` (``expect``: number or boolean) and check that every indicator and option
    it names exists; ChisoError (``expr.*``, ``validation.unknown_*``) with the 1-based
    position otherwise."""
    ast = parse(text, expect=expect)
    refs = references(ast)
    known, options = known_options({r.code for r in refs})
    for ref in sorted(refs, key=lambda r: _ref_position(text, r)):
        position = _ref_position(text, ref)
        if ref.code not in known:
            raise ChisoError(
                "validation.unknown_indicator", indicator=ref.code, position=position, text=text
            )
        if ref.option is not None and ref.option not in options.get(ref.code, {}):
            raise ChisoError(
                "validation.unknown_option",
                indicator=ref.code,
                option=ref.option,
                position=position,
                text=text,
            )
    return ast


def _check(errors: dict[str, str], name: str, text: str, expect: str) -> Expr | None:
    try:
        return expression_check(text, expect)
    except ChisoError as error:
        errors[name] = error_message(error)
        return None


def _check_code(errors, code: str, model, instance) -> None:
    if not CODE_RE.match(code or ""):
        errors["code"] = _("Mã chỉ gồm chữ in hoa không dấu, chữ số và '_' (ví dụ TY_LE_HO_NGHEO)")
        return
    taken = model.objects.filter(code=code)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        errors["code"] = _("Mã '%(code)s' đã được dùng") % {"code": code}


# --- computed indicators -----------------------------------------------------------------------


@transaction.atomic
def computed_indicator_save(
    *,
    instance: ComputedIndicator | None = None,
    code: str,
    name_vi: str,
    numerator: str,
    denominator: str = "",
    factor: Decimal | str | int = 1,
    decimals: int | str = 1,
    unit: str = "",
    name_en: str = "",
    description: str = "",
    sort_order: int | None = None,
) -> ComputedIndicator:
    """Create or update a computed indicator; ``InvalidInput`` with every problem."""
    errors: dict[str, str] = {}
    code = (code or "").strip()
    _check_code(errors, code, ComputedIndicator, instance)
    if "code" not in errors and Indicator.objects.filter(code=code).exists():
        errors["code"] = _("Mã '%(code)s' là mã của một chỉ tiêu trong danh mục") % {"code": code}
    if not (name_vi or "").strip():
        errors["name_vi"] = _("Cần nhập tên")
    _check(errors, "numerator", numerator or "", NUMBER)
    if (denominator or "").strip():
        _check(errors, "denominator", denominator, NUMBER)
    try:
        factor = Decimal(str(factor).strip().replace(",", "."))
        if not factor.is_finite() or factor == 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["factor"] = _("Hệ số phải là một số khác 0 (100 cho tỷ lệ %)")
    try:
        decimals = int(decimals)
        if not 0 <= decimals <= 6:
            raise ValueError
    except (TypeError, ValueError):
        errors["decimals"] = _("Số chữ số thập phân từ 0 đến 6")
    if errors:
        raise InvalidInput(errors)
    ci = instance or ComputedIndicator()
    ci.code, ci.name_vi, ci.name_en = code, name_vi.strip(), (name_en or "").strip()
    ci.numerator, ci.denominator = numerator.strip(), (denominator or "").strip()
    ci.factor, ci.decimals, ci.unit = factor, decimals, (unit or "").strip()
    ci.description = (description or "").strip()
    if sort_order is not None:
        ci.sort_order = sort_order
    ci.save()
    return ci


# --- rules -------------------------------------------------------------------------------------


@transaction.atomic
def validation_rule_save(
    *,
    instance: ValidationRule | None = None,
    code: str,
    name: str,
    left: str,
    operator: str,
    right: str,
    period_type: str,
    missing_strategy: str = MissingValueStrategy.SKIP_IF_ANY,
    importance: str = Importance.MEDIUM,
    blocking: bool = False,
    tiers: Iterable[str] = (),
    message: str = "",
    description: str = "",
    active: bool = True,
    generator: str = "",
) -> ValidationRule:
    """Create or update a rule; ``InvalidInput`` with every problem."""
    errors: dict[str, str] = {}
    code = (code or "").strip()
    _check_code(errors, code, ValidationRule, instance)
    if not (name or "").strip():
        errors["name"] = _("Cần nhập tên")
    left_ast = _check(errors, "left", left or "", NUMBER)
    right_ast = _check(errors, "right", right or "", NUMBER)
    if operator not in OPERATORS:
        errors["operator"] = _("Chọn một phép so sánh")
    if missing_strategy not in MissingValueStrategy.values:
        errors["missing_strategy"] = _("Chọn cách xử lý khi thiếu số liệu")
    if importance not in Importance.values:
        errors["importance"] = _("Chọn mức độ")
    if period_type not in PeriodType._value2member_map_:
        errors["period_type"] = _("Chọn kỳ báo cáo")
    tiers = [t for t in dict.fromkeys(tiers or ()) if t]
    if any(t not in Tier.values for t in tiers):
        errors["tiers"] = _("Cấp đơn vị không hợp lệ")
    if errors:
        raise InvalidInput(errors)
    rule = instance or ValidationRule()
    rule.code, rule.name, rule.description = code, name.strip(), (description or "").strip()
    rule.left, rule.operator, rule.right = left.strip(), operator, right.strip()
    rule.missing_strategy, rule.importance, rule.blocking = missing_strategy, importance, blocking
    rule.period_type, rule.tiers = period_type, sorted(tiers, key=_TIER_ORDER.index)
    rule.message, rule.active = (message or "").strip(), active
    if generator:
        rule.generator = generator
    rule.indicator_codes = sorted({r.code for r in references(left_ast) | references(right_ast)})
    rule.save()
    return rule


@dataclass(frozen=True)
class Violation:
    """A rule that does not hold at a unit for a period, with both figures and the message."""

    rule: ValidationRule
    orgunit: OrgUnit
    period: Period
    left: Decimal | None
    right: Decimal | None
    message: str

    @property
    def importance(self) -> str:
        return self.rule.importance

    @property
    def blocking(self) -> bool:
        return self.rule.blocking


def rule_message(rule: ValidationRule, left: Decimal | None, right: Decimal | None) -> str:
    """The rule's message with the figures filled in (a default one when it has none)."""
    template = rule.message
    if not template:
        if rule.operator == Operator.COMPULSORY_PAIR:
            template = _("%(name)s: chỉ một vế có số liệu (vế trái {left}, vế phải {right})")
        elif rule.operator == Operator.EXCLUSIVE_PAIR:
            template = _("%(name)s: cả hai vế đều có số liệu (vế trái {left}, vế phải {right})")
        else:
            template = _("%(name)s: vế trái ({left}) %(broken)s vế phải ({right})")
        template = template % {"name": rule.name, "broken": _(_BROKEN.get(rule.operator, ""))}
    return render_message(template, left, right)


@dataclass
class _Parsed:
    rule: ValidationRule
    left: Expr
    right: Expr


def _parse_rules(rules: Iterable[ValidationRule]) -> list[_Parsed]:
    found = []
    for rule in rules:
        if not rule.active:
            continue
        try:
            found.append(_Parsed(rule, parsed(rule.left, NUMBER), parsed(rule.right, NUMBER)))
        except ChisoError as error:  # saved before a catalog or grammar change
            logger.warning("rule %s skipped: %s", rule.code, error)
    return found


def _applies(rule: ValidationRule, tier: str) -> bool:
    return not rule.tiers or tier in rule.tiers


def _evaluate(
    user,
    rules: list[_Parsed],
    anchor: OrgUnit,
    period: Period,
    level: str | None,
    only: set[int] | None = None,
) -> tuple[list[OrgUnit], list[Violation]]:
    """Evaluate ``rules`` for ``anchor`` (or each unit of tier ``level`` under it; ``only``:
    just these unit ids) for ``period``: the units evaluated and the violations."""
    refs: set[Ref] = set()
    for p in rules:
        refs |= references(p.left) | references(p.right)
    values = fetch_values(user, refs, anchor, period, level=level)
    units, violations = [], []
    for found in values.values():
        if only is not None and found.unit.pk not in only:
            continue
        units.append(found.unit)
        for p in rules:
            outcome = evaluate_rule(
                p.left, p.rule.operator, p.right, p.rule.missing_strategy, found
            )
            if outcome.violated:
                violations.append(
                    Violation(
                        p.rule,
                        found.unit,
                        period,
                        outcome.left,
                        outcome.right,
                        rule_message(p.rule, outcome.left, outcome.right),
                    )
                )
    return units, violations


def _store(
    user, rules: list[_Parsed], units: list[OrgUnit], period: Period, violations: list[Violation]
) -> None:
    if not rules or not units:
        return
    unit_ids = [u.pk for u in units]
    rule_ids = [p.rule.pk for p in rules]
    for i in range(0, len(unit_ids), 500):
        ValidationResult.objects.filter(
            rule_id__in=rule_ids, orgunit_id__in=unit_ids[i : i + 500], period=period.id
        ).delete()
    ValidationResult.objects.bulk_create(
        [
            ValidationResult(
                rule=v.rule,
                orgunit=v.orgunit,
                period=period.id,
                period_start=period.start,
                period_end=period.end,
                importance=v.rule.importance,
                left_value=v.left,
                right_value=v.right,
                message=v.message,
                run_by=user if getattr(user, "pk", None) else None,
            )
            for v in violations
        ],
        batch_size=500,
    )


def _sorted(violations: list[Violation]) -> list[Violation]:
    return sorted(
        violations,
        key=lambda v: (
            IMPORTANCE_ORDER.get(v.rule.importance, 9),
            v.orgunit.path,
            v.period.start,
            v.period.end,
            v.rule.code,
        ),
    )


def _tiers_under(user, unit: OrgUnit, day) -> list[str]:
    present = set(
        OrgUnit.objects.filter(scope_filter(user, Action.VIEW), orgunit_valid_on(day))
        .filter(path__startswith=unit.path)
        .exclude(pk=unit.pk)
        .values_list("tier", flat=True)
        .distinct()
    )
    return [t for t in _TIER_ORDER if t in present and t != unit.tier]


def rules_run(
    user,
    orgunit: OrgUnit | str,
    period: str | Period,
    rules: Iterable[ValidationRule] | None = None,
    *,
    descendants: bool = False,
    store: bool = True,
) -> list[Violation]:
    """Run ``rules`` (None: every active rule) for ``orgunit`` over ``period`` (see the module
    docstring); store the results unless ``store`` is False; return the violations, high
    importance first. ``UnitNotFound`` when the unit is outside the user's view scope."""
    period = resolve_period(period)
    unit = resolve_unit(user, orgunit, period)
    candidates = ValidationRule.objects.filter(active=True) if rules is None else rules
    parsed_rules = _parse_rules(candidates)
    tiers = [unit.tier] + (_tiers_under(user, unit, period.end) if descendants else [])
    violations: list[Violation] = []
    with transaction.atomic():
        for period_type in sorted({p.rule.period_type for p in parsed_rules}):
            for sub in periods_in(period, PeriodType(period_type)):
                for tier in tiers:
                    here = [
                        p
                        for p in parsed_rules
                        if p.rule.period_type == period_type and _applies(p.rule, tier)
                    ]
                    if not here:
                        continue
                    level = None if tier == unit.tier else tier
                    units, found = _evaluate(user, here, unit, sub, level)
                    if store:
                        _store(user, here, units, sub, found)
                    violations += found
    return _sorted(violations)


def _common_ancestor(units: Sequence[OrgUnit]) -> str:
    parts = [u.path.strip("/").split("/") for u in units]
    common = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    return "/" + "/".join(common) + "/" if common else ""


def rules_run_for_values(
    user, keys: Iterable[tuple[str, str, str]], *, store: bool = True
) -> list[Violation]:
    """Run the active rules that read the written values, for the units and periods written.

    ``keys``: (indicator code, unit code, period id) of the values an import or a form wrote.
    Units resolve on the period's last day; keys the user may not view are left out. Units of
    one tier are evaluated together under their nearest common ancestor when the user may view
    it (one analytics call per period shift), one by one otherwise."""
    by_period: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for indicator_code, unit_code, period_id in keys:
        codes, units = by_period[period_id.strip()]
        codes.add(indicator_code.strip())
        units.add(unit_code.strip())
    violations: list[Violation] = []
    with transaction.atomic():
        for period_id, (codes, unit_codes) in sorted(by_period.items()):
            try:
                period = Period.parse(period_id)
            except ChisoError:
                continue
            touched = _parse_rules(rules_touching(codes, period.type.value))
            if not touched:
                continue
            codes_list = sorted(unit_codes)
            units = sorted(
                (
                    unit
                    for i in range(0, len(codes_list), 500)
                    for unit in OrgUnit.objects.filter(
                        scope_filter(user, Action.VIEW), orgunit_valid_on(period.end)
                    ).filter(code__in=codes_list[i : i + 500])
                ),
                key=lambda unit: unit.path,
            )
            by_tier: dict[str, list[OrgUnit]] = defaultdict(list)
            for unit in units:
                by_tier[unit.tier].append(unit)
            for tier, members in by_tier.items():
                here = [p for p in touched if _applies(p.rule, tier)]
                if not here:
                    continue
                for anchor, level, only in _anchors(user, members):
                    evaluated, found = _evaluate(user, here, anchor, period, level, only)
                    if store:
                        _store(user, here, evaluated, period, found)
                    violations += found
    return _sorted(violations)


def _anchors(user, members: list[OrgUnit]):
    if len(members) > 1:
        path = _common_ancestor(members)
        ancestor = OrgUnit.objects.filter(path=path).first() if path else None
        if ancestor is not None and can(user, ancestor, Action.VIEW):
            yield ancestor, members[0].tier, {u.pk for u in members}
            return
    for unit in members:
        yield unit, None, None


# --- scorecards --------------------------------------------------------------------------------


@transaction.atomic
def assessment_set(
    *,
    user,
    criterion: Criterion,
    orgunit: OrgUnit | str,
    period: str | Period,
    passed: bool,
    note: str = "",
) -> Assessment:
    """Record a manual assessment (the unit in the user's capture scope, a manual criterion of
    the unit's tier); a passing assessment needs its evidence note. ``UnitNotFound`` outside
    the scope; ``InvalidInput`` otherwise."""
    period = resolve_period(period)
    unit = resolve_unit(user, orgunit, period, Action.CAPTURE)
    require_unit(user, unit, Action.CAPTURE)
    errors: dict[str, str] = {}
    if not criterion.is_manual:
        errors["criterion"] = _("Tiêu chí này được tính tự động từ số liệu")
    if unit.tier != criterion.scorecard.tier:
        errors["ou"] = _("Bộ tiêu chí này đánh giá đơn vị cấp %(tier)s") % {
            "tier": Tier(criterion.scorecard.tier).label
        }
    note = (note or "").strip()
    if passed and not note:
        errors["note"] = _("Cần ghi minh chứng khi đánh giá đạt")
    if errors:
        raise InvalidInput(errors)
    assessment, _created = Assessment.objects.update_or_create(
        criterion=criterion,
        orgunit=unit,
        period=period.id,
        defaults={"passed": passed, "note": note, "user": user},
    )
    return assessment
