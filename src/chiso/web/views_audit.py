"""The audit pages: ``/audit/?kind=values|approvals|logins&ou=&pe=&ind=&group=&user=``.

Value changes (who, when, old → new, channel), approval steps and logins, within the user's
view scope (``chiso.datavalues.audit``), newest first, 50 to a page; ``format=csv`` downloads
every matching row (UTF-8 with a byte-order mark, machine values, times in ISO 8601). There is
no way to change or delete a row.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from chiso.core.numbers import format_number
from chiso.datavalues.audit import AuditFilter, AuditKind, audit_entries, audit_table
from chiso.indicators.models import ValueType
from chiso.web.pickers import parse_period_param

PAGE_SIZE = 50
_NUMERIC = {ValueType.INTEGER, ValueType.NUMBER, ValueType.PERCENTAGE, ValueType.MONEY}


class _Echo:
    """A file-like object whose ``write`` returns the line (for streaming CSV)."""

    def write(self, value: str) -> str:
        return value


def _shown(value_type: str, text: str) -> str:
    """A stored value (canonical text, as the audit keeps it) the Vietnamese way."""
    if not text:
        return ""
    if value_type == ValueType.BOOLEAN:
        return gettext("có") if text == "true" else gettext("không")
    if value_type in _NUMERIC:
        try:
            return format_number(Decimal(text))
        except (InvalidOperation, ValueError):
            return text
    return text


def _csv(kind: AuditKind, queryset, filename: str) -> StreamingHttpResponse:
    header, rows = audit_table(kind, queryset)
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def audit(request):
    get = request.GET
    try:
        kind = AuditKind(get.get("kind") or AuditKind.VALUES)
    except ValueError:
        kind = AuditKind.VALUES
    period, period_error = parse_period_param(get.get("pe"), None)
    filters = AuditFilter(
        unit_code=get.get("ou", "").strip(),
        period=period,
        indicator_code=get.get("ind", "").strip() if kind is AuditKind.VALUES else "",
        group_code=get.get("group", "").strip() if kind is AuditKind.APPROVALS else "",
        username=get.get("user", "").strip(),
    )
    entries = audit_entries(request.user, kind, filters)
    if get.get("format") == "csv":
        return _csv(kind, entries, f"chiso-nhat-ky-{kind.value}.csv")

    page = Paginator(entries, PAGE_SIZE).get_page(get.get("page"))
    rows = list(page.object_list)
    if kind is AuditKind.VALUES:
        for row in rows:
            value_type = row.datavalue.indicator.value_type
            row.old_shown = _shown(value_type, row.old_value)
            row.new_shown = _shown(value_type, row.new_value)
    kept = {
        "kind": kind.value,
        "ou": filters.unit_code,
        "pe": get.get("pe", "").strip() if period is not None else "",
        "ind": filters.indicator_code,
        "group": filters.group_code,
        "user": filters.username,
    }
    query = urlencode({k: v for k, v in kept.items() if v})
    tabs = [
        (AuditKind.VALUES, gettext("Số liệu")),
        (AuditKind.APPROVALS, gettext("Phê duyệt")),
        (AuditKind.LOGINS, gettext("Đăng nhập")),
    ]
    context = {
        "kind": kind.value,
        "tabs": [(k.value, label) for k, label in tabs],
        "filters": kept,
        "period_error": period_error,
        "page": page,
        "rows": rows,
        "query": query,
        "csv_query": urlencode({**{k: v for k, v in kept.items() if v}, "format": "csv"}),
    }
    return render(request, "web/audit/index.html", context)
