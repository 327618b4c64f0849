"""Which words of a report point at which catalog indicator (and disaggregation option).

A stated figure is matched to an indicator only when its unit is of the indicator's family
(persons, households, gifts, money, kg, % ...) *and* one of the indicator's keywords appears in
the words around it. The keywords of the seeded catalog are kept here, by indicator code;
an indicator without an entry (one added by a province) falls back to the two-word phrases of
its Vietnamese name (``fallback_keywords``). Keywords are matched accent-insensitively
(``chiso.core.text.fold``) on whole words.

``OPTION_KEYWORDS`` does the same for disaggregation options ("cho gia đình người có công" →
the ``NGUOI_CO_CONG`` option of the gifts indicators); other options match by their name.
"""

from __future__ import annotations

import itertools

from chiso.core.text import fold

INDICATOR_KEYWORDS: dict[str, tuple[str, ...]] = {
    "CHUNG_DAN_SO": ("dân số",),
    "CHUNG_TONG_SO_HO": ("hộ dân cư", "tổng số hộ", "số hộ dân"),
    "CHUNG_SO_THON": ("tổng số thôn", "số thôn, ấp"),
    "CHUNG_SO_XA": ("đơn vị hành chính cấp xã", "tổng số xã", "số xã, phường"),
    "NCC_HAI_COT_LIET_SI": ("hài cốt", "liệt sĩ", "liệt sỹ"),
    "ASXH_QUA_SO_LUONG": ("quà", "phần quà", "suất quà", "tặng quà", "gói quà"),
    "ASXH_QUA_GIA_TRI": ("trị giá", "giá trị", "tổng trị giá", "kinh phí tặng quà"),
    "ASXH_GAO_KG": ("gạo",),
    "ASXH_GAO_NHAN_KHAU": ("gạo", "hỗ trợ gạo", "cấp gạo"),
    "GN_HO_NGHEO": ("hộ nghèo",),
    "GN_HO_CAN_NGHEO": ("hộ cận nghèo", "cận nghèo"),
    "GN_HO_NGHEO_DTTS": (
        "hộ nghèo dân tộc thiểu số",
        "hộ nghèo đồng bào dân tộc thiểu số",
        "hộ nghèo dtts",
        "hộ nghèo là đồng bào dân tộc thiểu số",
    ),
    "GN_HO_THOAT_NGHEO": ("thoát nghèo", "giảm hộ nghèo", "hộ nghèo giảm"),
    "GN_HO_NGHEO_DTTS_GIAM": (
        "hộ nghèo dân tộc thiểu số giảm",
        "giảm hộ nghèo dân tộc thiểu số",
        "hộ nghèo đồng bào dân tộc thiểu số giảm",
        "giảm hộ nghèo đồng bào dân tộc thiểu số",
    ),
    "GN_VON_GIAO": ("vốn được giao", "giao vốn", "kế hoạch vốn", "vốn giao"),
    "GN_VON_GIAI_NGAN": ("giải ngân", "đã giải ngân"),
    "GN_GIAI_NGAN_TY_LE": ("giải ngân", "tỷ lệ giải ngân"),
    "DTTS_DAT_O": ("đất ở", "hỗ trợ đất"),
    "DTTS_NHA_O": ("nhà ở", "hỗ trợ nhà", "xây mới", "sửa chữa nhà", "làm nhà"),
    "DTTS_CHUYEN_DOI_NGHE": ("chuyển đổi nghề",),
    "DTTS_NUOC_PHAN_TAN": ("nước sinh hoạt phân tán", "phân tán"),
    "DTTS_NUOC_TAP_TRUNG": ("nước sinh hoạt tập trung", "công trình nước", "nước tập trung"),
    "DTTS_TRE_SDD": ("trẻ em suy dinh dưỡng", "trẻ suy dinh dưỡng", "suy dinh dưỡng"),
    "DTTS_TRE_SDD_HO_TRO": (
        "tăng cường dinh dưỡng",
        "hỗ trợ dinh dưỡng",
        "cải thiện dinh dưỡng",
        "hỗ trợ tăng cường dinh dưỡng",
    ),
    "VL_VIEC_LAM_MOI": (
        "giải quyết việc làm",
        "tạo việc làm",
        "việc làm mới",
        "có việc làm mới",
        "tạo việc làm mới",
    ),
    "VL_LAO_DONG_NGOAI_TINH": ("ngoại tỉnh", "lao động ngoại tỉnh", "lao động từ tỉnh khác"),
    "VL_TU_VAN": ("tư vấn", "giới thiệu việc làm"),
    "VL_BH_THAT_NGHIEP": ("bảo hiểm thất nghiệp", "trợ cấp thất nghiệp"),
    "VL_LAM_VIEC_NUOC_NGOAI": ("nước ngoài", "xuất khẩu lao động"),
    "VL_DAO_TAO_NGHE": ("đào tạo nghề", "dạy nghề", "giáo dục nghề nghiệp"),
    "VL_DAO_TAO_LAI": ("đào tạo lại",),
    "VL_TY_LE_QUA_DAO_TAO": ("qua đào tạo", "lao động qua đào tạo"),
    "YT_TIEM_CHUNG_MUI": ("tiêm", "mũi tiêm", "vắc xin", "vắc-xin", "tiêm chủng"),
    "YT_TIEM_CHUNG_DOI_TUONG": ("đối tượng cần tiêm", "cần tiêm", "đối tượng tiêm chủng"),
    "YT_BHYT_THAM_GIA": ("bảo hiểm y tế", "bhyt"),
    "YT_KHAM_BENH_MIEN_PHI": ("khám bệnh", "khám, chữa bệnh", "cấp thuốc", "khám chữa bệnh"),
    "YT_ATTP_KIEM_TRA": ("kiểm tra", "thanh tra"),
    "YT_ATTP_VI_PHAM": ("vi phạm",),
    "YT_ATTP_TIEN_PHAT": ("xử phạt", "tiền phạt", "phạt tiền"),
    "CCHC_DVC_KET_NOI": ("kết nối", "tích hợp", "cổng dịch vụ công quốc gia"),
    "CCHC_DVC_TOAN_TRINH": ("toàn trình",),
    "CCHC_DVC_MOT_PHAN": ("một phần",),
    "CCHC_HS_TIEP_NHAN": ("tiếp nhận", "hồ sơ tiếp nhận"),
    "CCHC_HS_DA_GIAI_QUYET": ("đã giải quyết", "giải quyết xong"),
    "CCHC_HS_DUNG_HAN": ("đúng hạn", "trước hạn", "giải quyết đúng hạn", "đúng và trước hạn"),
    "CCHC_HS_QUA_HAN": ("quá hạn", "trễ hạn", "giải quyết quá hạn"),
    "CCHC_HS_DANG_GIAI_QUYET": ("đang giải quyết", "đang xử lý"),
    "TTCS_LOA_THON": ("loa truyền thanh", "hệ thống loa", "được lắp đặt"),
    "TTCS_LOA_XA": ("loa truyền thanh", "hệ thống loa", "được lắp đặt"),
    "TTCS_LOA_CUM": ("cụm", "cụm loa"),
    "TTCS_LOA_SO_LOA": ("loa",),
    "NTM_TIEU_CHI_DAT": ("tiêu chí", "đạt chuẩn"),
    "NTM_DAT_CHUAN": ("đạt chuẩn nông thôn mới", "nông thôn mới"),
    "GD_TRUONG_DAT_CHUAN": ("đạt chuẩn quốc gia", "trường chuẩn", "đạt chuẩn"),
    "GD_TONG_SO_TRUONG": ("tổng số trường", "trường học"),
    "DV_NHOM_NHIEM_VU": ("nhóm nhiệm vụ",),
    "DV_NHIEM_VU": ("nhiệm vụ cụ thể", "danh mục nhiệm vụ"),
    "DV_MO_HINH_DAN_VAN_KHEO": ("dân vận khéo", "mô hình"),
    "DV_DOI_THOAI": ("đối thoại",),
    "DV_TIEP_CONG_DAN": ("tiếp công dân", "tiếp dân"),
    "DV_DON_THU_TIEP_NHAN": ("đơn thư", "khiếu nại", "tố cáo", "kiến nghị, phản ánh"),
    "DV_DON_THU_GIAI_QUYET": ("giải quyết đơn", "đã giải quyết", "giải quyết xong"),
}
"""Keywords of the seeded catalog's indicators (Vietnamese, as written in reports)."""

OPTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "HO_NGHEO": ("hộ nghèo", "người nghèo"),
    "HO_CAN_NGHEO": ("hộ cận nghèo", "cận nghèo"),
    "BAO_TRO_XA_HOI": ("bảo trợ xã hội",),
    "NGUOI_CO_CONG": ("người có công", "gia đình chính sách", "thương binh", "thân nhân liệt sĩ"),
    "DAN_TOC_THIEU_SO": ("dân tộc thiểu số", "đồng bào dân tộc"),
    "KHAC": ("đối tượng khác",),
    "XAY_MOI": ("xây mới", "xây dựng mới", "làm mới"),
    "SUA_CHUA": ("sửa chữa",),
}
"""Keywords of the seeded catalog's disaggregation options, by option code."""

PLAN_CUES: tuple[str, ...] = tuple(
    fold(cue)
    for cue in (
        "mục tiêu",
        "phấn đấu",
        "chỉ tiêu",
        "dự kiến",
        "kế hoạch giao",
        "theo kế hoạch",
        "kế hoạch là",
        "phải đạt",
        "giao chỉ tiêu",
        "đề ra",
        "kế hoạch đề ra",
    )
)
"""Words just before a figure saying it is a target, not a result (it is not compared)."""

SENTENCE_PLAN_CUES: tuple[str, ...] = tuple(
    fold(cue) for cue in ("mục tiêu", "phấn đấu", "dự kiến", "đề ra", "kế hoạch giao")
)
"""Words that make every later figure of their sentence a target."""

PROPER_NAMES: tuple[str, ...] = tuple(
    fold(name) for name in ("chương trình mục tiêu quốc gia", "mục tiêu quốc gia")
)
"""Names that contain a plan cue without being one."""

# Syllables that carry no meaning of their own in an indicator's name.
_STOP = frozenset(
    fold(word)
    for word in (
        "số",
        "tổng",
        "được",
        "có",
        "các",
        "của",
        "và",
        "cho",
        "với",
        "trên",
        "tại",
        "theo",
        "đã",
        "là",
        "một",
        "những",
        "người",
        "hộ",
        "tỷ",
        "lệ",
        "tỉ",
        "đồng",
        "lượt",
    )
)


def indicator_keywords(code: str, name_vi: str, unit: str = "") -> tuple[str, ...]:
    """The folded keywords of an indicator: the catalog's list, else from its name."""
    curated = INDICATOR_KEYWORDS.get(code)
    if curated is not None:
        return tuple(fold(k) for k in curated)
    return fallback_keywords(name_vi, unit)


def fallback_keywords(name_vi: str, unit: str = "") -> tuple[str, ...]:
    """Two-syllable phrases of ``name_vi`` without meaningless syllables and other than the
    unit itself: "Số lao động có việc làm mới" (unit "lao động") → "viec lam", "lam moi"."""
    words = [w.strip("(),.;:“”\"'") for w in fold(name_vi).split()]
    words = [w for w in words if w]
    folded_unit = fold(unit)
    phrases: list[str] = []
    for first, second in itertools.pairwise(words):
        if first in _STOP or second in _STOP:
            continue
        phrase = f"{first} {second}"
        if phrase != folded_unit and phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases)


def option_keywords(code: str, name_vi: str) -> tuple[str, ...]:
    """The folded keywords of a disaggregation option: the catalog's list, else its name."""
    curated = OPTION_KEYWORDS.get(code)
    if curated is not None:
        return tuple(fold(k) for k in curated)
    return (fold(name_vi),)
