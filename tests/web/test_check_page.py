"""The report checker page (/check/): paste or upload, highlights, explanations, comparison."""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.checker.uploads import MAX_UPLOAD_BYTES
from chiso.core.periods import Period
from chiso.datavalues.models import DataValue
from chiso.datavalues.totals import totals_rebuild
from chiso.indicators.models import CategoryOptionCombo, Indicator
from chiso.indicators.services import catalog_load

PROCEDURES = "Tổng số 1.468 thủ tục, trong đó 1.076 thủ tục toàn trình và 396 thủ tục một phần."
JOBS = "Năm 2023, toàn tỉnh đã giải quyết việc làm cho 38.406 lao động."
MARK = (
    '<mark id="m-1" class="finding is-error">1.468 thủ tục</mark>'
    '<sup class="refs"><a href="#f-1" aria-label="Phát hiện 1">1</a></sup>'
)
MESSAGE = "Tổng các thành phần 1.076 + 396 = 1.472 thủ tục, vượt quá 1.468 thủ tục đã nêu"


@pytest.fixture
def jobs(tree, db):
    """The seeded catalog; jobs 2023: Xã An 20.000 + Xã Bình 18.400 = 38.400."""
    catalog_load()
    indicator = Indicator.objects.get(code="VL_VIEC_LAM_MOI")
    combo = CategoryOptionCombo.objects.get(category_combo=indicator.category_combo)
    for unit, period, value in [(tree["a"], "202301", 20000), (tree["b"], "202306", 18400)]:
        p = Period.parse(period)
        DataValue.objects.create(
            indicator=indicator,
            option_combo=combo,
            orgunit=unit,
            period=p.id,
            period_type=p.type.value,
            period_start=p.start,
            period_end=p.end,
            value=Decimal(value),
        )
    totals_rebuild()  # written around the services
    return indicator


@pytest.fixture
def admin_client(make_user):
    client = Client()
    client.force_login(make_user("quantri", superuser=True))
    return client


@pytest.fixture
def clerk_client(tree, make_user):
    client = Client()
    client.force_login(make_user("can_bo_xa_an", capture=[tree["a"]]))
    return client


def page(response) -> str:
    return html.unescape(response.content.decode())


def findings_list(text: str) -> str:
    return re.search(r'<ol class="check-findings">.*?</ol>', text, re.S).group(0)


def test_login_is_required(db):
    answer = Client().get("/check/")
    assert (answer.status_code, answer["Location"]) == (302, "/login/?next=/check/")
    assert Client().post("/check/", {"text": PROCEDURES}).status_code == 302


def test_the_form_and_the_nav_link(admin_client):
    text = page(admin_client.get("/check/"))
    assert '<a href="/check/">Kiểm tra báo cáo</a>' in text
    assert '<textarea id="check-text" name="text"' in text
    assert '<input id="check-file" type="file" name="file"' in text
    assert "Hoặc chọn tệp (.txt, .html, .docx; tối đa 5 MB)" in text
    assert 'id="check-result"' not in text


def test_pasted_text_is_shown_with_the_error_highlighted_and_explained(admin_client):
    text = page(admin_client.post("/check/", {"text": PROCEDURES}))
    assert f'<div class="check-text" id="check-text-view">Tổng số {MARK}, trong đó' in text
    assert "Lỗi: 1" in text and "Cảnh báo: 0" in text and "Số liệu đã đọc: 3" in text
    items = findings_list(text)
    assert '<li id="f-1" class="is-error">' in items
    assert '<a class="finding-no" href="#m-1"' in items
    assert '<q class="figure">1.468 thủ tục</q>' in items
    assert f'<p class="finding-msg">{MESSAGE}</p>' in items
    assert "<dt>Số nêu</dt><dd>1.468</dd>" in items
    assert "<dt>Số tính lại</dt><dd>1.472</dd>" in items
    assert items.count("<li ") == 1
    # The text stays in the box to be corrected and checked again.
    assert f">{PROCEDURES}</textarea>" in text


def test_a_text_without_mistakes_says_so(admin_client):
    text = page(admin_client.post("/check/", {"text": "Đã tặng 1.200 phần quà."}))
    assert "Không phát hiện sai sót nào." in text
    assert "<mark" not in text


def test_windows_line_breaks_do_not_shift_the_highlight(admin_client):
    text = page(admin_client.post("/check/", {"text": f"Báo cáo\r\n{PROCEDURES}"}))
    assert f"Báo cáo\nTổng số {MARK}" in text


def test_a_txt_file_is_checked(admin_client):
    upload = SimpleUploadedFile("bao-cao.txt", PROCEDURES.encode("utf-8"), "text/plain")
    text = page(admin_client.post("/check/", {"text": "", "file": upload}))
    assert MARK in text
    assert '<span class="code">bao-cao.txt</span>' in text


def test_a_docx_file_is_checked(admin_client):
    import docx

    document = docx.Document()
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph(PROCEDURES)
    content = io.BytesIO()
    document.save(content)
    upload = SimpleUploadedFile("bao-cao.docx", content.getvalue())
    text = page(admin_client.post("/check/", {"file": upload}))
    assert f"BÁO CÁO\nTổng số {MARK}" in text
    assert f'<p class="finding-msg">{MESSAGE}</p>' in text


def test_a_file_over_the_limit_gets_a_clear_message(admin_client):
    big = SimpleUploadedFile("lon.txt", b"a" * (MAX_UPLOAD_BYTES + 1024 * 1024))
    answer = admin_client.post("/check/", {"file": big})
    text = page(answer)
    assert answer.status_code == 200
    assert "Tệp 'lon.txt' quá lớn (6 MB); chỉ nhận tệp tối đa 5 MB." in text
    assert 'id="check-result"' not in text


def test_an_unreadable_file_and_an_empty_form_get_clear_messages(admin_client):
    pdf = page(admin_client.post("/check/", {"file": SimpleUploadedFile("a.pdf", b"%PDF")}))
    assert "Không đọc được tệp 'a.pdf': định dạng '.pdf' không được hỗ trợ" in pdf
    empty = page(admin_client.post("/check/", {"text": "   "}))
    assert "Hãy dán nội dung báo cáo hoặc chọn một tệp để kiểm tra." in empty


def test_with_unit_and_period_differences_from_the_data_are_highlighted(jobs, admin_client):
    answer = admin_client.post("/check/", {"text": JOBS, "unit": "T1", "period": "2023"})
    text = page(answer)
    assert answer.status_code == 200
    assert (
        '<mark id="m-1" class="finding is-error">38.406 lao động</mark>'
        '<sup class="refs"><a href="#f-1" aria-label="Phát hiện 1">1</a></sup>'
    ) in text
    items = findings_list(text)
    assert (
        '<p class="finding-msg">Số liệu nêu 38.406 lao động; dữ liệu chiso (Tỉnh Thử Nghiệm, '
        "năm 2023): 38.400 lao động</p>"
    ) in items
    assert "<dt>Dữ liệu chiso</dt><dd>38.400</dd>" in items
    assert (
        "So sánh với dữ liệu chiso (Tỉnh Thử Nghiệm, năm 2023): 1 số liệu khớp với chỉ tiêu, "
        "0 trùng với dữ liệu, 1 khác, 0 chưa có dữ liệu."
    ) in text
    assert "<td>Số lao động được giải quyết việc làm</td>" in text


def test_unit_without_period_is_refused_with_a_message(jobs, admin_client):
    text = page(admin_client.post("/check/", {"text": JOBS, "unit": "T1"}))
    assert "Để so sánh với dữ liệu, hãy nhập cả mã đơn vị và kỳ báo cáo." in text
    assert 'id="check-result"' not in text


def test_a_unit_outside_the_scope_answers_like_a_missing_one_without_data(jobs, clerk_client):
    outside = clerk_client.post("/check/", {"text": JOBS, "unit": "T1", "period": "2023"})
    missing = clerk_client.post("/check/", {"text": JOBS, "unit": "ZZ", "period": "2023"})
    assert (outside.status_code, missing.status_code) == (404, 404)
    assert "Không tìm thấy đơn vị mã 'T1'." in page(outside)
    assert "Không tìm thấy đơn vị mã 'ZZ'." in page(missing)
    for answer in (outside, missing):
        text = page(answer)
        assert "38.400" not in text and "Tỉnh Thử Nghiệm" not in text
        assert 'id="check-result"' not in text
    own = page(clerk_client.post("/check/", {"text": JOBS, "unit": "XA", "period": "2023"}))
    assert "dữ liệu chiso (Xã An, năm 2023): 20.000 lao động" in own


def test_the_page_answers_in_english_when_asked(admin_client):
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/check/"})
    text = page(admin_client.post("/check/", {"text": PROCEDURES}))
    assert '<html lang="en">' in text
    assert "Check a report" in text
    assert "Errors: 1" in text
