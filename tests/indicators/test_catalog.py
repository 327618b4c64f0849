import copy
import json
import re

import pytest

from chiso.indicators.models import (
    AggregationType,
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    Direction,
    Indicator,
    IndicatorGroup,
    PeriodType,
    ValueType,
)
from chiso.indicators.selectors import indicator_get_by_code, indicator_list, option_combos_for
from chiso.indicators.services import (
    SEEDED_CATALOG,
    CatalogError,
    catalog_export,
    catalog_import,
    catalog_load,
)

SEEDED = json.loads(SEEDED_CATALOG.read_text(encoding="utf-8"))


def totals(counts, state):
    return {kind: c[state] for kind, c in counts.items()}


def wipe():
    IndicatorGroup.objects.all().delete()
    Indicator.objects.all().delete()
    CategoryCombo.objects.all().delete()
    Category.objects.all().delete()


def test_first_load_creates_the_seeded_catalog(db):
    counts = catalog_load()
    assert totals(counts, "created") == {
        "categories": 5,
        "category_options": 19,
        "category_combos": 6,
        "option_combos": 28,
        "indicators": 72,
        "groups": 10,
    }
    assert sum(totals(counts, "updated").values()) == 0
    assert Indicator.objects.count() == 72
    assert CategoryOptionCombo.objects.count() == 28


def test_second_load_changes_nothing(db):
    catalog_load()
    before = catalog_export()
    ids = sorted(CategoryOptionCombo.objects.values_list("pk", flat=True))
    counts = catalog_load()
    assert totals(counts, "created") == dict.fromkeys(counts, 0)
    assert totals(counts, "updated") == dict.fromkeys(counts, 0)
    assert totals(counts, "deleted") == dict.fromkeys(counts, 0)
    assert totals(counts, "unchanged") == {
        "categories": 5,
        "category_options": 19,
        "category_combos": 6,
        "option_combos": 28,
        "indicators": 72,
        "groups": 10,
    }
    assert catalog_export() == before
    assert sorted(CategoryOptionCombo.objects.values_list("pk", flat=True)) == ids


def test_load_updates_changed_entries_in_place(db):
    catalog_load()
    pk = indicator_get_by_code("VL_VIEC_LAM_MOI").pk
    data = copy.deepcopy(SEEDED)
    entry = next(i for i in data["indicators"] if i["code"] == "VL_VIEC_LAM_MOI")
    entry["name_en"] = "Jobs created"
    data["groups"][0]["indicators"].reverse()
    counts = catalog_load(data)
    assert counts["indicators"] == {"created": 0, "updated": 1, "unchanged": 71, "deleted": 0}
    assert counts["groups"] == {"created": 0, "updated": 1, "unchanged": 9, "deleted": 0}
    jobs = indicator_get_by_code("VL_VIEC_LAM_MOI")
    assert (jobs.pk, jobs.name_en) == (pk, "Jobs created")
    first = data["groups"][0]
    assert [i.code for i in indicator_list(first["code"])] == first["indicators"]


def test_export_import_round_trip(db):
    catalog_load()
    exported = catalog_export()
    assert json.loads(json.dumps(exported, ensure_ascii=False)) == exported
    wipe()
    assert Indicator.objects.count() == 0
    counts = catalog_import(exported)
    assert totals(counts, "created")["indicators"] == 72
    assert catalog_export() == exported


def test_export_holds_every_seeded_field(db):
    catalog_load()
    exported = catalog_export()
    by_code = {i["code"]: i for i in exported["indicators"]}
    for entry in SEEDED["indicators"]:
        assert {k: by_code[entry["code"]][k] for k in entry} == entry
    assert [g["code"] for g in exported["groups"]] == [g["code"] for g in SEEDED["groups"]]
    assert exported["categories"][0]["code"] == "CAP_HOC"
    assert [c["code"] for c in exported["category_combos"]] == [
        "CAP_HOC",
        "DEFAULT",
        "HINH_THUC_NHA_O",
        "NHOM_DOI_TUONG",
        "NHOM_TUOI_TIEM",
        "NHOM_TUOI_TIEM_MUI_TIEM",
    ]


def test_invalid_import_names_each_bad_entry_and_writes_nothing(db):
    data = copy.deepcopy(SEEDED)
    data["indicators"][0]["value_type"] = "float"
    del data["indicators"][1]["name_en"]
    data["indicators"][2]["category_combo"] = "KHONG_CO"
    data["indicators"][3]["code"] = "viec lam"
    data["groups"][1]["indicators"].append("MA_LA")
    data["categories"][0]["options"][1]["code"] = data["categories"][0]["options"][0]["code"]
    with pytest.raises(CatalogError) as caught:
        catalog_import(data)
    assert caught.value.problems == [
        "categories[0] NHOM_DOI_TUONG options[1] HO_NGHEO: mã “HO_NGHEO” đã có ở "
        "categories[0] NHOM_DOI_TUONG options[0] HO_NGHEO.",
        "indicators[0] CHUNG_DAN_SO: giá trị “float” của “value_type” không hợp lệ "
        "(cho phép: integer, number, percentage, money, boolean, text).",
        "indicators[1] CHUNG_TONG_SO_HO: thiếu trường bắt buộc “name_en”.",
        "indicators[3] viec lam: mã “viec lam” chỉ được gồm chữ in hoa không dấu, chữ số "
        "và dấu gạch dưới.",
        "indicators[2] CHUNG_SO_THON: không có tổ hợp phân tổ mã “KHONG_CO”.",
        "groups[1] LAO_DONG_VIEC_LAM: không có chỉ tiêu mã “MA_LA”.",
        "groups[7] THONG_TIN_CO_SO: không có chỉ tiêu mã “CHUNG_SO_XA”.",
        "groups[9] THONG_TIN_CHUNG: không có chỉ tiêu mã “CHUNG_SO_XA”.",
    ]
    assert Indicator.objects.count() == 0
    assert Category.objects.count() == 0


def test_invalid_import_leaves_an_existing_catalog_unchanged(db):
    catalog_load()
    before = catalog_export()
    data = copy.deepcopy(SEEDED)
    data["indicators"][0]["name_vi"] = "Đổi tên"
    data["indicators"][-1]["aggregation_type"] = "median"
    with pytest.raises(CatalogError) as caught:
        catalog_import(data)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("indicators[71] DV_DON_THU_GIAI_QUYET: ")
    assert catalog_export() == before


def test_import_rejects_bad_shapes(db):
    assert_problems = [
        ([], ["Danh mục chỉ tiêu phải là một đối tượng JSON."]),
        ({"version": 2}, ["Danh mục chỉ tiêu: phiên bản 2 không được hỗ trợ (cần 1)."]),
        ({"indicators": {}}, ["Danh mục chỉ tiêu: mục “indicators” phải là một danh sách."]),
        ({"extra": 1}, ["Danh mục chỉ tiêu: mục “extra” không được hỗ trợ."]),
        ({"indicators": ["X"]}, ["indicators[0]: phải là một đối tượng JSON."]),
        (
            {"category_combos": [{"code": "DEFAULT", "name_vi": "d", "categories": ["A"]}]},
            [
                "category_combos[0] DEFAULT: tổ hợp DEFAULT không được có nhóm phân tổ.",
                "category_combos[0] DEFAULT: không có nhóm phân tổ mã “A”.",
            ],
        ),
        (
            {
                "indicators": [
                    {
                        "code": "A",
                        "name_vi": "a",
                        "name_en": "a",
                        "value_type": "integer",
                        "aggregation_type": "sum",
                        "period_type": "month",
                        "colour": "x",
                        "has_target": "yes",
                    }
                ]
            },
            [
                "indicators[0] A: trường “colour” không được hỗ trợ.",
                "indicators[0] A: trường “has_target” phải là true hoặc false.",
            ],
        ),
    ]
    for data, problems in assert_problems:
        with pytest.raises(CatalogError) as caught:
            catalog_import(data)
        assert caught.value.problems == problems


def test_minimal_import_creates_the_default_combo(db):
    counts = catalog_import(
        {
            "indicators": [
                {
                    "code": "A",
                    "name_vi": "Chỉ tiêu A",
                    "name_en": "Indicator A",
                    "value_type": "integer",
                    "aggregation_type": "sum",
                    "period_type": "month",
                }
            ]
        }
    )
    assert counts["category_combos"]["created"] == 1
    assert counts["option_combos"]["created"] == 1
    a = indicator_get_by_code("A")
    assert a.direction == "neutral" and a.has_target is False and a.unit == ""
    assert [oc.code for oc in option_combos_for(a)] == ["DEFAULT"]


def test_every_seeded_indicator_is_well_formed(db):
    catalog_load()
    indicators = list(Indicator.objects.select_related("category_combo"))
    assert len(indicators) == 72
    for i in indicators:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", i.code), i.code
        assert i.name_vi.strip() and i.name_en.strip(), i.code
        assert i.name_vi != i.name_en, i.code
        assert i.unit, i.code
        assert i.value_type in ValueType.values, i.code
        assert i.aggregation_type in AggregationType.values, i.code
        assert i.period_type in PeriodType.values, i.code
        assert i.direction in Direction.values, i.code
        assert i.groups.exists(), i.code
        if i.value_type == ValueType.PERCENTAGE:
            assert (i.unit, i.aggregation_type) == ("%", AggregationType.NONE), i.code
        if i.value_type == ValueType.MONEY:
            assert i.unit == "đồng", i.code
        if i.code.endswith("_XEP_HANG"):
            assert (i.value_type, i.aggregation_type, i.direction) == (
                "integer",
                "none",
                "lower_is_better",
            ), i.code
    for model in (Category, CategoryOption, CategoryCombo, IndicatorGroup):
        for obj in model.objects.all():
            assert obj.name_vi and obj.name_en, obj.code


def test_seeded_disaggregations(db):
    catalog_load()
    gifts = indicator_get_by_code("ASXH_QUA_SO_LUONG")
    assert [oc.code for oc in option_combos_for(gifts)] == [
        "HO_NGHEO",
        "HO_CAN_NGHEO",
        "BAO_TRO_XA_HOI",
        "NGUOI_CO_CONG",
        "DAN_TOC_THIEU_SO",
        "KHAC",
    ]
    assert indicator_get_by_code("ASXH_QUA_GIA_TRI").category_combo == gifts.category_combo
    doses = option_combos_for(indicator_get_by_code("YT_TIEM_CHUNG_MUI"))
    assert len(doses) == 12
    assert doses[0].code == "TU_18_TUOI_MUI_1"
    assert doses[0].name_vi == "Từ 18 tuổi trở lên, Mũi 1"
    assert [
        oc.code for oc in option_combos_for(indicator_get_by_code("YT_TIEM_CHUNG_DOI_TUONG"))
    ] == [
        "TU_18_TUOI",
        "TU_12_DEN_17_TUOI",
        "TU_5_DEN_DUOI_12_TUOI",
    ]
    assert [oc.code for oc in option_combos_for(indicator_get_by_code("DTTS_NHA_O"))] == [
        "XAY_MOI",
        "SUA_CHUA",
    ]
    assert [oc.code for oc in option_combos_for(indicator_get_by_code("VL_VIEC_LAM_MOI"))] == [
        "DEFAULT"
    ]
    jobs = indicator_get_by_code("VL_VIEC_LAM_MOI")
    assert (
        jobs.unit,
        jobs.value_type,
        jobs.aggregation_type,
        jobs.period_type,
        jobs.direction,
        jobs.has_target,
    ) == (
        "lao động",
        "integer",
        "sum",
        "month",
        "higher_is_better",
        True,
    )
    households = indicator_get_by_code("GN_HO_NGHEO")
    assert (households.aggregation_type, households.direction) == ("last", "lower_is_better")
