"""The checker's data shape: claims read from a text and findings about them.

A ``CheckResult`` serialises (``to_dict``/``to_json``) to exactly::

    {"claims": [{"start", "end", "text", "kind", "value", "unit"}],
     "findings": [{"severity", "kind", "start", "end", "stated", "computed", "message"}]}

``start``/``end`` are character offsets into the text as given to ``check_text``. Everything else
on the dataclasses (parsed values, the message code and its parameters) is for the Python side
and is not serialised.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chiso.core.checker.messages import render_template

__all__ = ["CheckResult", "Claim", "Finding", "render_message"]

ERROR = "error"
WARNING = "warning"


@dataclass(eq=False)
class Claim:
    """One figure in the text: a count, an amount, a percentage, a ratio or a unit rate.

    ``kind`` is one of ``count``, ``money``, ``measure``, ``rate``, ``ratio``, ``percent``,
    ``percent_share``, ``percent_rate``, ``percent_plan``, ``percent_change``,
    ``percent_vs_prior``. ``value`` is machine-readable: a plain decimal (``"38406"``, ``"73.3"``;
    money in đồng; a decrease is negative), ``"a/b"`` for a ratio, prefixed by ``>``, ``>=``,
    ``<``, ``<=`` or ``~`` when the text gives an approximation ("trên", "tối thiểu", "dưới",
    "tối đa", "khoảng"/"ước"/"gần"). ``unit`` is the unit as written (``"hộ"``, ``"phần quà"``),
    ``"đồng"`` for money, ``"%"`` for percentages, ``"đồng/suất"`` for a unit rate, else None.

    The other fields are for Python callers and are not serialised: ``number`` (Decimal, money
    in đồng, mass in kg), ``approx`` and the ``qualifier`` word as written, ``ukey`` (the unit
    family of :mod:`chiso.core.checker.lexicon`: "person", "household", "gift", "money",
    "mass", …), ``per`` (a rate's "per" family), ``tolerance`` (half a unit of the last digit
    written, for percentages and amounts written with "triệu"/"tỷ"), ``decimals`` (of a
    percentage), ``cue`` ("total" after "tổng số", "tổng trị giá", …).
    """

    start: int
    end: int
    text: str
    kind: str
    value: str
    unit: str | None
    # Internal, not serialised.
    number: Decimal | None = None  # the value as a Decimal (money in đồng; a ratio's numerator)
    denominator: Decimal | None = None  # a ratio's b
    approx: str | None = None  # None, "gt", "ge", "lt", "le", "about"
    qualifier: str | None = None  # the approximation word as written ("trên", "khoảng")
    ukey: str | None = None  # canonical unit key used for matching ("person", "gift", "money")
    per: str | None = None  # for a rate: the canonical key of the "per" unit
    tolerance: Decimal = Decimal(0)  # half a unit of the last digit written (scaled)
    decimals: int = 0  # percentages: decimals written
    sentence: int = 0
    depth: int = 0  # parenthesis depth
    cue: str | None = None  # "total" when introduced by tổng/tổng số/tổng cộng/tổng trị giá

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "value": self.value,
            "unit": self.unit,
        }


@dataclass(eq=False)
class Finding:
    """An arithmetic statement in the text that does not hold (error) or may not (warning).

    ``start``/``end`` cover only the disputed figure with its unit. ``message`` is rendered in
    Vietnamese from ``code``'s template and ``params``; use :func:`render_message` to translate.
    """

    severity: str
    kind: str
    start: int
    end: int
    stated: str
    computed: str
    code: str
    params: dict[str, str] = field(default_factory=dict)
    message: str = ""

    def __post_init__(self) -> None:
        if not self.message:
            self.message = render_message(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "stated": self.stated,
            "computed": self.computed,
            "message": self.message,
        }


def render_message(finding: Finding, translate: Callable[[str], str] | None = None) -> str:
    """The finding's message, its template passed through ``translate`` (identity by default)."""
    return render_template(finding.code, finding.params, translate)


@dataclass
class CheckResult:
    """What ``check_text`` found: every claim read and every finding, both in text order."""

    claims: list[Claim]
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def to_dict(self) -> dict[str, Any]:
        return {
            "claims": [claim.to_dict() for claim in self.claims],
            "findings": [finding.to_dict() for finding in self.findings],
        }

    def to_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.to_dict(), **kwargs)
