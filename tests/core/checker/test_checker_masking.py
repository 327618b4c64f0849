"""Masking: look-alikes of figures are blanked before claims are read."""

from chiso.core.checker import check_text
from chiso.core.checker.masking import apply_mask, mask_spans


def masked(text):
    return [(text[start:end], kind) for start, end, kind in mask_spans(text)]


def claim_texts(text):
    return [claim.text for claim in check_text(text).claims]


def test_document_reference_with_date_is_masked():
    text = "Thực hiện Kế hoạch số 44/KH-UBND ngày 14/02/2023 của UBND tỉnh, hỗ trợ 12 hộ."
    assert masked(text) == [("Kế hoạch số 44/KH-UBND ngày 14/02/2023", "docref")]
    assert claim_texts(text) == ["12 hộ"]


def test_party_document_number_is_masked():
    text = "Theo Kế hoạch phối hợp số 27-KH/BDVTU-BCSĐUBND, tổ chức 3 hội nghị."
    assert ("Kế hoạch phối hợp số 27-KH/BDVTU-BCSĐUBND", "docref") in masked(text)
    assert claim_texts(text) == ["3 hội nghị"]


def test_legal_document_number_with_year_is_masked():
    text = "Áp dụng Quyết định 06/2024/QĐ-UBND cho 20 xã."
    assert claim_texts(text) == ["20 xã"]


def test_codes_mixing_digits_and_capitals_are_masked():
    text = "Đội K72 bàn giao; tiêm vắc xin COVID-19 cho 500 người."
    assert masked(text) == [("K72", "code"), ("COVID-19", "code")]
    assert claim_texts(text) == ["500 người"]


def test_full_dates_are_masked():
    assert masked("Ngày 12/01/2023 và 5-6-2023.") == [
        ("Ngày 12/01/2023", "date"),
        ("5-6-2023", "date"),
    ]


def test_day_month_after_ngay_is_masked():
    assert masked("Tổ chức ngày 6/2, có 30 người.") == [("ngày 6/2", "date")]


def test_bare_day_month_without_unit_is_a_date():
    text = "Nhân Ngày Thương binh liệt sĩ 27/7 tặng 50 phần quà."
    assert masked(text) == [("27/7", "date")]
    assert claim_texts(text) == ["50 phần quà"]


def test_day_month_followed_by_a_unit_is_a_ratio():
    text = "Có 5/7 xã đạt chuẩn."
    assert masked(text) == []
    assert claim_texts(text) == ["5/7 xã"]


def test_long_date_is_masked():
    assert masked("Bình Phước, ngày 14 tháng 02 năm 2023") == [
        ("ngày 14 tháng 02 năm 2023", "date")
    ]


def test_times_are_masked():
    text = "Thứ ba - 14/11/2023 03:39; họp lúc 14h30, kết thúc 16 giờ 45 phút."
    kinds = masked(text)
    assert ("03:39", "time") in kinds
    assert ("14h30", "time") in kinds
    assert ("16 giờ 45 phút", "time") in kinds
    assert claim_texts(text) == []


def test_years_and_year_ranges_are_masked():
    text = "Năm 2023, nhiệm kỳ 2020- 2025, Tết Nguyên đán 2023 có 40 hộ."
    assert masked(text) == [("2023", "year"), ("2020- 2025", "year_range"), ("2023", "year")]
    assert claim_texts(text) == ["40 hộ"]


def test_periods_are_masked():
    text = "Trong 6 tháng đầu năm 2023 và quý III/2023, tháng 9/2023 có 12 hộ."
    assert claim_texts(text) == ["12 hộ"]
    assert ("6 tháng đầu năm 2023", "period") in masked(text)


def test_age_ranges_are_masked():
    text = "Trẻ 12-17 tuổi và người từ 18 đến 60 tuổi, trẻ 18 tháng tuổi: 300 người."
    assert [kind for _t, kind in masked(text)] == ["age", "age", "age"]
    assert claim_texts(text) == ["300 người"]


def test_ranks_are_masked():
    text = "Xếp thứ 04/63 tỉnh, thành phố; PCI xếp hạng 43/63, tăng 7 bậc."
    assert masked(text) == [("Xếp thứ 04/63", "rank"), ("xếp hạng 43/63", "rank")]
    assert claim_texts(text) == ["7 bậc"]


def test_identifiers_are_masked_but_figures_after_the_same_words_are_not():
    text = (
        "Ấp 3 xã Lộc Tấn; tiêu chí số 17; lao động nông thôn 1.450 người; "
        "trợ cấp một lần 15,1 tỷ đồng."
    )
    assert ("Ấp 3", "identifier") in masked(text)
    assert ("tiêu chí số 17", "identifier") in masked(text)
    assert claim_texts(text) == ["1.450 người", "15,1 tỷ đồng"]


def test_contacts_and_headings_are_masked():
    text = "1. Kết quả\nĐiện thoại: 0271.3879.123, email: ubnd@binhphuoc.gov.vn"
    assert masked(text) == [
        ("1.", "heading"),
        ("Điện thoại: 0271.3879.123", "contact"),
        ("ubnd@binhphuoc.gov.vn", "contact"),
    ]


def test_apply_mask_keeps_offsets():
    text = "Ngày 12/01/2023 có 5 hộ"
    result = apply_mask(text, mask_spans(text))
    assert len(result) == len(text)
    assert result == " " * len("Ngày 12/01/2023") + " có 5 hộ"


def test_numbers_glued_to_words_and_english_grouping_are_not_figures():
    assert claim_texts("Hôm nay2,975 Tổng lượt truy cập1,263,538") == []
    assert claim_texts("tăng 1.5 lần, 1,263,538 lượt") == []
