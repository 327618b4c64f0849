"""Generators for the common rules, from catalog indicators.

Each returns a ``RuleSpec`` (the arguments of ``services.validation_rule_save``), with a code,
expressions and a Vietnamese message naming both figures:

- ``total_equals_parts``: a stated total equals the sum of a disaggregated indicator
  ("Tổng số phần quà ({left}) khác tổng các nhóm đối tượng ({right})");
- ``part_le_whole``: a part is at most its whole (poor households ≤ households);
- ``sum_equals``: parts add up to a whole (settled + pending = received);
- ``percentage_max_100``: a percentage that cannot exceed 100;
- ``unusual_value``: a value far from the mean of the previous periods (a warning). The
  expression language has no square root, so the spread is the mean absolute deviation of the
  history scaled to a standard deviation (× 1,2533 for normally spread values), floored at a
  fifth of the mean and at 1; the rule holds when |value − mean| ≤ z × spread.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from chiso.core.expressions import NUMBER, format_expression, parse
from chiso.indicators.models import Indicator
from chiso.validation.models import Importance, MissingValueStrategy

__all__ = [
    "RuleSpec",
    "part_le_whole",
    "percentage_max_100",
    "sum_equals",
    "total_equals_parts",
    "unusual_value",
]

MAD_TO_SD = "1.2533"


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    left: str
    operator: str
    right: str
    period_type: str
    message: str
    missing_strategy: str = MissingValueStrategy.SKIP_IF_ANY
    importance: str = Importance.HIGH
    blocking: bool = False
    tiers: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""
    generator: str = ""

    def as_kwargs(self) -> dict:
        values = asdict(self)
        values["tiers"] = list(self.tiers)
        return values


def _label(indicator: Indicator) -> str:
    """The Vietnamese name without a trailing parenthesis."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", indicator.name_vi).strip()


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _canonical(text: str) -> str:
    return format_expression(parse(text, expect=NUMBER))


def _same_period_type(*indicators: Indicator) -> str:
    types = {i.period_type for i in indicators}
    if len(types) != 1:
        codes = ", ".join(i.code for i in indicators)
        raise ValueError(f"{codes}: different period types {sorted(types)}")
    return types.pop()


def total_equals_parts(
    total: Indicator,
    parts: Indicator,
    *,
    importance: str = Importance.HIGH,
    blocking: bool = False,
    tiers: tuple[str, ...] = ("xa",),
) -> RuleSpec:
    """``#{TOTAL} == #{PARTS}``: the stated total equals the sum over the disaggregation."""
    categories = [c.name_vi.lower() for c in parts.category_combo.ordered_categories()]
    what = " và ".join(categories) or _lower(_label(parts))
    label = _label(total)
    return RuleSpec(
        code=f"TONG_{parts.code}",
        name=f"{label} bằng tổng các {what}",
        left=f"#{{{total.code}}}",
        operator="==",
        right=f"#{{{parts.code}}}",
        period_type=_same_period_type(total, parts),
        message=f"{label} ({{left}}) khác tổng các {what} ({{right}})",
        importance=importance,
        blocking=blocking,
        tiers=tiers,
        description=f"{total.code} = tổng các phân tổ của {parts.code}",
        generator="total_equals_parts",
    )


def part_le_whole(
    part: Indicator,
    whole: Indicator,
    *,
    importance: str = Importance.HIGH,
    blocking: bool = False,
    tiers: tuple[str, ...] = (),
) -> RuleSpec:
    """``#{PART} <= #{WHOLE}``."""
    return RuleSpec(
        code=f"{part.code}_LE_{whole.code}",
        name=f"{_label(part)} không vượt quá {_lower(_label(whole))}",
        left=f"#{{{part.code}}}",
        operator="<=",
        right=f"#{{{whole.code}}}",
        period_type=_same_period_type(part, whole),
        message=f"{_label(part)} ({{left}}) lớn hơn {_lower(_label(whole))} ({{right}})",
        importance=importance,
        blocking=blocking,
        tiers=tiers,
        generator="part_le_whole",
    )


def sum_equals(
    parts: list[Indicator],
    whole: Indicator,
    *,
    importance: str = Importance.HIGH,
    blocking: bool = False,
    tiers: tuple[str, ...] = (),
) -> RuleSpec:
    """``#{A} + #{B} + … == #{WHOLE}``."""
    label = " + ".join(_label(p) if i == 0 else _lower(_label(p)) for i, p in enumerate(parts))
    return RuleSpec(
        code=f"CONG_{whole.code}",
        name=f"{label} bằng {_lower(_label(whole))}",
        left=" + ".join(f"#{{{p.code}}}" for p in parts),
        operator="==",
        right=f"#{{{whole.code}}}",
        period_type=_same_period_type(*parts, whole),
        message=f"{label} ({{left}}) khác {_lower(_label(whole))} ({{right}})",
        importance=importance,
        blocking=blocking,
        tiers=tiers,
        generator="sum_equals",
    )


def percentage_max_100(
    indicator: Indicator,
    *,
    importance: str = Importance.HIGH,
    blocking: bool = True,
    tiers: tuple[str, ...] = (),
) -> RuleSpec:
    """``#{X} <= 100`` for a percentage that cannot exceed 100."""
    return RuleSpec(
        code=f"{indicator.code}_TOI_DA_100",
        name=f"{_label(indicator)} không vượt quá 100%",
        left=f"#{{{indicator.code}}}",
        operator="<=",
        right="100",
        period_type=indicator.period_type,
        message=f"{_label(indicator)} ({{left}}%) vượt quá 100%",
        importance=importance,
        blocking=blocking,
        tiers=tiers,
        generator="percentage_max_100",
    )


def unusual_value(
    indicator: Indicator,
    *,
    history: int = 6,
    z: int = 3,
    importance: str = Importance.LOW,
    tiers: tuple[str, ...] = ("xa",),
) -> RuleSpec:
    """|value − mean of the ``history`` previous periods| ≤ ``z`` × spread (a warning)."""
    if history < 2:
        raise ValueError("history needs at least 2 periods")
    x = f"#{{{indicator.code}}}"
    past = [f"#{{{indicator.code}}}.periodOffset(-{k})" for k in range(1, history + 1)]
    mean = f"({' + '.join(past)}) / {history}"
    deviations = " + ".join(f"greatest({p} - {mean}, {mean} - {p})" for p in past)
    spread = f"greatest({MAD_TO_SD} * ({deviations}) / {history}, {mean} * 0.2, 1)"
    return RuleSpec(
        code=f"BAT_THUONG_{indicator.code}",
        name=f"{_label(indicator)}: giá trị bất thường so với {history} kỳ trước",
        left=_canonical(f"greatest({x} - {mean}, {mean} - {x})"),
        operator="<=",
        right=_canonical(f"{z} * {spread}"),
        period_type=indicator.period_type,
        message=(
            f"{_label(indicator)} bất thường: lệch {{left}} so với trung bình {history} kỳ"
            f" trước, vượt ngưỡng {{right}} ({z} độ lệch chuẩn)"
        ),
        importance=importance,
        blocking=False,
        tiers=tiers,
        description=(
            f"Cảnh báo khi |giá trị − trung bình {history} kỳ trước| > {z} × độ lệch chuẩn"
            f" (ước lượng bằng {MAD_TO_SD.replace('.', ',')} × độ lệch tuyệt đối trung bình,"
            " tối thiểu 20% trung bình và 1)"
        ),
        generator="unusual_value",
    )
