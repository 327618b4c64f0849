"""What a report template can read: the unit, the period, figures and tables from chiso's data.

:class:`ReportData` answers a template's ``fig(…)``, ``table(…)`` and ``bang_don_vi(…)`` calls
through :func:`chiso.analytics.selectors.analytics_table` (so the user's view scope applies and
every aggregate is computed in the database at that moment), keeps every figure's
:class:`~chiso.reports.figures.Trace`, and collects the tables a template places.
:meth:`ReportData.functions` and :meth:`ReportData.variables` are the names a template sees;
every object handed to a template is a frozen dataclass or a plain value (never a model
instance, whose methods could write).

Template functions (Vietnamese names; English aliases in brackets):

- ``fig(ma, phan_to=None, ky=None, luy_ke=False)`` [``so_lieu``]: a Figure: indicator ``ma``,
  optionally one disaggregation (``'NGUOI_CO_CONG'``), another period (``ky.nam_truoc``,
  ``'2022'``) or the year to date (``luy_ke=True``);
- ``table(nhom)`` [``bang``]: the indicators of group ``nhom`` that have a value, with target,
  % of plan, last year and change;
- ``bang_don_vi(ma_hoac_danh_sach, tieu_de=None)`` [``table_units``]: indicators by the units
  one tier down, with the unit's total (one code: value, target, % plan, last year, change);
- ``ty_le(a, b)``: ``a`` as a percentage of ``b`` (``73,3%``), traced as derived;
- ``xep_hang(f, tong)``: ``43/63``; ``thay_doi_thu_hang(f)``: ``tăng 7 bậc``;
- ``van_ban('Kế hoạch số 42/KH-UBND ngày 10/02/2023')``: a document reference, checked and
  written the standard way; ``van_ban_ke_hoach(f)``: the plan a target comes from;
- the phrases of :mod:`chiso.reports.figures`: ``so_voi_ke_hoach``, ``so_voi_cung_ky``,
  ``trong_do``, ``tien``, ``tren``, ``dat``, ``so``, ``phan_tram`` (also as filters).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from chiso.analytics.selectors import Row, analytics_table
from chiso.core.dates import format_date
from chiso.core.docrefs import format_docref, parse_docref
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.numbers import format_number, format_percent
from chiso.core.periods import Period, PeriodType
from chiso.datavalues.models import Target
from chiso.indicators.models import Indicator, IndicatorGroup
from chiso.orgunits.models import OrgUnit, Tier, UnitType
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.reports import figures as phrases
from chiso.reports.document import Cell, Table
from chiso.reports.figures import (
    CHANGE_PERCENT,
    DERIVED,
    LAST_YEAR,
    MISSING,
    PERCENT_OF_TARGET,
    TARGET,
    VALUE,
    Figure,
    Trace,
    percent_text,
    traced,
)
from chiso.reports.templating import Wanted, table_token

register_messages(
    {
        "report.unknown_indicator": gettext_noop("Không có chỉ tiêu mã '%(indicator)s'"),
        "report.unknown_group": gettext_noop("Không có nhóm chỉ tiêu mã '%(group)s'"),
        "report.unknown_option": gettext_noop(
            "Chỉ tiêu '%(indicator)s' không có phân tổ '%(option)s'"
        ),
        "report.bad_period": gettext_noop("'%(period)s' không phải kỳ báo cáo hợp lệ"),
        "report.not_a_figure": gettext_noop(
            "%(function)s cần một số liệu lấy bằng fig('MÃ_CHỈ_TIÊU')"
        ),
    }
)

_HUNDRED = Decimal(100)
MILLION = Decimal(1_000_000)
MAX_UNIT_TABLE_COLUMNS = 7

# Unit types written in running text ("Ủy ban nhân dân thị xã …").
_TYPE_WORDS = {
    UnitType.PROVINCE: "tỉnh",
    UnitType.CENTRAL_CITY: "thành phố",
    UnitType.RURAL_DISTRICT: "huyện",
    UnitType.URBAN_DISTRICT: "quận",
    UnitType.TOWN: "thị xã",
    UnitType.PROVINCIAL_CITY: "thành phố",
    UnitType.CITY_UNDER_CENTRAL_CITY: "thành phố",
    UnitType.COMMUNE: "xã",
    UnitType.WARD: "phường",
    UnitType.TOWNSHIP: "thị trấn",
    UnitType.SPECIAL_ZONE: "đặc khu",
}
_TIER_CHILDREN = {
    Tier.DISTRICT: "các huyện, thị xã, thành phố",
    Tier.COMMUNE: "các xã, phường, thị trấn",
    Tier.HAMLET: "các thôn, ấp, khu phố",
}
_TIER_CHILD_WORD = {
    Tier.DISTRICT: "Huyện, thị xã, thành phố",
    Tier.COMMUNE: "Xã, phường, thị trấn",
    Tier.HAMLET: "Thôn, ấp, khu phố",
}


def unit_type_word(unit: OrgUnit) -> str:
    """ "tỉnh", "huyện", "thị xã", "phường" …"""
    word = _TYPE_WORDS.get(unit.unit_type)
    if word:
        return word
    return str(UnitType(unit.unit_type).label).lower() if unit.unit_type else ""


_COMMITTEES = {
    UnitType.PROVINCE: "Tỉnh ủy",
    UnitType.CENTRAL_CITY: "Thành ủy",
    UnitType.RURAL_DISTRICT: "Huyện ủy",
    UnitType.URBAN_DISTRICT: "Quận ủy",
    UnitType.TOWN: "Thị ủy",
    UnitType.PROVINCIAL_CITY: "Thành ủy",
    UnitType.CITY_UNDER_CENTRAL_CITY: "Thành ủy",
}


def party_committee(unit: OrgUnit) -> str:
    """The Party committee of the unit's level: "Tỉnh ủy", "Thị ủy", "Đảng ủy phường"."""
    return _COMMITTEES.get(unit.unit_type) or f"Đảng ủy {unit_type_word(unit)}"


def short_name(unit: OrgUnit) -> str:
    """The unit's name without its type: "Bình Phước", "Lộc Ninh"; a numbered ward keeps its
    type ("Phường 1")."""
    name = unit.name.strip()
    for label in sorted({str(t.label) for t in UnitType}, key=len, reverse=True):
        if name.casefold().startswith(label.casefold() + " "):
            rest = name[len(label) + 1 :].strip()
            return name if rest[:1].isdigit() else rest
    return name


def child_tier(unit: OrgUnit, day: date) -> str | None:
    """The tier of the unit's children valid on ``day`` (None when it has none)."""
    return (
        OrgUnit.objects.filter(orgunit_valid_on(day), parent=unit)
        .values_list("tier", flat=True)
        .first()
    )


@dataclass(frozen=True)
class UnitInfo:
    """The unit as a template sees it: ``{{ don_vi.ten }}``."""

    ma: str
    ten: str  # "Tỉnh Bình Phước"
    ten_ngan: str  # "Bình Phước"
    loai: str  # "tỉnh", "huyện", "thị xã", "xã" …
    cap: str  # tier: "tinh", "huyen", "xa", "thon"
    cap_tren: str  # the parent's name, "" for a province
    cap_duoi: str  # "các huyện, thị xã, thành phố" ("" when it has no children)
    co_cap_duoi: bool

    cap_uy: str  # the Party committee of the same level: "Tỉnh ủy", "Thị ủy", "Đảng ủy xã"
    ubnd_cap_tren: str  # "UBND tỉnh Bình Phước" ("" for a province)

    @property
    def ubnd(self) -> str:
        """ "UBND tỉnh", "UBND thị xã" (how a report names its own government)."""
        return f"UBND {self.loai}"

    @property
    def ubnd_ten(self) -> str:
        """ "UBND tỉnh Bình Phước"."""
        return f"UBND {self.loai} {self.ten_ngan}"


@dataclass(frozen=True)
class PeriodInfo:
    """The period as a template sees it: ``{{ ky.nhan }}`` is "năm 2023"."""

    ma: str
    nhan: str
    nam: int
    loai: str  # year, half, quarter, month …
    nam_truoc: str  # the previous year's id: "2022"
    cung_ky: str  # the same period last year: "2022", "202207"
    nhan_cung_ky: str  # its label: "năm 2022", "tháng 7/2022"
    quy_cuoi: str  # the quarter holding the period's last day: "2023Q4"
    la_nam: bool
    luy_ke_nhan: str  # "lũy kế từ đầu năm đến hết tháng 7/2023"
    ngay_dau: str  # "01/01/2023"
    ngay_cuoi: str  # "31/12/2023"

    def __str__(self) -> str:
        return self.ma


class TableRef:
    """A table a template placed: printed, it is the placeholder the parser replaces."""

    __slots__ = ("index", "table")

    def __init__(self, index: int, table: Table) -> None:
        self.index = index
        self.table = table

    def __str__(self) -> str:
        return table_token(self.index)


@dataclass(frozen=True)
class _Meta:
    code: str
    name: str
    short_name: str
    unit: str
    value_type: str
    direction: str
    aggregation_type: str


class ReportData:
    """Figures, traces and tables for one report (one user, unit and period)."""

    def __init__(self, *, user, unit: OrgUnit, period: Period) -> None:
        self.user = user
        self.unit = unit
        self.period = period
        self.traces: dict[str, Trace] = {}
        self.tables: list[Table] = []
        self.missing: list[str] = []
        self.unknown: list[ChisoError] = []  # codes the template names that do not exist
        self.queries = 0
        self._rows: dict[tuple, Row] = {}
        self._fetched: set[tuple[str, str, bool, str | None]] = set()
        self._meta = {
            i.code: _Meta(
                code=i.code,
                name=i.name_vi,
                short_name=i.short_name_vi or i.name_vi,
                unit=i.unit,
                value_type=i.value_type,
                direction=i.direction,
                aggregation_type=i.aggregation_type,
            )
            for i in Indicator.objects.all()
        }
        self._known = set(self._meta)
        self._child_tier = child_tier(unit, period.end)

    # --- template namespace ------------------------------------------------------------------

    def variables(self, report_date: date) -> dict[str, object]:
        unit, period = self.unit, self.period
        parent = unit.parent
        return {
            "don_vi": UnitInfo(
                ma=unit.code,
                ten=unit.name,
                ten_ngan=short_name(unit),
                loai=unit_type_word(unit),
                cap=unit.tier,
                cap_tren=parent.name if parent is not None else "",
                cap_duoi=_TIER_CHILDREN.get(self._child_tier or "", ""),
                co_cap_duoi=self._child_tier is not None,
                cap_uy=party_committee(unit),
                ubnd_cap_tren=(
                    f"UBND {unit_type_word(parent)} {short_name(parent)}" if parent else ""
                ),
            ),
            "ky": period_info(period),
            "ngay": format_date(report_date),
        }

    def functions(self) -> dict[str, object]:
        def check_figure(value, function: str) -> Figure:
            if not isinstance(value, Figure):
                raise ChisoError("report.not_a_figure", function=function)
            return value

        def ty_le(a, b, so_le: int = 1) -> str:
            return self.ratio(check_figure(a, "ty_le"), check_figure(b, "ty_le"), so_le)

        def xep_hang(f, tong=None) -> str:
            figure = check_figure(f, "xep_hang")
            rank = figure.so
            if isinstance(tong, Figure):
                return f"{rank}/{tong.so}"
            return f"{rank}/{format_number(tong)}" if tong is not None else rank

        def van_ban(text: str) -> str:
            return format_docref(parse_docref(str(text)))

        def van_ban_ke_hoach(f) -> str:
            return self.target_document(check_figure(f, "van_ban_ke_hoach"))

        functions: dict[str, object] = {
            "fig": self.figure,
            "so_lieu": self.figure,
            "table": self.group_table,
            "bang": self.group_table,
            "bang_don_vi": self.unit_table,
            "table_units": self.unit_table,
            "ty_le": ty_le,
            "xep_hang": xep_hang,
            "van_ban": van_ban,
            "van_ban_ke_hoach": van_ban_ke_hoach,
        }
        for name in PHRASES:
            functions[name] = getattr(phrases, name)
        return functions

    # --- figures -------------------------------------------------------------------------------

    def prefetch(self, wanted: Wanted) -> None:
        """Fetch what the template asks for with constant arguments, a few queries in all."""
        for (period_id, ytd), codes in wanted.figures.items():
            known = [c for c in dict.fromkeys(codes) if c in self._known]
            if known:
                self._fetch(known, self._period(period_id), ytd)
        group_codes = self._group_codes([g for g in wanted.groups if g])
        if group_codes:
            self._fetch(group_codes, self.period, False)
        unit_codes = [c for c in dict.fromkeys(wanted.unit_tables) if c in self._known]
        if unit_codes:
            self._fetch(unit_codes, self.period, False)
            if self._child_tier:
                self._fetch(unit_codes, self.period, False, level=self._child_tier)

    def figure(self, ma, phan_to=None, ky=None, luy_ke: bool = False) -> Figure:
        """The figure of indicator ``ma``. A code the catalog does not have gives a figure
        without data (written "…") and is listed in ``unknown``, so one missing indicator does
        not stop the whole report."""
        code = str(ma).strip()
        self._check_code(code)
        period = self._period(ky)
        ytd = bool(luy_ke)
        self._fetch([code], period, ytd)
        combo = str(phan_to).strip() if phan_to else None
        row = self._rows.get((code, combo, self.unit.code, period.id, ytd))
        if row is None and combo is not None and code in self._known:
            self._note(ChisoError("report.unknown_option", indicator=code, option=combo))
        figure = self._figure(code, row, period, ytd, combo)
        if figure.value is None:
            self.missing.append(figure.trace)
        return figure

    def _figure(
        self, code: str, row: Row | None, period: Period, ytd: bool, combo: str | None
    ) -> Figure:
        meta = self._meta[code]
        parts: tuple[Figure, ...] = ()
        if combo is None:
            parts = tuple(
                self._figure(code, part, period, ytd, part.option_combo)
                for key, part in self._rows.items()
                if key[0] == code
                and key[1] is not None
                and key[2] == self.unit.code
                and key[3] == period.id
                and key[4] == ytd
            )
        trace = trace_id(code, combo, self.unit.code, period.id, ytd)
        target = row.target if row else None
        pct_plan = row.percent_of_target if row else None
        part_targets = [p.target for p in parts if p.target is not None]
        if target is None and part_targets:
            # No target for the total: the targets of its disaggregations add up to it.
            target = sum(part_targets, Decimal(0))
            if row is not None and row.value is not None and target:
                pct_plan = row.value / target * _HUNDRED
        figure = Figure(
            code=code,
            name=meta.name,
            unit=meta.unit,
            value_type=meta.value_type,
            direction=meta.direction,
            option_combo=combo,
            option_combo_name=row.option_combo_name if row is not None and combo else "",
            orgunit=self.unit.code,
            orgunit_name=self.unit.name,
            period=period.id,
            period_label=period.year_to_date().label if ytd else period.label,
            year_to_date=ytd,
            aggregation_type=meta.aggregation_type,
            value=row.value if row else None,
            target=target,
            pct_plan=pct_plan,
            last_year=row.value_last_year if row else None,
            change=row.change if row else None,
            change_pct=row.change_percent if row else None,
            comparable=row.comparable if row else True,
            estimate=row.estimate if row else False,
            values_count=row.value_count if row else 0,
            trace=trace,
            parts=parts,
        )
        self._register(figure)
        return figure

    def _register(self, figure: Figure) -> None:
        if figure.trace in self.traces:
            return
        query = {"dx": figure.code, "ou": figure.orgunit, "pe": figure.period}
        if figure.year_to_date:
            query["ytd"] = "true"
        if figure.option_combo:
            query["co"] = "true"
        where = f"{figure.orgunit_name}, {figure.period_label}"
        what = figure.name + (f" – {figure.option_combo_name}" if figure.option_combo else "")
        base = {
            "indicator": figure.code,
            "indicator_name": figure.name,
            "option_combo": figure.option_combo,
            "option_combo_name": figure.option_combo_name,
            "unit": figure.orgunit,
            "unit_name": figure.orgunit_name,
            "period": figure.period,
            "period_label": figure.period_label,
            "year_to_date": figure.year_to_date,
            "aggregation_type": figure.aggregation_type,
            "estimate": figure.estimate,
            "query": query,
        }
        aggregation = phrases.AGGREGATION_LABELS.get(figure.aggregation_type, "")
        scope = "" if figure.aggregation_type == "none" else " của đơn vị và các đơn vị trực thuộc"
        count = figure.values_count
        last_year = self.period_last_year_label(figure)
        entries = {
            VALUE: (
                figure.value,
                figure.text_of(figure.value),
                count,
                f"{what}, {where}: {aggregation} ({count} giá trị đã lưu{scope}).",
            ),
            TARGET: (
                figure.target,
                figure.text_of(figure.target),
                0,
                f"Kế hoạch (chỉ tiêu giao) của {what}, {where}: chỉ tiêu giao cho đơn vị, "
                "hoặc tổng chỉ tiêu giao cho các đơn vị trực thuộc khi đơn vị chưa có.",
            ),
            PERCENT_OF_TARGET: (
                figure.pct_plan,
                percent_text(figure.pct_plan),
                count,
                f"Thực hiện {figure.text_of(figure.value)} / kế hoạch "
                f"{figure.text_of(figure.target)} × 100.",
            ),
            LAST_YEAR: (
                figure.last_year,
                figure.text_of(figure.last_year),
                0,
                f"{what}, {figure.orgunit_name}, {last_year}: {aggregation}.",
            ),
            CHANGE_PERCENT: (
                figure.change_pct,
                percent_text(figure.change_pct),
                count,
                f"({figure.text_of(figure.value)} − {figure.text_of(figure.last_year)}) / "
                f"{figure.text_of(figure.last_year)} × 100 (so với {last_year}).",
            ),
        }
        for measure, (value, text, values, description) in entries.items():
            self.traces[figure.trace_of(measure)] = Trace(
                id=figure.trace_of(measure),
                measure=measure,
                value=value,
                text=text,
                values_count=values,
                description=description,
                **base,
            )

    def period_last_year_label(self, figure: Figure) -> str:
        period = Period.parse(figure.period).same_period_last_year()
        return period.year_to_date().label if figure.year_to_date else period.label

    def ratio(self, a: Figure, b: Figure, so_le: int = 1) -> str:
        """``a`` as a percentage of ``b``, traced as a derived figure."""
        trace = f"{a.trace}/{b.trace}"
        value = None
        if a.value is not None and b.value:
            value = a.value / b.value * _HUNDRED
        text = MISSING if value is None else format_percent(value, so_le)
        if trace not in self.traces:
            self.traces[trace] = Trace(
                id=trace,
                measure=DERIVED,
                indicator=a.code,
                indicator_name=a.name,
                option_combo=a.option_combo,
                option_combo_name=a.option_combo_name,
                unit=a.orgunit,
                unit_name=a.orgunit_name,
                period=a.period,
                period_label=a.period_label,
                year_to_date=a.year_to_date,
                aggregation_type=a.aggregation_type,
                value=None if value is None else value.quantize(Decimal("0.000001")),
                text=text,
                values_count=a.values_count + b.values_count,
                estimate=a.estimate or b.estimate,
                description=(
                    f"{a.name} ({a.text_of(a.value)}) / {b.name} ({b.text_of(b.value)}) × 100."
                ),
                query={"dx": f"{a.code};{b.code}", "ou": a.orgunit, "pe": a.period},
                inputs=(a.trace, b.trace),
            )
        return traced(text, trace)

    def target_document(self, figure: Figure) -> str:
        """The plan document of the figure's target ("Kế hoạch số 42/KH-UBND ngày
        10/02/2023"), "" when none is recorded."""
        if figure.target is None:
            return ""
        target = (
            Target.objects.filter(
                indicator__code=figure.code,
                orgunit=self.unit,
                period=self._target_period(figure).id,
                option_combo__code=figure.option_combo,
            )
            if figure.option_combo
            else Target.objects.filter(
                indicator__code=figure.code,
                orgunit=self.unit,
                period=self._target_period(figure).id,
                option_combo__isnull=True,
            )
        ).first()
        if target is None or not target.document:
            return ""
        try:
            return format_docref(parse_docref(target.document))
        except ChisoError:
            return target.document

    def _target_period(self, figure: Figure) -> Period:
        period = Period.parse(figure.period)
        if figure.year_to_date:
            return Period.containing(PeriodType.YEAR, period.end)
        return period

    # --- tables --------------------------------------------------------------------------------

    def _place(self, table: Table) -> TableRef:
        self.tables.append(table)
        return TableRef(len(self.tables) - 1, table)

    def group_table(self, nhom, tieu_de: str | None = None) -> TableRef | str:
        """The group's indicators with a value: value, target, % plan, last year, change
        (nothing for a group the catalog does not have; it is listed in ``unknown``)."""
        codes = self._group_codes([str(nhom)])
        group = IndicatorGroup.objects.filter(code=str(nhom)).first()
        if group is None:
            return ""
        self._fetch(codes, self.period, False)
        rows = []
        for code in codes:
            figure = self._figure(
                code,
                self._rows.get((code, None, self.unit.code, self.period.id, False)),
                self.period,
                False,
                None,
            )
            if figure.value is None:
                continue
            rows.append(
                (
                    str(len(rows) + 1),
                    figure.name,
                    figure.unit,
                    Cell(figure.value, trace=figure.trace_of(VALUE)),
                    Cell(figure.target, trace=figure.trace_of(TARGET) if figure.target else None),
                    Cell(
                        _tenth(figure.pct_plan),
                        trace=figure.trace_of(PERCENT_OF_TARGET) if figure.pct_plan else None,
                    ),
                    Cell(
                        figure.last_year,
                        trace=figure.trace_of(LAST_YEAR) if figure.last_year else None,
                    ),
                    Cell(
                        _tenth(figure.change_pct),
                        trace=figure.trace_of(CHANGE_PERCENT) if figure.change_pct else None,
                    ),
                )
            )
        return self._place(
            Table(
                header=(
                    "STT",
                    "Chỉ tiêu",
                    "Đơn vị tính",
                    "Thực hiện",
                    "Kế hoạch",
                    "% kế hoạch",
                    "Cùng kỳ",
                    "Tăng, giảm (%)",
                ),
                rows=tuple(rows),
                widths_mm=(12, 46, 19, 20, 19, 16, 19, 16),
                formats=(
                    "center",
                    "text",
                    "text",
                    "integer",
                    "integer",
                    "percent",
                    "integer",
                    "percent",
                ),
                title=tieu_de if tieu_de is not None else f"{group.name_vi} – {self.period.label}",
            )
        )

    def unit_table(self, ma, tieu_de: str | None = None) -> TableRef | str:
        """Indicators by the units one tier down, the unit's own figures as the total line.

        One code: its value, target, % plan, last year and change for each unit; a list: one
        column per indicator (at most 7)."""
        single = isinstance(ma, str)
        labels: dict[str, str] = {}
        codes = []
        for item in [ma] if single else list(ma)[:MAX_UNIT_TABLE_COLUMNS]:
            if isinstance(item, str):
                codes.append(item.strip())
            else:  # [code, column label]
                code, label = [*list(item), ""][:2]
                codes.append(str(code).strip())
                if label:
                    labels[str(code).strip()] = str(label)
        for code in codes:
            self._check_code(code)
        codes = [c for c in codes if c in self._known]
        if not codes:
            return ""
        self._fetch(codes, self.period, False)
        children: list[Row] = []
        if self._child_tier:
            children_by_unit: dict[str, dict[str, Row]] = {}
            names: dict[str, str] = {}
            self._fetch(codes, self.period, False, level=self._child_tier)
            for key, row in self._rows.items():
                code, combo, unit_code, period_id, ytd = key
                if (
                    combo is None
                    and code in codes
                    and period_id == self.period.id
                    and not ytd
                    and row.tier == self._child_tier
                    and unit_code != self.unit.code
                ):
                    children_by_unit.setdefault(unit_code, {})[code] = row
                    names[unit_code] = row.orgunit_name
            order = self._child_order(codes)
            children = [(u, names[u], children_by_unit[u]) for u in order if u in names]
        total = {
            code: self._rows.get((code, None, self.unit.code, self.period.id, False))
            for code in codes
        }
        unit_word = _TIER_CHILD_WORD.get(self._child_tier or "", "Đơn vị")
        if single:
            code = codes[0]
            meta = self._meta[code]
            header = (
                "STT",
                unit_word,
                "Thực hiện",
                "Kế hoạch",
                "% kế hoạch",
                "Cùng kỳ",
                "Tăng, giảm (%)",
            )
            body = [
                (str(i), name, *self._measure_cells(code, rows.get(code)))
                for i, (_, name, rows) in enumerate(children, start=1)
            ]
            body.append((None, "Tổng cộng", *self._measure_cells(code, total[code])))
            title = tieu_de or f"{meta.name} ({meta.unit}) – {self.period.label}"
            return self._place(
                Table(
                    header=header,
                    rows=tuple(body),
                    widths_mm=(12, 50, 22, 22, 19, 22, 18),
                    formats=(
                        "center",
                        "text",
                        "integer",
                        "integer",
                        "percent",
                        "integer",
                        "percent",
                    ),
                    bold_rows=frozenset({len(body) - 1}),
                    title=title,
                    note=f"Đơn vị tính: {meta.unit}" if meta.unit and meta.unit != "%" else "",
                )
            )
        header = (
            "STT",
            unit_word,
            *(
                f"{labels.get(c) or self._meta[c].short_name} ({self._column_unit(c)})"
                for c in codes
            ),
        )
        body = [
            (
                str(i),
                name,
                *(self._value_cell(code, rows.get(code)) for code in codes),
            )
            for i, (_, name, rows) in enumerate(children, start=1)
        ]
        body.append((None, "Tổng cộng", *(self._value_cell(c, total[c]) for c in codes)))
        room = 165 - 12 - 45
        return self._place(
            Table(
                header=header,
                rows=tuple(body),
                widths_mm=(12, 45, *(round(room / len(codes), 1) for _ in codes)),
                formats=("center", "text", *(self._column_format(c) for c in codes)),
                bold_rows=frozenset({len(body) - 1}),
                title=tieu_de or f"Kết quả thực hiện theo đơn vị – {self.period.label}",
            )
        )

    def _child_order(self, codes: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for key in self._rows:
            if key[0] in codes and key[2] != self.unit.code and key[1] is None:
                seen.setdefault(key[2], None)
        return list(seen)

    def _column_unit(self, code: str) -> str:
        meta = self._meta[code]
        return "triệu đồng" if meta.value_type == "money" else meta.unit

    def _column_format(self, code: str) -> str:
        meta = self._meta[code]
        if meta.value_type == "money":
            return "decimal"
        return "decimal" if meta.value_type in ("percentage", "number") else "integer"

    def _value_cell(self, code: str, row: Row | None) -> Cell:
        """A table cell of the row's value (money in millions of đồng, one decimal)."""
        if row is None or row.value is None:
            return Cell(None)
        figure = self._figure_for_row(code, row)
        value = _clean(row.value)
        if self._meta[code].value_type == "money":
            value = _tenth(row.value / MILLION)
        return Cell(value, trace=figure.trace_of(VALUE))

    def _measure_cells(self, code: str, row: Row | None) -> tuple[Cell, ...]:
        if row is None:
            return (Cell(None),) * 5
        figure = self._figure_for_row(code, row)

        def cell(value, measure):
            return Cell(value, trace=figure.trace_of(measure) if value is not None else None)

        return (
            cell(_clean(row.value), VALUE),
            cell(_clean(row.target), TARGET),
            cell(_tenth(row.percent_of_target), PERCENT_OF_TARGET),
            cell(_clean(row.value_last_year), LAST_YEAR),
            cell(_tenth(row.change_percent), CHANGE_PERCENT),
        )

    def _figure_for_row(self, code: str, row: Row) -> Figure:
        """A figure (and its traces) for a row of another unit (a table line)."""
        meta = self._meta[code]
        figure = Figure(
            code=code,
            name=meta.name,
            unit=meta.unit,
            value_type=meta.value_type,
            direction=meta.direction,
            option_combo=None,
            option_combo_name="",
            orgunit=row.orgunit,
            orgunit_name=row.orgunit_name,
            period=row.period,
            period_label=Period.parse(row.period).label,
            year_to_date=row.year_to_date,
            aggregation_type=meta.aggregation_type,
            value=row.value,
            target=row.target,
            pct_plan=row.percent_of_target,
            last_year=row.value_last_year,
            change=row.change,
            change_pct=row.change_percent,
            comparable=row.comparable,
            estimate=row.estimate,
            values_count=row.value_count,
            trace=trace_id(code, None, row.orgunit, row.period, row.year_to_date),
        )
        self._register(figure)
        return figure

    # --- fetching ------------------------------------------------------------------------------

    def _group_codes(self, groups: Iterable[str]) -> list[str]:
        codes: list[str] = []
        for code in groups:
            group = (
                IndicatorGroup.objects.filter(code=code)
                .prefetch_related("members__indicator")
                .first()
            )
            if group is None:
                self._note(ChisoError("report.unknown_group", group=code))
                continue
            members = sorted(group.members.all(), key=lambda m: (m.sort_order, m.pk))
            codes += [m.indicator.code for m in members]
        return list(dict.fromkeys(codes))

    def _period(self, ky) -> Period:
        if ky is None or ky == "":
            return self.period
        text = str(ky).strip()
        try:
            return Period.parse(text)
        except ChisoError:
            raise ChisoError("report.bad_period", period=text) from None

    def _check_code(self, code: str) -> None:
        if code not in self._meta:
            self._note(ChisoError("report.unknown_indicator", indicator=code))
            self._meta[code] = _Meta(
                code=code,
                name=code,
                short_name=code,
                unit="",
                value_type="integer",
                direction="neutral",
                aggregation_type="none",
            )

    def _note(self, error: ChisoError) -> None:
        if all((e.code, e.params) != (error.code, error.params) for e in self.unknown):
            self.unknown.append(error)

    def _fetch(self, codes: list[str], period: Period, ytd: bool, level: str | None = None) -> None:
        todo = [
            c for c in codes if c in self._known and (c, period.id, ytd, level) not in self._fetched
        ]
        if not todo:
            return
        rows = analytics_table(
            user=self.user,
            indicators=todo,
            orgunit=self.unit,
            period=period,
            level=level,
            by_option_combo=level is None,
            year_to_date=ytd,
        )
        self.queries += 1
        for row in rows:
            key = (row.indicator, row.option_combo, row.orgunit, row.period, row.year_to_date)
            self._rows[key] = row
        for code in todo:
            self._fetched.add((code, period.id, ytd, level))


PHRASES = (
    "so_voi_ke_hoach",
    "so_voi_cung_ky",
    "trong_do",
    "tien",
    "tren",
    "dat",
    "so",
    "phan_tram",
    "thay_doi_thu_hang",
)
"""Functions of :mod:`chiso.reports.figures` a template can call (and use as filters)."""


def trace_id(code: str, combo: str | None, unit: str, period: str, ytd: bool) -> str:
    """``VL_VIEC_LAM_MOI:70:2023``; ``ASXH_QUA_SO_LUONG.NGUOI_CO_CONG:70:2023``; year to date
    ``…:202307:lk``. A measure other than the value appends ``:kh``, ``:pkh``, ``:ck``, ``:tg``."""
    head = f"{code}.{combo}" if combo else code
    return f"{head}:{unit}:{period}" + (":lk" if ytd else "")


def period_info(period: Period) -> PeriodInfo:
    last_quarter = Period.containing(PeriodType.QUARTER, period.end)
    return PeriodInfo(
        ma=period.id,
        nhan=period.label,
        nam=period.year,
        loai=period.type.value,
        nam_truoc=str(period.year - 1),
        cung_ky=period.same_period_last_year().id,
        nhan_cung_ky=period.same_period_last_year().label,
        quy_cuoi=last_quarter.id,
        la_nam=period.type is PeriodType.YEAR,
        luy_ke_nhan=period.year_to_date().label,
        ngay_dau=f"{period.start.day:02d}/{period.start.month:02d}/{period.start.year}",
        ngay_cuoi=f"{period.end.day:02d}/{period.end.month:02d}/{period.end.year}",
    )


def _clean(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


def _tenth(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
