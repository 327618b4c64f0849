"""The audit trail (DESIGN.md sections 3 and 7): every change of a value (who, when, old →
new, through which channel), every approval step, and every login, read within the user's
view scope and written out as table rows for export.

Value changes and approval steps are scoped by their unit: a user sees the rows of units in
their view scope only. Logins (django-axes ``AccessLog``) are not tied to a unit: an
administrator sees all of them, anyone else their own.

Audit rows are append-only: nothing in chiso updates or deletes them (the admin shows them
read-only).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from axes.models import AccessLog
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from chiso.accounts.access import Action, scope_filter
from chiso.approvals.models import ApprovalEvent, State
from chiso.approvals.selectors import is_admin
from chiso.core.periods import Period
from chiso.datavalues.models import Channel, DataValueAudit, Status
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_valid_on

__all__ = [
    "AuditFilter",
    "AuditKind",
    "audit_entries",
    "audit_table",
]


class AuditKind(StrEnum):
    VALUES = "values"
    APPROVALS = "approvals"
    LOGINS = "logins"


@dataclass(frozen=True)
class AuditFilter:
    """What to show. ``unit_code``: that unit and its subtree (the version valid at the end of
    ``period`` when one is given, else every version of the code); ``period``: rows whose
    period lies within it; ``indicator_code`` (values) or ``group_code`` (approvals); and
    ``username``: who acted."""

    unit_code: str = ""
    period: Period | None = None
    indicator_code: str = ""
    group_code: str = ""
    username: str = ""


def _unit_condition(user, filters: AuditFilter, field: str) -> Q | None:
    """Rows under the filtered unit, or None when no such unit is in the view scope."""
    units = OrgUnit.objects.filter(scope_filter(user, Action.VIEW), code=filters.unit_code.strip())
    if filters.period is not None:
        units = units.filter(orgunit_valid_on(filters.period.end))
    paths = list(units.values_list("path", flat=True))
    if not paths:
        return None
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}path__startswith": path})
    return condition


def _scoped(user, queryset: QuerySet, filters: AuditFilter, field: str) -> QuerySet:
    queryset = queryset.filter(scope_filter(user, Action.VIEW, field=f"{field}orgunit__"))
    if filters.unit_code.strip():
        condition = _unit_condition(user, filters, f"{field}orgunit__")
        if condition is None:
            return queryset.none()
        queryset = queryset.filter(condition)
    if filters.period is not None:
        queryset = queryset.filter(
            **{
                f"{field}period_start__gte": filters.period.start,
                f"{field}period_end__lte": filters.period.end,
            }
        )
    if filters.username.strip():
        queryset = queryset.filter(user__username=filters.username.strip())
    return queryset


def value_audit(user, filters: AuditFilter) -> QuerySet[DataValueAudit]:
    """Changes of values in the user's view scope, newest first."""
    queryset = _scoped(user, DataValueAudit.objects.all(), filters, "datavalue__")
    if filters.indicator_code.strip():
        queryset = queryset.filter(datavalue__indicator__code=filters.indicator_code.strip())
    return queryset.select_related(
        "datavalue__indicator",
        "datavalue__option_combo",
        "datavalue__orgunit",
        "user",
    ).order_by("-at", "-pk")


def approval_audit(user, filters: AuditFilter) -> QuerySet[ApprovalEvent]:
    """Approval steps (submit, approve, reopen) in the user's view scope, newest first."""
    queryset = _scoped(user, ApprovalEvent.objects.all(), filters, "approval__")
    if filters.group_code.strip():
        queryset = queryset.filter(approval__group__code=filters.group_code.strip())
    return queryset.select_related(
        "approval__group", "approval__orgunit", "level", "user"
    ).order_by("-at", "-pk")


def login_audit(user, filters: AuditFilter) -> QuerySet[AccessLog]:
    """Successful logins, newest first: all of them for an administrator, else the user's
    own."""
    queryset = AccessLog.objects.all()
    if not is_admin(user):
        if not user.is_authenticated:
            return queryset.none()
        queryset = queryset.filter(username=user.get_username())
    if filters.username.strip():
        queryset = queryset.filter(username=filters.username.strip())
    return queryset.order_by("-attempt_time", "-pk")


def audit_entries(user, kind: AuditKind, filters: AuditFilter) -> QuerySet:
    """The rows of one kind of audit the user may see, filtered, newest first."""
    if kind is AuditKind.VALUES:
        return value_audit(user, filters)
    if kind is AuditKind.APPROVALS:
        return approval_audit(user, filters)
    return login_audit(user, filters)


# --- export -----------------------------------------------------------------------------------


def _moment(value) -> str:
    """ISO 8601 in local time with its offset: ``2024-05-03T10:15:00+07:00``."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value else ""


def _value_rows(queryset: QuerySet[DataValueAudit]) -> Iterator[list[str]]:
    for row in queryset.iterator(chunk_size=2000):
        value = row.datavalue
        yield [
            _moment(row.at),
            row.user.username if row.user else "",
            _label(Channel, row.channel),
            _label(DataValueAudit.Action, row.action),
            value.indicator.code,
            value.option_combo.code,
            value.orgunit.code,
            value.orgunit.name,
            value.period,
            row.old_value,
            row.new_value,
            _label(Status, row.old_status),
            _label(Status, row.new_status),
        ]


def _approval_rows(queryset: QuerySet[ApprovalEvent]) -> Iterator[list[str]]:
    for row in queryset.iterator(chunk_size=2000):
        approval = row.approval
        yield [
            _moment(row.at),
            row.user.username if row.user else "",
            row.get_channel_display(),
            row.get_action_display(),
            approval.group.code,
            approval.group.name,
            approval.orgunit.code,
            approval.orgunit.name,
            approval.period,
            _label(State, row.from_state),
            _label(State, row.to_state),
            row.level.name if row.level else "",
            row.reason,
        ]


def _login_rows(queryset: QuerySet[AccessLog]) -> Iterator[list[str]]:
    for row in queryset.iterator(chunk_size=2000):
        yield [
            _moment(row.attempt_time),
            _moment(row.logout_time),
            row.username or "",
            row.ip_address or "",
            row.user_agent,
        ]


def audit_table(kind: AuditKind, queryset: QuerySet) -> tuple[list[str], Iterator[list[str]]]:
    """The header (in the active language) and the rows, as text, of an audit export."""
    if kind is AuditKind.VALUES:
        header = [
            gettext("Thời điểm"),
            gettext("Tên đăng nhập"),
            gettext("Kênh"),
            gettext("Thao tác"),
            gettext("Mã chỉ tiêu"),
            gettext("Mã phân tổ"),
            gettext("Mã đơn vị"),
            gettext("Đơn vị"),
            gettext("Kỳ"),
            gettext("Giá trị cũ"),
            gettext("Giá trị mới"),
            gettext("Trạng thái cũ"),
            gettext("Trạng thái mới"),
        ]
        return header, _value_rows(queryset)
    if kind is AuditKind.APPROVALS:
        header = [
            gettext("Thời điểm"),
            gettext("Tên đăng nhập"),
            gettext("Kênh"),
            gettext("Thao tác"),
            gettext("Mã nhóm chỉ tiêu"),
            gettext("Nhóm chỉ tiêu"),
            gettext("Mã đơn vị"),
            gettext("Đơn vị"),
            gettext("Kỳ"),
            gettext("Từ trạng thái"),
            gettext("Sang trạng thái"),
            gettext("Cấp phê duyệt"),
            gettext("Lý do"),
        ]
        return header, _approval_rows(queryset)
    header = [
        gettext("Đăng nhập lúc"),
        gettext("Đăng xuất lúc"),
        gettext("Tên đăng nhập"),
        gettext("Địa chỉ IP"),
        gettext("Trình duyệt"),
    ]
    return header, _login_rows(queryset)
