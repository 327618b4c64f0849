"""``/data/upload/`` and ``/data/template/``."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from chiso.datavalues.models import DataValue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client, name, content, **fields):
    return client.post("/data/upload/", {"file": SimpleUploadedFile(name, content), **fields})


def test_pages_need_login_and_nav_links_to_them(seeded, clerk_a):
    assert Client().get("/data/upload/").status_code == 302
    assert Client().get("/data/template/").status_code == 302
    page = _client(clerk_a).get("/").content.decode()
    assert '<a href="/data/upload/">Nhập/xuất dữ liệu</a>' in page


def test_upload_form(seeded, clerk_a):
    page = _client(clerk_a).get("/data/upload/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="dry_run"' in page and 'name="partial"' in page
    assert '<option value="XA">Xã An (XA)</option>' in page
    assert '<option value="XB">' not in page


def test_upload_imports_and_shows_counts(seeded, clerk_a):
    response = _upload(_client(clerk_a), "so-lieu.csv", b"VIEC_LAM,202304,XA,,,8\n")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đã nhập xong." in page
    assert '<td class="num" data-count="imported">1</td>' in page
    assert DataValue.objects.get(period="202304", orgunit__code="XA").value == 8


def test_dry_run_upload_writes_nothing(seeded, clerk_a, snapshot):
    before = snapshot()
    page = _upload(
        _client(clerk_a), "so-lieu.csv", b"VIEC_LAM,202304,XA,,,8\n", dry_run="1"
    ).content.decode()
    assert "chạy thử, chưa ghi gì" in page and "Tệp hợp lệ: có thể nhập." in page
    assert snapshot() == before


def test_rejected_upload_lists_conflicts_with_rows(seeded, clerk_a, snapshot):
    before = snapshot()
    content = (
        b"dataelement,period,orgunit,catoptcombo,attroptcombo,value\n"
        b"VIEC_LAM,202304,XA,,,8\n"
        b"VIEC_LAM,202304,XB,,,8\n"
        b"VIEC_LAM,2023Q2,XA,,,8\n"
    )
    page = _upload(_client(clerk_a), "so-lieu.csv", content).content.decode()
    assert "Tệp bị từ chối: có lỗi nên không ghi số liệu nào (3 giá trị)." in page
    assert (
        '<tr><td>dòng 3</td><td class="code">XB</td><td>Không tìm thấy đơn vị mã'
        " &#x27;XB&#x27; có hiệu lực ngày 30/04/2023, hoặc bạn không có quyền nhập số liệu"
        " cho đơn vị này</td></tr>"
    ) in page
    assert "<tr><td>dòng 4</td>" in page
    assert snapshot() == before


def test_unreadable_upload_and_missing_file(seeded, clerk_a):
    client = _client(clerk_a)
    page = _upload(client, "x.json", b"[1, 2").content.decode()
    assert "Không đọc được tệp, không có số liệu nào được ghi." in page
    response = client.post("/data/upload/", {})
    assert response.status_code == 400
    assert "Hãy chọn một tệp để tải lên." in response.content.decode()


def test_template_download_then_upload(seeded, clerk_a):
    client = _client(clerk_a)
    form = client.get("/data/template/")
    assert form.status_code == 200
    assert '<option value="ASXH">An sinh xã hội</option>' in form.content.decode()
    response = client.get(
        "/data/template/", {"ou": "XA", "group": "ASXH", "year": "2023", "part": "Q1"}
    )
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="bieu-mau-ASXH-XA-2023Q1.xlsx"'
    )
    wb = load_workbook(io.BytesIO(response.content))
    wb["Số liệu"]["J13"] = 9
    out = io.BytesIO()
    wb.save(out)
    page = _upload(client, "bieu-mau.xlsx", out.getvalue()).content.decode()
    assert '<td class="num" data-count="imported">1</td>' in page
    assert DataValue.objects.get(period="202302", option_combo__code="NGHEO").value == 9


def test_template_for_a_unit_outside_the_scope_is_refused(seeded, clerk_b):
    response = _client(clerk_b).get(
        "/data/template/", {"ou": "XA", "group": "ASXH", "year": "2023", "part": "Q1"}
    )
    assert response.status_code == 400
    assert "Không tìm thấy đơn vị mã “XA” trong phạm vi của bạn." in response.content.decode()


def test_template_with_bad_cell_upload_names_the_cell(seeded, clerk_a):
    client = _client(clerk_a)
    response = client.get(
        "/data/template/", {"ou": "XA", "group": "ASXH", "year": "2023", "part": "Q1"}
    )
    wb = load_workbook(io.BytesIO(response.content))
    wb["Số liệu"]["J13"] = "1.5"
    out = io.BytesIO()
    wb.save(out)
    page = _upload(client, "bieu-mau.xlsx", out.getvalue()).content.decode()
    assert (
        '<tr><td>ô J13</td><td class="code">QUA</td><td>&#x27;1.5&#x27; không phải số'
        " hợp lệ: dùng &#x27;1,5&#x27; hoặc &#x27;15&#x27;</td></tr>"
    ) in page
