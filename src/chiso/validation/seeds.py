"""Seeded computed indicators, rules for the seeded catalog and the new-rural scorecards.

``validation_seed`` creates what is missing and never changes what a person edited (a seeded
object is matched by its code). Objects whose indicators are not in the catalog are left out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction

from chiso.core.expressions import references
from chiso.indicators.models import Indicator, ValueType
from chiso.validation import generators
from chiso.validation.models import ComputedIndicator, Criterion, Scorecard, ValidationRule
from chiso.validation.selectors import parsed
from chiso.validation.services import computed_indicator_save, validation_rule_save

logger = logging.getLogger("chiso.validation")

__all__ = [
    "COMPUTED",
    "NTM_CRITERIA",
    "computed_seed",
    "rules_seed",
    "scorecards_seed",
    "seeded_rule_specs",
    "validation_seed",
]


@dataclass(frozen=True)
class ComputedSpec:
    code: str
    name_vi: str
    name_en: str
    numerator: str
    denominator: str
    factor: int
    decimals: int
    unit: str


_AGE_GROUPS = (
    ("TU_18_TUOI", "từ 18 tuổi trở lên", "aged 18 and over"),
    ("TU_12_DEN_17_TUOI", "từ 12 đến 17 tuổi", "aged 12 to 17"),
    ("TU_5_DEN_DUOI_12_TUOI", "từ 5 đến dưới 12 tuổi", "aged 5 to under 12"),
)

COMPUTED: list[ComputedSpec] = [
    ComputedSpec(
        "TY_LE_HO_NGHEO",
        "Tỷ lệ hộ nghèo",
        "Poverty rate (households)",
        "#{GN_HO_NGHEO}",
        "#{CHUNG_TONG_SO_HO}",
        100,
        2,
        "%",
    ),
    ComputedSpec(
        "TY_LE_HO_CAN_NGHEO",
        "Tỷ lệ hộ cận nghèo",
        "Near-poverty rate (households)",
        "#{GN_HO_CAN_NGHEO}",
        "#{CHUNG_TONG_SO_HO}",
        100,
        2,
        "%",
    ),
    ComputedSpec(
        "TY_LE_HS_DUNG_HAN",
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "Dossiers settled on time",
        "#{CCHC_HS_DUNG_HAN}",
        "#{CCHC_HS_DA_GIAI_QUYET}",
        100,
        1,
        "%",
    ),
    ComputedSpec(
        "GAO_BINH_QUAN_NHAN_KHAU",
        "Số gạo hỗ trợ bình quân mỗi nhân khẩu",
        "Rice per person supported",
        "#{ASXH_GAO_KG}",
        "#{ASXH_GAO_NHAN_KHAU}",
        1,
        1,
        "kg/người",
    ),
    *[
        ComputedSpec(
            f"TY_LE_TIEM_MUI_1_{code}",
            f"Tỷ lệ tiêm chủng mũi 1, nhóm {vi}",
            f"Vaccination coverage, dose 1, {en}",
            f"#{{YT_TIEM_CHUNG_MUI.{code}_MUI_1}}",
            f"#{{YT_TIEM_CHUNG_DOI_TUONG.{code}}}",
            100,
            1,
            "%",
        )
        for code, vi, en in _AGE_GROUPS
    ],
    ComputedSpec(
        "TY_LE_BHYT",
        "Tỷ lệ dân số tham gia bảo hiểm y tế",
        "Health-insurance coverage",
        "#{YT_BHYT_THAM_GIA}",
        "#{CHUNG_DAN_SO}",
        100,
        1,
        "%",
    ),
    ComputedSpec(
        "TY_LE_DVC_TOAN_TRINH",
        "Tỷ lệ dịch vụ công trực tuyến toàn trình",
        "Share of fully online public services",
        "#{CCHC_DVC_TOAN_TRINH}",
        "#{CCHC_DVC_KET_NOI}",
        100,
        1,
        "%",
    ),
]

# (stated total, disaggregated indicator)
_TOTALS = [("ASXH_QUA_TONG_BAO_CAO", "ASXH_QUA_SO_LUONG")]
# (part, whole)
_PART_WHOLE = [
    ("GN_HO_NGHEO", "CHUNG_TONG_SO_HO"),
    ("GN_HO_CAN_NGHEO", "CHUNG_TONG_SO_HO"),
    ("GN_HO_NGHEO_DTTS", "GN_HO_NGHEO"),
    ("CCHC_HS_DUNG_HAN", "CCHC_HS_DA_GIAI_QUYET"),
    ("CCHC_DVC_TOAN_TRINH", "CCHC_DVC_KET_NOI"),
    ("YT_ATTP_VI_PHAM", "YT_ATTP_KIEM_TRA"),
    ("TTCS_LOA_THON", "CHUNG_SO_THON"),
    ("TTCS_LOA_XA", "CHUNG_SO_XA"),
    ("GD_TRUONG_DAT_CHUAN", "GD_TONG_SO_TRUONG"),
    ("NTM_TIEU_CHI_DAT", "NTM_TIEU_CHI_TONG"),
    ("DTTS_TRE_SDD_HO_TRO", "DTTS_TRE_SDD"),
]
# (parts, whole)
_SUMS = [
    (["CCHC_HS_DA_GIAI_QUYET", "CCHC_HS_DANG_GIAI_QUYET"], "CCHC_HS_TIEP_NHAN"),
    (["CCHC_HS_DUNG_HAN", "CCHC_HS_QUA_HAN"], "CCHC_HS_DA_GIAI_QUYET"),
    (["CCHC_DVC_TOAN_TRINH", "CCHC_DVC_MOT_PHAN"], "CCHC_DVC_KET_NOI"),
]
_UNUSUAL = ["VL_VIEC_LAM_MOI", "CCHC_HS_TIEP_NHAN"]

NTM_DOCUMENT = "Quyết định số 318/QĐ-TTg ngày 08/3/2022"
NTM_CODE = "NTM_XA_2021_2025"
NTM_AUTO_CODE = "NTM_XA_2021_2025_TU_DONG"
# (number, group, name): Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021 - 2025.
NTM_CRITERIA: list[tuple[int, str, str]] = [
    (1, "Quy hoạch", "Quy hoạch"),
    (2, "Hạ tầng kinh tế - xã hội", "Giao thông"),
    (3, "Hạ tầng kinh tế - xã hội", "Thủy lợi và phòng, chống thiên tai"),
    (4, "Hạ tầng kinh tế - xã hội", "Điện"),
    (5, "Hạ tầng kinh tế - xã hội", "Trường học"),
    (6, "Hạ tầng kinh tế - xã hội", "Cơ sở vật chất văn hóa"),
    (7, "Hạ tầng kinh tế - xã hội", "Cơ sở hạ tầng thương mại nông thôn"),
    (8, "Hạ tầng kinh tế - xã hội", "Thông tin và Truyền thông"),
    (9, "Hạ tầng kinh tế - xã hội", "Nhà ở dân cư"),
    (10, "Kinh tế và tổ chức sản xuất", "Thu nhập"),
    (11, "Kinh tế và tổ chức sản xuất", "Nghèo đa chiều"),
    (12, "Kinh tế và tổ chức sản xuất", "Lao động"),
    (13, "Kinh tế và tổ chức sản xuất", "Tổ chức sản xuất và phát triển kinh tế nông thôn"),
    (14, "Văn hóa - Xã hội - Môi trường", "Giáo dục và Đào tạo"),
    (15, "Văn hóa - Xã hội - Môi trường", "Y tế"),
    (16, "Văn hóa - Xã hội - Môi trường", "Văn hóa"),
    (17, "Văn hóa - Xã hội - Môi trường", "Môi trường và an toàn thực phẩm"),
    (18, "Hệ thống chính trị", "Hệ thống chính trị và tiếp cận pháp luật"),
    (19, "Hệ thống chính trị", "Quốc phòng và An ninh"),
]
# The example's automatic criteria: number -> (condition, description).
NTM_AUTOMATIC: dict[int, tuple[str, str]] = {
    11: (
        "#{GN_HO_NGHEO} / #{CHUNG_TONG_SO_HO} * 100 <= 13",
        "Đạt khi tỷ lệ hộ nghèo (số hộ nghèo / tổng số hộ) không quá 13%",
    ),
    15: (
        "#{YT_BHYT_THAM_GIA} / #{CHUNG_DAN_SO} * 100 >= 95",
        "Đạt khi tỷ lệ dân số tham gia bảo hiểm y tế từ 95% trở lên",
    ),
}


def _catalog() -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.select_related("category_combo")}


def _covered(text: str, catalog: dict[str, Indicator]) -> bool:
    return all(r.code in catalog for r in references(parsed(text, "number")))


def computed_seed() -> int:
    """Create the seeded computed indicators that are missing; how many were created."""
    catalog = _catalog()
    existing = set(ComputedIndicator.objects.values_list("code", flat=True))
    created = 0
    for order, spec in enumerate(COMPUTED, start=1):
        if spec.code in existing:
            continue
        if not (_covered(spec.numerator, catalog) and _covered(spec.denominator, catalog)):
            continue
        computed_indicator_save(
            code=spec.code,
            name_vi=spec.name_vi,
            name_en=spec.name_en,
            numerator=spec.numerator,
            denominator=spec.denominator,
            factor=spec.factor,
            decimals=spec.decimals,
            unit=spec.unit,
            sort_order=order,
        )
        created += 1
    return created


def seeded_rule_specs(catalog: dict[str, Indicator] | None = None) -> list[generators.RuleSpec]:
    """The generated rules for the catalog (those whose indicators are all in it)."""
    catalog = _catalog() if catalog is None else catalog
    specs: list[generators.RuleSpec] = []

    def have(*codes: str) -> bool:
        return all(c in catalog for c in codes)

    for total, parts in _TOTALS:
        if have(total, parts):
            specs.append(generators.total_equals_parts(catalog[total], catalog[parts]))
    for part, whole in _PART_WHOLE:
        if have(part, whole) and catalog[part].period_type == catalog[whole].period_type:
            specs.append(generators.part_le_whole(catalog[part], catalog[whole]))
    for parts, whole in _SUMS:
        if have(*parts, whole):
            specs.append(generators.sum_equals([catalog[p] for p in parts], catalog[whole]))
    for indicator in sorted(catalog.values(), key=lambda i: i.code):
        if indicator.value_type == ValueType.PERCENTAGE:
            specs.append(generators.percentage_max_100(indicator))
    for code in _UNUSUAL:
        if have(code):
            specs.append(generators.unusual_value(catalog[code]))
    return specs


def rules_seed() -> int:
    """Create the generated rules that are missing; how many were created."""
    existing = set(ValidationRule.objects.values_list("code", flat=True))
    created = 0
    for spec in seeded_rule_specs():
        if spec.code in existing:
            continue
        validation_rule_save(**spec.as_kwargs())
        created += 1
    return created


@transaction.atomic
def scorecards_seed() -> int:
    """The national new-rural set (19 manual criteria) and an example with two automatic
    criteria; how many scorecards were created."""
    catalog = _catalog()
    created = 0
    for code, name, automatic in (
        (NTM_CODE, "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021 - 2025", False),
        (
            NTM_AUTO_CODE,
            "Bộ tiêu chí xã nông thôn mới 2021 - 2025 (ví dụ: tiêu chí 11 và 15 tính tự động)",
            True,
        ),
    ):
        if Scorecard.objects.filter(code=code).exists():
            continue
        scorecard = Scorecard.objects.create(
            code=code,
            name_vi=name,
            name_en=(
                "National new-rural commune criteria 2021-2025"
                + (" (example: criteria 11 and 15 computed)" if automatic else "")
            ),
            document=NTM_DOCUMENT,
            tier="xa",
            sort_order=2 if automatic else 1,
        )
        for number, group, criterion in NTM_CRITERIA:
            expression, description = "", ""
            if automatic and number in NTM_AUTOMATIC:
                expression, description = NTM_AUTOMATIC[number]
                if not all(r.code in catalog for r in references(parsed(expression, "boolean"))):
                    expression, description = "", ""
            Criterion.objects.create(
                scorecard=scorecard,
                number=number,
                group=group,
                name=criterion,
                expression=expression,
                description=description,
            )
        created += 1
    return created


def validation_seed() -> dict[str, int]:
    """Seed computed indicators, rules and scorecards (idempotent)."""
    counts = {
        "computed": computed_seed(),
        "rules": rules_seed(),
        "scorecards": scorecards_seed(),
    }
    logger.info("validation seed: %s", counts)
    return counts
