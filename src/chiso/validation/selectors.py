"""Reads: computed indicators evaluated over analytics, stored validation results, scorecard
results per commune."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.db.models import Case, IntegerField, QuerySet, Value, When

from chiso.accounts.access import Action, UnitNotFound, require_unit, scope_filter
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.expressions import (
    BOOLEAN,
    NUMBER,
    Binary,
    Expr,
    Number,
    evaluate,
    parse,
    references,
)
from chiso.core.periods import Period, PeriodType
from chiso.core.rules import compute_ratio
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.validation.evaluation import fetch_values
from chiso.validation.models import (
    Assessment,
    ComputedIndicator,
    Criterion,
    Importance,
    Scorecard,
    ValidationResult,
    ValidationRule,
)

__all__ = [
    "ComputedRow",
    "CriterionResult",
    "ScorecardResult",
    "computed_codes",
    "computed_table",
    "resolve_period",
    "resolve_unit",
    "rules_touching",
    "scorecard_results",
    "validation_results",
]

register_messages(
    {
        "validation.unknown_computed": gettext_noop("Không có chỉ số tính toán mã '%(computed)s'"),
        "validation.unknown_scorecard": gettext_noop("Không có bộ tiêu chí mã '%(scorecard)s'"),
    }
)

logger = logging.getLogger("chiso.validation")

# What an expression that no longer parses evaluates to: no value.
_NOTHING = Binary("/", Number(Decimal(0)), Number(Decimal(0)))  # 0 / 0: no value
_UNKNOWN_CONDITION = Binary("==", _NOTHING, Number(Decimal(0)))

IMPORTANCE_ORDER = {Importance.HIGH: 0, Importance.MEDIUM: 1, Importance.LOW: 2}


def resolve_period(period: str | Period) -> Period:
    return period if isinstance(period, Period) else Period.parse(str(period).strip())


def resolve_unit(user, orgunit: OrgUnit | str, period: Period, action=Action.VIEW) -> OrgUnit:
    """A unit version (or a code resolved on the period's last day) in the user's scope for
    ``action``; ``UnitNotFound`` otherwise (missing and forbidden alike)."""
    if isinstance(orgunit, OrgUnit):
        return require_unit(user, orgunit, action)
    unit = (
        OrgUnit.objects.filter(scope_filter(user, action), orgunit_valid_on(period.end))
        .filter(code=str(orgunit).strip())
        .order_by("-valid_from", "pk")
        .first()
    )
    if unit is None:
        raise UnitNotFound()
    return unit


@lru_cache(maxsize=2048)
def parsed(text: str, expect: str) -> Expr:
    """``parse`` with a cache (rules and criteria are evaluated over and over)."""
    return parse(text, expect=expect)


# --- computed indicators ----------------------------------------------------------------------


@dataclass(frozen=True)
class ComputedRow:
    """A computed indicator for one unit and period: ``value`` = numerator / denominator ×
    factor rounded to ``decimals``; None when a part has no value or the denominator is 0."""

    code: str
    name: str
    unit_label: str
    decimals: int
    factor: Decimal
    orgunit: str
    orgunit_name: str
    tier: str
    period: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None


def computed_codes() -> list[str]:
    return list(ComputedIndicator.objects.values_list("code", flat=True))


def computed_table(
    user,
    codes: Iterable[str] | None,
    orgunit: OrgUnit | str,
    period: str | Period,
    level: str | None = None,
) -> list[ComputedRow]:
    """Evaluate computed indicators ``codes`` (None: all) for ``orgunit`` (or for each unit of
    tier ``level`` under it) over ``period``; rows by unit, then in the order of ``codes``.

    The referenced indicators are fetched through ``analytics_table``, one call per period
    shift for all of them. ``UnitNotFound`` outside the view scope; ChisoError
    ``validation.unknown_computed`` for an unknown code.
    """
    period = resolve_period(period)
    unit = resolve_unit(user, orgunit, period)
    if codes is None:
        indicators = list(ComputedIndicator.objects.all())
    else:
        wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
        found = ComputedIndicator.objects.in_bulk(wanted, field_name="code")
        for code in wanted:
            if code not in found:
                raise ChisoError("validation.unknown_computed", computed=code)
        indicators = [found[c] for c in wanted]
    if not indicators:
        return []
    exprs = {}
    refs = set()
    for ci in indicators:
        try:
            top = parsed(ci.numerator, NUMBER)
            bottom = parsed(ci.denominator, NUMBER) if ci.denominator.strip() else None
        except ChisoError as error:  # saved before a grammar change: no value
            logger.warning("computed indicator %s: %s", ci.code, error)
            top, bottom = _NOTHING, None
        exprs[ci.code] = (top, bottom)
        refs |= references(top) | (references(bottom) if bottom is not None else set())
    values = fetch_values(user, refs, unit, period, level=level)
    rows = []
    for found in values.values():
        for ci in indicators:
            top, bottom = exprs[ci.code]
            result = compute_ratio(top, bottom, ci.factor, ci.decimals, found)
            rows.append(
                ComputedRow(
                    code=ci.code,
                    name=ci.name,
                    unit_label=ci.unit,
                    decimals=ci.decimals,
                    factor=ci.factor,
                    orgunit=found.unit.code,
                    orgunit_name=found.unit.name,
                    tier=found.unit.tier,
                    period=period.id,
                    value=result.value,
                    numerator=result.numerator,
                    denominator=result.denominator,
                )
            )
    return rows


# --- rules and results ------------------------------------------------------------------------


def rules_touching(
    indicator_codes: Iterable[str], period_type: str | None = None, tier: str | None = None
) -> list[ValidationRule]:
    """Active rules that read any of ``indicator_codes`` (and apply to ``period_type`` and
    ``tier`` when given)."""
    codes = set(indicator_codes)
    qs = ValidationRule.objects.filter(active=True)
    if period_type is not None:
        qs = qs.filter(period_type=period_type)
    return [
        rule
        for rule in qs
        if codes & set(rule.indicator_codes)
        and (tier is None or not rule.tiers or tier in rule.tiers)
    ]


def validation_results(
    user,
    orgunit: OrgUnit | str,
    period: str | Period,
    *,
    importance: str | None = None,
    descendants: bool = True,
    rule_codes: Iterable[str] | None = None,
) -> QuerySet[ValidationResult]:
    """Stored violations at ``orgunit`` (and, with ``descendants``, every unit under it in the
    user's view scope) for periods lying within ``period``; high importance first, then by
    unit and period. ``UnitNotFound`` outside the view scope."""
    period = resolve_period(period)
    unit = resolve_unit(user, orgunit, period)
    qs = ValidationResult.objects.filter(
        scope_filter(user, Action.VIEW, field="orgunit__"),
        period_start__gte=period.start,
        period_end__lte=period.end,
    )
    qs = qs.filter(orgunit__path__startswith=unit.path) if descendants else qs.filter(orgunit=unit)
    if importance:
        qs = qs.filter(importance=importance)
    if rule_codes is not None:
        qs = qs.filter(rule__code__in=list(rule_codes))
    rank = Case(
        *[When(importance=k, then=Value(v)) for k, v in IMPORTANCE_ORDER.items()],
        output_field=IntegerField(),
    )
    return (
        qs.select_related("rule", "orgunit")
        .annotate(rank=rank)
        .order_by("rank", "orgunit__path", "period_start", "rule__code")
    )


# --- scorecards -------------------------------------------------------------------------------

PASSED, FAILED, UNKNOWN = "passed", "failed", "unknown"


@dataclass
class CriterionResult:
    criterion: Criterion
    status: str  # passed, failed, unknown (no data / not assessed)
    assessment: Assessment | None = None

    @property
    def passed(self) -> bool:
        return self.status == PASSED


@dataclass
class ScorecardResult:
    """One unit's result: ``passed`` of ``total`` criteria; ``meets`` the standard."""

    unit: OrgUnit
    total: int
    criteria: list[CriterionResult] = field(default_factory=list)
    min_passed: int | None = None

    @property
    def passed(self) -> int:
        return sum(1 for c in self.criteria if c.passed)

    @property
    def missing(self) -> list[Criterion]:
        return [c.criterion for c in self.criteria if not c.passed]

    @property
    def meets(self) -> bool:
        needed = self.total if self.min_passed is None else self.min_passed
        return self.total > 0 and self.passed >= needed


def scorecard_get(code: str) -> Scorecard:
    scorecard = Scorecard.objects.filter(code=code).first()
    if scorecard is None:
        raise ChisoError("validation.unknown_scorecard", scorecard=code)
    return scorecard


def scorecard_results(
    user, scorecard: Scorecard | str, parent_unit: OrgUnit | str, period: str | Period
) -> list[ScorecardResult]:
    """Per unit of the scorecard's tier under ``parent_unit`` (or ``parent_unit`` itself when
    it is of that tier), in the user's view scope: which criteria pass for ``period``.
    Expression criteria are evaluated over analytics (one call per period shift for all
    units); manual criteria take the unit's assessment for exactly ``period``."""
    if isinstance(scorecard, str):
        scorecard = scorecard_get(scorecard)
    period = resolve_period(period)
    parent = resolve_unit(user, parent_unit, period)
    criteria = list(scorecard.criteria.order_by("number"))
    level = None if parent.tier == scorecard.tier else scorecard.tier
    automatic = {}
    for c in criteria:
        if not c.is_manual:
            try:
                automatic[c.pk] = parsed(c.expression, BOOLEAN)
            except ChisoError as error:
                logger.warning("criterion %s: %s", c.pk, error)
                automatic[c.pk] = _UNKNOWN_CONDITION
    refs = set().union(*(references(e) for e in automatic.values())) if automatic else set()
    values = fetch_values(user, refs, parent, period, level=level)
    units = [v.unit for v in values.values()]
    assessments = {
        (a.criterion_id, a.orgunit_id): a
        for a in Assessment.objects.filter(
            criterion__in=[c for c in criteria if c.is_manual],
            orgunit__in=units,
            period=period.id,
        ).select_related("user")
    }
    results = []
    for found in values.values():
        result = ScorecardResult(found.unit, len(criteria), min_passed=scorecard.min_passed)
        for criterion in criteria:
            if criterion.pk in automatic:
                outcome = evaluate(automatic[criterion.pk], found)
                status = UNKNOWN if outcome is None else PASSED if outcome else FAILED
                result.criteria.append(CriterionResult(criterion, status))
            else:
                assessment = assessments.get((criterion.pk, found.unit.pk))
                status = UNKNOWN if assessment is None else PASSED if assessment.passed else FAILED
                result.criteria.append(CriterionResult(criterion, status, assessment))
        results.append(result)
    return results


def scorecard_period(period: Period) -> Period:
    """Scorecards are yearly: the year containing ``period``'s end."""
    return Period.containing(PeriodType.YEAR, period.end)
