"""Read-only admin views of the register, scoped like every other read.

Households, classifications and hand-overs change only through ``services`` (scope, eligibility,
once per programme, the refresh of the indicator values), so the admin can look but not add,
change or delete. Citizen IDs are shown masked unless the user has ``view_citizen_id``.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chiso.accounts.access import Action, scope_filter
from chiso.registers.models import (
    Classification,
    Distribution,
    ExportLog,
    Household,
    Member,
    Programme,
)
from chiso.registers.selectors import show_citizen_id


class _ReadOnlyAdmin(admin.ModelAdmin):
    scope_field = "hamlet__"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.scope_field is None:
            return queryset
        return queryset.filter(scope_filter(request.user, Action.VIEW, field=self.scope_field))


class MemberInline(admin.TabularInline):
    model = Member
    fields = ("full_name", "birth_year", "sex", "ethnicity", "relation", "masked_id")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("số định danh cá nhân"))
    def masked_id(self, obj):
        return show_citizen_id(self.request_user, obj.citizen_id)

    def get_formset(self, request, obj=None, **kwargs):
        self.request_user = request.user
        return super().get_formset(request, obj, **kwargs)


@admin.register(Household)
class HouseholdAdmin(_ReadOnlyAdmin):
    list_display = ("code", "head_name", "hamlet", "area", "is_demo")
    list_filter = ("area", "is_demo")
    search_fields = ("code", "search_name")
    inlines = [MemberInline]


@admin.register(Classification)
class ClassificationAdmin(_ReadOnlyAdmin):
    scope_field = "household__hamlet__"
    list_display = ("household", "kind", "valid_from", "valid_to", "document")
    list_filter = ("kind",)
    list_select_related = ("household",)


@admin.register(Programme)
class ProgrammeAdmin(_ReadOnlyAdmin):
    scope_field = "orgunit__"
    list_display = ("name", "orgunit", "start", "end", "funding_source")


@admin.register(Distribution)
class DistributionAdmin(_ReadOnlyAdmin):
    list_display = ("programme", "household", "item", "quantity", "value", "date")
    list_select_related = ("programme", "household", "item")


@admin.register(ExportLog)
class ExportLogAdmin(_ReadOnlyAdmin):
    scope_field = None
    list_display = ("at", "user", "what", "description", "row_count", "reason")
    list_filter = ("what",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)
