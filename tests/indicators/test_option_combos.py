import pytest
from django.db.models import ProtectedError

from chiso.indicators.models import (
    Category,
    CategoryCombo,
    CategoryComboCategory,
    CategoryOption,
    CategoryOptionCombo,
    Indicator,
)
from chiso.indicators.selectors import option_combo_get, option_combos_for
from chiso.indicators.services import (
    CatalogError,
    category_combo_ensure_default,
    category_combo_generate_option_combos,
)


def make_category(code, *option_codes):
    category = Category.objects.create(code=code, name_vi=f"Nhóm {code}", name_en=code)
    for order, option in enumerate(option_codes, start=1):
        CategoryOption.objects.create(
            category=category,
            code=option,
            name_vi=f"Loại {option}",
            name_en=option,
            sort_order=order,
        )
    return category


def make_combo(code, *categories):
    combo = CategoryCombo.objects.create(code=code, name_vi=code, name_en=code)
    for order, category in enumerate(categories, start=1):
        CategoryComboCategory.objects.create(
            category_combo=combo, category=category, sort_order=order
        )
    return combo


def codes(combo):
    return [oc.code for oc in combo.option_combos.order_by("sort_order")]


def test_default_combo_has_exactly_one_default_option_combo(db):
    combo = category_combo_ensure_default()
    category_combo_ensure_default()
    assert combo.code == "DEFAULT"
    assert combo.is_default
    assert codes(combo) == ["DEFAULT"]
    only = combo.option_combos.get()
    assert only.name_vi == "default"
    assert list(only.options.all()) == []


def test_cartesian_product_in_category_then_option_order(db):
    age = make_category("TUOI", "TRE", "GIA")
    dose = make_category("MUI", "M1", "M2", "M3")
    combo = make_combo("TUOI_MUI", age, dose)
    result = category_combo_generate_option_combos(combo)
    assert [oc.code for oc in result] == [
        "TRE_M1",
        "TRE_M2",
        "TRE_M3",
        "GIA_M1",
        "GIA_M2",
        "GIA_M3",
    ]
    assert codes(combo) == ["TRE_M1", "TRE_M2", "TRE_M3", "GIA_M1", "GIA_M2", "GIA_M3"]
    first = combo.option_combos.get(code="TRE_M2")
    assert first.name_vi == "Loại TRE, Loại M2"
    assert first.name_en == "TRE, M2"
    assert sorted(o.code for o in first.options.all()) == ["M2", "TRE"]
    assert CategoryOptionCombo.objects.count() == 6


def test_single_category_combo_uses_option_codes(db):
    group = make_category("NHOM", "HO_NGHEO", "HO_CAN_NGHEO", "KHAC")
    combo = make_combo("NHOM", group)
    category_combo_generate_option_combos(combo)
    assert codes(combo) == ["HO_NGHEO", "HO_CAN_NGHEO", "KHAC"]


def test_regeneration_is_stable_and_follows_option_changes(db):
    age = make_category("TUOI", "TRE", "GIA")
    dose = make_category("MUI", "M1", "M2")
    combo = make_combo("TUOI_MUI", age, dose)
    category_combo_generate_option_combos(combo)
    ids = dict(combo.option_combos.values_list("code", "pk"))
    category_combo_generate_option_combos(combo)
    assert dict(combo.option_combos.values_list("code", "pk")) == ids

    CategoryOption.objects.filter(code="M2").update(code="M9")
    CategoryOption.objects.create(category=dose, code="M3", name_vi="Loại M3", sort_order=3)
    category_combo_generate_option_combos(combo)
    assert codes(combo) == ["TRE_M1", "TRE_M9", "TRE_M3", "GIA_M1", "GIA_M9", "GIA_M3"]
    after = dict(combo.option_combos.values_list("code", "pk"))
    assert after["TRE_M9"] == ids["TRE_M2"]
    assert after["GIA_M1"] == ids["GIA_M1"]
    assert combo.option_combos.get(code="TRE_M3").name_en == "TRE, Loại M3"


def test_removed_option_drops_its_option_combos(db):
    group = make_category("NHOM", "A", "B", "C")
    combo = make_combo("NHOM", group)
    category_combo_generate_option_combos(combo)
    CategoryOption.objects.filter(code="B").delete()
    category_combo_generate_option_combos(combo)
    assert codes(combo) == ["A", "C"]
    assert CategoryOptionCombo.objects.count() == 2


def test_option_combo_in_use_is_not_deleted(db, monkeypatch):
    """Data values refer to option combos with PROTECT; simulate that reference here (the
    datavalues app sits above this one)."""
    group = make_category("NHOM", "A", "B")
    combo = make_combo("NHOM", group)
    category_combo_generate_option_combos(combo)
    used = combo.option_combos.get(code="B")

    def refuse(self, *args, **kwargs):
        raise ProtectedError("in use", {used})

    CategoryOption.objects.filter(code="B").delete()
    monkeypatch.setattr(CategoryOptionCombo, "delete", refuse)
    with pytest.raises(CatalogError) as caught:
        category_combo_generate_option_combos(combo)
    assert caught.value.problems == ["Tổ hợp NHOM: không thể xóa phân tổ B vì đã có số liệu."]


def test_option_combos_for_indicator_and_default_lookup(db):
    default = category_combo_ensure_default()
    group = make_category("NHOM", "A", "B")
    combo = make_combo("NHOM", group)
    category_combo_generate_option_combos(combo)
    plain = Indicator.objects.create(
        code="X",
        name_vi="X",
        name_en="X",
        value_type="integer",
        aggregation_type="sum",
        period_type="month",
        category_combo=default,
    )
    split = Indicator.objects.create(
        code="Y",
        name_vi="Y",
        name_en="Y",
        value_type="integer",
        aggregation_type="sum",
        period_type="month",
        category_combo=combo,
    )
    assert [oc.code for oc in option_combos_for(plain)] == ["DEFAULT"]
    assert [oc.code for oc in option_combos_for(split)] == ["A", "B"]
    assert option_combo_get(plain, "default").code == "DEFAULT"
    assert option_combo_get(plain, None).code == "DEFAULT"
    assert option_combo_get(split, "B").code == "B"
    with pytest.raises(CategoryOptionCombo.DoesNotExist):
        option_combo_get(split, "DEFAULT")
