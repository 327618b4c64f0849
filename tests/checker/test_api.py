"""POST /api/check: JSON or a file in, exactly the checker's JSON out."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.accounts.services import token_create
from chiso.checker.uploads import MAX_UPLOAD_BYTES

JOBS = "Năm 2023, toàn tỉnh đã giải quyết việc làm cho 38.406 lao động."

EXPECTED = {
    "claims": [
        {
            "start": 8,
            "end": 21,
            "text": "1.468 thủ tục",
            "kind": "count",
            "value": "1468",
            "unit": "thủ tục",
        },
        {
            "start": 32,
            "end": 45,
            "text": "1.076 thủ tục",
            "kind": "count",
            "value": "1076",
            "unit": "thủ tục",
        },
        {
            "start": 60,
            "end": 71,
            "text": "396 thủ tục",
            "kind": "count",
            "value": "396",
            "unit": "thủ tục",
        },
    ],
    "findings": [
        {
            "severity": "error",
            "kind": "part_whole",
            "start": 8,
            "end": 21,
            "stated": "1.468",
            "computed": "1.472",
            "message": "Tổng các thành phần 1.076 + 396 = 1.472 thủ tục, vượt quá 1.468 thủ tục "
            "đã nêu",
        }
    ],
}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post_json(client, body, **extra):
    return client.post(
        "/api/check", data=json.dumps(body), content_type="application/json", **extra
    )


def test_json_text_gives_exactly_the_checker_json(admin, procedures):
    answer = post_json(client_for(admin), {"text": procedures})
    assert answer.status_code == 200
    assert answer.json() == EXPECTED
    assert procedures[8:21] == "1.468 thủ tục"


def test_a_txt_file_gives_the_same_answer(admin, procedures):
    upload = SimpleUploadedFile("bao-cao.txt", procedures.encode("utf-8"), "text/plain")
    answer = client_for(admin).post("/api/check", {"file": upload})
    assert (answer.status_code, answer.json()) == (200, EXPECTED)


def test_a_docx_file_gives_the_same_answer(admin, procedures, docx_bytes):
    upload = SimpleUploadedFile("bao-cao.docx", docx_bytes(procedures))
    answer = client_for(admin).post("/api/check", {"file": upload})
    assert (answer.status_code, answer.json()) == (200, EXPECTED)


def test_a_script_authenticates_with_its_token(admin, procedures):
    _token, key = token_create(user=admin, name="kiểm tra")
    answer = post_json(Client(), {"text": procedures}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert (answer.status_code, answer.json()) == (200, EXPECTED)


def test_anonymous_callers_are_refused(db, procedures):
    assert post_json(Client(), {"text": procedures}).status_code == 401


def test_with_unit_and_period_the_figures_are_compared_with_the_data(jobs, admin):
    answer = post_json(client_for(admin), {"text": JOBS, "unit": "T1", "period": "2023"})
    assert answer.status_code == 200
    start = JOBS.index("38.406")
    assert answer.json()["findings"] == [
        {
            "severity": "error",
            "kind": "data_mismatch",
            "start": start,
            "end": start + len("38.406 lao động"),
            "stated": "38.406",
            "computed": "38.400",
            "message": "Số liệu nêu 38.406 lao động; dữ liệu chiso (Tỉnh Thử Nghiệm, năm 2023): "
            "38.400 lao động",
        }
    ]


def test_a_file_with_unit_and_period_is_compared_too(jobs, admin):
    upload = SimpleUploadedFile("bao-cao.txt", JOBS.encode("utf-8"))
    answer = client_for(admin).post("/api/check", {"file": upload, "unit": "T1", "period": "2023"})
    assert [f["computed"] for f in answer.json()["findings"]] == ["38.400"]


def test_a_unit_outside_the_scope_answers_like_a_missing_one_and_shows_no_data(jobs, clerk):
    client = client_for(clerk)
    outside = post_json(client, {"text": JOBS, "unit": "T1", "period": "2023"})
    missing = post_json(client, {"text": JOBS, "unit": "KHONG_CO", "period": "2023"})
    assert (outside.status_code, outside.json()) == (404, {"detail": "Không tìm thấy đơn vị."})
    assert (missing.status_code, missing.json()) == (404, {"detail": "Không tìm thấy đơn vị."})
    assert "38.400" not in outside.content.decode()
    own = post_json(client, {"text": JOBS, "unit": "XA", "period": "2023"})
    assert [f["computed"] for f in own.json()["findings"]] == ["20.000"]


def test_unit_without_period_is_refused(admin):
    answer = post_json(client_for(admin), {"text": JOBS, "unit": "T1"})
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "Để so sánh với dữ liệu, hãy nhập cả mã đơn vị và kỳ báo cáo.",
        "code": "check.unit_period",
    }


def test_empty_and_malformed_bodies_get_a_clear_message(admin):
    client = client_for(admin)
    empty = post_json(client, {"text": "  "})
    assert (empty.status_code, empty.json()["code"]) == (400, "check.empty")
    assert empty.json()["detail"] == "Hãy dán nội dung báo cáo hoặc chọn một tệp để kiểm tra."
    broken = client.post("/api/check", data="{text", content_type="application/json")
    assert (broken.status_code, broken.json()["code"]) == (400, "check.bad_body")
    wrong = post_json(client, {"text": 12})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "check.bad_body")


def test_an_unsupported_or_damaged_file_names_the_file_not_a_temporary_path(admin):
    client = client_for(admin)
    pdf = client.post("/api/check", {"file": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4")})
    assert pdf.status_code == 400
    assert pdf.json() == {
        "detail": "Không đọc được tệp 'bao-cao.pdf': định dạng '.pdf' không được hỗ trợ "
        "(dùng .txt, .html, .docx)",
        "code": "check.unreadable",
    }
    broken = client.post("/api/check", {"file": SimpleUploadedFile("hong.docx", b"not a zip")})
    assert broken.json()["detail"] == (
        "Không đọc được tệp 'hong.docx': tệp .docx bị hỏng hoặc không đúng định dạng"
    )


def test_a_file_over_the_limit_is_refused_with_413(admin):
    big = SimpleUploadedFile("lon.txt", b"a" * (MAX_UPLOAD_BYTES + 1024 * 1024))
    answer = client_for(admin).post("/api/check", {"file": big})
    assert answer.status_code == 413
    assert answer.json() == {
        "detail": "Tệp 'lon.txt' quá lớn (6 MB); chỉ nhận tệp tối đa 5 MB.",
        "code": "check.file_too_large",
    }


def test_the_operation_is_documented(admin):
    schema = client_for(admin).get("/api/openapi.json").json()
    operation = schema["paths"]["/api/check"]["post"]
    assert sorted(operation["requestBody"]["content"]) == [
        "application/json",
        "multipart/form-data",
    ]
