"""``/api/dataValueSets`` with a bearer token and with the session; scope on GET and POST."""

import json

from django.test import Client

from chiso.accounts.services import token_create
from chiso.datavalues.models import DataValue

URL = "/api/dataValueSets"


def _bearer(user) -> Client:
    _token, key = token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _doc(*values) -> str:
    return json.dumps({"dataValues": list(values)})


def _value(pe, unit, value, indicator="VIEC_LAM"):
    return {"dataElement": indicator, "period": pe, "orgUnit": unit, "value": value}


def test_post_json_with_bearer_token(seeded, clerk_a):
    response = _bearer(clerk_a).post(
        URL,
        _doc(_value("202304", "XA", "8"), _value("202301", "XA", "10")),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "status": "SUCCESS",
        "dryRun": False,
        "importCount": {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0},
        "conflicts": [],
    }
    assert DataValue.objects.get(period="202304", orgunit__code="XA").value == 8


def test_dry_run_and_refused_file(seeded, clerk_a, snapshot):
    client = _bearer(clerk_a)
    before = snapshot()
    response = client.post(
        f"{URL}?dryRun=true", _doc(_value("202304", "XA", "8")), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["dryRun"] is True
    assert response.json()["importCount"]["imported"] == 1
    response = client.post(
        URL,
        _doc(_value("202304", "XA", "8"), _value("202305", "XA", "x")),
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "ERROR"
    assert body["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    assert [(c["indexes"], c["property"]) for c in body["conflicts"]] == [([1], "value")]
    assert snapshot() == before


def test_partial_import_with_atomic_mode_none(seeded, clerk_a):
    response = _bearer(clerk_a).post(
        f"{URL}?atomicMode=NONE",
        _doc(_value("202304", "XA", "8"), _value("202305", "XA", "x")),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "WARNING"
    assert response.json()["importCount"] == {
        "imported": 1,
        "updated": 0,
        "ignored": 1,
        "deleted": 0,
    }


def test_csv_and_adx_bodies_by_content_type(seeded, clerk_a):
    client = _bearer(clerk_a)
    response = client.post(URL, "VIEC_LAM,202304,XA,,,8\n", content_type="text/csv")
    assert (response.status_code, response.json()["importCount"]["imported"]) == (200, 1)
    adx = (
        '<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="XA" period="2023-05-01/P1M"'
        ' dataSet="ASXH"><dataValue dataElement="QUA" NHOM="NGHEO" value="3"/></group></adx>'
    )
    response = client.post(URL, adx, content_type="application/adx+xml")
    assert (response.status_code, response.json()["importCount"]["imported"]) == (200, 1)
    assert DataValue.objects.get(period="202305", option_combo__code="NGHEO").value == 3


def test_unreadable_body_and_bad_strategy_are_400(seeded, clerk_a):
    client = _bearer(clerk_a)
    response = client.post(URL, "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["conflicts"][0]["value"] == (
        "Tệp JSON không hợp lệ ở dòng 1, cột 2: tên trường phải đặt trong dấu ngoặc kép"
        " (hoặc thừa dấu phẩy)."
    )
    response = client.post(f"{URL}?importStrategy=CREATE", _doc(), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "importStrategy 'CREATE' không được hỗ trợ (chỉ CREATE_AND_UPDATE hoặc DELETE)"
    )


def test_get_json_csv_and_adx(seeded, clerk_a):
    client = _bearer(clerk_a)
    response = client.get(URL, {"ou": "XA", "pe": "2023", "dx": "VIEC_LAM;QUA"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    values = json.loads(b"".join(response.streaming_content))["dataValues"]
    assert [(v["dataElement"], v["orgUnit"], v["period"], v["value"]) for v in values] == [
        ("QUA", "XA", "202301", "5"),
        ("QUA", "XA", "202301", "4"),
        ("VIEC_LAM", "XA", "202301", "10"),
        ("VIEC_LAM", "XA", "202302", "12"),
        ("VIEC_LAM", "XA-1", "202301", "3"),
    ]
    response = client.get(URL, {"ou": "XA", "pe": "202302", "children": "false", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="chiso-XA-202302.csv"'
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith("VIEC_LAM,202302,XA,DEFAULT,,12,")
    response = client.get(URL, {"ou": "XA", "pe": "202302", "format": "adx"})
    assert response["Content-Type"] == "application/adx+xml; charset=utf-8"
    assert b'<dataValue dataElement="VIEC_LAM" value="12"/>' in b"".join(response.streaming_content)


def test_get_with_the_session(seeded, clerk_a):
    client = Client()
    client.force_login(clerk_a)
    response = client.get(URL, {"ou": "XA-1", "pe": "2023"})
    assert response.status_code == 200
    assert len(json.loads(b"".join(response.streaming_content))["dataValues"]) == 1


def test_session_post_needs_the_csrf_token(seeded, clerk_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk_a)
    response = client.post(URL, _doc(_value("202304", "XA", "8")), content_type="application/json")
    assert response.status_code == 403
    client.get("/data/upload/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL,
        _doc(_value("202304", "XA", "8")),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert response.json()["importCount"]["imported"] == 1


def test_other_commune_gets_nothing_and_cannot_post(seeded, clerk_b, snapshot):
    client = _bearer(clerk_b)
    response = client.get(URL, {"ou": "XA", "pe": "2023"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đơn vị."}
    assert client.get(URL, {"ou": "T1", "pe": "2023"}).status_code == 404
    before = snapshot()
    response = client.post(
        URL, _doc(_value("202301", "XA", "1000")), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["value"] == (
        "Không tìm thấy đơn vị mã 'XA' có hiệu lực ngày 31/01/2023, hoặc bạn không có quyền"
        " nhập số liệu cho đơn vị này"
    )
    assert snapshot() == before


def test_anonymous_is_refused(seeded):
    assert Client().get(URL, {"ou": "XA", "pe": "2023"}).status_code == 401
    assert Client().post(URL, _doc(), content_type="application/json").status_code == 401


def test_bad_get_parameters(seeded, admin):
    client = _bearer(admin)
    response = client.get(URL, {"ou": "XA", "pe": "2023M1"})
    assert response.status_code == 400
    response = client.get(URL, {"ou": "XA", "pe": "2023", "dx": "NOPE"})
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "Không có chỉ tiêu hoặc nhóm chỉ tiêu mã 'NOPE'",
    )
    response = client.get(URL, {"ou": "XA", "pe": "2023", "format": "xlsx"})
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_xlsx_template_body(seeded, clerk_a):
    from chiso.exchange.services import template_build

    _name, content = template_build(
        user=clerk_a, group_code="ASXH", unit_code="XA", period_id="202302"
    )
    response = _bearer(clerk_a).post(
        f"{URL}?dryRun=true",
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert response.status_code == 200
    assert response.json()["importCount"] == {
        "imported": 0,
        "updated": 0,
        "ignored": 1,
        "deleted": 0,
    }
