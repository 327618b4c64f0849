"""Message templates of the checker's findings (Vietnamese source text, marked for gettext).

A finding stores its template ``code`` and ``params`` (figures already written the Vietnamese
way); the edges render it through gettext with :func:`render_template`. The templates are also
registered with :mod:`chiso.core.errors` so that every core message lives in one catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chiso.core.errors import gettext_noop, register_messages

TEMPLATES: dict[str, str] = {
    "check.unreadable": gettext_noop("Không đọc được tệp '%(path)s': %(reason)s"),
    # Part-whole sums.
    "check.sum.mismatch": gettext_noop(
        "Tổng các thành phần %(parts)s = %(sum)s, khác %(total)s đã nêu"
    ),
    "check.sum.exceeds": gettext_noop(
        "Tổng các thành phần %(parts)s = %(sum)s, vượt quá %(total)s đã nêu"
    ),
    "check.sum.incomplete": gettext_noop(
        "Tổng các thành phần %(parts)s = %(sum)s, nhỏ hơn %(total)s đã nêu: danh sách "
        "'trong đó' có thể chưa đầy đủ"
    ),
    "check.sum.overlap": gettext_noop(
        "Tổng các thành phần %(parts)s = %(sum)s, vượt quá %(total)s đã nêu; tuy nhiên các "
        "thành phần có thể chồng lấn nhau (được chia theo những tiêu chí khác nhau)"
    ),
    "check.sum.direction": gettext_noop(
        "Tổng các thành phần %(parts)s = %(sum)s, không phù hợp với '%(total_text)s' đã nêu"
    ),
    "check.sum.approximate": gettext_noop(
        "Tổng các thành phần %(parts)s = %(sum)s, chênh nhiều so với '%(total_text)s' đã nêu "
        "(có số liệu ước tính nên chỉ cảnh báo)"
    ),
    "check.sum.rounded": gettext_noop(
        "Tổng các thành phần %(parts)s = %(sum)s, khác %(total)s đã nêu; chênh lệch có thể do "
        "làm tròn"
    ),
    # Ratio written with a percentage: "843/843 thôn (100%)".
    "check.ratio.percent": gettext_noop("%(ratio)s = %(computed)s, khác %(stated)s đã nêu"),
    "check.ratio.truncated": gettext_noop(
        "%(ratio)s = %(exact)s, làm tròn là %(computed)s; %(stated)s đã nêu có vẻ bị cắt bớt "
        "chữ số thay vì làm tròn"
    ),
    # A part's share of the whole: "1.076 dịch vụ công, chiếm tỷ lệ 73,3%".
    "check.share.percent": gettext_noop(
        "%(part)s / %(total)s = %(computed)s, khác %(stated)s đã nêu"
    ),
    "check.share.truncated": gettext_noop(
        "%(part)s / %(total)s = %(exact)s, làm tròn là %(computed)s; %(stated)s đã nêu có vẻ bị "
        "cắt bớt chữ số thay vì làm tròn"
    ),
    "check.share.approximate": gettext_noop(
        "%(part)s / %(total)s = %(computed)s, khác %(stated)s đã nêu (có số liệu ước tính nên "
        "chỉ cảnh báo)"
    ),
    "check.share.implicit": gettext_noop(
        "%(part)s / %(total)s = %(computed)s, khác %(stated)s đã nêu (nếu tỷ lệ này tính trên "
        "%(total)s nêu trước đó trong câu)"
    ),
    "check.share.sum": gettext_noop(
        "Tổng các tỷ lệ thành phần %(parts)s = %(sum)s, vượt quá 100%%"
    ),
    "check.share.sum_complete": gettext_noop(
        "Tổng các tỷ lệ thành phần %(parts)s = %(sum)s, khác 100%%"
    ),
    # Percentages against a base stated beside them.
    "check.plan.percent": gettext_noop(
        "%(actual)s / kế hoạch %(base)s = %(computed)s, khác %(stated)s đã nêu"
    ),
    "check.change.percent": gettext_noop(
        "(%(actual)s − %(base_number)s) / %(base)s = %(computed)s, khác %(stated)s đã nêu"
    ),
    "check.prior.percent": gettext_noop(
        "%(actual)s / %(base)s (cùng kỳ) = %(computed)s, khác %(stated)s đã nêu"
    ),
    # Count × unit rate against a stated amount.
    "check.rate.amount": gettext_noop(
        "%(count)s × %(rate)s = %(computed)s, khác %(stated)s đã nêu"
    ),
    "check.rate.amounts": gettext_noop("%(products)s = %(computed)s, khác %(stated)s đã nêu"),
    "check.rate.direction": gettext_noop(
        "%(count)s × %(rate)s = %(computed)s, không phù hợp với '%(total_text)s' đã nêu"
    ),
    "check.rate.ambiguous": gettext_noop(
        "%(count)s × %(rate)s = %(computed)s, khác %(stated)s đã nêu; câu có nhiều số lượng "
        "hoặc số tiền nên chưa chắc chúng đi cùng nhau"
    ),
    "check.rate.rounded": gettext_noop(
        "%(count)s × %(rate)s = %(computed)s, khác %(stated)s đã nêu; chênh lệch có thể do làm tròn"
    ),
    # Two statements implying different totals.
    "check.conflict.shares": gettext_noop(
        "%(first)s ứng với %(first_percent)s cho tổng khoảng %(first_total)s, còn %(second)s "
        "ứng với %(second_percent)s cho tổng khoảng %(second_total)s: hai tỷ lệ không thể cùng "
        "đúng với một tổng"
    ),
    "check.conflict.total": gettext_noop(
        "Tổng '%(label)s' được nêu là %(stated)s ở đây nhưng là %(other)s ở chỗ khác trong văn bản"
    ),
    "check.conflict.balance": gettext_noop("%(expression)s = %(computed)s, khác %(stated)s đã nêu"),
    "check.conflict.flow": gettext_noop(
        "Đã giải quyết %(settled)s + đang giải quyết %(pending)s = %(computed)s, khác %(stated)s "
        "tiếp nhận đã nêu (trừ khi có hồ sơ bị trả lại, rút hoặc chuyển kỳ sau)"
    ),
}

register_messages(TEMPLATES)


def render_template(
    code: str,
    params: Mapping[str, str],
    translate: Callable[[str], str] | None = None,
) -> str:
    """Fill ``code``'s template (passed through ``translate``) with ``params``."""
    template = TEMPLATES[code]
    if translate is not None:
        template = translate(template)
    try:
        return template % dict(params)
    except (KeyError, TypeError, ValueError):
        return template
