"""The multidimensional poverty standard of Decree 07/2021/NĐ-CP for 2022–2025 (pure Python).

Điều 3 of the decree measures a household on two criteria:

- income: the household's average income per person per month, against a standard of
  1.500.000 đồng in rural areas (khu vực nông thôn) and 2.000.000 đồng in urban areas (khu vực
  thành thị);
- deprivation of basic social services: six services (employment, health, education, housing,
  water and sanitation, information) measured by twelve indicators (``DEPRIVATIONS``).

and defines (khoản 2):

- a poor household (hộ nghèo): income at or below the standard ("từ ... trở xuống") *and*
  deprived of 3 or more of the 12 indicators;
- a near-poor household (hộ cận nghèo): income at or below the standard *and* deprived of
  fewer than 3 indicators;
- a household of average living standard (hộ có mức sống trung bình): income above the
  standard and at most 2.250.000 đồng (rural) or 3.000.000 đồng (urban);
- any other household is none of these.

``classify`` applies exactly that; it takes ``Decimal`` incomes in đồng and a set of indicator
codes and returns a ``PovertyResult``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.text import fold

register_messages(
    {
        "poverty.area": gettext_noop(
            "Khu vực '%(value)s' không hợp lệ: chỉ có nông thôn hoặc thành thị"
        ),
        "poverty.income_negative": gettext_noop(
            "Thu nhập bình quân đầu người/tháng không được âm (%(value)s)"
        ),
        "poverty.unknown_deprivation": gettext_noop(
            "Không có chỉ số thiếu hụt dịch vụ xã hội cơ bản mã '%(indicator)s'"
        ),
    }
)


class Area(StrEnum):
    RURAL = "rural"
    URBAN = "urban"


class PovertyClass(StrEnum):
    POOR = "poor"
    NEAR_POOR = "near_poor"
    AVERAGE = "average"
    NONE = "none"


INCOME_STANDARD = {Area.RURAL: Decimal(1_500_000), Area.URBAN: Decimal(2_000_000)}
"""Đồng per person per month at or below which a household is poor or near-poor."""

AVERAGE_CEILING = {Area.RURAL: Decimal(2_250_000), Area.URBAN: Decimal(3_000_000)}
"""Upper bound (inclusive) of the average living standard (hộ có mức sống trung bình)."""

POOR_MIN_DEPRIVATIONS = 3
"""A household with income at or below the standard is poor from this many deprivations on."""

DEPRIVATIONS: dict[str, tuple[str, str]] = {
    "viec_lam": ("viec_lam", gettext_noop("Việc làm")),
    "nguoi_phu_thuoc": ("viec_lam", gettext_noop("Người phụ thuộc trong hộ gia đình")),
    "dinh_duong": ("y_te", gettext_noop("Dinh dưỡng")),
    "bao_hiem_y_te": ("y_te", gettext_noop("Bảo hiểm y tế")),
    "giao_duc_nguoi_lon": ("giao_duc", gettext_noop("Trình độ giáo dục của người lớn")),
    "di_hoc_tre_em": ("giao_duc", gettext_noop("Tình trạng đi học của trẻ em")),
    "chat_luong_nha_o": ("nha_o", gettext_noop("Chất lượng nhà ở")),
    "dien_tich_nha_o": ("nha_o", gettext_noop("Diện tích nhà ở bình quân đầu người")),
    "nuoc_sinh_hoat": ("nuoc_ve_sinh", gettext_noop("Nguồn nước sinh hoạt")),
    "nha_tieu": ("nuoc_ve_sinh", gettext_noop("Nhà tiêu hợp vệ sinh")),
    "vien_thong": ("thong_tin", gettext_noop("Sử dụng dịch vụ viễn thông")),
    "tiep_can_thong_tin": ("thong_tin", gettext_noop("Phương tiện phục vụ tiếp cận thông tin")),
}
"""The 12 indicators of deprivation (code -> (service, Vietnamese name)), in the decree's
order; the services are việc làm, y tế, giáo dục, nhà ở, nước sinh hoạt và vệ sinh, thông tin."""


@dataclass(frozen=True)
class PovertyResult:
    """``cls`` and the facts it was decided on."""

    cls: PovertyClass
    area: Area
    income: Decimal
    standard: Decimal
    deprivations: tuple[str, ...]

    @property
    def deprivation_count(self) -> int:
        return len(self.deprivations)


def parse_area(value: str | Area) -> Area:
    """``rural``/``urban`` or the Vietnamese "nông thôn"/"thành thị" (any case or accents)."""
    folded = fold(str(value))
    for area, names in ((Area.RURAL, ("rural", "nong thon")), (Area.URBAN, ("urban", "thanh thi"))):
        if folded in names:
            return area
    raise ChisoError("poverty.area", value=value)


def check_deprivations(codes: Iterable[str]) -> tuple[str, ...]:
    """The indicator codes, validated, without repeats, in the decree's order."""
    given = {c.strip() for c in codes if c and c.strip()}
    for code in sorted(given):
        if code not in DEPRIVATIONS:
            raise ChisoError("poverty.unknown_deprivation", indicator=code)
    return tuple(code for code in DEPRIVATIONS if code in given)


def classify(income: Decimal | int, deprivations: Iterable[str], area: Area | str) -> PovertyResult:
    """Classify a household by Decree 07/2021/NĐ-CP, Điều 3 khoản 2.

    ``income``: average income per person per month in đồng; ``deprivations``: the codes of
    the indicators (``DEPRIVATIONS``) the household is deprived of; ``area``: rural or urban.
    """
    area = parse_area(area)
    income = Decimal(income)
    if income < 0:
        raise ChisoError("poverty.income_negative", value=income)
    lacking = check_deprivations(deprivations)
    standard = INCOME_STANDARD[area]
    if income <= standard:
        cls = PovertyClass.POOR if len(lacking) >= POOR_MIN_DEPRIVATIONS else PovertyClass.NEAR_POOR
    elif income <= AVERAGE_CEILING[area]:
        cls = PovertyClass.AVERAGE
    else:
        cls = PovertyClass.NONE
    return PovertyResult(cls, area, income, standard, lacking)
