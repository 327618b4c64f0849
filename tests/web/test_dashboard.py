"""The dashboard (/dashboard/): figures, breakdown, chart, downloads and scope."""

from __future__ import annotations

import html
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from chiso.core.periods import Period
from chiso.datavalues.models import DataValue, Target
from chiso.datavalues.totals import totals_rebuild
from chiso.indicators.models import CategoryOptionCombo, Indicator
from chiso.indicators.services import catalog_import


@pytest.fixture
def catalog(db):
    catalog_import(
        {
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
                    "code": "HN",
                    "name_vi": "Số hộ nghèo",
                    "name_en": "Poor households",
                    "unit": "hộ",
                    "value_type": "integer",
                    "aggregation_type": "last",
                    "period_type": "year",
                    "direction": "lower_is_better",
                },
            ],
            "groups": [
                {
                    "code": "LD",
                    "name_vi": "Lao động – việc làm",
                    "name_en": "Labour",
                    "indicators": ["VL"],
                },
                {"code": "GN", "name_vi": "Giảm nghèo", "name_en": "Poverty", "indicators": ["HN"]},
            ],
        }
    )
    return {code: Indicator.objects.get(code=code) for code in ("VL", "HN")}


def _put(indicator, unit, period, value):
    p = Period.parse(period)
    DataValue.objects.create(
        indicator=indicator,
        option_combo=CategoryOptionCombo.objects.get(
            category_combo=indicator.category_combo, code="DEFAULT"
        ),
        orgunit=unit,
        period=p.id,
        period_type=p.type.value,
        period_start=p.start,
        period_end=p.end,
        value=Decimal(value),
    )
    totals_rebuild()  # written around the services


@pytest.fixture
def figures(tree, catalog):
    """Jobs 2023: Xã An 20.000 + Xã Bình 18.406 = 38.406 against a province plan of 40.000
    (96,0%); 2022: 16.929 + 20.000 = 36.929 (so +4,0%). Poor households 2023: 120 + 80."""
    vl, hn = catalog["VL"], catalog["HN"]
    _put(vl, tree["a"], "202301", 12000)
    _put(vl, tree["a"], "202306", 8000)
    _put(vl, tree["b"], "202303", 18406)
    _put(vl, tree["a"], "202201", 16929)
    _put(vl, tree["b"], "202205", 20000)
    _put(hn, tree["a"], "2023", 120)
    _put(hn, tree["b"], "2023", 80)
    p = Period.parse("2023")
    Target.objects.create(
        indicator=vl,
        orgunit=tree["province"],
        period="2023",
        period_start=p.start,
        period_end=p.end,
        value=Decimal(40000),
    )
    return tree


@pytest.fixture
def admin(make_user):
    return make_user("quan_tri", superuser=True)


def _get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_province_dashboard_figures_are_exact(figures, admin):
    response = _get(admin, "/dashboard/?ou=T1&pe=2023")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Bảng điều khiển · Tỉnh Thử Nghiệm" in page and "năm 2023" in page
    # The key figure card.
    assert '<div class="kpi-value">38.406 <span class="unit-of">lao động</span>' in page
    assert "đạt 96,0% kế hoạch" in page and "(kế hoạch 40.000)" in page
    assert "tăng 4,0% so với cùng kỳ" in page
    # The indicator table, grouped.
    assert '<tr class="group-row"><th colspan="6" scope="colgroup">Lao động – việc làm' in page
    row = page[page.index('<tr data-indicator="VL"') :]
    row = row[: row.index("</tr>")]
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:]]
    assert cells == ["38.406", "40.000", "96,0%", "36.929", "+4,0%"]
    assert "200" in page  # poor households: 120 + 80 (stock figure, summed over communes)


def test_breakdown_by_child_units_and_chart(figures, admin):
    response = _get(admin, "/dashboard/?ou=H1&pe=2023&ind=VL")
    page = html.unescape(response.content.decode())
    table = page[page.index('id="children-table"') :]
    table = table[: table.index("</table>")]
    assert ">Xã An</a></th>" in table and ">Xã Bình</a></th>" in table
    assert '<td class="num">20.000</td>' in table and '<td class="num">18.406</td>' in table
    assert '<td class="num">52,1%</td>' in table and '<td class="num">47,9%</td>' in table
    # Xã An 2022: 16.929 → 20.000 is +18,1%; Xã Bình 20.000 → 18.406 is -8,0%.
    assert '<td class="num">+18,1%</td>' in table and '<td class="num">-8,0%</td>' in table
    # Inline SVG bars, largest first, the largest full width.
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.index("Xã An: 20.000") < svg.index("Xã Bình: 18.406")
    assert 'width="340" height="16"><title>Xã An: 20.000' in svg
    assert 'width="312" height="16"><title>Xã Bình: 18.406' in svg  # 18406/20000*340
    assert "<script" not in page.split("</footer>")[0].split("<main")[1].replace(
        '<script src="/static/chiso/pickers.js" defer></script>', ""
    )


def test_csv_download_is_exact(figures, admin):
    response = _get(admin, "/dashboard/?ou=T1&pe=2023&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="chiso-T1-2023.csv"'
    assert response.content.decode("utf-8") == (
        "\ufeffNhóm chỉ tiêu,Mã chỉ tiêu,Chỉ tiêu,Đơn vị tính,Giá trị,Kế hoạch,% kế hoạch,"
        "Cùng kỳ năm trước,Tăng/giảm,Tăng/giảm (%),Ghi chú\r\n"
        "Lao động – việc làm,VL,Số lao động có việc làm mới,lao động,38406,40000,96.015,"
        "36929,1477,3.999567,\r\n"
        "Giảm nghèo,HN,Số hộ nghèo,hộ,200,,,,,,\r\n"
    )


def test_units_csv_download_is_exact(figures, admin):
    response = _get(admin, "/dashboard/?ou=H1&pe=2023&ind=VL&format=csv&table=units")
    assert response.content.decode("utf-8") == (
        "\ufeffMã đơn vị,Đơn vị,Giá trị,Kế hoạch,% kế hoạch,Cùng kỳ năm trước,"
        "Tăng/giảm (%),Tỷ trọng (%),Ghi chú\r\n"
        "XA,Xã An,20000,,,16929,18.140469,52.075197,\r\n"
        "XB,Xã Bình,18406,,,20000,-7.97,47.924803,\r\n"
    )


def test_xlsx_download_has_numbers(figures, admin):
    from openpyxl import load_workbook

    response = _get(admin, "/dashboard/?ou=T1&pe=2023&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="chiso-T1-2023.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Tỉnh Thử Nghiệm – năm 2023"
    assert rows[2][:5] == ("Nhóm chỉ tiêu", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Giá trị")
    assert rows[3][1:7] == ("VL", "Số lao động có việc làm mới", "lao động", 38406, 40000, 96.015)


def test_month_period_and_pickers(figures, admin):
    response = _get(admin, "/dashboard/?ou=T1&pe=202301")
    page = html.unescape(response.content.decode())
    assert "tháng 1/2023" in page
    assert '<tr data-indicator="HN"' not in page  # yearly: no value for a month
    row = page[page.index('<tr data-indicator="VL"') :]
    assert row.split('<td class="num">')[1].startswith("12.000")
    assert '<option value="01" selected>Tháng 1</option>' in page
    redirect = _get(admin, "/dashboard/?ou=T1&year=2023&part=Q2&ind=VL")
    assert redirect.status_code == 302
    assert redirect["Location"] == "/dashboard/?ou=T1&pe=2023Q2&ind=VL"


def test_a_code_means_the_version_valid_on_the_periods_last_day(make_unit, catalog, admin):
    make_unit("Xã Cũ", code="C1", valid_to=date(2025, 6, 30))
    make_unit("Phường Mới", code="C1", valid_from=date(2025, 7, 1))
    old = html.unescape(_get(admin, "/dashboard/?ou=C1&pe=2024").content.decode())
    new = html.unescape(_get(admin, "/dashboard/?ou=C1&pe=2025").content.decode())
    assert "Bảng điều khiển · Xã Cũ" in old
    assert "Bảng điều khiển · Phường Mới" in new
    # Quý I/2025 ends before the reform: the old commune.
    q1 = html.unescape(_get(admin, "/dashboard/?ou=C1&pe=2025Q1").content.decode())
    assert "Bảng điều khiển · Xã Cũ" in q1


def test_out_of_scope_and_unknown_units_are_404(figures, make_user):
    viewer = make_user("xem_xa_an", view=[figures["a"]])
    for url in (
        "/dashboard/?ou=XB&pe=2023",
        "/dashboard/?ou=T1&pe=2023",
        "/dashboard/?ou=H1&pe=2023&format=csv",
        "/dashboard/?ou=KHONG&pe=2023",
    ):
        assert _get(viewer, url).status_code == 404, url
    assert _get(viewer, "/dashboard/?ou=XA&pe=2023").status_code == 200
    # Without a unit, a local user gets their own.
    page = html.unescape(_get(viewer, "/dashboard/?pe=2023").content.decode())
    assert "Bảng điều khiển · Xã An" in page


def test_bad_period_falls_back_with_a_message(figures, admin):
    page = html.unescape(_get(admin, "/dashboard/?ou=T1&pe=2023Q9").content.decode())
    assert "'2023Q9': quý phải từ Q1 đến Q4" in page


def test_dashboard_costs_a_few_queries(figures, admin, make_unit, django_assert_max_num_queries):
    for n in range(30):
        make_unit(f"Xã Thêm {n}", parent=figures["district"], code=f"XT{n}")
    client = Client()
    client.force_login(admin)
    with django_assert_max_num_queries(30):
        assert client.get("/dashboard/?ou=H1&pe=2023&ind=VL").status_code == 200


def test_dashboard_needs_login(db):
    response = Client().get("/dashboard/?ou=T1&pe=2023")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_unit_search_finds_units_in_scope_accent_insensitively(figures, make_user):
    viewer = make_user("xem_huyen", view=[figures["district"]])
    client = Client()
    client.force_login(viewer)
    page = client.get("/pickers/units/?q=xa binh&for=dashboard&pe=2023&ind=VL").content.decode()
    assert '<a href="/dashboard/?ou=XB&amp;pe=2023&amp;ind=VL">Xã Bình' in page
    assert "Xã An" not in page
    # Outside the scope: nothing, exactly as for a name that does not exist.
    assert "Tỉnh Thử Nghiệm" not in client.get("/pickers/units/?q=T1&pe=2023").content.decode()
    entry = client.get("/pickers/units/?q=XA&for=entry&pe=202301&group=LD").content.decode()
    assert "Không tìm thấy đơn vị phù hợp." in entry  # a viewer captures nowhere
