"""The report pages (/reports/…) and the API (/api/reports…) on the Bình Phước demo data."""

from __future__ import annotations

import html
import io
import json

import docx
import pytest
from django.test import Client

from chiso.accounts.services import token_create
from chiso.reports.models import ReportTemplate
from chiso.reports.services import report_templates_ensure_defaults
from tests.reports.conftest import LOCNINH_TOWNSHIP

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_the_reports_page_offers_units_periods_and_templates(admin, client_for):
    response = client_for(admin).get("/reports/?ou=70&year=2023&part=")
    assert response.status_code == 200
    text = page(response)
    assert '<option value="70" selected>' in text
    assert "Theo cấp của đơn vị (mặc định)" in text
    assert 'value="asxh-thang"' in text
    assert 'formaction="/reports/preview/"' in text
    assert 'href="/reports/templates/"' in text  # an administrator manages templates


def test_the_preview_links_every_figure_to_its_source(admin, client_for):
    response = client_for(admin).get(
        "/reports/preview/?ou=70&year=2023&part=&number=123&date=2023-11-14"
    )
    assert response.status_code == 200
    text = page(response)
    assert "Số: 123/BC-UBND" in text
    assert "Bình Phước, ngày 14 tháng 11 năm 2023" in text
    assert "Lỗi: 0" in text
    # The figure in the text, its anchor, and its entry among the sources.
    start = text.index(">38.406 lao động</a>")
    link = text[text.rindex("<a ", 0, start) : start]
    number = link.split('href="#src-')[1].split('"')[0]
    assert f'id="f-{number}"' in link
    entry = text[text.index(f'<li id="src-{number}">') :].split("</li>")[0]
    assert "Số lao động được giải quyết việc làm" in entry
    assert "VL_VIEC_LAM_MOI" in entry
    assert "1332 giá trị đã lưu" in entry
    assert 'href="/api/analytics?dx=VL_VIEC_LAM_MOI&ou=70&pe=2023"' in entry
    assert 'href="/dashboard/?ou=70&pe=2023&ind=VL_VIEC_LAM_MOI"' in entry
    assert 'href="/reports/download/?ou=70&pe=2023&number=123&date=2023-11-14&format=docx"' in text


def test_the_downloads(admin, client_for):
    client = client_for(admin)
    response = client.get("/reports/download/?ou=692&pe=2023&format=docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-692-2023-du-thao.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    assert document.tables[0].cell(0, 0).paragraphs[0].text == "UBND TỈNH BÌNH PHƯỚC"
    response = client.get("/reports/download/?ou=692&pe=2023&number=7&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="phu-luc-692-2023.xlsx"'


def test_a_unit_outside_the_scope_is_not_found_everywhere(commune_user, client_for):
    client = client_for(commune_user)
    for url in (
        "/reports/preview/?ou=70&pe=2023",
        "/reports/download/?ou=70&pe=2023&format=docx",
        "/reports/?ou=70&pe=2023",
        "/api/reports/docx?ou=70&pe=2023",
        "/api/reports?ou=70&pe=2023",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/reports/preview/?ou={LOCNINH_TOWNSHIP}&pe=2023").status_code == 200


def test_the_api_gives_the_docx_and_the_traced_text(admin):
    _token, key = token_create(user=admin, name="kịch bản")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.get("/api/reports/docx?ou=70&pe=2023&number=123&date=2023-11-14", **auth)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-70-2023.docx"'
    document = docx.Document(io.BytesIO(response.content))
    assert document.tables[0].cell(1, 0).paragraphs[0].text == "Số: 123/BC-UBND"

    response = client.get("/api/reports?ou=70&pe=2023&template=dan-van-asxh", **auth)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert (body["template"], body["number"], body["draft"], body["findings"]) == (
        "dan-van-asxh.tinh",
        "…/BC-UBND",
        True,
        [],
    )
    assert "38.406 lao động, đạt 96,0% kế hoạch" in body["text"]
    jobs = next(t for t in body["traces"] if t["id"] == "VL_VIEC_LAM_MOI:70:2023")
    assert (jobs["value"], jobs["values_count"], jobs["query"]) == (
        "38406",
        1332,
        {"dx": "VL_VIEC_LAM_MOI", "ou": "70", "pe": "2023"},
    )
    assert client.get("/api/reports?ou=70&pe=2023&template=khong-co", **auth).status_code == 400
    assert client.get("/api/reports/docx?ou=70&pe=2023").status_code == 401


def test_an_administrator_edits_a_template_with_a_preview_and_versions(admin, client_for):
    client = client_for(admin)
    assert client.get("/reports/templates/").status_code == 200
    template = ReportTemplate.objects.get(name="dan-van-asxh", variant="huyen")
    edit = f"/reports/templates/{template.pk}/"
    body = template.body.replace("# Nhiệm vụ thời gian tới", "# Nhiệm vụ, giải pháp")
    response = client.post(
        edit, {"body": body, "title": template.title, "ou": "692", "pe": "2023", "action": "x"}
    )
    assert response.status_code == 200
    assert "IV. NHIỆM VỤ, GIẢI PHÁP" in page(response)  # previewed, not saved
    assert ReportTemplate.objects.filter(name="dan-van-asxh", variant="huyen").count() == 1
    response = client.post(
        edit,
        {
            "body": body,
            "title": template.title,
            "note": "Đổi tên mục IV",
            "base_version": "1",
            "action": "save",
        },
    )
    saved = ReportTemplate.objects.get(name="dan-van-asxh", variant="huyen", version=2)
    assert response.status_code == 302
    assert response["Location"] == f"/reports/templates/{saved.pk}/"
    assert (saved.note, saved.created_by) == ("Đổi tên mục IV", admin)
    history = page(client.get(f"/reports/templates/{saved.pk}/history/"))
    assert "Đổi tên mục IV" in history and "Mẫu mặc định của chiso" in history
    response = client.post(f"/reports/templates/{template.pk}/restore/")
    restored = ReportTemplate.objects.get(name="dan-van-asxh", variant="huyen", version=3)
    assert response["Location"] == f"/reports/templates/{restored.pk}/"
    assert restored.body == template.body


def test_a_template_error_is_shown_not_saved(admin, client_for):
    report_templates_ensure_defaults()
    template = ReportTemplate.objects.get(name="asxh-thang")
    response = client_for(admin).post(
        f"/reports/templates/{template.pk}/",
        {"body": "{{ fig('VL_VIEC_LAM_MOI').__class__ }}", "ou": "70", "pe": "2023"},
    )
    assert response.status_code == 200
    assert "thuộc tính không được phép (dòng 1)" in page(response)
    response = client_for(admin).post(
        f"/reports/templates/{template.pk}/",
        {"body": "{% if %}", "action": "save", "base_version": "1"},
    )
    assert response.status_code == 400
    assert "lỗi cú pháp ở dòng 1" in page(response)
    assert ReportTemplate.objects.filter(name="asxh-thang").count() == 1


def test_templates_are_for_administrators_only(commune_user, client_for):
    report_templates_ensure_defaults()
    template = ReportTemplate.objects.get(name="asxh-thang")
    client = client_for(commune_user)
    assert client.get("/reports/templates/").status_code == 403
    assert client.get(f"/reports/templates/{template.pk}/").status_code == 403
    response = client.post(f"/reports/templates/{template.pk}/", {"body": "Mới", "action": "save"})
    assert response.status_code == 403
    assert client.post(f"/reports/templates/{template.pk}/restore/").status_code == 403
    assert ReportTemplate.objects.filter(name="asxh-thang").count() == 1
    assert 'href="/reports/templates/"' not in page(client.get("/reports/"))
