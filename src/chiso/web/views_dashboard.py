"""The leaders' dashboard: ``/dashboard/?ou=CODE&pe=PERIOD[&ind=CODE][&format=csv|xlsx]``.

For one unit (a code means the version valid on the period's last day) and one period: every
indicator of every group with its value, target, % of plan and change on the same period last
year; for one chosen indicator, the breakdown by the units one tier down (table and an inline
SVG bar chart). The figures come from ``chiso.analytics.selectors.analytics_table`` (two calls:
the unit, then its child tier), so the page costs a few queries whatever the number of units.
``format=csv`` / ``format=xlsx`` download the indicator table (``table=units``: the breakdown).
Computed indicators (``chiso.validation``: value with its numerator and denominator) follow the
indicators, on the page and in the downloads; each active scorecard shows "đạt X/N tiêu chí"
per commune under the unit (for the year of the period) with the criteria missing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from chiso.accounts.access import Action, UnitNotFound, require_unit, units_in_scope
from chiso.analytics.selectors import Row, analytics_table
from chiso.core.errors import ChisoError
from chiso.core.numbers import format_percent
from chiso.core.periods import Period, PeriodType
from chiso.indicators.models import Indicator, IndicatorGroup
from chiso.indicators.selectors import indicator_group_list
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_get_by_code, orgunit_valid_on
from chiso.validation.models import Scorecard
from chiso.validation.selectors import (
    ComputedRow,
    ScorecardResult,
    computed_table,
    scorecard_period,
    scorecard_results,
)
from chiso.web.pickers import (
    parse_period_param,
    part_choices,
    period_from_parts,
    period_parts,
    today,
    unit_choices,
    year_choices,
)

_TYPE_RANK = {
    PeriodType.YEAR: 0,
    PeriodType.HALF: 1,
    PeriodType.QUARTER: 2,
    PeriodType.MONTH: 3,
    PeriodType.WEEK: 4,
    PeriodType.DAY: 5,
}
KPI_LIMIT = 6
CHART_WIDTH = 640
CHART_LABEL = 200
CHART_BAR = 340
CHART_ROW = 22
LABEL_CHARS = 30


@dataclass
class Line:
    """One indicator of the summary table."""

    indicator: Indicator
    row: Row | None

    @property
    def has_value(self) -> bool:
        return self.row is not None and self.row.value is not None


@dataclass
class Section:
    group: IndicatorGroup
    lines: list[Line]


@dataclass
class ScorecardBlock:
    scorecard: Scorecard
    period: Period
    results: list[ScorecardResult]

    @property
    def meeting(self) -> int:
        return sum(1 for r in self.results if r.meets)


def _scorecards(user, unit: OrgUnit, period: Period) -> list[ScorecardBlock]:
    year = scorecard_period(period)
    blocks = []
    for scorecard in Scorecard.objects.filter(active=True):
        results = scorecard_results(user, scorecard, unit, year)
        if results:
            results.sort(key=lambda r: (-r.passed, r.unit.name))
            blocks.append(ScorecardBlock(scorecard, year, results))
    return blocks


@dataclass
class Bar:
    row: Row
    label: str
    y: int
    width: int
    text_x: int


def _dashboard_url(**params) -> str:
    return f"{reverse('web:dashboard')}?{urlencode({k: v for k, v in params.items() if v})}"


def _signed_percent(value: Decimal | None) -> str:
    """``+4,0%``, ``-2,5%``, ``0,0%``; empty for None."""
    if value is None:
        return ""
    text = format_percent(value)
    return f"+{text}" if _rounded(value) > 0 else text


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def change_sentence(row: Row | None) -> str:
    """The change in words: "tăng 4,0% so với cùng kỳ", "giảm 2,5% …", "bằng cùng kỳ"."""
    if row is None:
        return ""
    if not row.comparable:
        return row.note
    if row.change_percent is None:
        return ""
    rounded = _rounded(row.change_percent)
    if rounded > 0:
        return gettext("tăng %(percent)s so với cùng kỳ") % {"percent": format_percent(rounded)}
    if rounded < 0:
        return gettext("giảm %(percent)s so với cùng kỳ") % {"percent": format_percent(-rounded)}
    return gettext("bằng cùng kỳ")


def plan_sentence(row: Row | None) -> str:
    """The % of plan in words: "đạt 96,0% kế hoạch"."""
    if row is None or row.percent_of_target is None:
        return ""
    return gettext("đạt %(percent)s kế hoạch") % {"percent": format_percent(row.percent_of_target)}


def _resolve_unit(user, code: str, period: Period) -> OrgUnit:
    try:
        unit = orgunit_get_by_code(code, period.end)
    except (OrgUnit.DoesNotExist, OrgUnit.MultipleObjectsReturned):
        raise Http404 from None
    try:
        return require_unit(user, unit, Action.VIEW)
    except UnitNotFound:
        raise Http404 from None


def _default_unit(user, period: Period) -> OrgUnit | None:
    """A non-national user's first view-scope unit valid at the period's end; None for a user
    who sees the whole country (they pick a province)."""
    if user.is_superuser:
        return None
    scope = units_in_scope(user, Action.VIEW).filter(orgunit_valid_on(period.end))
    first = scope.order_by("path").first()
    if first is not None and first.parent_id is None and scope.filter(parent=None).count() > 1:
        return None  # national scope: let them choose
    return first


def _sections(groups, period: Period) -> tuple[list[Section], list[str]]:
    """Groups with the indicators that can have a value for ``period`` (collected by its kind
    or a finer one), and the distinct codes in order."""
    rank = _TYPE_RANK[period.type]
    sections, codes, seen = [], [], set()
    for group in groups:
        indicators = [
            m.indicator
            for m in group.members.all()
            if _TYPE_RANK[PeriodType(m.indicator.period_type)] >= rank
        ]
        if not indicators:
            continue
        sections.append(Section(group=group, lines=[Line(i, None) for i in indicators]))
        for indicator in indicators:
            if indicator.code not in seen:
                seen.add(indicator.code)
                codes.append(indicator.code)
    return sections, codes


def _child_tier(unit: OrgUnit, period: Period) -> str | None:
    return (
        OrgUnit.objects.filter(orgunit_valid_on(period.end), parent=unit)
        .values_list("tier", flat=True)
        .first()
    )


def _chart(rows: list[Row]) -> dict | None:
    """Horizontal bars (largest first) for the rows with a value."""
    with_values = sorted((r for r in rows if r.value is not None), key=lambda r: -r.value)
    if not with_values:
        return None
    top = max(with_values[0].value, Decimal(0))
    bars = []
    for index, row in enumerate(with_values):
        width = 0 if top <= 0 or row.value <= 0 else max(1, int(row.value / top * CHART_BAR))
        name = row.orgunit_name
        label = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
        bars.append(
            Bar(
                row=row,
                label=label,
                y=index * CHART_ROW + 6,
                width=width,
                text_x=CHART_LABEL + width + 6,
            )
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": len(bars) * CHART_ROW + 12,
        "label_x": CHART_LABEL - 8,
        "bar_x": CHART_LABEL,
        "bar_height": CHART_ROW - 6,
    }


@require_GET
@login_required
def dashboard(request):
    user = request.user
    if "year" in request.GET:
        try:
            picked = period_from_parts(request.GET["year"], request.GET.get("part", ""))
        except ChisoError:
            picked = None
        return redirect(
            _dashboard_url(
                ou=request.GET.get("ou", ""),
                pe=picked.id if picked else "",
                ind=request.GET.get("ind", ""),
            )
        )
    default_period = Period.containing(PeriodType.YEAR, today())
    period, period_error = parse_period_param(request.GET.get("pe"), default_period)
    code = request.GET.get("ou", "").strip()
    if code and period_error:
        # The period was not understood: show the message, whether or not the code names a
        # unit on the fallback period.
        try:
            unit = _resolve_unit(user, code, period)
        except Http404:
            unit = None
    else:
        unit = _resolve_unit(user, code, period) if code else _default_unit(user, period)

    groups = list(indicator_group_list())
    sections, codes = _sections(groups, period)
    rows: dict[str, Row] = {}
    if unit is not None and codes:
        rows = {
            r.indicator: r
            for r in analytics_table(user=user, indicators=codes, orgunit=unit, period=period)
            if r.option_combo is None
        }
    for section in sections:
        for line in section.lines:
            line.row = rows.get(line.indicator.code)

    lines = [line for section in sections for line in section.lines]
    chosen = _chosen(request.GET.get("ind", ""), lines)
    child_tier = _child_tier(unit, period) if unit is not None else None
    children: list[Row] = []
    if unit is not None and chosen is not None and child_tier:
        children = analytics_table(
            user=user, indicators=[chosen.code], orgunit=unit, period=period, level=child_tier
        )
        children = [r for r in children if r.option_combo is None]

    computed: list[ComputedRow] = computed_table(user, None, unit, period) if unit else []
    export = request.GET.get("format", "")
    if export in ("csv", "xlsx"):
        if unit is None:
            raise Http404
        table = request.GET.get("table", "")
        return _export(export, table, unit, period, sections, chosen, children, computed)

    kpis = [
        line
        for line in lines
        if line.indicator.has_target and line.has_value and line.row.target is not None
    ][:KPI_LIMIT]
    year, part = period_parts(period)
    params = {
        "ou": unit.code if unit else "",
        "pe": period.id,
        "ind": chosen.code if chosen else "",
    }
    context = {
        "unit": unit,
        "period": period,
        "period_error": period_error,
        "sections": sections,
        "kpis": [(line, plan_sentence(line.row), change_sentence(line.row)) for line in kpis],
        "chosen": chosen,
        "children": children,
        "children_have_values": any(r.value is not None for r in children),
        "chart": _chart(children),
        "unit_choices": unit_choices(user, Action.VIEW, unit, period.end),
        "year_choices": year_choices(year),
        "part_choices": part_choices(None, part),
        "csv_url": _dashboard_url(**params, format="csv"),
        "xlsx_url": _dashboard_url(**params, format="xlsx"),
        "units_csv_url": _dashboard_url(**params, format="csv", table="units"),
        "base_params": {"ou": params["ou"], "pe": params["pe"]},
        "has_data": any(line.has_value for line in lines),
        "computed": computed,
        "scorecards": _scorecards(user, unit, period) if unit is not None else [],
    }
    return render(request, "web/dashboard/index.html", context)


def _chosen(code: str, lines: list[Line]) -> Indicator | None:
    """The indicator of the breakdown: the one asked for, else the first with a target and a
    value, else the first with a value, else the first."""
    by_code = {line.indicator.code: line for line in lines}
    if code in by_code:
        return by_code[code].indicator
    for wanted in (lambda ln: ln.has_value and ln.indicator.has_target, lambda ln: ln.has_value):
        for line in lines:
            if wanted(line):
                return line.indicator
    return lines[0].indicator if lines else None


# --- downloads --------------------------------------------------------------------------------


def _plain(value: Decimal | None) -> str:
    """Machine format for CSV: ``38406``, ``96.015``; empty for None."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _indicator_table(
    sections: list[Section], computed: list[ComputedRow] = ()
) -> tuple[list[str], list[list]]:
    header = [
        gettext("Nhóm chỉ tiêu"),
        gettext("Mã chỉ tiêu"),
        gettext("Chỉ tiêu"),
        gettext("Đơn vị tính"),
        gettext("Giá trị"),
        gettext("Kế hoạch"),
        gettext("% kế hoạch"),
        gettext("Cùng kỳ năm trước"),
        gettext("Tăng/giảm"),
        gettext("Tăng/giảm (%)"),
        gettext("Ghi chú"),
    ]
    body = []
    for section in sections:
        for line in section.lines:
            r = line.row
            body.append(
                [
                    section.group.name,
                    line.indicator.code,
                    line.indicator.name,
                    line.indicator.unit,
                    r.value if r else None,
                    r.target if r else None,
                    r.percent_of_target if r else None,
                    r.value_last_year if r else None,
                    r.change if r else None,
                    r.change_percent if r else None,
                    _note(r),
                ]
            )
    for c in computed:
        note = ""
        if c.numerator is not None or c.denominator is not None:
            note = gettext("tử số %(numerator)s, mẫu số %(denominator)s") % {
                "numerator": _plain(c.numerator) or "—",
                "denominator": _plain(c.denominator) or "—",
            }
        body.append(
            [gettext("Chỉ số tính toán"), c.code, c.name, c.unit_label, c.value]
            + [None] * 5
            + [note]
        )
    return header, body


def _units_table(children: list[Row]) -> tuple[list[str], list[list]]:
    header = [
        gettext("Mã đơn vị"),
        gettext("Đơn vị"),
        gettext("Giá trị"),
        gettext("Kế hoạch"),
        gettext("% kế hoạch"),
        gettext("Cùng kỳ năm trước"),
        gettext("Tăng/giảm (%)"),
        gettext("Tỷ trọng (%)"),
        gettext("Ghi chú"),
    ]
    body = [
        [
            r.orgunit,
            r.orgunit_name,
            r.value,
            r.target,
            r.percent_of_target,
            r.value_last_year,
            r.change_percent,
            r.share_of_parent,
            _note(r),
        ]
        for r in children
    ]
    return header, body


def _note(row: Row | None) -> str:
    if row is None:
        return ""
    notes = [row.note] if row.note else []
    if row.estimate:
        notes.append(gettext("ước tính"))
    return "; ".join(notes)


def _export(
    kind: str, table: str, unit: OrgUnit, period: Period, sections, chosen, children, computed=()
):
    if table == "units":
        header, body = _units_table(children)
        stem = f"chiso-{unit.code}-{period.id}-{chosen.code if chosen else 'units'}"
    else:
        header, body = _indicator_table(sections, computed)
        stem = f"chiso-{unit.code}-{period.id}"
    if kind == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for line in body:
            writer.writerow([_plain(v) if isinstance(v, Decimal) or v is None else v for v in line])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        title = f"{unit.name} – {period.format_label(gettext)}"
        if table == "units" and chosen is not None:
            title = f"{chosen.name} – {title}"
        response = HttpResponse(
            _xlsx(title, header, body),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response


def _xlsx(title: str, header: list[str], body: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Số liệu"))
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=13)
    sheet.append([heading])
    sheet.append([])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    percent_columns = {i for i, name in enumerate(header) if "%" in name}
    for line in body:
        row = []
        for index, value in enumerate(line):
            if isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value=value)
                integral = value == value.to_integral_value()
                cell.number_format = (
                    "0.0" if index in percent_columns else "#,##0" if integral else "#,##0.0##"
                )
            else:
                cell = WriteOnlyCell(sheet, value=value)
            row.append(cell)
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
