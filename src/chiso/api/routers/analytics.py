"""``GET /api/analytics``: an analytics table, DHIS2-style query names.

``dx``: indicator codes separated by ``;``; ``ou``: a unit code (resolved on the period's last
day); ``pe``: a period id; ``level``: a tier (``tinh``, ``huyen``, ``xa``, ``thon``) for one row
per unit of that tier under ``ou``; ``ytd``: year to date up to ``pe``; ``co``: one row per
option combo as well; ``format=csv`` for CSV (UTF-8 with a byte-order mark, so Excel reads the
Vietnamese names), otherwise JSON ``{"headers": [...], "rows": [[...], ...]}``. Values are
strings like in DHIS2 (``"38406"``, ``"96.015"``, ``""`` for none, ``"true"``/``"false"``).
A unit outside the caller's view scope answers 404, like a missing one.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema

from chiso.analytics.selectors import ROW_FIELDS, Row, analytics_table

router = Router(tags=["analytics"])


class AnalyticsQuery(Schema):
    dx: str
    ou: str
    pe: str
    level: str | None = None
    ytd: bool = False
    co: bool = False
    format: Literal["json", "csv"] = "json"


class AnalyticsOut(Schema):
    headers: list[str]
    rows: list[list[str]]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _table(rows: list[Row]) -> list[list[str]]:
    return [[_cell(getattr(row, name)) for name in ROW_FIELDS] for row in rows]


@router.get("", response=AnalyticsOut)
def analytics(request, query: AnalyticsQuery = Query(...)):
    rows = analytics_table(
        user=request.user,
        indicators=query.dx.split(";"),
        orgunit=query.ou,
        period=query.pe,
        level=query.level or None,
        by_option_combo=query.co,
        year_to_date=query.ytd,
    )
    if query.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(ROW_FIELDS)
        writer.writerows(_table(rows))
        response = HttpResponse(
            ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="analytics.csv"'
        return response
    return {"headers": list(ROW_FIELDS), "rows": _table(rows)}
