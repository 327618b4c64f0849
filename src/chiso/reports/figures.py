"""Figures as a report writes them, and where each one came from. No database.

A :class:`Figure` is one indicator (total or one disaggregation) for one unit over one period,
with its derived measures, as :func:`chiso.analytics.selectors.analytics_table` computed them.
Written in a template it reads the Vietnamese way (``38.406 lao động``, ``64,5%``,
``20.358.800.000 đồng``); the phrase functions below word the comparisons the way reports do:

- ``so_voi_ke_hoach(f)``: ``đạt 96,0% kế hoạch``, ``vượt 3,5% kế hoạch``, ``chưa đạt kế
  hoạch (đạt 80,0%)`` (below ``nguong``, 90%); year to date ``đạt 58,2% kế hoạch năm``;
- ``so_voi_cung_ky(f)``: ``tăng 4,0% so với cùng kỳ``, ``giảm 2,5% so với cùng kỳ``, ``bằng
  cùng kỳ``, ``không so sánh được với cùng kỳ``;
- ``trong_do(so_luong, tri_gia)``: ``trong đó: người có công với cách mạng 50.897 phần quà, trị
  giá 20.358.800.000 đồng; đối tượng bảo trợ xã hội …`` (one group alone: ``dành cho …``);
- ``tren(f, "tỷ đồng")``: ``trên 20 tỷ đồng`` (``20 tỷ đồng`` when exact);
- ``thay_doi_thu_hang(f)``: ``tăng 7 bậc``, ``giảm 2 bậc``, ``giữ nguyên thứ hạng``.

Every figure written carries a *trace*: its text is wrapped in invisible markers
(:func:`traced`) naming a :class:`Trace` (indicator, unit, period, measure, value, how many
stored values went into it and the query that produced it). The template parser
(:mod:`chiso.reports.templating`) turns marked text into ``Run(trace=…)``; the DOCX renderer
bookmarks those runs and the HTML preview links them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from chiso.core.numbers import MONEY_UNITS, format_money, format_number, format_percent

MARK_START = "\x01"
MARK_SEP = "\x02"
MARK_END = "\x03"
MARKERS = (MARK_START, MARK_SEP, MARK_END)

MISSING = "…"
"""What a figure without data prints (a visible gap, as in a form to fill in)."""

_HUNDRED = Decimal(100)
_TENTH = Decimal("0.1")
_NO_UNIT_SUFFIX = {"thứ hạng", ""}

# Measures a trace can name.
VALUE = "value"
TARGET = "target"
PERCENT_OF_TARGET = "percent_of_target"
LAST_YEAR = "value_last_year"
CHANGE_PERCENT = "change_percent"
DERIVED = "derived"

MEASURE_SUFFIX = {
    VALUE: "",
    TARGET: ":kh",
    PERCENT_OF_TARGET: ":pkh",
    LAST_YEAR: ":ck",
    CHANGE_PERCENT: ":tg",
}
MEASURE_LABELS = {
    VALUE: "giá trị",
    TARGET: "kế hoạch (chỉ tiêu giao)",
    PERCENT_OF_TARGET: "tỷ lệ so với kế hoạch",
    LAST_YEAR: "cùng kỳ năm trước",
    CHANGE_PERCENT: "tăng/giảm so với cùng kỳ",
    DERIVED: "số tính từ các số liệu khác",
}

AGGREGATION_LABELS = {
    "sum": "tổng các giá trị",
    "average": "bình quân các giá trị",
    "last": "giá trị kỳ gần nhất của từng đơn vị, cộng lại",
    "min": "giá trị nhỏ nhất",
    "max": "giá trị lớn nhất",
    "none": "giá trị nhập trực tiếp cho đơn vị và kỳ này",
}


def traced(text: str, trace: str | None) -> str:
    """``text`` marked as the figure ``trace`` (unchanged when ``trace`` is None)."""
    if not trace:
        return text
    return f"{MARK_START}{trace}{MARK_SEP}{text}{MARK_END}"


def strip_markers(text: str) -> str:
    """The text a reader sees: trace markers removed, the figures kept."""
    out: list[str] = []
    skipping = False
    for char in text:
        if char == MARK_START:
            skipping = True
        elif char == MARK_SEP:
            skipping = False
        elif char == MARK_END:
            continue
        elif not skipping:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class Trace:
    """Where one written figure came from.

    ``measure`` is one of ``value``, ``target``, ``percent_of_target``, ``value_last_year``,
    ``change_percent`` or ``derived`` (computed from ``inputs``, other traces). ``query`` holds
    the analytics query that reproduces it (DHIS2-style names: ``dx``, ``ou``, ``pe``, and
    ``ytd``/``co`` when set); ``description`` says in words how it was aggregated.
    """

    id: str
    measure: str
    indicator: str
    indicator_name: str
    option_combo: str | None
    option_combo_name: str
    unit: str
    unit_name: str
    period: str
    period_label: str
    year_to_date: bool
    aggregation_type: str
    value: Decimal | None
    text: str
    values_count: int
    estimate: bool
    description: str
    query: dict[str, str] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()

    @property
    def measure_label(self) -> str:
        return MEASURE_LABELS.get(self.measure, self.measure)

    @property
    def aggregation_label(self) -> str:
        return AGGREGATION_LABELS.get(self.aggregation_type, self.aggregation_type)


@dataclass(frozen=True)
class Figure:
    """One indicator for one unit and period, as a template sees it.

    Numbers (``value``, ``target``, ``pct_plan``, ``last_year``, ``change``, ``change_pct``) are
    ``Decimal`` or None. Written (``{{ f }}``) it is the value with its unit, traced; the
    Vietnamese properties give the other measures written and traced the same way.
    """

    code: str
    name: str
    unit: str  # đơn vị tính: "lao động", "%", "đồng"
    value_type: str
    direction: str
    option_combo: str | None
    option_combo_name: str
    orgunit: str
    orgunit_name: str
    period: str
    period_label: str
    year_to_date: bool
    aggregation_type: str
    value: Decimal | None
    target: Decimal | None
    pct_plan: Decimal | None
    last_year: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None
    comparable: bool
    estimate: bool
    values_count: int
    trace: str
    parts: tuple[Figure, ...] = ()

    # --- English names of the brief, and Vietnamese ones for template authors ------------

    @property
    def co_so_lieu(self) -> bool:
        """Whether the figure has a value."""
        return self.value is not None

    @property
    def has_value(self) -> bool:
        return self.value is not None

    @property
    def co_ke_hoach(self) -> bool:
        """Whether the figure has a target."""
        return self.target is not None

    @property
    def uoc(self) -> bool:
        """At least one value behind the figure is an estimate (reports write "ước")."""
        return self.estimate

    @property
    def ten(self) -> str:
        return self.name

    @property
    def dvt(self) -> str:
        return self.unit

    @property
    def ten_phan_to(self) -> str:
        """The disaggregation's name in running text ("người có công với cách mạng")."""
        return lower_first(self.option_combo_name)

    # --- written forms ---------------------------------------------------------------------

    def __str__(self) -> str:
        return traced(self.text_of(self.value), self.trace_of(VALUE))

    @property
    def so(self) -> str:
        """The value without its unit: ``38.406``, ``64,5``."""
        return traced(self.number_of(self.value), self.trace_of(VALUE))

    @property
    def ke_hoach(self) -> str:
        """The target with its unit: ``40.000 lao động``."""
        return traced(self.text_of(self.target), self.trace_of(TARGET))

    @property
    def so_ke_hoach(self) -> str:
        """The target without its unit: ``40.000``."""
        return traced(self.number_of(self.target), self.trace_of(TARGET))

    @property
    def so_cung_ky(self) -> str:
        """Last year's figure without its unit: ``36.929``."""
        return traced(self.number_of(self.last_year), self.trace_of(LAST_YEAR))

    @property
    def cung_ky(self) -> str:
        """The same period last year with its unit: ``36.929 lao động``."""
        return traced(self.text_of(self.last_year), self.trace_of(LAST_YEAR))

    @property
    def ty_le_ke_hoach(self) -> str:
        """The percentage of the target: ``96,0%``."""
        return traced(percent_text(self.pct_plan), self.trace_of(PERCENT_OF_TARGET))

    @property
    def ty_le_tang_giam(self) -> str:
        """The change on last year, unsigned: ``4,0%``."""
        value = None if self.change_pct is None else abs(self.change_pct)
        return traced(percent_text(value), self.trace_of(CHANGE_PERCENT))

    def trace_of(self, measure: str) -> str:
        return self.trace + MEASURE_SUFFIX[measure]

    def number_of(self, value: Decimal | None) -> str:
        if value is None:
            return MISSING
        if self.value_type == "percentage" or self.unit == "%":
            return format_number(value, 1)
        if self.value_type == "money":
            return format_number(value, 0)
        return format_number(_tidy(value))

    def text_of(self, value: Decimal | None) -> str:
        """``value`` written with this figure's unit."""
        if value is None:
            return MISSING
        if self.value_type == "percentage" or self.unit == "%":
            return percent_text(value)
        if self.value_type == "money":
            return format_money(value.quantize(Decimal(1), rounding=ROUND_HALF_UP), "đồng")
        number = format_number(_tidy(value))
        if self.unit.strip() in _NO_UNIT_SUFFIX:
            return number
        return f"{number} {self.unit.strip()}"


def _tidy(value: Decimal) -> Decimal:
    """Whole numbers as integers; others to at most two decimals (averages)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()


def percent_text(value: Decimal | None) -> str:
    return MISSING if value is None else format_percent(value, 1)


def lower_first(text: str) -> str:
    """ "Người có công" → "người có công"; an acronym ("PCI") stays as it is."""
    text = text.strip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def rounded_tenth(value: Decimal) -> Decimal:
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


# --- phrases ----------------------------------------------------------------------------------


def so_voi_ke_hoach(figure: Figure, nguong: int | float | Decimal = 90) -> str:
    """The figure against its target, worded as reports do (see the module docstring).

    ``nguong`` (a percentage): below it a full-period figure reads "chưa đạt kế hoạch (đạt
    X%)"; a year-to-date figure is progress towards the year's plan and never reads so.
    Empty when there is no target.
    """
    if not isinstance(figure, Figure) or figure.pct_plan is None:
        return ""
    pct = rounded_tenth(figure.pct_plan)
    plan = "kế hoạch năm" if figure.year_to_date else "kế hoạch"
    trace = figure.trace_of(PERCENT_OF_TARGET)
    if pct > _HUNDRED:
        return f"vượt {traced(format_percent(pct - _HUNDRED), trace)} {plan}"
    if pct == _HUNDRED:
        return f"đạt {traced('100%', trace)} {plan}"
    if not figure.year_to_date and pct < Decimal(str(nguong)):
        return f"chưa đạt {plan} (đạt {traced(format_percent(pct), trace)})"
    return f"đạt {traced(format_percent(pct), trace)} {plan}"


def so_voi_cung_ky(figure: Figure) -> str:
    """The change on the same period last year: "tăng 4,0% so với cùng kỳ", "giảm …",
    "bằng cùng kỳ", or "không so sánh được với cùng kỳ" (units changed). Empty without last
    year's figure."""
    if not isinstance(figure, Figure):
        return ""
    if not figure.comparable:
        return "không so sánh được với cùng kỳ"
    if figure.change_pct is None:
        return ""
    pct = rounded_tenth(figure.change_pct)
    trace = figure.trace_of(CHANGE_PERCENT)
    if pct > 0:
        return f"tăng {traced(format_percent(pct), trace)} so với cùng kỳ"
    if pct < 0:
        return f"giảm {traced(format_percent(-pct), trace)} so với cùng kỳ"
    return "bằng cùng kỳ"


def dat(figure: Figure) -> str:
    """ "đạt 64,5%" or, for an estimate, "ước đạt 64,5%"."""
    if not isinstance(figure, Figure):
        return ""
    return f"{'ước đạt' if figure.estimate else 'đạt'} {figure}"


def tien(figure: Figure, don_vi: str = "đồng", so_le: int | None = None) -> str:
    """A money figure in ``don_vi`` (``đồng``, ``triệu đồng``, ``tỷ đồng`` or ``auto``):
    ``20.358.800.000 đồng``, ``20,36 tỷ đồng`` (``so_le`` decimals, rounded half up)."""
    if not isinstance(figure, Figure):
        return ""
    if figure.value is None:
        return MISSING
    return traced(format_money(figure.value, don_vi, so_le), figure.trace_of(VALUE))


def tren(figure: Figure, don_vi: str = "tỷ đồng") -> str:
    """A round lower bound in ``don_vi``: ``trên 20 tỷ đồng`` for 20.358.800.000 đồng, ``20 tỷ
    đồng`` when the amount is exactly that. For a count without money units (``don_vi=""``):
    ``trên 20.000 lao động`` rounds down to the leading digits."""
    if not isinstance(figure, Figure):
        return ""
    if figure.value is None:
        return MISSING
    trace = figure.trace_of(VALUE)
    if don_vi in MONEY_UNITS:
        factor = Decimal(MONEY_UNITS[don_vi])
        whole = (figure.value / factor).to_integral_value(rounding=ROUND_DOWN)
        text = f"{format_number(whole)} {don_vi}"
        if whole * factor == figure.value:
            return traced(text, trace)
        return f"trên {traced(text, trace)}"
    digits = len(str(int(abs(figure.value))))
    step = Decimal(10) ** max(0, digits - 1)
    whole = (figure.value / step).to_integral_value(rounding=ROUND_DOWN) * step
    text = figure.text_of(whole)
    if whole == figure.value:
        return traced(text, trace)
    return f"trên {traced(text, trace)}"


def trong_do(
    so_luong: Figure,
    tri_gia: Figure | None = None,
    don_vi_tien: str = "đồng",
    so_le: int | None = None,
    mo_dau: str = "trong đó: ",
) -> str:
    """The disaggregations of ``so_luong`` that have a value, with the matching part of
    ``tri_gia`` (the same disaggregation of a money indicator) when given:
    ``trong đó: hộ nghèo 120 phần quà, trị giá 60.000.000 đồng; hộ cận nghèo …``. When one
    group received the whole figure: ``dành cho hộ nghèo``. Empty when the figure has no
    disaggregated values."""
    if not isinstance(so_luong, Figure):
        return ""
    values = {p.option_combo: p for p in tri_gia.parts} if isinstance(tri_gia, Figure) else {}
    parts = [p for p in so_luong.parts if p.value is not None and p.value != 0]
    if len(parts) == 1 and parts[0].value == so_luong.value:
        # One group received everything: name it rather than repeat the figures.
        return f"dành cho {parts[0].ten_phan_to}"
    items = []
    for part in parts:
        item = f"{part.ten_phan_to} {part}"
        money = values.get(part.option_combo)
        if money is not None and money.value is not None:
            item += f", trị giá {tien(money, don_vi_tien, so_le)}"
        items.append(item)
    if not items:
        return ""
    return mo_dau + "; ".join(items)


def thay_doi_thu_hang(figure: Figure) -> str:
    """A rank against last year's: "tăng 7 bậc" (a smaller number is a better rank),
    "giảm 2 bậc", "giữ nguyên thứ hạng"; empty without both ranks."""
    if not isinstance(figure, Figure) or figure.value is None or figure.last_year is None:
        return ""
    steps = figure.last_year - figure.value
    trace = figure.trace_of(LAST_YEAR)
    if steps > 0:
        return f"tăng {traced(format_number(steps), trace)} bậc"
    if steps < 0:
        return f"giảm {traced(format_number(-steps), trace)} bậc"
    return "giữ nguyên thứ hạng"


def so(value, so_le: int | None = None) -> str:
    """A number the Vietnamese way: ``38.406``, ``64,5`` (a Figure: its value, traced)."""
    if isinstance(value, Figure):
        return value.so
    if value is None:
        return MISSING
    return format_number(Decimal(str(value)) if isinstance(value, float) else value, so_le)


def phan_tram(value, so_le: int = 1) -> str:
    """A percentage (the percentage itself, 96.015): ``96,0%``."""
    if value is None:
        return MISSING
    return format_percent(Decimal(str(value)) if isinstance(value, float) else value, so_le)
