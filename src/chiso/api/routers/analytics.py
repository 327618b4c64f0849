"""``GET /api/analytics``: an analytics table, DHIS2-style query names.

``dx``: indicator codes separated by ``;``; ``ou``: a unit code (resolved on the period's last
day); ``pe``: a period id; ``level``: a tier (``tinh``, ``huyen``, ``xa``, ``thon``) for one row
per unit of that tier under ``ou``; ``ytd``: year to date up to ``pe``; ``co``: one row per
option combo as well; ``format=csv`` for CSV (UTF-8 with a byte-order mark, so Excel reads the
Vietnamese names), otherwise JSON ``{"headers": [...], "rows": [[...], ...]}``. Values are
strings like in DHIS2 (``"38406"``, ``"96.015"``, ``""`` for none, ``"true"``/``"false"``).
A unit outside the caller's view scope answers 404, like a missing one.

``dx`` may also name computed indicators (``TY_LE_HO_NGHEO``: numerator / denominator ×
factor, ``chiso.validation``); their rows follow the stored indicators' rows, with
``aggregation_type`` "computed", and the table then has two more columns, ``numerator`` and
``denominator`` (empty for stored indicators). ``co`` and ``ytd`` apply to stored indicators.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema

from chiso.analytics.selectors import ROW_FIELDS, Row, analytics_table
from chiso.validation.selectors import ComputedRow, computed_codes, computed_table

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


COMPUTED_FIELDS = ("numerator", "denominator")


def _computed_line(row: ComputedRow) -> list[str]:
    """A computed indicator's row in the columns of ``ROW_FIELDS`` + ``COMPUTED_FIELDS``."""
    values = dict.fromkeys(ROW_FIELDS)
    values.update(
        indicator=row.code,
        indicator_name=row.name,
        option_combo_name="",
        orgunit=row.orgunit,
        orgunit_name=row.orgunit_name,
        tier=row.tier,
        period=row.period,
        year_to_date=False,
        aggregation_type="computed",
        value=row.value,
        value_count=0,
        estimate=False,
        comparable=True,
        note="",
        numerator=row.numerator,
        denominator=row.denominator,
    )
    return [_cell(values.get(name)) for name in (*ROW_FIELDS, *COMPUTED_FIELDS)]


@router.get("", response=AnalyticsOut)
def analytics(request, query: AnalyticsQuery = Query(...)):
    codes = [c.strip() for c in query.dx.split(";") if c.strip()]
    known_computed = set(computed_codes())
    computed = [c for c in codes if c in known_computed]
    stored = [c for c in codes if c not in known_computed]
    rows = []
    if stored or not computed:
        rows = analytics_table(
            user=request.user,
            indicators=stored,
            orgunit=query.ou,
            period=query.pe,
            level=query.level or None,
            by_option_combo=query.co,
            year_to_date=query.ytd,
        )
    headers, lines = list(ROW_FIELDS), _table(rows)
    if computed:
        headers += COMPUTED_FIELDS
        lines = [[*line, "", ""] for line in lines]
        lines += [
            _computed_line(row)
            for row in computed_table(
                request.user, computed, query.ou, query.pe, level=query.level or None
            )
        ]
    if query.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(lines)
        response = HttpResponse(
            ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="analytics.csv"'
        return response
    return {"headers": headers, "rows": lines}
