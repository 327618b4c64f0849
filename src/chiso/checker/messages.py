"""Messages of the comparison with chiso's data (Vietnamese source text, marked for gettext).

They are rendered through gettext when the finding is made (in the active language); the
arithmetic findings of the core keep their own templates (``chiso.core.checker.messages``).
"""

from __future__ import annotations

from chiso.core.errors import gettext_noop, register_messages

DATA_TEMPLATES: dict[str, str] = {
    "check.data.value": gettext_noop(
        "Số liệu nêu %(stated)s; dữ liệu chiso (%(unit)s, %(period)s): %(data)s"
    ),
    "check.data.plan": gettext_noop(
        "Số liệu nêu đạt %(stated)s kế hoạch; dữ liệu chiso (%(unit)s, %(period)s): "
        "%(data)s kế hoạch (%(value)s / %(target)s)"
    ),
    "check.data.change": gettext_noop(
        "Số liệu nêu %(stated)s so với cùng kỳ; dữ liệu chiso (%(unit)s, %(period)s): "
        "%(data)s (%(value)s so với %(last)s)"
    ),
    "check.data.prior": gettext_noop(
        "Số liệu nêu bằng %(stated)s so với cùng kỳ; dữ liệu chiso (%(unit)s, %(period)s): "
        "%(data)s (%(value)s so với %(last)s)"
    ),
}

register_messages(
    {
        "check.unit_not_found": gettext_noop("Không tìm thấy đơn vị mã '%(unit)s'."),
        "check.no_user": gettext_noop(
            "Chưa có tài khoản quản trị nào để đọc dữ liệu (hãy chạy 'chiso demo' hoặc tạo "
            "tài khoản quản trị)."
        ),
    }
)

APPROX_WORDS: dict[str, str] = {
    "gt": gettext_noop("trên"),
    "ge": gettext_noop("tối thiểu"),
    "lt": gettext_noop("dưới"),
    "le": gettext_noop("tối đa"),
    "about": gettext_noop("khoảng"),
}
INCREASE = gettext_noop("tăng %(percent)s")
DECREASE = gettext_noop("giảm %(percent)s")
