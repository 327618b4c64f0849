"""Vietnamese number, percent, date and period formatting for templates (the edges).

{% load vn %}
{{ value|vn_number }}        38.406        (None or "" → "")
{{ value|vn_number:1 }}      64,5
{{ ratio|vn_percent }}       96,0%         (the percentage itself: 96.015 → "96,0%")
{{ ratio|vn_percent:0 }}     96%
{{ change|vn_signed_percent }} +4,0%      (sign shown when the rounded change is not 0)
{{ day|vn_date }}            ngày 14/02/2023
{{ day|vn_date:"short" }}    14/02/2023
{{ "2023Q3"|period_label }}  quý III/2023  (also takes a Period)
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext

from chiso.core.dates import format_date, format_date_short
from chiso.core.errors import ChisoError
from chiso.core.numbers import format_number, format_percent
from chiso.core.periods import Period, YearToDate

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    try:
        # Floats go through str() so 0.1 stays 0.1 rather than its binary expansion.
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _decimals(arg) -> int | None:
    if arg is None or arg == "":
        return None
    try:
        return int(arg)
    except (TypeError, ValueError):
        return None


@register.filter
def vn_number(value, decimals=None) -> str:
    """``38.406``; with ``decimals`` rounded half up to that many places. Empty for None."""
    number = _decimal(value)
    if number is None:
        return ""
    return format_number(number, _decimals(decimals))


@register.filter
def vn_percent(value, decimals=1) -> str:
    """``96,0%`` for 96.015 (the value is already a percentage). Empty for None."""
    number = _decimal(value)
    if number is None:
        return ""
    places = _decimals(decimals)
    return format_percent(number, 1 if places is None else places)


@register.filter
def vn_signed_percent(value, decimals=1) -> str:
    """``+4,0%`` / ``-2,5%`` / ``0,0%``: a change, signed. Empty for None."""
    number = _decimal(value)
    if number is None:
        return ""
    places = _decimals(decimals)
    places = 1 if places is None else places
    text = format_percent(number, places)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"+{text}" if rounded > 0 else text


@register.filter
def vn_date(value, style="") -> str:
    """``ngày 14/02/2023`` (``style="short"``: ``14/02/2023``). Empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return str(value)
    return format_date_short(value) if style == "short" else format_date(value)


@register.filter
def period_label(value) -> str:
    """The Vietnamese label of a period (a ``Period``, ``YearToDate`` or an id like ``2023Q3``),
    translated into the active language; the text itself if it names no period."""
    if value is None or value == "":
        return ""
    if isinstance(value, Period | YearToDate):
        return value.format_label(gettext)
    try:
        return Period.parse(str(value)).format_label(gettext)
    except ChisoError:
        return str(value)
