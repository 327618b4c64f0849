"""Each check with a consistent and an inconsistent example: severity, span, figures, message."""

from chiso.core.checker import check_text


def findings(text):
    return [
        (f.severity, f.kind, text[f.start : f.end], f.stated, f.computed, f.message)
        for f in check_text(text).findings
    ]


# --- part-whole ----------------------------------------------------------------------------


def test_complete_breakdown_that_does_not_add_up_is_an_error():
    text = "Tổng số 1.468 hồ sơ, gồm đúng hạn 1.076 hồ sơ và quá hạn 396 hồ sơ."
    assert findings(text) == [
        (
            "error",
            "part_whole",
            "1.468 hồ sơ",
            "1.468",
            "1.472",
            "Tổng các thành phần 1.076 + 396 = 1.472 hồ sơ, khác 1.468 hồ sơ đã nêu",
        ),
    ]


def test_parenthesised_breakdown_consistent_and_not():
    good = "Giải quyết nhà ở cho 629 hộ (xây dựng mới nhà ở là 431 hộ và sửa chữa nhà ở là 198 hộ)."
    bad = "Giải quyết nhà ở cho 629 hộ (xây dựng mới nhà ở là 431 hộ và sửa chữa nhà ở là 189 hộ)."
    assert findings(good) == []
    assert findings(bad) == [
        (
            "error",
            "part_whole",
            "629 hộ",
            "629",
            "620",
            "Tổng các thành phần 431 + 189 = 620 hộ, khác 629 hộ đã nêu",
        ),
    ]


def test_trong_do_list_below_the_total_is_only_a_warning():
    assert findings("Hỗ trợ 500 hộ, trong đó 300 hộ nghèo, 150 hộ cận nghèo.") == [
        (
            "warning",
            "part_whole",
            "500 hộ",
            "500",
            "450",
            "Tổng các thành phần 300 + 150 = 450 hộ, nhỏ hơn 500 hộ đã nêu: danh sách 'trong đó' "
            "có thể chưa đầy đủ",
        ),
    ]


def test_trong_do_list_above_the_total_is_an_error():
    assert findings("Hỗ trợ 500 hộ, trong đó 300 hộ nghèo, 250 hộ cận nghèo.") == [
        (
            "error",
            "part_whole",
            "500 hộ",
            "500",
            "550",
            "Tổng các thành phần 300 + 250 = 550 hộ, vượt quá 500 hộ đã nêu",
        ),
    ]
    assert findings("Hỗ trợ 500 hộ, trong đó 300 hộ nghèo, 200 hộ cận nghèo.") == []


def test_parts_along_different_dimensions_may_overlap():
    text = (
        "Giải quyết việc làm cho 1.200 lao động, trong đó 700 lao động nữ, 600 lao động là "
        "người dân tộc thiểu số."
    )
    assert [f[:5] for f in findings(text)] == [
        ("warning", "part_whole", "1.200 lao động", "1.200", "1.300")
    ]


def test_money_parts_are_checked_separately_from_counts():
    text = (
        "Tặng 1.200 suất quà, tổng trị giá 600 triệu đồng, trong đó: hộ nghèo 800 suất, trị giá "
        "400 triệu đồng; hộ cận nghèo 400 suất, trị giá 250 triệu đồng."
    )
    assert findings(text) == [
        (
            "error",
            "part_whole",
            "600 triệu đồng",
            "600.000.000",
            "650.000.000",
            "Tổng các thành phần 400 + 250 = 650 triệu đồng, khác 600 triệu đồng đã nêu",
        ),
    ]


def test_an_approximation_that_holds_in_its_direction_is_not_an_error():
    assert (
        findings(
            "Tặng quà trị giá trên 20 tỷ đồng, gồm quà Tết 12 tỷ đồng và quà 27/7 là 9 tỷ đồng."
        )
        == []
    )
    assert findings("Tặng quà trị giá trên 20 tỷ đồng, trong đó quà Tết 12 tỷ đồng.") == []
    assert findings(
        "Tặng quà trị giá trên 20 tỷ đồng, gồm quà Tết 12 tỷ đồng và quà 27/7 là 7 tỷ đồng."
    ) == [
        (
            "error",
            "part_whole",
            "20 tỷ đồng",
            "20.000.000.000",
            "19.000.000.000",
            "Tổng các thành phần 12 + 7 = 19 tỷ đồng, không phù hợp với 'trên 20 tỷ đồng' đã nêu",
        ),
    ]


def test_an_estimate_far_from_its_parts_is_a_warning():
    text = "Kinh phí gần 120 triệu đồng, gồm: cấp huyện 65 triệu đồng, các xã 70 triệu đồng."
    assert findings(text) == [
        (
            "warning",
            "part_whole",
            "120 triệu đồng",
            "120.000.000",
            "135.000.000",
            "Tổng các thành phần 65 + 70 = 135 triệu đồng, chênh nhiều so với 'gần 120 triệu "
            "đồng' đã nêu (có số liệu ước tính nên chỉ cảnh báo)",
        ),
    ]


def test_a_sentence_opening_with_trong_do_takes_the_total_before_it():
    text = (
        "Toàn tỉnh giải quyết việc làm cho 19.850 lao động. Trong đó, trong tỉnh 16.420 người, "
        "ngoài tỉnh 3.100 người, nước ngoài 340 người."
    )
    assert [f[:5] for f in findings(text)] == [
        ("error", "part_whole", "19.850 lao động", "19.850", "19.860")
    ]


def test_a_breakdown_in_list_lines():
    good = (
        "Tổng số hồ sơ tiếp nhận: 2.356 hồ sơ, trong đó:\n"
        "- Trực tuyến: 1.702 hồ sơ (72,2%);\n"
        "- Trực tiếp: 654 hồ sơ (27,8%).\n"
    )
    assert findings(good) == []
    bad = good.replace("654", "664")
    assert findings(bad) == [
        (
            "error",
            "part_whole",
            "2.356 hồ sơ",
            "2.356",
            "2.366",
            "Tổng các thành phần 1.702 + 664 = 2.366 hồ sơ, khác 2.356 hồ sơ đã nêu",
        ),
        (
            "error",
            "share_percent",
            "27,8%",
            "27,8%",
            "28,2%",
            "664 / 2.356 hồ sơ = 28,2%, khác 27,8% đã nêu",
        ),
    ]


def test_a_total_written_after_its_parts():
    assert findings("Hộ nghèo 300 hộ, hộ cận nghèo 200 hộ, tổng cộng 500 hộ.") == []
    assert findings("Hộ nghèo 300 hộ, hộ cận nghèo 200 hộ, tổng cộng 510 hộ.") == [
        (
            "error",
            "part_whole",
            "510 hộ",
            "510",
            "500",
            "Tổng các thành phần 300 + 200 = 500 hộ, khác 510 hộ đã nêu",
        ),
    ]


def test_nested_breakdowns_are_checked_each_against_its_own_total():
    text = (
        "Tổng số hồ sơ tiếp nhận: 1.468 hồ sơ, gồm:\n"
        "- Đã giải quyết: 1.400 hồ sơ, trong đó đúng hạn 1.380 hồ sơ, quá hạn 20 hồ sơ;\n"
        "- Đang giải quyết: 68 hồ sơ.\n"
    )
    assert findings(text) == []
    assert [f[:5] for f in findings(text.replace("giải quyết: 68", "giải quyết: 60"))] == [
        ("error", "part_whole", "1.468 hồ sơ", "1.468", "1.460")
    ]


# --- ratios and shares ---------------------------------------------------------------------


def test_ratio_against_its_stated_percentage():
    text = (
        "Đạt 100% (843/843 thôn); xã Lộc Thiện đạt 15/19 tiêu chí (81,2%); "
        "xã Lộc Thành đạt 12/19 tiêu chí, đạt 63,2%."
    )
    assert findings(text) == [
        ("error", "ratio_percent", "81,2%", "81,2%", "78,9%", "15/19 = 78,9%, khác 81,2% đã nêu"),
    ]


def test_tolerance_follows_the_decimals_written():
    assert findings("Có 9/12 trường đạt chuẩn, đạt 75%.") == []
    assert findings("Có 9/12 trường đạt chuẩn, đạt 75,4%.") == [
        ("error", "ratio_percent", "75,4%", "75,4%", "75,0%", "9/12 = 75,0%, khác 75,4% đã nêu"),
    ]
    # 330/800 = 41,25%: both roundings of the half are accepted at one decimal.
    assert findings("Có 330/800 lao động, đạt 41,3%.") == []
    assert findings("Có 330/800 lao động, đạt 41,2%.") == []


def test_a_truncated_percentage_is_a_warning():
    assert findings("Đạt 66,6% (8.400/12.600 trẻ).") == [
        (
            "warning",
            "ratio_percent",
            "66,6%",
            "66,6%",
            "66,7%",
            "8.400/12.600 = 66,667%, làm tròn là 66,7%; 66,6% đã nêu có vẻ bị cắt bớt chữ số "
            "thay vì làm tròn",
        ),
    ]


def test_shares_of_a_breakdown_total():
    text = (
        "Có 1.468 dịch vụ công, trong đó có 1.076 dịch vụ công toàn trình, chiếm tỷ lệ 73,3%, "
        "396 dịch vụ công một phần, chiếm tỷ lệ 26,7%."
    )
    assert findings(text) == [
        (
            "error",
            "part_whole",
            "1.468 dịch vụ công",
            "1.468",
            "1.472",
            "Tổng các thành phần 1.076 + 396 = 1.472 dịch vụ công, khác 1.468 dịch vụ công đã nêu",
        ),
        (
            "error",
            "share_percent",
            "26,7%",
            "26,7%",
            "27,0%",
            "396 / 1.468 dịch vụ công = 27,0%, khác 26,7% đã nêu",
        ),
    ]
    assert findings(text.replace("396", "392")) == []


def test_share_of_an_explicit_total():
    assert (
        findings(
            "Dư nợ hộ nghèo đạt 412.650 triệu đồng, chiếm 29,8% tổng dư nợ 1.386.200 triệu đồng."
        )
        == []
    )
    assert findings(
        "Dư nợ hộ nghèo đạt 412.650 triệu đồng, chiếm 28,4% tổng dư nợ 1.386.200 triệu đồng."
    ) == [
        (
            "error",
            "share_percent",
            "28,4%",
            "28,4%",
            "29,8%",
            "412.650 / 1.386.200 triệu đồng = 29,8%, khác 28,4% đã nêu",
        ),
    ]
    assert findings("Có 1.850 hộ được công nhận trong tổng số 2.120 hộ, đạt 89,2%.") == [
        (
            "error",
            "share_percent",
            "89,2%",
            "89,2%",
            "87,3%",
            "1.850 / 2.120 hộ = 87,3%, khác 89,2% đã nêu",
        ),
    ]


# --- percentages of a plan or of the same period -------------------------------------------


def test_plan_change_and_same_period_percentages():
    good = (
        "Giải quyết việc làm cho 38.406 lao động, đạt 96% kế hoạch năm (40.000 lao động), "
        "tăng 4% so với cùng kỳ (36.929 lao động)."
    )
    assert findings(good) == []
    bad = good.replace("96%", "95%").replace("tăng 4%", "tăng 5%")
    assert findings(bad) == [
        (
            "error",
            "base_percent",
            "95%",
            "95,0%",
            "96,0%",
            "38.406 / kế hoạch 40.000 lao động = 96,0%, khác 95% đã nêu",
        ),
        (
            "error",
            "base_percent",
            "5%",
            "5,0%",
            "4,0%",
            "(38.406 − 36.929) / 36.929 lao động = 4,0%, khác 5% đã nêu",
        ),
    ]
    assert findings("Có 21.870 người tham gia, bằng 118,2% so với cùng kỳ (18.500 người).") == []
    assert findings("Có 21.870 người tham gia, bằng 112,2% so với cùng kỳ (18.500 người).") == [
        (
            "error",
            "base_percent",
            "112,2%",
            "112,2%",
            "118,2%",
            "21.870 / 18.500 người (cùng kỳ) = 118,2%, khác 112,2% đã nêu",
        ),
    ]


def test_a_decrease_is_checked_with_its_sign():
    good = "Có 1.036 doanh nghiệp, giảm 6,5% so với cùng kỳ (1.108 doanh nghiệp)."
    assert findings(good) == []
    assert findings(good.replace("6,5%", "8,4%")) == [
        (
            "error",
            "base_percent",
            "8,4%",
            "-8,4%",
            "-6,5%",
            "(1.036 − 1.108) / 1.108 doanh nghiệp = -6,5%, khác giảm 8,4% đã nêu",
        ),
    ]


def test_exceeding_a_plan_by_a_percentage():
    assert (
        findings("Giải quyết việc làm cho 2.865 lao động, vượt 2,3% kế hoạch (2.800 lao động).")
        == []
    )


# --- unit prices ---------------------------------------------------------------------------


def test_count_times_unit_price_against_the_amount():
    assert (
        findings("Trao 200 phần quà, mỗi suất trị giá 500.000 đồng, tổng trị giá 100 triệu đồng.")
        == []
    )
    assert findings(
        "Trao 200 phần quà (trị giá 500.000 đồng/suất) với tổng số tiền 120 triệu đồng."
    ) == [
        (
            "error",
            "unit_price",
            "120 triệu đồng",
            "120.000.000",
            "100.000.000",
            "200 phần quà × 500.000 đồng/suất = 100 triệu đồng, khác 120 triệu đồng đã nêu",
        ),
    ]


def test_rice_per_person_and_doses_per_person():
    assert findings("Cấp 444.960 kg gạo cho 29.664 nhân khẩu (15 kg/người).") == []
    assert findings("Cấp 450.000 kg gạo cho 29.664 nhân khẩu (15 kg/người).") == [
        (
            "error",
            "unit_price",
            "450.000 kg",
            "450.000",
            "444.960",
            "29.664 nhân khẩu × 15 kg/người = 444.960 kg, khác 450.000 kg đã nêu",
        ),
    ]
    assert [f[:5] for f in findings("Đã tiêm 845 liều cho 171 người, mỗi người 5 liều.")] == [
        ("error", "unit_price", "845 liều", "845", "855")
    ]


def test_unit_price_against_an_approximate_amount():
    assert (
        findings("Trao 200 phần quà, mỗi suất 500.000 đồng, tổng trị giá trên 90 triệu đồng.") == []
    )
    assert [
        f[:5]
        for f in findings(
            "Trao 200 phần quà, mỗi suất 500.000 đồng, tổng trị giá trên 120 triệu đồng."
        )
    ] == [("error", "unit_price", "120 triệu đồng", "120.000.000", "100.000.000")]


def test_an_average_rate_is_rounded():
    assert (
        findings(
            "Cho vay 1.862 lượt hộ với doanh số 89.376 triệu đồng, bình quân 48 triệu đồng/hộ."
        )
        == []
    )
    assert findings("Tổ chức 36 buổi cho 2.160 người, bình quân 61 người/buổi.") == [
        (
            "error",
            "unit_price",
            "2.160 người",
            "2.160",
            "2.196",
            "36 buổi × 61 người/buổi = 2.196 người, khác 2.160 người đã nêu",
        ),
    ]


def test_several_rates_paired_with_their_counts():
    good = (
        "Làm mới 35 căn nhà và sửa chữa 17 căn nhà, tổng cộng 52 căn, kinh phí 1.830 triệu đồng "
        "(45 triệu đồng/căn, 15 triệu đồng/căn)."
    )
    assert findings(good) == []
    assert findings(good.replace("1.830", "1.825")) == [
        (
            "error",
            "unit_price",
            "1.825 triệu đồng",
            "1.825.000.000",
            "1.830.000.000",
            "35 × 45 triệu đồng/căn + 17 × 15 triệu đồng/căn = 1.830 triệu đồng, khác 1.825 triệu "
            "đồng đã nêu",
        ),
    ]


def test_a_sentence_with_several_amounts_gives_only_a_warning():
    text = (
        "Trao 200 phần quà (500.000 đồng/suất), trị giá 120 triệu đồng và 30 triệu đồng tiền mặt."
    )
    assert [f[:2] for f in findings(text)] == [("warning", "unit_price")]


# --- totals implied by two statements ------------------------------------------------------


def test_shares_implying_different_totals_conflict():
    assert findings("Gồm 1.180 phiếu của tổ chức (50,7%) và 1.148 phiếu của cá nhân (49,3%).") == []
    assert findings(
        "Trong số phiếu thu về, gồm 1.180 phiếu của tổ chức (42,1%) và 1.148 phiếu "
        "của cá nhân (51,3%)."
    ) == [
        (
            "error",
            "conflict",
            "51,3%",
            "51,3%",
            "41,0%",
            "1.180 phiếu ứng với 42,1% cho tổng khoảng 2.803 phiếu, còn 1.148 phiếu ứng với 51,3% "
            "cho tổng khoảng 2.238 phiếu: hai tỷ lệ không thể cùng đúng với một tổng",
        ),
    ]


def test_shares_outside_a_breakdown_conflict_only_as_a_warning():
    text = (
        "Có 1.432 phiếu rất hài lòng (61,5%), 806 phiếu hài lòng (34,6%) và 90 phiếu chưa "
        "hài lòng (3,9%)."
    )
    assert findings(text) == []
    assert [f[:5] for f in findings(text.replace("(3,9%)", "(13,9%)"))] == [
        ("warning", "conflict", "13,9%", "13,9%", "3,9%")
    ]


def test_dossiers_received_against_settled_and_pending():
    good = "Tiếp nhận 4.808 hồ sơ. Đã giải quyết 4.512 hồ sơ; đang giải quyết 296 hồ sơ."
    assert findings(good) == []
    assert findings(good.replace("4.808", "4.826")) == [
        (
            "warning",
            "conflict",
            "4.826 hồ sơ",
            "4.826",
            "4.808",
            "Đã giải quyết 4.512 + đang giải quyết 296 = 4.808 hồ sơ, khác 4.826 hồ sơ tiếp nhận "
            "đã nêu (trừ khi có hồ sơ bị trả lại, rút hoặc chuyển kỳ sau)",
        ),
    ]


def test_the_same_total_stated_twice():
    good = (
        "Tổng số lượt tiếp công dân trong quý là 126 lượt. Kết luận: tổng số lượt tiếp công "
        "dân là 126 lượt."
    )
    assert findings(good) == []
    assert findings(
        good.replace("là 126 lượt.", "là 132 lượt.").replace("quý là 132", "quý là 126")
    ) == [
        (
            "warning",
            "conflict",
            "132 lượt",
            "132",
            "126",
            "Tổng 'lượt tiếp công dân' được nêu là 132 lượt ở đây nhưng là 126 lượt ở chỗ khác "
            "trong văn bản",
        ),
    ]


def test_balances_within_a_sentence():
    assert (
        findings(
            "Quỹ vận động được 1.246 triệu đồng, đã chi 1.180 triệu đồng, còn tồn quỹ "
            "66 triệu đồng."
        )
        == []
    )
    assert findings(
        "Quỹ vận động được 1.246 triệu đồng, đã chi 1.180 triệu đồng, còn tồn quỹ 76 triệu đồng."
    ) == [
        (
            "error",
            "conflict",
            "76 triệu đồng",
            "76.000.000",
            "66.000.000",
            "1.246 − 1.180 = 66 triệu đồng, khác 76 triệu đồng đã nêu",
        ),
    ]
    assert findings("Số hộ nghèo giảm từ 846 hộ xuống còn 517 hộ, giảm 329 hộ.") == []
    assert findings("Số hộ nghèo giảm từ 846 hộ xuống còn 517 hộ, giảm 319 hộ.") == [
        ("error", "conflict", "319 hộ", "319", "329", "846 − 517 = 329 hộ, khác 319 hộ đã nêu"),
    ]
