"""Read-only admin views of values, targets and the audit.

Values and targets change only through ``services`` (which check types, scope and validity
and write the audit), so the admin can look but not add, change or delete. Lists are limited
to the user's view scope like every other read.
"""

from django.contrib import admin

from chiso.accounts.access import Action, scope_filter
from chiso.datavalues.models import DataValue, DataValueAudit, Target


class _ReadOnlyAdmin(admin.ModelAdmin):
    scope_field = "orgunit__"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(scope_filter(request.user, Action.VIEW, field=self.scope_field))


@admin.register(DataValue)
class DataValueAdmin(_ReadOnlyAdmin):
    list_display = (
        "indicator",
        "option_combo",
        "orgunit",
        "period",
        "value",
        "text_value",
        "status",
        "deleted",
        "version",
        "stored_by",
        "updated",
    )
    list_filter = ("status", "deleted", "period_type")
    list_select_related = ("indicator", "option_combo", "orgunit", "stored_by")
    search_fields = ("indicator__code", "orgunit__code", "period")
    raw_id_fields = ("indicator", "option_combo", "orgunit", "stored_by")


@admin.register(DataValueAudit)
class DataValueAuditAdmin(_ReadOnlyAdmin):
    scope_field = "datavalue__orgunit__"
    list_display = (
        "at",
        "datavalue",
        "action",
        "old_value",
        "new_value",
        "old_status",
        "new_status",
        "user",
        "channel",
    )
    list_filter = ("action", "channel")
    list_select_related = ("datavalue", "user")
    search_fields = (
        "datavalue__indicator__code",
        "datavalue__orgunit__code",
        "datavalue__period",
    )
    raw_id_fields = ("datavalue", "user")


@admin.register(Target)
class TargetAdmin(_ReadOnlyAdmin):
    list_display = (
        "indicator",
        "option_combo",
        "orgunit",
        "period",
        "value",
        "document",
        "updated",
        "updated_by",
    )
    list_select_related = ("indicator", "option_combo", "orgunit", "updated_by")
    search_fields = ("indicator__code", "orgunit__code", "period", "document")
    raw_id_fields = ("indicator", "option_combo", "orgunit", "updated_by")
