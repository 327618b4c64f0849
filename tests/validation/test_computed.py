"""Computed indicators: exact values with numerator and denominator, per unit and per tier, in
the analytics API, on the dashboard and in its downloads."""

import io
from csv import reader
from decimal import Decimal as D

import pytest

from chiso.accounts.access import UnitNotFound
from chiso.core.errors import ChisoError
from chiso.validation.seeds import computed_seed
from chiso.validation.selectors import computed_table

VALUES = [
    # Vaccination: doses by age group × dose (monthly), target population by age (yearly).
    ("YT_TIEM_CHUNG_MUI", "XA", "202303", 450, "TU_18_TUOI_MUI_1"),
    ("YT_TIEM_CHUNG_MUI", "XA", "202305", 300, "TU_18_TUOI_MUI_1"),
    ("YT_TIEM_CHUNG_MUI", "XA", "202305", 600, "TU_18_TUOI_MUI_2"),
    ("YT_TIEM_CHUNG_MUI", "XA", "202305", 80, "TU_12_DEN_17_TUOI_MUI_1"),
    ("YT_TIEM_CHUNG_DOI_TUONG", "XA", "2023", 1000, "TU_18_TUOI"),
    ("YT_TIEM_CHUNG_DOI_TUONG", "XA", "2023", 90, "TU_12_DEN_17_TUOI"),
    ("YT_TIEM_CHUNG_MUI", "XB", "202303", 100, "TU_18_TUOI_MUI_1"),
    ("YT_TIEM_CHUNG_DOI_TUONG", "XB", "2023", 300, "TU_18_TUOI"),
    # Poverty: households (stock, yearly).
    ("GN_HO_NGHEO", "XA", "2023", 62),
    ("CHUNG_TONG_SO_HO", "XA", "2023", 3314),
    ("GN_HO_NGHEO", "XB", "2023", 38),
    ("CHUNG_TONG_SO_HO", "XB", "2023", 1686),
    # Dossiers (monthly flows).
    ("CCHC_HS_DUNG_HAN", "XA", "202301", 90),
    ("CCHC_HS_DA_GIAI_QUYET", "XA", "202301", 100),
    ("CCHC_HS_DUNG_HAN", "XA", "202302", 47),
    ("CCHC_HS_DA_GIAI_QUYET", "XA", "202302", 50),
    # Rice.
    ("ASXH_GAO_KG", "XA", "202301", 444960),
    ("ASXH_GAO_NHAN_KHAU", "XA", "202301", 29664),
]


@pytest.fixture
def figures(store, catalog):
    computed_seed()
    store(VALUES)


def table(user, codes, unit, period, level=None):
    return [
        (r.orgunit, r.code, r.value, r.numerator, r.denominator)
        for r in computed_table(user, codes, unit, period, level=level)
    ]


def test_coverage_rates_and_per_capita_are_exact(admin, figures):
    codes = [
        "TY_LE_TIEM_MUI_1_TU_18_TUOI",
        "TY_LE_TIEM_MUI_1_TU_12_DEN_17_TUOI",
        "TY_LE_TIEM_MUI_1_TU_5_DEN_DUOI_12_TUOI",
        "TY_LE_HO_NGHEO",
        "TY_LE_HS_DUNG_HAN",
        "GAO_BINH_QUAN_NHAN_KHAU",
    ]
    assert table(admin, codes, "XA", "2023") == [
        # 750 first doses (March + May) for 1.000 people.
        ("XA", "TY_LE_TIEM_MUI_1_TU_18_TUOI", D("75.0"), D(750), D(1000)),
        ("XA", "TY_LE_TIEM_MUI_1_TU_12_DEN_17_TUOI", D("88.9"), D(80), D(90)),
        ("XA", "TY_LE_TIEM_MUI_1_TU_5_DEN_DUOI_12_TUOI", None, None, None),
        ("XA", "TY_LE_HO_NGHEO", D("1.87"), D(62), D(3314)),
        ("XA", "TY_LE_HS_DUNG_HAN", D("91.3"), D(137), D(150)),
        ("XA", "GAO_BINH_QUAN_NHAN_KHAU", D("15.0"), D(444960), D(29664)),
    ]


def test_a_district_sums_numerators_and_denominators(admin, figures):
    assert table(admin, ["TY_LE_HO_NGHEO", "TY_LE_TIEM_MUI_1_TU_18_TUOI"], "H1", "2023") == [
        ("H1", "TY_LE_HO_NGHEO", D("2.00"), D(100), D(5000)),
        ("H1", "TY_LE_TIEM_MUI_1_TU_18_TUOI", D("65.4"), D(850), D(1300)),
    ]


def test_one_row_per_unit_of_a_tier(admin, figures):
    assert table(admin, ["TY_LE_HO_NGHEO"], "H1", "2023", level="xa") == [
        ("XA", "TY_LE_HO_NGHEO", D("1.87"), D(62), D(3314)),
        ("XB", "TY_LE_HO_NGHEO", D("2.25"), D(38), D(1686)),
    ]


def test_a_month_has_the_month_only(admin, figures):
    assert table(admin, ["TY_LE_HS_DUNG_HAN", "TY_LE_HO_NGHEO"], "XA", "202302") == [
        ("XA", "TY_LE_HS_DUNG_HAN", D("94.0"), D(47), D(50)),
        ("XA", "TY_LE_HO_NGHEO", None, None, None),  # households are yearly
    ]


def test_unknown_code_and_scope(admin, clerk, figures):
    with pytest.raises(ChisoError) as caught:
        computed_table(admin, ["KHONG_CO"], "XA", "2023")
    assert str(caught.value) == "Không có chỉ số tính toán mã 'KHONG_CO'"
    with pytest.raises(UnitNotFound):
        computed_table(clerk, ["TY_LE_HO_NGHEO"], "XB", "2023")
    # Within the clerk's scope only their commune: a district row is not theirs either.
    with pytest.raises(UnitNotFound):
        computed_table(clerk, ["TY_LE_HO_NGHEO"], "H1", "2023")
    assert table(clerk, ["TY_LE_HO_NGHEO"], "XA", "2023") == [
        ("XA", "TY_LE_HO_NGHEO", D("1.87"), D(62), D(3314))
    ]


def test_analytics_api_takes_computed_indicators_in_dx(admin, figures, client_for):
    client = client_for(admin)
    answer = client.get(
        "/api/analytics", {"dx": "GN_HO_NGHEO;TY_LE_HO_NGHEO", "ou": "H1", "pe": "2023"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["headers"][-2:] == ["numerator", "denominator"]
    column = {name: i for i, name in enumerate(body["headers"])}
    assert [
        (
            row[column["indicator"]],
            row[column["aggregation_type"]],
            row[column["value"]],
            row[column["numerator"]],
            row[column["denominator"]],
        )
        for row in body["rows"]
    ] == [
        ("GN_HO_NGHEO", "last", "100", "", ""),
        ("TY_LE_HO_NGHEO", "computed", "2.00", "100", "5000"),
    ]
    csv = client.get(
        "/api/analytics",
        {"dx": "TY_LE_HO_NGHEO", "ou": "H1", "pe": "2023", "level": "xa", "format": "csv"},
    )
    header, *rows = list(reader(io.StringIO(csv.content.decode("utf-8-sig"))))
    assert header[-2:] == ["numerator", "denominator"]
    value = header.index("value")
    assert [(row[header.index("orgunit")], row[value], row[-2], row[-1]) for row in rows] == [
        ("XA", "1.87", "62", "3314"),
        ("XB", "2.25", "38", "1686"),
    ]


def test_analytics_api_without_computed_indicators_is_unchanged(admin, figures, client_for):
    body = (
        client_for(admin)
        .get("/api/analytics", {"dx": "GN_HO_NGHEO", "ou": "XA", "pe": "2023"})
        .json()
    )
    assert "numerator" not in body["headers"]


def test_analytics_api_scope_is_404(clerk, figures, client_for):
    answer = client_for(clerk).get(
        "/api/analytics", {"dx": "TY_LE_HO_NGHEO", "ou": "XB", "pe": "2023"}
    )
    assert answer.status_code == 404


def test_dashboard_shows_value_numerator_and_denominator(admin, figures, client_for):
    page = client_for(admin).get("/dashboard/?ou=H1&pe=2023").content.decode()
    row = page.split('data-computed="TY_LE_HO_NGHEO"')[1].split("</tr>")[0]
    assert ">Tỷ lệ hộ nghèo<" in row
    assert '<td class="num">2,00%</td>' in row
    assert '<td class="num">100</td>' in row
    assert '<td class="num">5.000</td>' in row
    rice = page.split('data-computed="GAO_BINH_QUAN_NHAN_KHAU"')[1].split("</tr>")[0]
    assert '<td class="num">15,0 kg/người</td>' in rice


def test_dashboard_csv_lists_computed_indicators(admin, figures, client_for):
    response = client_for(admin).get("/dashboard/?ou=H1&pe=2023&format=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    computed = [line for line in lines if ",TY_LE_HO_NGHEO," in line]
    assert computed == [
        'Chỉ số tính toán,TY_LE_HO_NGHEO,Tỷ lệ hộ nghèo,%,2,,,,,,"tử số 100, mẫu số 5000"'
    ]
