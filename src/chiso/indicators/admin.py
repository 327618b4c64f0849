"""Admin for the catalog. Option combos are generated (``category_combo_generate_option_combos``),
so they are read-only here; saving a combo or a category regenerates the affected combos."""

from django.contrib import admin

from chiso.indicators.models import (
    Category,
    CategoryCombo,
    CategoryComboCategory,
    CategoryOption,
    CategoryOptionCombo,
    Indicator,
    IndicatorGroup,
    IndicatorGroupMember,
)
from chiso.indicators.services import category_combo_generate_option_combos


def _regenerate(combos) -> None:
    for combo in combos:
        category_combo_generate_option_combos(combo)


class CategoryOptionInline(admin.TabularInline):
    model = CategoryOption
    extra = 0
    fields = ("sort_order", "code", "name_vi", "name_en")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en")
    search_fields = ("code", "name_vi", "name_en")
    inlines = [CategoryOptionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _regenerate(form.instance.category_combos.all())


@admin.register(CategoryOption)
class CategoryOptionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "category", "sort_order")
    list_filter = ("category",)
    search_fields = ("code", "name_vi", "name_en")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _regenerate(obj.category.category_combos.all())


class CategoryComboCategoryInline(admin.TabularInline):
    model = CategoryComboCategory
    extra = 0
    fields = ("sort_order", "category")


@admin.register(CategoryCombo)
class CategoryComboAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en")
    search_fields = ("code", "name_vi", "name_en")
    inlines = [CategoryComboCategoryInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _regenerate([form.instance])


@admin.register(CategoryOptionCombo)
class CategoryOptionComboAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "category_combo", "sort_order")
    list_filter = ("category_combo",)
    search_fields = ("code", "name_vi", "name_en")
    readonly_fields = ("category_combo", "code", "name_vi", "name_en", "options", "sort_order")

    def has_add_permission(self, request):
        return False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_vi",
        "unit",
        "value_type",
        "aggregation_type",
        "period_type",
        "direction",
        "has_target",
        "category_combo",
    )
    list_filter = (
        "value_type",
        "aggregation_type",
        "period_type",
        "direction",
        "has_target",
        "category_combo",
        "groups",
    )
    search_fields = ("code", "name_vi", "name_en", "short_name_vi")


class IndicatorGroupMemberInline(admin.TabularInline):
    model = IndicatorGroupMember
    extra = 0
    fields = ("sort_order", "indicator")
    autocomplete_fields = ("indicator",)


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "sort_order")
    search_fields = ("code", "name_vi", "name_en")
    inlines = [IndicatorGroupMemberInline]
