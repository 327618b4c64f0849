"""Vietnamese dates: the numeric form, the Decree 30/2020 long form, weekdays, and parsing.

Decree 30/2020/NĐ-CP writes the place-date line of an official document as
"Bình Phước, ngày 14 tháng 02 năm 2023": days below 10 and months 1 and 2 take a leading zero,
months 3 to 12 do not ("ngày 05 tháng 3 năm 2024").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from chiso.core.errors import ChisoError, gettext_noop, register_messages

register_messages(
    {
        "date.invalid": gettext_noop(
            "'%(text)s' không phải ngày hợp lệ (ví dụ: 14/02/2023 hoặc ngày 14 tháng 02 năm 2023)"
        ),
        "date.nonexistent": gettext_noop("'%(text)s': không có ngày này"),
        "date.weekday_mismatch": gettext_noop(
            "'%(text)s': ngày %(date)s là %(weekday)s, không phải %(written)s"
        ),
    }
)

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
"""Weekday names indexed by ``date.weekday()`` (Monday is 0)."""


def format_date_short(d: date) -> str:
    """``14/02/2023``: day and month zero-padded."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_date(d: date) -> str:
    """``ngày 14/02/2023``."""
    return f"ngày {format_date_short(d)}"


def format_date_long(d: date) -> str:
    """``ngày 14 tháng 02 năm 2023``, ``ngày 05 tháng 3 năm 2024`` (Decree 30/2020 padding)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year:04d}"


def place_date_line(place: str, d: date) -> str:
    """The place-date line of an official document: ``Bình Phước, ngày 14 tháng 02 năm 2023``."""
    return f"{place}, {format_date_long(d)}"


def format_weekday_date(d: date) -> str:
    """``Thứ ba - 14/11/2023``."""
    return f"{WEEKDAYS[d.weekday()]} - {format_date_short(d)}"


_WEEKDAY_INDEX = {name.casefold(): index for index, name in enumerate(WEEKDAYS)}
_DATE = re.compile(
    r"(?:(?P<weekday>thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật)\s*-\s*)?"
    r"(?:ngày\s+)?"
    r"(?:(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"
    r"|(?P<iso_y>[0-9]{4})-(?P<iso_m>[0-9]{2})-(?P<iso_d>[0-9]{2})"
    r"|(?P<long_d>[0-9]{1,2})\s+tháng\s+(?P<long_m>[0-9]{1,2})\s+năm\s+(?P<long_y>[0-9]{4}))",
    re.IGNORECASE,
)


def parse_date(text: str) -> date:
    """Parse ``14/02/2023``, ``14/2/2023``, ``ngày 14/02/2023``, ``2023-02-14``,
    ``ngày 14 tháng 02 năm 2023`` or ``Thứ ba - 14/11/2023`` (the weekday must be right).
    """
    normalized = " ".join(unicodedata.normalize("NFC", text).split())
    match = _DATE.fullmatch(normalized)
    if match is None:
        raise ChisoError("date.invalid", text=text)
    day, month, year = next(
        (match[f"{prefix}d"], match[f"{prefix}m"], match[f"{prefix}y"])
        for prefix in ("", "iso_", "long_")
        if match[f"{prefix}d"] is not None
    )
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        raise ChisoError("date.nonexistent", text=text) from None
    written = match["weekday"]
    if written is not None and _WEEKDAY_INDEX[written.casefold()] != parsed.weekday():
        raise ChisoError(
            "date.weekday_mismatch",
            text=text,
            date=format_date_short(parsed),
            weekday=WEEKDAYS[parsed.weekday()],
            written=written,
        )
    return parsed
