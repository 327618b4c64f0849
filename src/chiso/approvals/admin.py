"""Read-only admin views of approval states and the approval log, limited to the user's view
scope. States change only through ``services`` (which check levels and write the log); the
log is append-only, so nothing here can add, change or delete.

The login log (django-axes ``AccessLog``) is re-registered read-only too: it is part of the
audit trail (DESIGN.md section 7), so the admin may look but not delete.
"""

from axes.admin import AccessLogAdmin
from axes.models import AccessLog
from django.contrib import admin

from chiso.accounts.access import Action, scope_filter
from chiso.approvals.models import Approval, ApprovalEvent


class _ReadOnlyAdmin(admin.ModelAdmin):
    scope_field = "orgunit__"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(scope_filter(request.user, Action.VIEW, field=self.scope_field))


@admin.register(Approval)
class ApprovalAdmin(_ReadOnlyAdmin):
    list_display = (
        "group",
        "orgunit",
        "period",
        "state",
        "approved_levels",
        "submitted_at",
        "submitted_by",
        "updated",
    )
    list_filter = ("state", "period_type", "group")
    list_select_related = ("group", "orgunit", "submitted_by")
    search_fields = ("orgunit__code", "orgunit__name", "period", "group__code")
    raw_id_fields = ("group", "orgunit", "submitted_by")


@admin.register(ApprovalEvent)
class ApprovalEventAdmin(_ReadOnlyAdmin):
    scope_field = "approval__orgunit__"
    list_display = ("at", "approval", "action", "from_state", "to_state", "level", "user", "reason")
    list_filter = ("action", "channel")
    list_select_related = ("approval", "level", "user")
    search_fields = ("approval__orgunit__code", "approval__period", "user__username", "reason")
    raw_id_fields = ("approval", "level", "user")


class ReadOnlyAccessLogAdmin(AccessLogAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if admin.site.is_registered(AccessLog):
    admin.site.unregister(AccessLog)
    admin.site.register(AccessLog, ReadOnlyAccessLogAdmin)
