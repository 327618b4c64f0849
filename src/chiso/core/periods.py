"""Reporting periods: DHIS2-compatible ISO ids, Vietnamese labels, Decree 09/2019 windows.

Canonical ids: ``2023`` (year), ``2023S1`` (half), ``2023Q3`` (quarter), ``202309`` (month),
``2023W5`` (ISO 8601 week, Monday to Sunday) and ``20230115`` (day). Parsing also accepts
``2023-09``, ``2023W05`` and ``2023-01-15``; output is always canonical.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from chiso.core.errors import ChisoError, gettext_noop, register_messages

__all__ = [
    "DEFAULT_CUTOFF_DAY",
    "MAX_YEAR",
    "MIN_YEAR",
    "Period",
    "PeriodType",
    "YearToDate",
    "parse_period",
    "periods_in",
    "reporting_deadline",
    "reporting_window",
]

MIN_YEAR = 1900
MAX_YEAR = 2999
DEFAULT_CUTOFF_DAY = 14

register_messages(
    {
        "period.invalid": gettext_noop(
            "'%(text)s' không phải mã kỳ báo cáo hợp lệ "
            "(ví dụ: 2023, 2023S1, 2023Q3, 202309, 2023W5, 20230115)"
        ),
        "period.bad_year": gettext_noop("'%(text)s': năm phải từ %(min)s đến %(max)s"),
        "period.bad_half": gettext_noop("'%(text)s': kỳ 6 tháng phải là S1 hoặc S2"),
        "period.bad_quarter": gettext_noop("'%(text)s': quý phải từ Q1 đến Q4"),
        "period.bad_month": gettext_noop("'%(text)s': tháng phải từ 01 đến 12"),
        "period.bad_week": gettext_noop(
            "'%(text)s': năm %(year)s có %(weeks)s tuần, tuần phải từ 1 đến %(weeks)s"
        ),
        "period.bad_day": gettext_noop(
            "'%(text)s': tháng %(month)s/%(year)s không có ngày %(day)s"
        ),
        "period.out_of_range": gettext_noop(
            "Kỳ báo cáo nằm ngoài phạm vi hỗ trợ (năm %(min)s đến năm %(max)s)"
        ),
        "period.no_parent": gettext_noop("Kỳ %(period)s không nằm trọn trong một kỳ %(type)s nào"),
        "period.no_window": gettext_noop(
            "Kỳ %(period)s không có thời gian chốt số liệu theo Nghị định 09/2019/NĐ-CP "
            "(chỉ áp dụng cho báo cáo tháng, quý, 6 tháng, năm)"
        ),
        "period.bad_cutoff": gettext_noop(
            "Ngày chốt số liệu phải từ 1 đến 28, không phải %(cutoff_day)s"
        ),
        "period.bad_grace_days": gettext_noop(
            "Số ngày gia hạn nộp báo cáo không được âm: %(grace_days)s"
        ),
    }
)

_LABELS = {
    "year": gettext_noop("năm %(year)s"),
    "half1": gettext_noop("6 tháng đầu năm %(year)s"),
    "half2": gettext_noop("6 tháng cuối năm %(year)s"),
    "quarter": gettext_noop("quý %(roman)s/%(year)s"),
    "month": gettext_noop("tháng %(month)s/%(year)s"),
    "week": gettext_noop("tuần %(week)s/%(year)s"),
    "day": gettext_noop("ngày %(date)s"),
    "year_to_date": gettext_noop("lũy kế từ đầu năm đến hết %(period)s"),
}
_ROMAN = ("I", "II", "III", "IV")


class PeriodType(Enum):
    """Kinds of period, coarsest first."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"

    @property
    def noun(self) -> str:
        """The Vietnamese name of the kind ("quý", "tuần", ...)."""
        return _NOUNS[self]


_NOUNS = {
    PeriodType.YEAR: "năm",
    PeriodType.HALF: "6 tháng",
    PeriodType.QUARTER: "quý",
    PeriodType.MONTH: "tháng",
    PeriodType.WEEK: "tuần",
    PeriodType.DAY: "ngày",
}
# Calendar kinds span whole months; weeks and days span a fixed number of days.
_MONTHS = {PeriodType.YEAR: 12, PeriodType.HALF: 6, PeriodType.QUARTER: 3, PeriodType.MONTH: 1}
_DAYS = {PeriodType.WEEK: 7, PeriodType.DAY: 1}
_CHILD_TYPE = {
    PeriodType.YEAR: PeriodType.HALF,
    PeriodType.HALF: PeriodType.QUARTER,
    PeriodType.QUARTER: PeriodType.MONTH,
}
_ONE_DAY = timedelta(days=1)

_PATTERNS = [
    (PeriodType.YEAR, re.compile(r"(?P<year>[0-9]{4})")),
    (PeriodType.HALF, re.compile(r"(?P<year>[0-9]{4})S(?P<number>[0-9])")),
    (PeriodType.QUARTER, re.compile(r"(?P<year>[0-9]{4})Q(?P<number>[0-9])")),
    (PeriodType.MONTH, re.compile(r"(?P<year>[0-9]{4})-?(?P<month>[0-9]{2})")),
    (PeriodType.WEEK, re.compile(r"(?P<year>[0-9]{4})W(?P<number>[0-9]{1,2})")),
    (
        PeriodType.DAY,
        re.compile(r"(?P<year>[0-9]{4})(?P<sep>-?)(?P<month>[0-9]{2})(?P=sep)(?P<day>[0-9]{2})"),
    ),
]


@functools.total_ordering
@dataclass(frozen=True, repr=False)
class Period:
    """A calendar period of one ``type`` from ``start`` to ``end`` (both inclusive).

    Build it with ``Period.parse`` or ``Period.containing``. Periods order by (start, end):
    earlier first, and the shorter first when two start on the same day. (start, end)
    identifies a period, since the kinds have distinct lengths.
    """

    type: PeriodType
    start: date
    end: date

    def __post_init__(self) -> None:
        _check_year(_year_of(self.type, self.start))
        if (self.start, self.end) != _bounds(self.type, self.start):
            raise ValueError(f"{self.start}..{self.end} is not a {self.type.value} period")

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period named by ``text``; ChisoError ``period.*`` if it names none."""
        for period_type, pattern in _PATTERNS:
            parts = pattern.fullmatch(text)
            if parts:
                return cls.containing(period_type, _first_day(period_type, parts, text))
        raise ChisoError("period.invalid", text=text)

    @classmethod
    def containing(cls, period_type: PeriodType, day: date) -> Period:
        """The period of ``period_type`` that contains ``day``."""
        _check_year(_year_of(period_type, day))
        return cls(period_type, *_bounds(period_type, day))

    @property
    def year(self) -> int:
        """The year in the id (for weeks, the ISO 8601 week-numbering year)."""
        return _year_of(self.type, self.start)

    @property
    def id(self) -> str:
        """The canonical DHIS2 period id."""
        year, start = self.year, self.start
        match self.type:
            case PeriodType.YEAR:
                return str(year)
            case PeriodType.HALF:
                return f"{year}S{self._number}"
            case PeriodType.QUARTER:
                return f"{year}Q{self._number}"
            case PeriodType.MONTH:
                return f"{year}{start.month:02d}"
            case PeriodType.WEEK:
                return f"{year}W{self._number}"
            case PeriodType.DAY:
                return f"{year}{start.month:02d}{start.day:02d}"

    @property
    def label(self) -> str:
        """The Vietnamese label: "năm 2023", "quý III/2023", "tháng 9/2023", ..."""
        return self.format_label()

    def format_label(self, translate: Callable[[str], str] | None = None) -> str:
        """The label, with ``translate`` (e.g. gettext) applied to its template."""
        params: dict[str, object] = {"year": self.year}
        match self.type:
            case PeriodType.YEAR:
                key = "year"
            case PeriodType.HALF:
                key = f"half{self._number}"
            case PeriodType.QUARTER:
                key, params["roman"] = "quarter", _ROMAN[self._number - 1]
            case PeriodType.MONTH:
                key, params["month"] = "month", self.start.month
            case PeriodType.WEEK:
                key, params["week"] = "week", self._number
            case PeriodType.DAY:
                day = self.start
                key, params["date"] = "day", f"{day.day:02d}/{day.month:02d}/{day.year}"
        template = _LABELS[key]
        return (translate(template) if translate else template) % params

    @property
    def _number(self) -> int:
        """The 1-based position within the year of a half, quarter, month or week."""
        if self.type is PeriodType.WEEK:
            return self.start.isocalendar().week
        return (self.start.month - 1) // _MONTHS[self.type] + 1

    def __str__(self) -> str:
        return self.id

    def __repr__(self) -> str:
        return f"<Period {self.id}>"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.start, self.end) < (other.start, other.end)

    def contains(self, other: Period | YearToDate | date) -> bool:
        """Whether ``other`` (a period, range or date) lies wholly within this period."""
        return _covers(self.start, self.end, other)

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier if negative) of the same type."""
        if self.type in _MONTHS:
            index = self.start.year * 12 + self.start.month - 1 + n * _MONTHS[self.type]
            _check_year(index // 12)
            start = date(index // 12, index % 12 + 1, 1)
        else:
            try:
                start = self.start + timedelta(days=n * _DAYS[self.type])
            except OverflowError:
                raise ChisoError("period.out_of_range", min=MIN_YEAR, max=MAX_YEAR) from None
        return Period.containing(self.type, start)

    def next(self) -> Period:
        """The following period of the same type."""
        return self.shift(1)

    def previous(self) -> Period:
        """The preceding period of the same type."""
        return self.shift(-1)

    def same_period_last_year(self) -> Period:
        """The same period one year earlier.

        A week keeps its number (W53 becomes W52 when the previous year has no week 53);
        29 February becomes 28 February.
        """
        year = self.year - 1
        _check_year(year)
        if self.type is PeriodType.WEEK:
            week = min(self._number, _weeks_in(year))
            return Period.containing(self.type, date.fromisocalendar(year, week, 1))
        if self.type is PeriodType.DAY:
            day = min(self.start.day, calendar.monthrange(year, self.start.month)[1])
            return Period.containing(self.type, date(year, self.start.month, day))
        return self.shift(-12 // _MONTHS[self.type])

    def year_to_date(self) -> YearToDate:
        """From the start of the year to the end of this period (lũy kế từ đầu năm)."""
        return YearToDate(self)

    def children(self) -> tuple[Period, ...]:
        """The next level down: year → halves → quarters → months; none below a month."""
        child_type = _CHILD_TYPE.get(self.type)
        return periods_in(self, child_type) if child_type else ()

    def months(self) -> tuple[Period, ...]:
        """The months lying within this period."""
        return periods_in(self, PeriodType.MONTH)

    def days(self) -> tuple[Period, ...]:
        """The days of this period."""
        return periods_in(self, PeriodType.DAY)

    def parent(self, period_type: PeriodType) -> Period:
        """The period of ``period_type`` that contains this one (itself for its own type).

        ChisoError ``period.no_parent`` when there is none, e.g. for a week that straddles
        two months, or for a finer type.
        """
        parent = Period.containing(period_type, self.start)
        if not parent.contains(self):
            raise ChisoError("period.no_parent", period=self.id, type=period_type.noun)
        return parent


@dataclass(frozen=True)
class YearToDate:
    """From the start of ``period``'s year to the end of ``period`` (lũy kế từ đầu năm).

    For a week the range starts on the Monday of week 1, so it holds whole weeks.
    """

    period: Period

    @property
    def start(self) -> date:
        """1 January, or the first day of week 1 for a week."""
        if self.period.type is PeriodType.WEEK:
            return date.fromisocalendar(self.period.year, 1, 1)
        return date(self.period.year, 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        return self.period.end

    @property
    def label(self) -> str:
        """E.g. "lũy kế từ đầu năm đến hết tháng 9/2023"."""
        return self.format_label()

    def format_label(self, translate: Callable[[str], str] | None = None) -> str:
        """The label, with ``translate`` (e.g. gettext) applied to the templates."""
        template = _LABELS["year_to_date"]
        if translate:
            template = translate(template)
        return template % {"period": self.period.format_label(translate)}

    def contains(self, other: Period | YearToDate | date) -> bool:
        """Whether ``other`` (a period, range or date) lies wholly within this range."""
        return _covers(self.start, self.end, other)


def parse_period(text: str) -> Period:
    """The period named by ``text`` (see ``Period.parse``)."""
    return Period.parse(text)


def periods_in(period: Period, period_type: PeriodType) -> tuple[Period, ...]:
    """The periods of ``period_type`` lying wholly within ``period``, in order.

    Weeks straddling the edges are left out (so a year may lose its ISO week 1); a coarser
    type gives none, the period's own type gives the period itself.
    """
    found = []
    day = period.start
    while day <= period.end:
        start, end = _bounds(period_type, day)
        if period.start <= start and end <= period.end:
            found.append(Period(period_type, start, end))
        day = end + _ONE_DAY
    return tuple(found)


def reporting_window(period: Period, cutoff_day: int = DEFAULT_CUTOFF_DAY) -> tuple[date, date]:
    """The data window of a month, quarter, half or year under Decree 09/2019/NĐ-CP.

    From the day after the cut-off in the month before the period to the cut-off day of its
    last month: 202309 → 15/08/2023–14/09/2023, 2023 → 15/12/2022–14/12/2023.
    """
    if period.type not in _MONTHS:
        raise ChisoError("period.no_window", period=period.id)
    if not isinstance(cutoff_day, int) or not 1 <= cutoff_day <= 28:
        raise ChisoError("period.bad_cutoff", cutoff_day=cutoff_day)
    month_before = (period.start - _ONE_DAY).replace(day=cutoff_day)
    return month_before + _ONE_DAY, period.end.replace(day=cutoff_day)


def reporting_deadline(
    period: Period, cutoff_day: int = DEFAULT_CUTOFF_DAY, grace_days: int = 0
) -> date:
    """The submission deadline: the cut-off date, plus ``grace_days`` if given."""
    if grace_days < 0:
        raise ChisoError("period.bad_grace_days", grace_days=grace_days)
    return reporting_window(period, cutoff_day)[1] + timedelta(days=grace_days)


def _first_day(period_type: PeriodType, parts: re.Match[str], text: str) -> date:
    """The first day of the period ``parts`` name; ChisoError naming ``text`` if none."""
    year = int(parts["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ChisoError("period.bad_year", text=text, min=MIN_YEAR, max=MAX_YEAR)
    if period_type is PeriodType.YEAR:
        return date(year, 1, 1)
    if period_type is PeriodType.WEEK:
        week, weeks = int(parts["number"]), _weeks_in(year)
        if not 1 <= week <= weeks:
            raise ChisoError("period.bad_week", text=text, year=year, week=week, weeks=weeks)
        return date.fromisocalendar(year, week, 1)
    if period_type in (PeriodType.HALF, PeriodType.QUARTER):
        number, size = int(parts["number"]), _MONTHS[period_type]
        if not 1 <= number <= 12 // size:
            raise ChisoError(f"period.bad_{period_type.value}", text=text)
        return date(year, (number - 1) * size + 1, 1)
    month = int(parts["month"])
    if not 1 <= month <= 12:
        raise ChisoError("period.bad_month", text=text, month=month)
    day = int(parts["day"]) if period_type is PeriodType.DAY else 1
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ChisoError("period.bad_day", text=text, year=year, month=month, day=day)
    return date(year, month, day)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ChisoError("period.out_of_range", min=MIN_YEAR, max=MAX_YEAR)


def _year_of(period_type: PeriodType, day: date) -> int:
    return day.isocalendar().year if period_type is PeriodType.WEEK else day.year


def _weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def _bounds(period_type: PeriodType, day: date) -> tuple[date, date]:
    """First and last day of the period of ``period_type`` containing ``day``."""
    if period_type in _MONTHS:
        size = _MONTHS[period_type]
        first_month = (day.month - 1) // size * size + 1
        last_month = first_month + size - 1
        last_day = calendar.monthrange(day.year, last_month)[1]
        return date(day.year, first_month, 1), date(day.year, last_month, last_day)
    start = day - timedelta(days=day.weekday()) if period_type is PeriodType.WEEK else day
    return start, start + timedelta(days=_DAYS[period_type] - 1)


def _covers(start: date, end: date, other: Period | YearToDate | date) -> bool:
    if isinstance(other, date):
        return start <= other <= end
    return start <= other.start and other.end <= end
