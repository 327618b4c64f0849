from django.contrib import admin

from chiso.orgunits.models import OrgUnit, Succession


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit_type", "tier", "valid_from", "valid_to", "is_demo")
    list_filter = ("tier", "unit_type", "is_demo")
    search_fields = ("code", "name", "search_name")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "search_name")


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "kind", "effective")
    list_filter = ("kind",)
    raw_id_fields = ("predecessor", "successor")
