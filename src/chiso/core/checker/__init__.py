"""The report checker: find the arithmetic in a Vietnamese report that does not hold.

``check_text(text)`` reads every figure (claims) and returns the findings: part-whole sums,
ratios and shares against their stated percentages, count × unit price against the stated
amount, percentages of a plan or of the same period against the base written beside them, and
totals implied by two statements that conflict. Pure Python: no Django.

    >>> result = check_text("Có 1.468 hồ sơ, trong đó: đúng hạn 1.076 hồ sơ, quá hạn 396 hồ sơ.")
    >>> [f.message for f in result.errors]
    ['Tổng các thành phần 1.076 + 396 = 1.472 hồ sơ, vượt quá 1.468 hồ sơ đã nêu']
"""

from chiso.core.checker.messages import TEMPLATES
from chiso.core.checker.model import CheckResult, Claim, Finding, render_message
from chiso.core.checker.pipeline import check_text

__all__ = ["TEMPLATES", "CheckResult", "Claim", "Finding", "check_text", "render_message"]
