"""Validation rules and computed indicators over parsed expressions (pure Python).

A rule compares two number expressions, ``left operator right``. Operators: ``==``, ``!=``,
``<``, ``<=``, ``>``, ``>=`` and two pairs: ``compulsory_pair`` (a value on one side needs a
value on the other) and ``exclusive_pair`` (not both sides may have a value).

Missing values (a reference the resolver answers ``None`` for), for the comparisons:

- ``skip_if_any_missing``: the rule is skipped when any referenced value is missing;
- ``skip_if_all_missing``: skipped when every referenced value is missing, otherwise missing
  values count as 0;
- ``never_skip``: missing values count as 0 (a rule without any value still runs).

A side that still has no value (division by zero, ``if`` on a missing condition) skips the
rule. The pairs look at the sides' values as they are (missing stays missing) and ignore the
strategy. Comparisons are exact (``Decimal``).

Computed indicators: ``numerator / denominator × factor`` rounded half up to ``decimals``
places; no value when the numerator or denominator has none or the denominator is 0.

Messages: a rule's template (Vietnamese, written by a person) with ``{left}``, ``{right}`` and
``{difference}`` (|left − right|) replaced by the figures in Vietnamese format (``1.250``,
``64,5``); a missing figure reads ``—``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

from chiso.core.expressions import Expr, Ref, Resolver, evaluate, references
from chiso.core.numbers import format_number

__all__ = [
    "COMPARISONS",
    "OPERATORS",
    "PAIRS",
    "PASSED",
    "SKIPPED",
    "STRATEGIES",
    "VIOLATED",
    "ComputedValue",
    "RuleOutcome",
    "compute_ratio",
    "evaluate_rule",
    "format_figure",
    "render_message",
]

COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
PAIRS = ("compulsory_pair", "exclusive_pair")
OPERATORS = COMPARISONS + PAIRS
SKIP_IF_ANY = "skip_if_any_missing"
SKIP_IF_ALL = "skip_if_all_missing"
NEVER_SKIP = "never_skip"
STRATEGIES = (SKIP_IF_ANY, SKIP_IF_ALL, NEVER_SKIP)

SKIPPED: Literal["skipped"] = "skipped"
PASSED: Literal["passed"] = "passed"
VIOLATED: Literal["violated"] = "violated"

_ZERO = Decimal(0)
_MISSING = "—"


@dataclass(frozen=True)
class RuleOutcome:
    """``status``: skipped, passed or violated; ``left``/``right``: the sides' values."""

    status: Literal["skipped", "passed", "violated"]
    left: Decimal | None = None
    right: Decimal | None = None

    @property
    def violated(self) -> bool:
        return self.status == VIOLATED


def _compare(op: str, a: Decimal, b: Decimal) -> bool:
    match op:
        case "==":
            return a == b
        case "!=":
            return a != b
        case "<":
            return a < b
        case "<=":
            return a <= b
        case ">":
            return a > b
        case ">=":
            return a >= b
    raise ValueError(f"unknown operator {op!r}")


def evaluate_rule(
    left: Expr, operator: str, right: Expr, strategy: str, resolver: Resolver
) -> RuleOutcome:
    """Evaluate one rule; ``resolver(ref)`` gives each referenced value (``None``: missing)."""
    if operator not in OPERATORS:
        raise ValueError(f"unknown operator {operator!r}")
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown missing-value strategy {strategy!r}")
    cache: dict[Ref, Decimal | None] = {}

    def resolve(ref: Ref) -> Decimal | None:
        if ref not in cache:
            value = resolver(ref)
            cache[ref] = Decimal(value) if isinstance(value, int) else value
        return cache[ref]

    if operator in PAIRS:
        a, b = _number(evaluate(left, resolve)), _number(evaluate(right, resolve))
        if operator == "compulsory_pair":
            broken = (a is None) != (b is None)
        else:
            broken = a is not None and b is not None
        return RuleOutcome(VIOLATED if broken else PASSED, a, b)

    refs = references(left) | references(right)
    missing = {ref for ref in refs if resolve(ref) is None}
    if missing and strategy == SKIP_IF_ANY:
        return RuleOutcome(SKIPPED)
    if refs and len(missing) == len(refs) and strategy == SKIP_IF_ALL:
        return RuleOutcome(SKIPPED)

    def filled(ref: Ref) -> Decimal | None:
        value = resolve(ref)
        return _ZERO if value is None else value

    a, b = _number(evaluate(left, filled)), _number(evaluate(right, filled))
    if a is None or b is None:
        return RuleOutcome(SKIPPED, a, b)
    return RuleOutcome(PASSED if _compare(operator, a, b) else VIOLATED, a, b)


def _number(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        # A condition has no figure to show; rules compare numbers (the parser checks it).
        return None
    return value


@dataclass(frozen=True)
class ComputedValue:
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None


def compute_ratio(
    numerator: Expr,
    denominator: Expr | None,
    factor: Decimal,
    decimals: int,
    resolver: Resolver,
) -> ComputedValue:
    """``numerator / denominator × factor`` rounded half up to ``decimals`` places
    (``denominator`` None: 1)."""
    top = _number(evaluate(numerator, resolver))
    bottom = Decimal(1) if denominator is None else _number(evaluate(denominator, resolver))
    value = None
    if top is not None and bottom is not None and bottom != 0:
        with localcontext() as context:
            context.prec = 50
            exact = top / bottom * factor
            value = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return ComputedValue(value, top, None if denominator is None else bottom)


def format_figure(value: Decimal | None) -> str:
    """A figure for a message: ``1.250``, ``64,5``, ``0,33`` (at most two decimals); ``—``."""
    if value is None:
        return _MISSING
    if value == value.to_integral_value():
        return format_number(value.quantize(Decimal(1)))
    with localcontext() as context:
        context.prec = 50
        rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return format_number(rounded.quantize(Decimal(1)))
    return format_number(rounded.normalize())


def render_message(template: str, left: Decimal | None, right: Decimal | None) -> str:
    """``template`` with ``{left}``, ``{right}`` and ``{difference}`` filled in."""
    difference = None if left is None or right is None else abs(left - right)
    return (
        template.replace("{left}", format_figure(left))
        .replace("{right}", format_figure(right))
        .replace("{difference}", format_figure(difference))
    )
