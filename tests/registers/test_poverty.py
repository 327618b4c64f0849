"""Decree 07/2021/NĐ-CP, Điều 3 khoản 2, on a table of cases (pure Python)."""

from decimal import Decimal

import pytest

from chiso.core.errors import ChisoError
from chiso.core.poverty import DEPRIVATIONS, PovertyClass, classify

THREE = ["bao_hiem_y_te", "nuoc_sinh_hoat", "nha_tieu"]
TWO = ["bao_hiem_y_te", "nha_tieu"]


@pytest.mark.parametrize(
    ("area", "income", "lacking", "expected"),
    [
        # rural: standard 1.500.000 đ, average ceiling 2.250.000 đ
        ("rural", 1_500_000, THREE, PovertyClass.POOR),  # at the standard: "trở xuống"
        ("rural", 1_200_000, [*THREE, "viec_lam"], PovertyClass.POOR),
        ("rural", 1_500_000, TWO, PovertyClass.NEAR_POOR),
        ("rural", 0, [], PovertyClass.NEAR_POOR),  # income alone never makes a poor household
        ("rural", 1_500_001, THREE, PovertyClass.AVERAGE),  # above: deprivations do not matter
        ("rural", 2_250_000, list(DEPRIVATIONS), PovertyClass.AVERAGE),
        ("rural", 2_250_001, [], PovertyClass.NONE),
        # urban: standard 2.000.000 đ, average ceiling 3.000.000 đ
        ("urban", 2_000_000, THREE, PovertyClass.POOR),
        ("urban", 1_800_000, TWO, PovertyClass.NEAR_POOR),
        ("urban", 2_000_001, THREE, PovertyClass.AVERAGE),
        ("urban", 3_000_000, [], PovertyClass.AVERAGE),
        ("urban", 3_000_001, THREE, PovertyClass.NONE),
        ("thành thị", 1_600_000, THREE, PovertyClass.POOR),  # urban standard: poor
        ("Nông thôn", 1_600_000, THREE, PovertyClass.AVERAGE),  # same household, rural
    ],
)
def test_decree_07_2021_classification_table(area, income, lacking, expected):
    assert classify(Decimal(income), lacking, area).cls is expected


def test_result_carries_the_standard_and_the_deprivations_in_the_decrees_order():
    result = classify(1_000_000, ["nha_tieu", "viec_lam", "nha_tieu"], "rural")
    assert (result.standard, result.deprivations, result.deprivation_count) == (
        Decimal(1_500_000),
        ("viec_lam", "nha_tieu"),
        2,
    )
    assert len(DEPRIVATIONS) == 12


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((1_000_000, ["dien_thoai"], "rural"), "poverty.unknown_deprivation"),
        ((-1, [], "rural"), "poverty.income_negative"),
        ((1_000_000, [], "miền núi"), "poverty.area"),
    ],
)
def test_bad_inputs_are_refused_with_a_code(args, code):
    with pytest.raises(ChisoError) as caught:
        classify(*args)
    assert caught.value.code == code
