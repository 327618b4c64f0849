"""Rule evaluation (chiso.core.rules): every operator, every missing-value strategy, the pairs,
messages in Vietnamese format and computed ratios. No database."""

from decimal import Decimal as D

import pytest

from chiso.core.expressions import NUMBER, parse
from chiso.core.rules import (
    PASSED,
    SKIPPED,
    VIOLATED,
    compute_ratio,
    evaluate_rule,
    format_figure,
    render_message,
)


def run(left, op, right, strategy, values):
    def resolver(ref):
        return values.get(ref.code if ref.option is None else f"{ref.code}.{ref.option}")

    return evaluate_rule(
        parse(left, expect=NUMBER), op, parse(right, expect=NUMBER), strategy, resolver
    )


@pytest.mark.parametrize(
    ("op", "a", "b", "status"),
    [
        ("==", 5, 5, PASSED),
        ("==", 5, 4, VIOLATED),
        ("!=", 5, 4, PASSED),
        ("!=", 5, 5, VIOLATED),
        ("<", 4, 5, PASSED),
        ("<", 5, 5, VIOLATED),
        ("<=", 5, 5, PASSED),
        ("<=", 6, 5, VIOLATED),
        (">", 6, 5, PASSED),
        (">", 5, 5, VIOLATED),
        (">=", 5, 5, PASSED),
        (">=", 4, 5, VIOLATED),
    ],
)
def test_every_comparison(op, a, b, status):
    outcome = run("#{A}", op, "#{B}", "skip_if_any_missing", {"A": D(a), "B": D(b)})
    assert outcome.status == status
    assert (outcome.left, outcome.right) == (D(a), D(b))


def test_sides_are_expressions_with_exact_decimals():
    values = {"A": D("0.1"), "B": D("0.2"), "C": D("0.3")}
    assert run("#{A} + #{B}", "==", "#{C}", "never_skip", values).status == PASSED
    outcome = run("#{A} + #{B}", "==", "#{C} * 2", "never_skip", values)
    assert (outcome.status, outcome.left, outcome.right) == (VIOLATED, D("0.3"), D("0.6"))


@pytest.mark.parametrize(
    ("strategy", "values", "status", "left", "right"),
    [
        # Nothing missing: every strategy compares.
        ("skip_if_any_missing", {"A": D(7), "B": D(5)}, VIOLATED, D(7), D(5)),
        ("skip_if_all_missing", {"A": D(7), "B": D(5)}, VIOLATED, D(7), D(5)),
        ("never_skip", {"A": D(7), "B": D(5)}, VIOLATED, D(7), D(5)),
        # One side missing: skipped, or compared with the missing value as 0.
        ("skip_if_any_missing", {"A": D(7)}, SKIPPED, None, None),
        ("skip_if_all_missing", {"A": D(7)}, VIOLATED, D(7), D(0)),
        ("never_skip", {"A": D(7)}, VIOLATED, D(7), D(0)),
        ("skip_if_all_missing", {"B": D(5)}, PASSED, D(0), D(5)),
        # Everything missing: only "never skip" still runs (0 <= 0).
        ("skip_if_any_missing", {}, SKIPPED, None, None),
        ("skip_if_all_missing", {}, SKIPPED, None, None),
        ("never_skip", {}, PASSED, D(0), D(0)),
    ],
)
def test_missing_value_strategies(strategy, values, status, left, right):
    outcome = run("#{A}", "<=", "#{B}", strategy, values)
    assert (outcome.status, outcome.left, outcome.right) == (status, left, right)


def test_a_side_without_value_skips_even_when_never_skipping():
    # 5 / 0 has no value: there is nothing to compare.
    outcome = run("#{A} / #{B}", "<=", "100", "never_skip", {"A": D(5), "B": D(0)})
    assert outcome.status == SKIPPED


@pytest.mark.parametrize(
    ("values", "compulsory", "exclusive"),
    [
        ({"A": D(1), "B": D(2)}, PASSED, VIOLATED),
        ({"A": D(1)}, VIOLATED, PASSED),
        ({"B": D(2)}, VIOLATED, PASSED),
        ({}, PASSED, PASSED),
    ],
)
def test_pairs_ignore_the_strategy(values, compulsory, exclusive):
    for strategy in ("skip_if_any_missing", "skip_if_all_missing", "never_skip"):
        assert run("#{A}", "compulsory_pair", "#{B}", strategy, values).status == compulsory
        assert run("#{A}", "exclusive_pair", "#{B}", strategy, values).status == exclusive


def test_option_references_reach_the_resolver():
    values = {"Q.HO_NGHEO": D(3), "Q.KHAC": D(4), "Q": D(7)}
    outcome = run("#{Q.HO_NGHEO} + #{Q.KHAC}", "==", "#{Q}", "skip_if_any_missing", values)
    assert outcome.status == PASSED


def test_unknown_operator_or_strategy_is_a_programming_error():
    with pytest.raises(ValueError):
        run("1", "=<", "2", "never_skip", {})
    with pytest.raises(ValueError):
        run("1", "<=", "2", "sometimes", {})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D(1250), "1.250"),
        (D("1250.000000"), "1.250"),
        (D("64.5"), "64,5"),
        (D("2.004"), "2"),
        (D("0.333333"), "0,33"),
        (D("-1200"), "-1.200"),
        (None, "—"),
    ],
)
def test_figures_in_vietnamese_format(value, text):
    assert format_figure(value) == text


def test_message_names_both_figures():
    template = "Tổng số phần quà ({left}) khác tổng các nhóm đối tượng ({right}), lệch {difference}"
    assert render_message(template, D(1250), D(1200)) == (
        "Tổng số phần quà (1.250) khác tổng các nhóm đối tượng (1.200), lệch 50"
    )
    assert render_message("{left} / {right} / {difference}", D(3), None) == "3 / — / —"


@pytest.mark.parametrize(
    ("num", "den", "factor", "decimals", "values", "expected"),
    [
        # Coverage: 450 doses for 600 people = 75,0%.
        ("#{D}", "#{P}", D(100), 1, {"D": D(450), "P": D(600)}, (D("75.0"), D(450), D(600))),
        # Poverty rate 62 / 3314 = 1,8708...% -> 1,87%.
        ("#{N}", "#{H}", D(100), 2, {"N": D(62), "H": D(3314)}, (D("1.87"), D(62), D(3314))),
        # Rounds half up: 1 / 8 = 12,5% -> 13%.
        ("#{N}", "#{H}", D(100), 0, {"N": D(1), "H": D(8)}, (D(13), D(1), D(8))),
        # Per capita without a percentage: 444.960 kg / 29.664 people = 15 kg.
        (
            "#{K}",
            "#{P}",
            D(1),
            1,
            {"K": D(444960), "P": D(29664)},
            (D("15.0"), D(444960), D(29664)),
        ),
        # No value: a missing part or a zero denominator.
        ("#{N}", "#{H}", D(100), 1, {"N": D(5)}, (None, D(5), None)),
        ("#{N}", "#{H}", D(100), 1, {"N": D(5), "H": D(0)}, (None, D(5), D(0))),
    ],
)
def test_computed_ratio(num, den, factor, decimals, values, expected):
    result = compute_ratio(
        parse(num, expect=NUMBER),
        parse(den, expect=NUMBER),
        factor,
        decimals,
        lambda ref: values.get(ref.code),
    )
    assert (result.value, result.numerator, result.denominator) == expected


def test_computed_ratio_without_denominator():
    result = compute_ratio(parse("#{A} * 2"), None, D(1), 0, lambda ref: D(21))
    assert (result.value, result.numerator, result.denominator) == (D(42), D(42), None)
