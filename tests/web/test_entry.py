"""The data-entry form (/entry/) and its cell saves (/entry/cell/)."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.test import Client

from chiso.analytics.selectors import analytics_table
from chiso.datavalues.models import DataValue, DataValueAudit, Target
from chiso.datavalues.services import datavalue_upsert, target_set
from chiso.indicators.models import CategoryOptionCombo, Indicator
from chiso.indicators.services import catalog_import


@pytest.fixture
def catalog(db):
    """Group LD: VL (monthly integer jobs with a target), GQ (monthly gifts by NAM/NU) and
    TL (a yearly rate, not in a monthly grid)."""
    catalog_import(
        {
            "categories": [
                {
                    "code": "GIOI",
                    "name_vi": "Giới tính",
                    "options": [{"code": "NAM", "name_vi": "Nam"}, {"code": "NU", "name_vi": "Nữ"}],
                }
            ],
            "category_combos": [
                {"code": "THEO_GIOI", "name_vi": "Theo giới tính", "categories": ["GIOI"]}
            ],
            "indicators": [
                {
                    "code": "VL",
                    "name_vi": "Số lao động có việc làm mới",
                    "name_en": "New jobs",
                    "unit": "lao động",
                    "value_type": "integer",
                    "aggregation_type": "sum",
                    "period_type": "month",
                    "has_target": True,
                },
                {
                    "code": "GQ",
                    "name_vi": "Số phần quà",
                    "name_en": "Gifts",
                    "value_type": "integer",
                    "aggregation_type": "sum",
                    "period_type": "month",
                    "category_combo": "THEO_GIOI",
                },
                {
                    "code": "TL",
                    "name_vi": "Tỷ lệ lao động qua đào tạo",
                    "name_en": "Trained rate",
                    "value_type": "percentage",
                    "aggregation_type": "none",
                    "period_type": "year",
                },
            ],
            "groups": [
                {
                    "code": "LD",
                    "name_vi": "Lao động – việc làm",
                    "name_en": "Labour",
                    "indicators": ["VL", "GQ", "TL"],
                }
            ],
        }
    )
    return {code: Indicator.objects.get(code=code) for code in ("VL", "GQ", "TL")}


@pytest.fixture
def admin(make_user):
    return make_user("quan_tri", superuser=True)


@pytest.fixture
def clerk(tree, make_user):
    user = make_user("can_bo_xa_an", capture=[tree["a"]])
    user.full_name = "Nguyễn Văn An"
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def colleague(tree, make_user):
    user = make_user("can_bo_xa_an_2", capture=[tree["a"]])
    user.full_name = "Trần Thị Bình"
    user.save(update_fields=["full_name"])
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _default(indicator):
    return CategoryOptionCombo.objects.get(category_combo=indicator.category_combo, code="DEFAULT")


def _save(user, indicator, unit, period, value, expected_version=None, combo=None):
    return datavalue_upsert(
        user=user,
        indicator=indicator,
        option_combo=combo or _default(indicator),
        orgunit=unit,
        period=period,
        value=Decimal(value),
        expected_version=expected_version,
        channel="form",
    ).datavalue


def _snapshot():
    return (
        sorted(
            DataValue.objects.values_list(
                "indicator_id",
                "option_combo_id",
                "orgunit_id",
                "period",
                "value",
                "deleted",
                "version",
            )
        ),
        DataValueAudit.objects.count(),
    )


def _post(client, **fields):
    data = {
        "ou": "XA",
        "pe": "202302",
        "i": "VL",
        "c": "DEFAULT",
        "ver": "0",
        "status": "official",
        **fields,
    }
    return client.post("/entry/cell/", data, HTTP_HX_REQUEST="true")


def test_form_shows_grid_with_value_target_last_year_and_scope_units(tree, catalog, admin, clerk):
    _save(admin, catalog["VL"], tree["a"], "202301", 1234)
    _save(admin, catalog["VL"], tree["a"], "202201", 1000)
    target_set(user=admin, indicator=catalog["VL"], orgunit=tree["a"], period="2023", value=40000)
    response = _client(clerk).get("/entry/?ou=XA&pe=202301&group=LD")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Xã An" in page and "tháng 1/2023" in page
    assert 'value="1.234"' in page
    assert "Kế hoạch năm: 40.000" in page
    assert "Cùng kỳ: 1.000" in page
    # Columns: "Giá trị" for the plain indicator, one per option for the disaggregated one.
    assert ">Giá trị</th>" in page and ">Nam</th>" in page and ">Nữ</th>" in page
    # Each cell posts itself with the version it was loaded at.
    assert '"i": "VL", "c": "DEFAULT", "ver": "1"' in page
    assert '"i": "GQ", "c": "NU", "ver": "0"' in page
    # The yearly indicator is not in a monthly grid but is named.
    assert "Tỷ lệ lao động qua đào tạo (năm)" in page
    # Unit picker: the clerk's commune and its hamlet only.
    assert '<option value="XA" selected>' in page and '<option value="XA-1">' in page
    assert 'value="XB"' not in page
    # Period picker: select lists with months (and the whole year for the yearly one).
    assert '<option value="01" selected>Tháng 1</option>' in page
    assert '<option value="">Cả năm</option>' in page
    assert "/static/chiso/entry.js" in page


def test_form_defaults_to_the_clerks_commune(tree, catalog, clerk):
    response = _client(clerk).get("/entry/?pe=202301&group=LD")
    assert response.status_code == 200
    assert '<option value="XA" selected>' in response.content.decode()


def test_pickers_redirect_to_the_canonical_url(tree, catalog, clerk):
    response = _client(clerk).get("/entry/?ou=XA&group=LD&year=2023&part=03")
    assert response.status_code == 302
    assert response["Location"] == "/entry/?ou=XA&pe=202303&group=LD"


def test_a_period_of_another_kind_moves_to_the_groups_kind(tree, catalog, clerk):
    response = _client(clerk).get("/entry/?ou=XA&pe=2023Q1&group=LD")
    assert response.status_code == 302
    assert response["Location"] == "/entry/?ou=XA&pe=202303&group=LD"


def test_saving_a_cell_creates_the_value_and_one_audit_row(tree, catalog, clerk):
    response = _post(_client(clerk), value="1.234")
    assert response.status_code == 200
    stored = DataValue.objects.get()
    assert (stored.indicator.code, stored.orgunit.code, stored.period) == ("VL", "XA", "202302")
    assert stored.value == Decimal("1234") and stored.version == 1
    assert stored.stored_by == clerk and stored.status == "official"
    audit = DataValueAudit.objects.get()
    assert (audit.action, audit.new_value, audit.channel, audit.user) == (
        "create",
        "1234",
        "form",
        clerk,
    )
    page = response.content.decode()
    assert 'value="1.234"' in page and "Đã lưu" in page and '"ver": "1"' in page
    assert "is-saved" in page


def test_decimal_comma_and_estimate_status(tree, catalog, clerk):
    catalog_import(
        {
            "indicators": [
                {
                    "code": "TLN",
                    "name_vi": "Tỷ lệ",
                    "name_en": "Rate",
                    "value_type": "number",
                    "aggregation_type": "average",
                    "period_type": "month",
                }
            ]
        }
    )
    response = _post(_client(clerk), i="TLN", value="64,5", status="estimate")
    assert response.status_code == 200
    stored = DataValue.objects.get()
    assert stored.value == Decimal("64.5") and stored.status == "estimate"
    page = response.content.decode()
    assert 'value="64,5"' in page and ">ước</span>" in page


def test_saving_a_hamlet_of_the_commune(tree, catalog, clerk):
    response = _post(_client(clerk), ou="XA-1", value="15")
    assert response.status_code == 200
    assert DataValue.objects.get().orgunit == tree["a1"]


def test_bad_number_shows_the_message_keeps_the_text_and_writes_nothing(tree, catalog, clerk):
    before = _snapshot()
    response = _post(_client(clerk), value="1.5")
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "'1.5' không phải số hợp lệ: dùng '1,5' hoặc '15'" in page
    assert 'value="1.5"' in page and 'aria-invalid="true"' in page
    assert _snapshot() == before == ([], 0)


def test_decimal_in_an_integer_indicator_is_refused(tree, catalog, clerk):
    response = _post(_client(clerk), value="64,5")
    assert response.status_code == 422
    assert "phải là số nguyên" in html.unescape(response.content.decode())
    assert DataValue.objects.count() == 0


def test_stale_version_is_refused_and_nothing_changes(tree, catalog, clerk, colleague):
    first = _save(clerk, catalog["VL"], tree["a"], "202302", 100, expected_version=0)
    _save(colleague, catalog["VL"], tree["a"], "202302", 150, expected_version=first.version)
    before = _snapshot()
    response = _post(_client(clerk), value="120", ver=str(first.version))
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "Số liệu này đã được Trần Thị Bình sửa lúc" in page
    assert "Số đang lưu: 150." in page
    assert 'value="120"' in page  # the typed text is kept
    assert '"ver": "2"' in page  # Enter again overwrites knowingly
    assert _snapshot() == before
    assert DataValue.objects.get().value == Decimal("150")
    # Saving again with the version just shown goes through.
    again = _post(_client(clerk), value="120", ver="2")
    assert again.status_code == 200
    assert DataValue.objects.get().value == Decimal("120")


def test_another_communes_unit_is_404_and_nothing_changes(tree, catalog, admin, clerk):
    _save(admin, catalog["VL"], tree["b"], "202302", 7)
    before = _snapshot()
    client = _client(clerk)
    assert _post(client, ou="XB", value="9", ver="1").status_code == 404
    assert _post(client, ou="XB-1", value="9").status_code == 404
    assert _post(client, ou="KHONG_CO", value="9").status_code == 404
    assert client.get("/entry/?ou=XB&pe=202302&group=LD").status_code == 404
    assert _snapshot() == before


def test_unknown_indicator_or_option_is_404(tree, catalog, clerk):
    client = _client(clerk)
    assert _post(client, i="KHONG_CO", value="1").status_code == 404
    assert _post(client, i="GQ", c="KHONG_CO", value="1").status_code == 404
    assert DataValue.objects.count() == 0


def test_emptying_a_cell_deletes_the_value(tree, catalog, clerk):
    first = _save(clerk, catalog["VL"], tree["a"], "202302", 100, expected_version=0)
    response = _post(_client(clerk), value="", ver=str(first.version))
    assert response.status_code == 200
    stored = DataValue.objects.get()
    assert stored.deleted and 'value=""' in response.content.decode()
    assert list(DataValueAudit.objects.values_list("action", flat=True)) == ["create", "delete"]


def test_entry_needs_login_and_post(tree, catalog):
    assert Client().get("/entry/").status_code == 302
    assert Client().post("/entry/cell/", {}).status_code == 302
    assert Target.objects.count() == 0


def test_a_saved_cell_is_in_every_aggregate_at_once(tree, catalog, admin, clerk):
    _save(admin, Indicator.objects.get(code="VL"), tree["b"], "202301", "100")
    _post(_client(clerk), value="1.234")
    [row] = analytics_table(user=admin, indicators=["VL"], orgunit="T1", period="2023")
    assert (row.value, row.value_count) == (Decimal(1334), 2)
    _post(_client(clerk), value="34", ver="1")  # an edit replaces the value in the totals
    _post(_client(clerk), i="GQ", c="NU", value="5")
    rows = analytics_table(user=admin, indicators=["VL", "GQ"], orgunit="H1", period="2023Q1")
    assert [(r.indicator, r.value, r.value_count) for r in rows] == [
        ("VL", Decimal(134), 2),
        ("GQ", Decimal(5), 1),
    ]
