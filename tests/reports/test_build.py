"""Reports written from the Bình Phước demo data: facts, layout, variants, traces, templates,
self-check, the command line and scope."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.utils import timezone

from chiso.accounts.access import UnitNotFound
from chiso.cli import main
from chiso.core.dates import place_date_line
from chiso.core.errors import ChisoError
from chiso.reports.docx_render import bookmark_name, libreoffice_command, traced_figures
from chiso.reports.models import ReportTemplate
from chiso.reports.services import (
    report_build,
    report_template_restore,
    report_template_save,
    report_templates_ensure_defaults,
)
from tests.reports.conftest import LOCNINH_TOWNSHIP

D = Decimal
DAY = date(2023, 11, 14)


@pytest.fixture
def province(admin):
    return report_build(user=admin, unit_code="70", period_id="2023", number="123", date=DAY)


def reopen(built):
    return docx.Document(io.BytesIO(built.docx()))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def test_the_province_report_states_the_facts_computed_from_commune_data(province):
    text = province.text
    for fact in (
        "giải quyết việc làm cho 38.406 lao động, đạt 96,0% kế hoạch (kế hoạch: 40.000 lao "
        "động), tăng 4,0% so với cùng kỳ (năm 2022: 36.929 lao động)",
        "người có công với cách mạng 50.897 phần quà, trị giá 20.358.800.000 đồng",
        "đối tượng bảo trợ xã hội 49.617 phần quà, trị giá 24.808.500.000 đồng",
        "tặng 100.514 phần quà với tổng trị giá trên 45 tỷ đồng",
        "đã cấp 444.960 kg gạo hỗ trợ cho 29.664 nhân khẩu thuộc hộ nghèo",
        "tiếp nhận, an táng 164 hài cốt liệt sĩ",
        "tư vấn, giới thiệu việc làm, học nghề cho 12.353 người",
        "thu hút 5.982 lao động từ các tỉnh, thành phố khác",
        "giải quyết bảo hiểm thất nghiệp cho 9.511 lao động",
        "đưa 130 người đi làm việc ở nước ngoài",
        "đào tạo nghề cho 6.387 người; phối hợp với doanh nghiệp đào tạo lại cho 7.639 lao động",
        "tỷ lệ lao động qua đào tạo ước đạt 64,5%",
        "1.468 dịch vụ công được kết nối với Cổng Dịch vụ công quốc gia, đứng thứ 4/63",
        "1.076 dịch vụ công trực tuyến toàn trình (chiếm 73,3%)",
        "392 dịch vụ công trực tuyến một phần (chiếm 26,7%)",
        "(PCI) xếp thứ 43/63, tăng 7 bậc so với năm trước",
        "(PAR INDEX) xếp thứ 39/63, tăng 10 bậc",
        "(SIPAS) xếp thứ 56/63, tăng 6 bậc",
        "843/843 thôn, ấp, khu phố thuộc 111/111 xã, phường, thị trấn, với 1.639 cụm và 3.807 loa",
        "Chương trình số 36/CTr-UBND ngày 03/02/2023",
        "xác định 11 nhóm nhiệm vụ, giải pháp trọng tâm với 93 nhiệm vụ cụ thể",
        "theo Kế hoạch số 42/KH-UBND ngày 10/02/2023",
        "hỗ trợ nhà ở cho 629 hộ (xây dựng mới 431 hộ, sửa chữa 198 hộ)",
    ):
        assert fact in text
    for required in (
        "38.406 lao động",
        "đạt 96,0% kế hoạch",
        "tăng 4,0% so với cùng kỳ",
        "50.897 phần quà",
        "444.960 kg gạo",
        "29.664 nhân khẩu",
    ):
        assert required in text
    assert (province.template.key, province.template.version) == ("dan-van-asxh.tinh", 1)


def test_the_province_report_passes_its_own_check(province):
    assert province.check.errors == []
    assert province.check.warnings == []
    assert len(province.check.claims) > 40
    assert province.missing == []


def test_the_docx_has_the_decree_30_header_and_the_figures_bookmarked(province):
    document = reopen(province)
    header = document.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in header.cell(0, 1).paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN\nTỈNH BÌNH PHƯỚC"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(1, 0).paragraphs[0].text == "Số: 123/BC-UBND"
    place = header.cell(1, 1).paragraphs[0]
    assert place.text == "Bình Phước, ngày 14 tháng 11 năm 2023"
    assert all(run.italic for run in place.runs if run.text)
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả công tác dân vận chính quyền gắn với\nbảo đảm an sinh xã hội năm 2023" in texts
    assert "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO" in texts
    body = all_text(document)
    assert "Nơi nhận:" in body
    assert "- Thường trực Tỉnh ủy (b/c);" in body
    assert "- Lưu: VT, VX." in body
    assert "TM. ỦY BAN NHÂN DÂN" in body and "CHỦ TỊCH" in body
    assert "PHỤ LỤC" in texts
    figures = traced_figures(document)
    assert figures[bookmark_name("VL_VIEC_LAM_MOI:70:2023")] == "38.406 lao động"
    assert figures[bookmark_name("ASXH_GAO_KG:70:2023")] == "444.960 kg"
    assert figures[bookmark_name("VL_VIEC_LAM_MOI:70:2023:pkh")] == "96,0%"


def test_every_cited_figure_has_its_trace(province):
    jobs = province.traces["VL_VIEC_LAM_MOI:70:2023"]
    assert (jobs.measure, jobs.value, jobs.text, jobs.values_count) == (
        "value",
        D(38406),
        "38.406 lao động",
        1332,  # 111 communes x 12 months
    )
    assert (jobs.unit, jobs.unit_name, jobs.period, jobs.aggregation_type) == (
        "70",
        "Tỉnh Bình Phước",
        "2023",
        "sum",
    )
    assert jobs.query == {"dx": "VL_VIEC_LAM_MOI", "ou": "70", "pe": "2023"}
    plan = province.traces["VL_VIEC_LAM_MOI:70:2023:pkh"]
    assert (plan.measure, plan.value.quantize(D("0.001")), plan.text) == (
        "percent_of_target",
        D("96.015"),
        "96,0%",
    )
    share = province.traces["CCHC_DVC_TOAN_TRINH:70:2023/CCHC_DVC_KET_NOI:70:2023"]
    assert (share.measure, share.text, share.inputs) == (
        "derived",
        "73,3%",
        ("CCHC_DVC_TOAN_TRINH:70:2023", "CCHC_DVC_KET_NOI:70:2023"),
    )
    # An annex cell of a district is traced too.
    assert province.traces["VL_VIEC_LAM_MOI:692:2023"].value == D(5431)


def test_the_annex_is_a_docx_table_and_an_xlsx_workbook_by_district(province):
    annex = province.document.annex
    jobs = annex.tables[0]
    assert jobs.header == (
        "STT",
        "Huyện, thị xã, thành phố",
        "Thực hiện",
        "Kế hoạch",
        "% kế hoạch",
        "Cùng kỳ",
        "Tăng, giảm (%)",
    )
    assert len(jobs.rows) == 12  # 11 district-level units and the total
    total = [getattr(c, "value", c) for c in jobs.rows[-1]]
    assert total == [None, "Tổng cộng", D(38406), D(40000), D("96.0"), D(36929), D("4.0")]
    workbook = openpyxl.load_workbook(io.BytesIO(province.annex_xlsx()))
    assert workbook.sheetnames == [
        "Biểu 1. Kết quả giải quyết việc",
        "Biểu 2. Thị trường lao động, đà",
        "Biểu 3. Quà tặng và hỗ trợ gạo",
    ]
    sheet = workbook["Biểu 3. Quà tặng và hỗ trợ gạo"]
    assert [c.value for c in sheet[14]] == [None, "Tổng cộng", 100514, 45167.3, 444960, 29664]


def test_a_draft_has_no_number_and_todays_date(admin):
    built = report_build(user=admin, unit_code="70", period_id="2023")
    assert built.is_draft
    header = reopen(built).tables[0]
    assert header.cell(1, 0).paragraphs[0].text == "Số: …/BC-UBND"
    assert header.cell(1, 1).paragraphs[0].text == place_date_line(
        "Bình Phước", timezone.localdate()
    )
    assert built.filename("docx") == "bao-cao-70-2023-du-thao.docx"


def test_a_district_in_2023_gets_the_district_variant(admin):
    built = report_build(user=admin, unit_code="692", period_id="2023", number="5", date=DAY)
    assert built.template.key == "dan-van-asxh.huyen"
    document = built.document
    assert (document.parent_body, document.issuing_body, document.place) == (
        "UBND Tỉnh Bình Phước",
        "Ủy ban nhân dân\nHuyện Lộc Ninh",
        "Lộc Ninh",
    )
    assert document.number_line() == "Số: 05/BC-UBND"
    assert (
        "toàn huyện đã giải quyết việc làm cho 5.431 lao động, vượt 3,0% kế hoạch "
        "(kế hoạch: 5.271 lao động), tăng 4,0% so với cùng kỳ (năm 2022: 5.224 lao động)"
    ) in built.text
    assert document.recipients[0] == "UBND tỉnh Bình Phước (b/c);"
    assert document.annex.tables[0].header[1] == "Xã, phường, thị trấn"
    assert len(document.annex.tables[0].rows) == 17  # 16 communes and the total
    assert built.check.errors == []


def test_a_commune_gets_the_commune_variant_with_its_hamlets(admin):
    built = report_build(user=admin, unit_code=LOCNINH_TOWNSHIP, period_id="2023", date=DAY)
    assert built.template.key == "dan-van-asxh.xa"
    document = built.document
    assert (document.parent_body, document.place) == ("UBND Huyện Lộc Ninh", "Lộc Ninh")
    assert document.issuing_body == "Ủy ban nhân dân\nThị trấn Lộc Ninh"
    assert "UBND thị trấn phối hợp với Mặt trận Tổ quốc" in built.text
    assert "kế hoạch" not in built.text.split("Lao động, việc làm")[1].split("\n")[1]
    hamlets = document.annex.tables[2]
    assert hamlets.header == ("STT", "Thôn, ấp, khu phố", "Cụm loa (cụm)", "Loa (loa)")
    assert built.check.errors == []


def test_the_monthly_social_security_report_for_any_tier(admin):
    built = report_build(
        user=admin, unit_code="70", period_id="202307", template="asxh-thang", date=DAY
    )
    assert built.template.key == "asxh-thang"
    assert built.document.subject == "Tình hình thực hiện công tác an sinh xã hội\ntháng 7/2023"
    assert (
        "Lũy kế từ đầu năm đã giải quyết việc làm cho 22.670 lao động, đạt 56,7% kế hoạch năm "
        "(kế hoạch năm: 40.000 lao động)"
    ) in built.text
    assert "dành cho người có công với cách mạng" in built.text
    assert any(
        b.title == "Số liệu lao động, việc làm tháng 7/2023"
        for b in built.document.body
        if hasattr(b, "title")
    )
    assert built.check.errors == []
    district = report_build(
        user=admin, unit_code="692", period_id="202301", template="asxh-thang", date=DAY
    )
    assert district.template.key == "asxh-thang"
    assert district.check.errors == []


@pytest.mark.parametrize(
    ("unit", "period", "template"),
    [
        ("70", "2023", None),
        ("70", "2022", None),
        ("70", "2023Q3", None),
        ("689", "2023", None),
        ("25261", "2023", None),
        ("70", "202301", "asxh-thang"),
        ("25270", "202312", "asxh-thang"),
    ],
)
def test_the_self_check_finds_no_error_in_any_shipped_template(admin, unit, period, template):
    built = report_build(user=admin, unit_code=unit, period_id=period, template=template)
    assert [f.message for f in built.check.errors] == []


def test_an_unknown_template_or_period_is_a_clear_error(admin):
    with pytest.raises(ChisoError) as caught:
        report_build(user=admin, unit_code="70", period_id="2023", template="khong-co")
    assert caught.value.code == "report.unknown_template"
    with pytest.raises(ChisoError) as caught:
        report_build(user=admin, unit_code="70", period_id="2023-13")
    assert caught.value.code == "report.bad_period"
    for number in ("12/BC", "\x00", "số 5", "1" * 21):
        with pytest.raises(ChisoError) as caught:
            report_build(user=admin, unit_code="70", period_id="2023", number=number)
        assert caught.value.code == "report.bad_number"


# --- templates ----------------------------------------------------------------------------------


def test_editing_a_template_adds_a_version_and_reports_use_the_latest(admin):
    report_templates_ensure_defaults()
    first = ReportTemplate.objects.get(name="dan-van-asxh", variant="tinh")
    body = first.body.replace("# Đánh giá chung", "# Đánh giá chung và kiến nghị")
    second = report_template_save(
        user=admin,
        name="dan-van-asxh",
        variant="tinh",
        body=body,
        note="Thêm kiến nghị",
        base_version=1,
    )
    assert (second.version, second.title, second.created_by) == (2, first.title, admin)
    built = report_build(user=admin, unit_code="70", period_id="2023", date=DAY)
    assert (built.template.version, "Đánh giá chung và kiến nghị" in built.text) == (2, True)

    with pytest.raises(ChisoError) as caught:  # someone saved version 2 meanwhile
        report_template_save(
            user=admin, name="dan-van-asxh", variant="tinh", body=first.body, base_version=1
        )
    assert caught.value.code == "report.concurrent_edit"

    third = report_template_restore(user=admin, template=first)
    assert (third.version, third.body, third.note) == (3, first.body, "Khôi phục phiên bản 1")
    built = report_build(user=admin, unit_code="70", period_id="2023", date=DAY)
    assert (built.template.version, "Đánh giá chung và kiến nghị" in built.text) == (3, False)
    assert list(
        ReportTemplate.objects.filter(name="dan-van-asxh", variant="tinh")
        .order_by("version")
        .values_list("version", flat=True)
    ) == [1, 2, 3]


def test_a_template_that_does_not_parse_is_not_saved(admin):
    report_templates_ensure_defaults()
    with pytest.raises(ChisoError) as caught:
        report_template_save(
            user=admin, name="dan-van-asxh", variant="tinh", body="# Mục\n{% if x %}\nchưa đóng"
        )
    assert (caught.value.code, caught.value.params["line"]) == ("report.template_syntax", 3)
    assert ReportTemplate.objects.filter(name="dan-van-asxh", variant="tinh").count() == 1


def test_only_a_provincial_administrator_edits_templates(commune_user):
    report_templates_ensure_defaults()
    with pytest.raises(ChisoError) as caught:
        report_template_save(user=commune_user, name="dan-van-asxh", variant="xa", body="Mới")
    assert caught.value.code == "report.not_allowed"
    assert ReportTemplate.objects.filter(name="dan-van-asxh", variant="xa").count() == 1


def test_the_sandbox_refuses_unsafe_attribute_access_in_a_stored_template(admin):
    for body in (
        "{{ fig('VL_VIEC_LAM_MOI').__class__.__mro__ }}",
        "{{ don_vi.__init__.__globals__ }}",
        "{{ fig.__self__.user.delete() }}",
    ):
        with pytest.raises(ChisoError) as caught:
            report_build(user=admin, unit_code="70", period_id="2023", body=body)
        assert caught.value.code == "report.template_unsafe"
    assert admin.__class__.objects.filter(pk=admin.pk).exists()


def test_codes_missing_from_the_catalog_leave_gaps_and_are_reported(admin):
    body = (
        "Số liệu: {{ fig('KHONG_CO') }}; {{ fig('VL_VIEC_LAM_MOI', 'KHONG_CO') }}.\n"
        "{{ table('NHOM_KHONG_CO') }}\n{{ bang_don_vi(['KHONG_CO']) }}\n"
        "Việc làm: {{ fig('VL_VIEC_LAM_MOI') }}."
    )
    built = report_build(user=admin, unit_code="70", period_id="2023", body=body)
    assert built.text.split("\n")[1:] == ["Số liệu: …; ….", "Việc làm: 38.406 lao động."]
    assert sorted((e.code, str(e.params)) for e in built.unknown) == [
        ("report.unknown_group", "{'group': 'NHOM_KHONG_CO'}"),
        ("report.unknown_indicator", "{'indicator': 'KHONG_CO'}"),
        ("report.unknown_option", "{'indicator': 'VL_VIEC_LAM_MOI', 'option': 'KHONG_CO'}"),
    ]


def test_a_figure_without_data_is_written_as_a_gap_and_reported(admin):
    body = "Điểm PCI năm nay: {{ fig('CCHC_PCI_DIEM') }}."
    built = report_build(user=admin, unit_code="70", period_id="2023", body=body)
    assert "Điểm PCI năm nay: …." in built.text
    assert [t.id for t in built.missing] == ["CCHC_PCI_DIEM:70:2023"]


# --- command line and scope -------------------------------------------------------------------


def test_the_command_writes_the_report_and_its_annex(admin, tmp_path, capsys):
    out = tmp_path / "r.docx"
    annex = tmp_path / "phu-luc.xlsx"
    code = main(
        [
            "report",
            "--unit",
            "70",
            "--period",
            "2023",
            "--number",
            "123",
            "--date",
            "2023-11-14",
            "--out",
            str(out),
            "--annex-xlsx",
            str(annex),
        ]
    )
    captured = capsys.readouterr()
    assert (code, captured.out) == (0, "")
    assert "Đã ghi báo cáo Tỉnh Bình Phước, năm 2023" in captured.err
    document = docx.Document(str(out))
    assert document.tables[0].cell(1, 0).paragraphs[0].text == "Số: 123/BC-UBND"
    assert "38.406 lao động" in all_text(document)
    assert openpyxl.load_workbook(annex).sheetnames[0] == "Biểu 1. Kết quả giải quyết việc"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phu-luc.xlsx", "r.docx"]


@pytest.mark.skipif(libreoffice_command() is None, reason="LibreOffice not installed")
def test_the_command_writes_the_pdf_too(admin, tmp_path):
    out = tmp_path / "bao-cao.docx"
    code = main(["report", "--unit", "692", "--period", "2023", "--out", str(out), "--pdf"])
    assert code == 0
    assert (tmp_path / "bao-cao.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_commune_user_cannot_build_the_province_report(commune_user, tmp_path, capsys):
    with pytest.raises(UnitNotFound):
        report_build(user=commune_user, unit_code="70", period_id="2023")
    out = tmp_path / "r.docx"
    code = main(
        ["report", "--unit", "70", "--period", "2023", "--user", "can_bo_xa", "--out", str(out)]
    )
    assert code == 2
    assert "Không tìm thấy đơn vị mã '70'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    # Their own commune works.
    built = report_build(user=commune_user, unit_code=LOCNINH_TOWNSHIP, period_id="2023")
    assert built.unit.code == LOCNINH_TOWNSHIP


def test_bad_input_on_the_command_line_exits_2_and_writes_nothing(admin, tmp_path, capsys):
    out = tmp_path / "r.docx"
    for argv in (
        ["--unit", "70", "--period", "2023", "--date", "14/13/2023"],
        ["--unit", "70", "--period", "20231"],
        ["--unit", "99999", "--period", "2023"],
        ["--unit", "70", "--period", "2023", "--template", "khong-co"],
    ):
        assert main(["report", *argv, "--out", str(out)]) == 2
    assert list(tmp_path.iterdir()) == []
    assert "Không có mẫu báo cáo 'khong-co'" in capsys.readouterr().err
