"""compare_with_data / compare_figures: stated figures against the stored data."""

from __future__ import annotations

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.checker.services import CheckUnitNotFound, compare_figures, compare_with_data
from chiso.core.checker import check_text
from chiso.core.errors import ChisoError
from chiso.datavalues.models import DataValue, Status
from chiso.datavalues.totals import totals_rebuild

JOBS = "Năm 2023, toàn tỉnh đã giải quyết việc làm cho 38.406 lao động."


def compare(text, user, unit="T1", period="2023"):
    return compare_figures(check_text(text), text=text, unit_code=unit, period_id=period, user=user)


def span(text, figure):
    start = text.index(figure)
    return start, start + len(figure)


def test_a_figure_that_differs_from_the_data_is_an_error_with_both_figures(jobs, admin):
    result = compare_with_data(
        check_text(JOBS), text=JOBS, unit_code="T1", period_id="2023", user=admin
    )
    assert result.to_dict()["findings"] == [
        {
            "severity": "error",
            "kind": "data_mismatch",
            "start": span(JOBS, "38.406 lao động")[0],
            "end": span(JOBS, "38.406 lao động")[1],
            "stated": "38.406",
            "computed": "38.400",
            "message": "Số liệu nêu 38.406 lao động; dữ liệu chiso (Tỉnh Thử Nghiệm, năm 2023): "
            "38.400 lao động",
        }
    ]
    assert [c["text"] for c in result.to_dict()["claims"]] == ["38.406 lao động"]


def test_a_figure_equal_to_the_data_gives_no_finding(jobs, admin, put, tree):
    put(jobs, tree["b"], "202312", 6)  # 20.000 + 18.400 + 6 = 38.406
    comparison = compare(JOBS, admin)
    assert comparison.findings == []
    [figure] = comparison.figures
    assert (figure.match.indicator.code, figure.stated, figure.data, figure.agrees) == (
        "VL_VIEC_LAM_MOI",
        "38.406 lao động",
        "38.406 lao động",
        True,
    )
    assert comparison.label == "Tỉnh Thử Nghiệm, năm 2023"


def test_a_figure_without_data_is_matched_but_not_judged(catalog, tree, admin):
    comparison = compare(JOBS, admin)
    [figure] = comparison.figures
    assert (figure.data, figure.agrees, figure.finding) == (None, None, None)


def test_the_comparison_uses_the_unit_and_period_asked_for(jobs, admin):
    comparison = compare(JOBS, admin, unit="XA", period="2023Q1")
    [finding] = comparison.findings
    assert (finding.computed, finding.message) == (
        "20.000",
        "Số liệu nêu 38.406 lao động; dữ liệu chiso (Xã An, quý I/2023): 20.000 lao động",
    )


def test_the_data_findings_join_the_arithmetic_ones_in_text_order(jobs, admin, procedures):
    text = f"{procedures}\n{JOBS}"
    result = compare_with_data(
        check_text(text), text=text, unit_code="T1", period_id="2023", user=admin
    )
    assert [(f.kind, text[f.start : f.end]) for f in result.findings] == [
        ("part_whole", "1.468 thủ tục"),
        ("data_mismatch", "38.406 lao động"),
    ]
    assert len(result.errors) == 2


def test_without_a_user_the_command_line_reads_as_the_first_superuser(jobs, admin):
    result = compare_with_data(check_text(JOBS), text=JOBS, unit_code="T1", period_id="2023")
    assert [f.computed for f in result.findings] == ["38.400"]


def test_an_approximate_figure_is_only_a_warning_and_holds_within_its_word(
    catalog, tree, admin, put
):
    gifts_value = catalog["ASXH_QUA_GIA_TRI"]
    put(gifts_value, tree["a"], "202301", 19_500_000_000, combo="NGUOI_CO_CONG")
    text = "Tặng 500 phần quà cho gia đình người có công với tổng trị giá trên 20 tỷ đồng."
    [finding] = compare(text, admin).findings
    assert (finding.severity, text[finding.start : finding.end], finding.stated) == (
        "warning",
        "20 tỷ đồng",
        "20.000.000.000",
    )
    assert finding.message == (
        "Số liệu nêu trên 20 tỷ đồng; dữ liệu chiso (Tỉnh Thử Nghiệm, năm 2023): 19,5 tỷ đồng"
    )
    put(gifts_value, tree["b"], "202307", 600_000_000, combo="NGUOI_CO_CONG")  # 20,1 tỷ
    assert compare(text, admin).findings == []


def test_a_named_beneficiary_group_is_compared_with_its_own_figure(catalog, tree, admin, put):
    gifts = catalog["ASXH_QUA_SO_LUONG"]
    put(gifts, tree["a"], "202301", 500, combo="NGUOI_CO_CONG")
    put(gifts, tree["a"], "202301", 300, combo="BAO_TRO_XA_HOI")
    text = (
        "Tặng 500 phần quà cho gia đình người có công; hỗ trợ 310 phần quà cho đối tượng "
        "bảo trợ xã hội; tổng cộng 800 phần quà."
    )
    comparison = compare(text, admin)
    assert [(f.stated, f.option_combo_name, f.data, f.agrees) for f in comparison.figures] == [
        ("500 phần quà", "Người có công với cách mạng", "500 phần quà", True),
        ("310 phần quà", "Đối tượng bảo trợ xã hội", "300 phần quà", False),
        ("800 phần quà", "", "800 phần quà", True),
    ]
    [finding] = comparison.findings
    assert finding.message == (
        "Số liệu nêu 310 phần quà; dữ liệu chiso (Tỉnh Thử Nghiệm, năm 2023): 300 phần quà"
    )


def test_percent_of_plan_and_change_are_compared_with_target_and_last_year(
    jobs, admin, put, plan, tree
):
    plan(jobs, tree["province"], "2023", 40000)  # 38.400 / 40.000 = 96,0%
    put(jobs, tree["a"], "202205", 36000)  # +6,7% on 2022
    text = (
        "Toàn tỉnh đã giải quyết việc làm cho 38.400 lao động, đạt 96% kế hoạch năm, "
        "tăng 4% so với cùng kỳ."
    )
    comparison = compare(text, admin)
    assert [(f.match.measure, f.stated, f.data, f.agrees) for f in comparison.figures] == [
        ("value", "38.400 lao động", "38.400 lao động", True),
        ("plan", "96%", "96,0%", True),
        ("change", "tăng 4%", "tăng 6,7%", False),
    ]
    [finding] = comparison.findings
    assert (finding.severity, text[finding.start : finding.end], finding.computed) == (
        "error",
        "4%",
        "7%",
    )
    assert finding.message == (
        "Số liệu nêu tăng 4% so với cùng kỳ; dữ liệu chiso (Tỉnh Thử Nghiệm, năm 2023): "
        "tăng 6,7% (38.400 lao động so với 36.000 lao động)"
    )


def test_an_estimate_in_the_data_makes_a_difference_only_a_warning(jobs, admin):
    DataValue.objects.filter(indicator=jobs, period="202306").update(status=Status.ESTIMATE)
    totals_rebuild()
    [finding] = compare(JOBS, admin).findings
    assert finding.severity == "warning"


def test_targets_written_in_a_plan_are_not_compared(jobs, admin):
    text = "Năm 2023 phấn đấu giải quyết việc làm cho 40.000 lao động; giảm 1.000 hộ nghèo."
    assert compare(text, admin).figures == []


def test_figures_of_other_indicators_are_matched_by_their_own_words(catalog, tree, admin, put):
    put(catalog["VL_BH_THAT_NGHIEP"], tree["a"], "202303", 9511)
    put(catalog["VL_LAO_DONG_NGOAI_TINH"], tree["a"], "202303", 5000)
    text = (
        "Thu hút lao động ngoại tỉnh 5.982 người; giải quyết bảo hiểm thất nghiệp cho "
        "9.511 lao động; cấp 444.960 kg gạo."
    )
    comparison = compare(text, admin)
    assert [(f.match.indicator.code, f.agrees) for f in comparison.figures] == [
        ("VL_LAO_DONG_NGOAI_TINH", False),
        ("VL_BH_THAT_NGHIEP", True),
        ("ASXH_GAO_KG", None),
    ]
    assert [f.computed for f in comparison.findings] == ["5.000"]


# --- access ---------------------------------------------------------------------------------


def test_a_unit_outside_the_users_scope_is_reported_like_a_missing_one(jobs, clerk):
    with pytest.raises(CheckUnitNotFound) as outside:
        compare(JOBS, clerk, unit="T1")
    with pytest.raises(CheckUnitNotFound) as missing:
        compare(JOBS, clerk, unit="KHONG_CO")
    assert isinstance(outside.value, UnitNotFound)
    assert isinstance(outside.value, ChisoError)
    assert outside.value.code == missing.value.code == "check.unit_not_found"
    assert str(outside.value) == "Không tìm thấy đơn vị mã 'T1'."
    assert str(missing.value) == "Không tìm thấy đơn vị mã 'KHONG_CO'."


def test_the_clerk_compares_with_the_data_of_their_own_commune(jobs, clerk):
    [finding] = compare(JOBS, clerk, unit="XA").findings
    assert finding.computed == "20.000"


def test_a_unit_code_means_the_version_valid_at_the_end_of_the_period(jobs, admin):
    with pytest.raises(CheckUnitNotFound):
        compare(JOBS, admin, period="2026")  # T1 ended on 30/06/2025


def test_a_bad_period_is_a_clear_error(jobs, admin):
    with pytest.raises(ChisoError) as error:
        compare(JOBS, admin, period="2023-13")
    assert error.value.code.startswith("period.")
