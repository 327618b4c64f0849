"""Writes of approval state: submit, approve, reopen. Each writes exactly one ``ApprovalEvent``.

- ``approval_submit``: a user with the data-entry role, for a unit in their capture scope;
  draft → submitted.
- ``approval_approve``: the next level in order (``selectors.approval_levels``): an approver
  assigned to that unit, or an administrator; submitted → approved (a level below the top) or
  locked (the top level).
- ``approval_reopen``: with a reason, by the last level that approved or one above it (any
  level while the form awaits its first approval); back to draft, so the unit can edit and
  submit again.

A unit outside the user's scope raises ``UnitNotFound`` exactly like a missing unit; every
other refusal is a ``ChisoError`` (``approval.*``) with a Vietnamese message naming the unit,
period and form. Rows are read ``FOR UPDATE`` inside the transaction, so two approvers acting
at once do not both succeed.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from chiso.accounts.access import Action, require_unit
from chiso.approvals.models import Approval, ApprovalEvent, Channel, State
from chiso.approvals.selectors import (
    UnitStatus,
    acts_at,
    approval_actions,
    approval_levels,
    approval_state,
    completeness,
    may_approve,
    may_submit,
    reopen_levels,
)
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.periods import Period
from chiso.indicators.models import IndicatorGroup, IndicatorGroupMember
from chiso.orgunits.models import OrgUnit

__all__ = [
    "approval_approve",
    "approval_approve_all",
    "approval_reopen",
    "approval_submit",
    "group_get",
]

register_messages(
    {
        "approval.unknown_group": gettext_noop("Không có nhóm chỉ tiêu mã '%(group)s'"),
        "approval.not_data_entry": gettext_noop(
            "Tài khoản của bạn không có vai trò nhập liệu nên không nộp được báo cáo"
        ),
        "approval.not_approver": gettext_noop("Tài khoản của bạn không có vai trò phê duyệt"),
        "approval.no_level": gettext_noop(
            "%(unit)s không có cấp trên phê duyệt trong %(period)s nên không nộp được"
        ),
        "approval.unit_valid": gettext_noop(
            "Đơn vị %(unit)s (mã %(unit_code)s) không có hiệu lực trong cả %(period)s"
        ),
        "approval.period_type": gettext_noop(
            "Nhóm chỉ tiêu “%(form)s” không có chỉ tiêu nào báo cáo theo loại kỳ của %(period)s"
        ),
        "approval.submit_state": gettext_noop(
            "Không nộp được: nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s đang ở trạng"
            " thái “%(state)s”"
        ),
        "approval.approve_draft": gettext_noop(
            "Không phê duyệt được: %(unit)s chưa nộp nhóm chỉ tiêu “%(form)s”, %(period)s"
        ),
        "approval.approve_locked": gettext_noop(
            "Không phê duyệt được: nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s đã được"
            " phê duyệt đủ các cấp và đã khóa"
        ),
        "approval.not_your_level": gettext_noop(
            "Không phê duyệt được: bước này do %(level)s phê duyệt, tài khoản của bạn không"
            " phê duyệt ở cấp này"
        ),
        "approval.reopen_draft": gettext_noop(
            "Không mở lại được: %(unit)s chưa nộp nhóm chỉ tiêu “%(form)s”, %(period)s"
        ),
        "approval.reopen_level": gettext_noop(
            "Không mở lại được: nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s chỉ do"
            " %(levels)s mở lại"
        ),
        "approval.reason_required": gettext_noop("Hãy ghi lý do mở lại"),
    }
)


def group_get(code: str) -> IndicatorGroup:
    """The indicator group (form) ``code``; ChisoError ``approval.unknown_group``."""
    group = IndicatorGroup.objects.filter(code=(code or "").strip()).first()
    if group is None:
        raise ChisoError("approval.unknown_group", group=(code or "").strip())
    return group


def _period(period: str | Period) -> Period:
    return period if isinstance(period, Period) else Period.parse(str(period).strip())


def _params(group: IndicatorGroup, unit: OrgUnit, period: Period) -> dict[str, str]:
    return {
        "form": group.name,
        "unit": unit.name,
        "unit_code": unit.code,
        "period": period.format_label(gettext),
    }


def _check_form(group: IndicatorGroup, unit: OrgUnit, period: Period) -> None:
    """The unit version is valid for the whole period, and the form collects that kind of
    period."""
    if not (unit.valid_on(period.start) and unit.valid_on(period.end)):
        raise ChisoError("approval.unit_valid", **_params(group, unit, period))
    kinds = set(
        IndicatorGroupMember.objects.filter(group=group).values_list(
            "indicator__period_type", flat=True
        )
    )
    if period.type.value not in kinds:
        raise ChisoError("approval.period_type", **_params(group, unit, period))


def _row(group: IndicatorGroup, unit: OrgUnit, period: Period) -> Approval | None:
    return (
        Approval.objects.select_for_update()
        .filter(group=group, orgunit=unit, period=period.id)
        .first()
    )


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def _event(approval: Approval, action: str, from_state: str, user, channel: str, **extra):
    ApprovalEvent.objects.create(
        approval=approval,
        action=action,
        from_state=from_state,
        to_state=approval.state,
        user=_actor(user),
        channel=Channel(channel).value,
        **extra,
    )


def approval_submit(
    *,
    user,
    group: IndicatorGroup,
    orgunit: OrgUnit | int,
    period: str | Period,
    channel: str = Channel.WEB,
) -> UnitStatus:
    """Submit ``group`` for ``orgunit`` and ``period``: draft (or reopened) → submitted."""
    period = _period(period)
    unit = require_unit(user, orgunit, Action.CAPTURE)
    if not may_submit(user):
        raise ChisoError("approval.not_data_entry")
    if not approval_levels(unit):
        raise ChisoError("approval.no_level", **_params(group, unit, period))
    _check_form(group, unit, period)
    for attempt in range(2):
        try:
            with transaction.atomic():
                _submit(user, group, unit, period, channel)
            break
        except IntegrityError:
            # Someone submitted the same form concurrently (PostgreSQL): run again, which now
            # finds their row and refuses.
            if attempt:
                raise
    return approval_state(group, unit, period)


def _submit(user, group: IndicatorGroup, unit: OrgUnit, period: Period, channel: str) -> None:
    approval = _row(group, unit, period)
    before = approval.state if approval is not None else State.DRAFT
    if before != State.DRAFT:
        raise ChisoError(
            "approval.submit_state", state=State(before).label, **_params(group, unit, period)
        )
    now = timezone.now()
    if approval is None:
        approval = Approval(
            group=group,
            orgunit=unit,
            period=period.id,
            period_type=period.type.value,
            period_start=period.start,
            period_end=period.end,
        )
    approval.state = State.SUBMITTED
    approval.approved_levels = 0
    approval.submitted_at = now
    approval.submitted_by = _actor(user)
    if approval.first_submitted_at is None:
        approval.first_submitted_at = now
    approval.save()
    _event(approval, ApprovalEvent.Action.SUBMIT, before, user, channel)


def _approve(user, group: IndicatorGroup, unit: OrgUnit, period: Period, channel: str) -> None:
    approval = _row(group, unit, period)
    if approval is None or approval.state == State.DRAFT:
        raise ChisoError("approval.approve_draft", **_params(group, unit, period))
    if approval.state == State.LOCKED:
        raise ChisoError("approval.approve_locked", **_params(group, unit, period))
    levels = approval_levels(unit)
    if approval.approved_levels >= len(levels):
        raise ChisoError("approval.approve_locked", **_params(group, unit, period))
    level = levels[approval.approved_levels]
    if not acts_at(user, level):
        raise ChisoError("approval.not_your_level", level=level.name)
    before = approval.state
    approval.approved_levels += 1
    approval.state = State.LOCKED if approval.approved_levels >= len(levels) else State.APPROVED
    approval.save(update_fields=["approved_levels", "state", "updated"])
    _event(approval, ApprovalEvent.Action.APPROVE, before, user, channel, level=level)


def approval_approve(
    *,
    user,
    group: IndicatorGroup,
    orgunit: OrgUnit | int,
    period: str | Period,
    channel: str = Channel.WEB,
) -> UnitStatus:
    """Approve at the next level: submitted → approved (below the top) or locked (the top).
    Only the level whose turn it is may approve (bottom-up)."""
    period = _period(period)
    unit = require_unit(user, orgunit, Action.VIEW)
    if not may_approve(user):
        raise ChisoError("approval.not_approver")
    with transaction.atomic():
        _approve(user, group, unit, period, channel)
    return approval_state(group, unit, period)


def approval_approve_all(
    *,
    user,
    group: IndicatorGroup,
    parent: OrgUnit | int,
    period: str | Period,
    channel: str = Channel.WEB,
) -> int:
    """Approve every reporting unit under ``parent`` whose form awaits ``user``'s level;
    returns how many (all or nothing)."""
    period = _period(period)
    parent = require_unit(user, parent, Action.VIEW)
    if not may_approve(user):
        raise ChisoError("approval.not_approver")
    statuses = completeness(group, parent, period).units
    actions = approval_actions(user, statuses)
    ready = [s.unit for s in statuses if "approve" in actions[s.unit.pk]]
    with transaction.atomic():
        for unit in ready:
            _approve(user, group, unit, period, channel)
    return len(ready)


def approval_reopen(
    *,
    user,
    group: IndicatorGroup,
    orgunit: OrgUnit | int,
    period: str | Period,
    reason: str,
    channel: str = Channel.WEB,
) -> UnitStatus:
    """Reopen a submitted, approved or locked form (back to draft) with a reason, by the last
    level that approved it or a level above (any level before the first approval)."""
    period = _period(period)
    unit = require_unit(user, orgunit, Action.VIEW)
    if not may_approve(user):
        raise ChisoError("approval.not_approver")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ChisoError("approval.reason_required")
    with transaction.atomic():
        approval = _row(group, unit, period)
        if approval is None or approval.state == State.DRAFT:
            raise ChisoError("approval.reopen_draft", **_params(group, unit, period))
        status = approval_state(group, unit, period)
        allowed = reopen_levels(status)
        level = next((lv for lv in reversed(allowed) if acts_at(user, lv)), None)
        if level is None:
            names = f" {gettext('hoặc')} ".join(lv.name for lv in allowed)
            raise ChisoError("approval.reopen_level", levels=names, **_params(group, unit, period))
        before = approval.state
        approval.state = State.DRAFT
        approval.approved_levels = 0
        approval.save(update_fields=["state", "approved_levels", "updated"])
        _event(
            approval, ApprovalEvent.Action.REOPEN, before, user, channel, level=level, reason=reason
        )
    return approval_state(group, unit, period)
