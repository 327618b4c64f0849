"""Compare the figures a report states with chiso's data for one unit and period.

``compare_with_data(result, text=..., unit_code=..., period_id=..., user=...)`` takes what
``chiso.core.checker.check_text`` found and returns it with one ``data_mismatch`` finding for
every stated figure that names an indicator (see ``matching``) and differs from the aggregate
``chiso.analytics.selectors.analytics_table`` computes for the unit and period (figures without
data are left alone). ``compare_figures`` gives the whole comparison (every matched figure with
the data beside it) for the web page. Reads only; nothing is written.

A finding is an error when the figure names its indicator unambiguously (one candidate, found
next to the figure), states it exactly (no "trên", "khoảng" ...) and the data is official and
comparable; otherwise a warning. A unit outside the user's view scope is reported exactly like
a missing one (``CheckUnitNotFound``: an ``UnitNotFound`` for the API's 404 and a
``ChisoError`` for the command line).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from chiso.accounts.access import Action, UnitNotFound, scope_filter
from chiso.analytics.selectors import Row, analytics_table
from chiso.checker.keywords import indicator_keywords, option_keywords
from chiso.checker.matching import (
    CHANGE,
    PLAN,
    PRIOR,
    VALUE,
    ComboSpec,
    IndicatorSpec,
    Match,
    match_claims,
)
from chiso.checker.messages import APPROX_WORDS, DATA_TEMPLATES, DECREASE, INCREASE
from chiso.core.checker import CheckResult, Finding, render_message
from chiso.core.checker.lexicon import MASS_UNITS, MONEY_WORDS, UNIT_FAMILY
from chiso.core.checker.messages import TEMPLATES
from chiso.core.errors import ChisoError
from chiso.core.numbers import format_money, format_number, format_percent
from chiso.core.periods import Period
from chiso.indicators.models import Indicator, ValueType
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_valid_on

__all__ = [
    "DATA_MISMATCH",
    "CheckUnitNotFound",
    "ComparedFigure",
    "Comparison",
    "compare_figures",
    "compare_with_data",
    "finding_message",
]

DATA_MISMATCH = "data_mismatch"
_HUNDRED = Decimal(100)
_ABOUT_SHARE = Decimal("0.05")  # "khoảng X": within 5% of X
_SKIPPED_TYPES = {ValueType.BOOLEAN, ValueType.TEXT}
_SKIPPED_UNITS = {"thứ hạng"}  # ranks are masked by the core, never claims


class CheckUnitNotFound(UnitNotFound, ChisoError):
    """The unit code names no unit the user may view on the period's last day."""

    def __init__(self, code: str) -> None:
        ChisoError.__init__(self, "check.unit_not_found", unit=code)


@dataclass
class ComparedFigure:
    """A stated figure matched to an indicator, with chiso's figure beside it."""

    match: Match
    stated: str  # as a reader would write it: "38.406 lao động", "trên 20 tỷ đồng", "96%"
    data: str | None  # chiso's figure written the same way; None when there is no data
    agrees: bool | None  # None when there is no data to compare with
    finding: Finding | None

    @property
    def claim(self):
        return self.match.claim

    @property
    def indicator_name(self) -> str:
        return self.match.indicator.name

    @property
    def option_combo_name(self) -> str:
        combo = self.match.option_combo
        return combo.name if combo is not None else ""


@dataclass
class Comparison:
    unit: OrgUnit
    period: Period
    figures: list[ComparedFigure]

    @property
    def findings(self) -> list[Finding]:
        return [f.finding for f in self.figures if f.finding is not None]

    @property
    def label(self) -> str:
        """ "Tỉnh Bình Phước, năm 2023"."""
        return f"{self.unit.name}, {self.period.format_label(gettext)}"


def compare_with_data(
    result: CheckResult, *, text: str, unit_code: str, period_id: str, user=None
) -> CheckResult:
    """``result`` with the data findings added (all findings in text order).

    ``user``: whose view scope applies; None (the command line) reads as the first superuser.
    """
    comparison = compare_figures(
        result, text=text, unit_code=unit_code, period_id=period_id, user=user
    )
    findings = sorted([*result.findings, *comparison.findings], key=lambda f: (f.start, f.end))
    return CheckResult(claims=result.claims, findings=findings)


def compare_figures(
    result: CheckResult, *, text: str, unit_code: str, period_id: str, user=None
) -> Comparison:
    """Every stated figure of ``result`` that names an indicator, compared with the data."""
    if user is None:
        user = _default_user()
    period = Period.parse(str(period_id).strip())
    unit = _unit(user, str(unit_code).strip(), period)
    specs = _indicator_specs()
    matches = match_claims(text, result.claims, specs)
    if not matches:
        return Comparison(unit=unit, period=period, figures=[])
    codes = list(dict.fromkeys(m.indicator.code for m in matches))
    by_combo = any(m.option_combo is not None for m in matches)
    rows = analytics_table(
        user=user, indicators=codes, orgunit=unit, period=period, by_option_combo=by_combo
    )
    table = {(r.indicator, r.option_combo): r for r in rows if r.orgunit == unit.code}
    where = {"unit": unit.name, "period": period.format_label(gettext)}
    figures = []
    for match in matches:
        combo = match.option_combo.code if match.option_combo is not None else None
        row = table.get((match.indicator.code, combo))
        figures.append(_compare(match, row, where))
    return Comparison(unit=unit, period=period, figures=figures)


def finding_message(finding: Finding) -> str:
    """The finding's message in the active language (core findings are translated here; data
    findings were rendered in the active language when made)."""
    if finding.code in TEMPLATES:
        return render_message(finding, gettext)
    return finding.message


# --- resolution -----------------------------------------------------------------------------


def _default_user():
    from chiso.accounts.models import User

    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise ChisoError("check.no_user")
    return user


def _unit(user, code: str, period: Period) -> OrgUnit:
    unit = (
        OrgUnit.objects.filter(scope_filter(user, Action.VIEW), orgunit_valid_on(period.end))
        .filter(code=code)
        .order_by("-valid_from", "pk")
        .first()
    )
    if unit is None:
        raise CheckUnitNotFound(code)
    return unit


def _indicator_specs() -> list[IndicatorSpec]:
    specs = []
    indicators = Indicator.objects.select_related("category_combo").prefetch_related(
        "category_combo__option_combos__options"
    )
    for indicator in indicators.order_by("code"):
        kind, family = _kind(indicator)
        if kind is None:
            continue
        keywords = indicator_keywords(indicator.code, indicator.name_vi, indicator.unit)
        if not keywords:
            continue
        combos: tuple[ComboSpec, ...] = ()
        if not indicator.category_combo.is_default:
            combos = tuple(
                ComboSpec(
                    code=oc.code,
                    name=oc.name,
                    options=tuple(option_keywords(o.code, o.name_vi) for o in oc.options.all()),
                )
                for oc in indicator.category_combo.option_combos.all()
            )
        specs.append(
            IndicatorSpec(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                kind=kind,
                family=family,
                keywords=keywords,
                combos=combos,
            )
        )
    return specs


def _kind(indicator: Indicator) -> tuple[str | None, str]:
    unit = indicator.unit.strip().casefold()
    if indicator.value_type in _SKIPPED_TYPES or unit in _SKIPPED_UNITS:
        return None, ""
    if indicator.value_type == ValueType.MONEY or unit in MONEY_WORDS:
        return "money", "money"
    if indicator.value_type == ValueType.PERCENTAGE or unit == "%":
        return "percent", "%"
    if unit in MASS_UNITS:
        return "mass", "mass"
    if not unit:
        return None, ""
    return "count", UNIT_FAMILY.get(unit, unit)


# --- comparison -----------------------------------------------------------------------------


def _compare(match: Match, row: Row | None, where: dict[str, str]) -> ComparedFigure:
    claim = match.claim
    stated_text = _stated_text(match)
    computed = _computed(match, row)
    if computed is None:
        return ComparedFigure(match, stated_text, None, None, None)
    data_text = _data_text(match, computed)
    agrees = _agrees(claim, computed)
    finding = None
    if not agrees:
        exact = claim.approx is None and match.unambiguous
        official = row is not None and row.comparable and not row.estimate
        params = {**where, "stated": stated_text, "data": data_text}
        if match.measure == PLAN:
            params |= {
                "value": _figure_text(match, row.value),
                "target": _figure_text(match, row.target),
            }
        elif match.measure in (CHANGE, PRIOR):
            params |= {
                "value": _figure_text(match, row.value),
                "last": _figure_text(match, row.value_last_year),
            }
        code = f"check.data.{match.measure}"
        finding = Finding(
            severity="error" if exact and official else "warning",
            kind=DATA_MISMATCH,
            start=claim.start,
            end=claim.end,
            stated=_number_text(claim, claim.number),
            computed=_number_text(claim, computed),
            code=code,
            params=params,
            message=gettext(DATA_TEMPLATES[code]) % params,
        )
    return ComparedFigure(match, stated_text, data_text, agrees, finding)


def _computed(match: Match, row: Row | None) -> Decimal | None:
    """chiso's figure in the claim's terms (kg for a mass, đồng for money, % for a rate)."""
    if row is None:
        return None
    if match.measure == VALUE:
        if row.value is None:
            return None
        value = row.value
        if match.indicator.kind == "mass":
            value = value * MASS_UNITS[match.indicator.unit.strip().casefold()]
        return value
    if match.measure == PLAN:
        return row.percent_of_target
    if not row.comparable:
        return None
    if match.measure == CHANGE:
        return row.change_percent
    if row.value is None or not row.value_last_year:
        return None
    return row.value / row.value_last_year * _HUNDRED


def _agrees(claim, computed: Decimal) -> bool:
    """Whether chiso's figure fits the stated one: "trên X" / "tối thiểu X" at least X, "dưới
    X" / "tối đa X" at most X, "khoảng X" within 5% of X, else equal up to the rounding of
    what is written (half a unit of its last digit)."""
    stated, tolerance = claim.number, claim.tolerance
    if claim.approx in ("gt", "ge"):
        return computed >= stated
    if claim.approx in ("lt", "le"):
        return computed <= stated
    if claim.approx == "about":
        return abs(computed - stated) <= max(tolerance, abs(stated) * _ABOUT_SHARE)
    return abs(computed - stated) <= tolerance


def _number_text(claim, value: Decimal) -> str:
    """A number as the core writes ``stated``/``computed``: in the claim's unit, no unit."""
    if claim.kind.startswith("percent"):
        return format_percent(value, claim.decimals)
    if claim.ukey == "mass" and claim.unit in MASS_UNITS:
        value = value / MASS_UNITS[claim.unit]
    return format_number(_tidy(value))


def _tidy(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(Decimal("0.01")).normalize() if abs(value) >= 1 else value.normalize()


def _stated_text(match: Match) -> str:
    claim = match.claim
    if match.measure == CHANGE:
        text = format_percent(abs(claim.number), claim.decimals)
        return gettext(DECREASE if claim.number < 0 else INCREASE) % {"percent": text}
    if match.measure in (PLAN, PRIOR):
        return format_percent(claim.number, claim.decimals)
    written = " ".join(claim.text.split())
    if claim.approx in APPROX_WORDS:
        return f"{gettext(APPROX_WORDS[claim.approx])} {written}"
    return written


def _data_text(match: Match, computed: Decimal) -> str:
    claim = match.claim
    if match.measure == CHANGE:
        decimals = max(claim.decimals, 1)
        text = format_percent(abs(computed), decimals)
        return gettext(DECREASE if computed < 0 else INCREASE) % {"percent": text}
    if match.measure in (PLAN, PRIOR) or claim.kind.startswith("percent"):
        return format_percent(computed, max(claim.decimals, 1))
    return _figure_text(match, computed)


def _figure_text(match: Match, value: Decimal | None) -> str:
    """An indicator's figure with its unit: in the base claim's unit for a count or mass,
    in đồng (or tỷ/triệu đồng when exact) for money."""
    if value is None:
        return "—"
    claim = match.base or match.claim
    spec = match.indicator
    if spec.kind == "money":
        return format_money(value, "auto")
    if spec.kind == "percent":
        return format_percent(value, max(claim.decimals, 1))
    if spec.kind == "mass":
        if match.measure != VALUE:  # a row value, in the indicator's unit
            value = value * MASS_UNITS[spec.unit.strip().casefold()]
        unit = claim.unit if claim.unit in MASS_UNITS else "kg"
        return f"{format_number(_tidy(value / MASS_UNITS[unit]))} {unit}"
    unit = claim.unit or spec.unit
    return f"{format_number(_tidy(value))} {unit}"
