"""GET /api/analytics: JSON and CSV tables, token auth, scope answers 404 with no data."""

import csv
import io

import pytest
from django.test import Client

from chiso.accounts.services import token_create
from chiso.analytics.selectors import ROW_FIELDS
from chiso.datavalues.models import Channel, DataValue
from chiso.datavalues.services import datavalue_upsert
from chiso.indicators.models import CategoryOptionCombo


@pytest.fixture
def jobs(tree, make_indicator, put, plan):
    ind = make_indicator("sum", "month", code="VL_VIEC_LAM_MOI")
    put(ind, tree["a"], "202301", 30000)
    put(ind, tree["b"], "202302", 8406)
    put(ind, tree["a"], "202201", 36929)
    plan(ind, tree["province"], "2023", 40000)
    return ind


def client_for(user):
    _token, key = token_create(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_json_table_with_values_as_strings(jobs, admin):
    response = client_for(admin).get(
        "/api/analytics", {"dx": "VL_VIEC_LAM_MOI", "ou": "T1", "pe": "2023"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["headers"] == list(ROW_FIELDS)
    (row,) = body["rows"]
    got = dict(zip(body["headers"], row, strict=True))
    assert got["indicator"] == "VL_VIEC_LAM_MOI"
    assert (got["orgunit"], got["orgunit_name"], got["period"]) == ("T1", "Tỉnh Thử Nghiệm", "2023")
    assert (got["value"], got["target"], got["percent_of_target"]) == ("38406", "40000", "96.015")
    assert (got["value_last_year"], got["change"], got["change_percent"]) == (
        "36929",
        "1477",
        "3.999567",
    )
    assert (got["share_of_parent"], got["comparable"], got["note"]) == ("", "true", "")


def test_level_and_several_indicators(jobs, admin, make_indicator):
    make_indicator("last", "year", code="HO_NGHEO")
    response = client_for(admin).get(
        "/api/analytics",
        {"dx": "VL_VIEC_LAM_MOI;HO_NGHEO", "ou": "T1", "pe": "2023", "level": "xa"},
    )
    rows = [dict(zip(ROW_FIELDS, r, strict=True)) for r in response.json()["rows"]]
    assert [(r["orgunit"], r["indicator"], r["value"]) for r in rows] == [
        ("XA", "VL_VIEC_LAM_MOI", "30000"),
        ("XA", "HO_NGHEO", ""),
        ("XB", "VL_VIEC_LAM_MOI", "8406"),
        ("XB", "HO_NGHEO", ""),
    ]


def test_year_to_date(jobs, admin):
    response = client_for(admin).get(
        "/api/analytics", {"dx": "VL_VIEC_LAM_MOI", "ou": "T1", "pe": "202301", "ytd": "true"}
    )
    got = dict(zip(ROW_FIELDS, response.json()["rows"][0], strict=True))
    assert (got["year_to_date"], got["value"], got["target"]) == ("true", "30000", "40000")


def test_csv(jobs, admin):
    response = client_for(admin).get(
        "/api/analytics", {"dx": "VL_VIEC_LAM_MOI", "ou": "T1", "pe": "2023", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(ROW_FIELDS)
    got = dict(zip(rows[0], rows[1], strict=True))
    assert (got["orgunit_name"], got["value"], got["percent_of_target"]) == (
        "Tỉnh Thử Nghiệm",
        "38406",
        "96.015",
    )


def test_out_of_scope_or_missing_unit_is_404_without_data(jobs, tree, make_user):
    officer = make_user("xa_an", capture=[tree["a"]])
    client = client_for(officer)
    mine = client.get("/api/analytics", {"dx": "VL_VIEC_LAM_MOI", "ou": "XA", "pe": "2023"})
    assert mine.status_code == 200
    assert mine.json()["rows"][0][ROW_FIELDS.index("value")] == "30000"
    for code in ("XB", "T1", "KHONG_CO"):
        for fmt in ("json", "csv"):
            response = client.get(
                "/api/analytics",
                {"dx": "VL_VIEC_LAM_MOI", "ou": code, "pe": "2023", "format": fmt},
            )
            assert response.status_code == 404
            assert response.json() == {"detail": "Không tìm thấy đơn vị."}
            assert b"8406" not in response.content and b"38406" not in response.content


def test_anonymous_is_refused(jobs):
    response = Client().get("/api/analytics", {"dx": "VL_VIEC_LAM_MOI", "ou": "T1", "pe": "2023"})
    assert response.status_code == 401


def test_bad_input_is_400_with_a_vietnamese_message(jobs, admin):
    client = client_for(admin)
    response = client.get("/api/analytics", {"dx": "KHONG_CO", "ou": "T1", "pe": "2023"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Không có chỉ tiêu mã 'KHONG_CO'",
        "code": "analytics.unknown_indicator",
    }
    response = client.get(
        "/api/analytics", {"dx": "VL_VIEC_LAM_MOI", "ou": "T1", "pe": "2023", "level": "phuong"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "analytics.bad_level"
    response = client.get("/api/analytics", {"dx": "VL_VIEC_LAM_MOI", "ou": "T1", "pe": "23"})
    assert (response.status_code, response.json()["code"]) == (400, "period.invalid")


def test_a_value_saved_through_the_service_shows_in_the_api_at_once(jobs, tree, admin, make_user):
    officer = make_user("xa_binh", capture=[tree["b"]])
    default = CategoryOptionCombo.objects.get(category_combo=jobs.category_combo, code="DEFAULT")
    client = client_for(admin)

    def province_value():
        response = client.get("/api/analytics", {"dx": "VL_VIEC_LAM_MOI", "ou": "T1", "pe": "2023"})
        return response.json()["rows"][0][ROW_FIELDS.index("value")]

    assert province_value() == "38406"
    datavalue_upsert(
        user=officer,
        indicator=jobs,
        option_combo=default,
        orgunit=tree["b1"],
        period="202311",
        value="94",
        channel=Channel.FORM,
    )
    assert province_value() == "38500"
    datavalue_upsert(
        user=officer,
        indicator=jobs,
        option_combo=default,
        orgunit=tree["b1"],
        period="202311",
        value=None,
        channel=Channel.FORM,
    )
    assert province_value() == "38406"
    assert DataValue.objects.filter(orgunit=tree["b1"], deleted=True).count() == 1
