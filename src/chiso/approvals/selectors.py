"""Reads of approval state: who approves a form, its state, the locks on values, and
completeness and timeliness against the Decree 09/2019 deadlines.

Approval levels are the units above a unit in *its version's* hierarchy whose tier is one of
``APPROVING_TIERS``, bottom-up: before 1 July 2025 a commune's district then its province,
after it the province alone. The units that submit, and that completeness counts, are those of
``SUBMITTING_TIER``.

Scope: these selectors do not check the caller's scope themselves. Callers acting for a user
resolve the unit through ``chiso.accounts.access`` first (a parent unit in view scope makes its
subtree visible); ``approval_actions`` says what the user may do to each unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from chiso.accounts.access import Action, units_in_scope
from chiso.accounts.models import Role
from chiso.approvals.models import FROZEN_STATES, Approval, State
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.periods import Period, PeriodType, reporting_deadline
from chiso.core.text import sort_key
from chiso.indicators.models import IndicatorGroup, IndicatorGroupMember
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_list_tier

__all__ = [
    "APPROVING_TIERS",
    "SUBMITTING_TIER",
    "Completeness",
    "UnitStatus",
    "approval_actions",
    "approval_check_open",
    "approval_levels",
    "approval_locks",
    "approval_state",
    "completeness",
    "completeness_by_group",
    "is_locked",
    "reporting_deadline_for",
]

APPROVING_TIERS = (Tier.DISTRICT.value, Tier.PROVINCE.value)
"""Tiers whose units approve the forms of the units below them."""
SUBMITTING_TIER = Tier.COMMUNE.value
"""Tier of the units that submit forms and that completeness counts."""

_TYPE_RANK = {t: rank for rank, t in enumerate(PeriodType)}  # coarsest (year) first
_DEADLINE_TYPES = {PeriodType.YEAR, PeriodType.HALF, PeriodType.QUARTER, PeriodType.MONTH}
_CHUNK = 500

register_messages(
    {
        "approval.locked_submitted": gettext_noop(
            "Không sửa được số liệu: nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s đã nộp"
            " và đang chờ phê duyệt. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
        ),
        "approval.locked_approved": gettext_noop(
            "Không sửa được số liệu: nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s đã được"
            " %(level)s phê duyệt. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
        ),
        "approval.locked": gettext_noop(
            "Không sửa được số liệu: nhóm chỉ tiêu “%(form)s” của %(unit)s, %(period)s đã được"
            " phê duyệt và khóa. Muốn sửa, cấp phê duyệt phải mở lại (ghi rõ lý do)."
        ),
    }
)


# --- who approves -----------------------------------------------------------------------------


def _ancestor_ids(path: str) -> list[int]:
    """Ids on a materialized path, top first, the unit itself last."""
    return [int(part) for part in path.strip("/").split("/") if part]


def _levels_of(units: Iterable[OrgUnit]) -> dict[int, tuple[OrgUnit, ...]]:
    """Each unit's approval levels, bottom-up, in one query."""
    units = list(units)
    chains = {u.pk: _ancestor_ids(u.path)[:-1] for u in units}
    wanted = {pk for chain in chains.values() for pk in chain}
    found: dict[int, OrgUnit] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), _CHUNK):
        found.update(
            OrgUnit.objects.filter(pk__in=ids[start : start + _CHUNK], tier__in=APPROVING_TIERS)
            .only("id", "code", "name", "tier", "path", "parent_id")
            .in_bulk()
        )
    return {
        pk: tuple(found[a] for a in reversed(chain) if a in found) for pk, chain in chains.items()
    }


def approval_levels(unit: OrgUnit) -> tuple[OrgUnit, ...]:
    """The units that approve ``unit``'s forms, in order (the district, then the province)."""
    return _levels_of([unit])[unit.pk]


def reporting_deadline_for(period: Period) -> date | None:
    """The submission deadline of ``period`` under Decree 09/2019 (the cut-off day of its last
    month, ``CHISO_REPORTING_CUTOFF_DAY``, plus ``CHISO_REPORTING_GRACE_DAYS`` if set); None
    for weeks and days, which have no reporting window."""
    if period.type not in _DEADLINE_TYPES:
        return None
    return reporting_deadline(
        period,
        cutoff_day=settings.CHISO_REPORTING_CUTOFF_DAY,
        grace_days=getattr(settings, "CHISO_REPORTING_GRACE_DAYS", 0),
    )


# --- state ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitStatus:
    """The state of one form for one unit and period, with its timeliness."""

    group: IndicatorGroup
    unit: OrgUnit
    period: Period
    state: str
    approved_levels: int
    levels: tuple[OrgUnit, ...]
    submitted_at: datetime | None
    first_submitted_at: datetime | None
    submitted_by: str
    deadline: date | None
    today: date
    reopened: bool = False  # a draft that had been submitted before

    @property
    def is_submitted(self) -> bool:
        return self.state != State.DRAFT

    @property
    def next_level(self) -> OrgUnit | None:
        """The unit whose approval is awaited (None for a draft or a locked form)."""
        if self.state in (State.SUBMITTED, State.APPROVED) and self.approved_levels < len(
            self.levels
        ):
            return self.levels[self.approved_levels]
        return None

    @property
    def approved_by(self) -> tuple[OrgUnit, ...]:
        return self.levels[: self.approved_levels]

    @property
    def late(self) -> bool:
        """First submitted after the deadline."""
        if self.deadline is None or self.first_submitted_at is None or not self.is_submitted:
            return False
        return timezone.localtime(self.first_submitted_at).date() > self.deadline

    @property
    def on_time(self) -> bool:
        return self.is_submitted and self.deadline is not None and not self.late

    @property
    def overdue(self) -> bool:
        """Not submitted, and the deadline has passed."""
        return not self.is_submitted and self.deadline is not None and self.today > self.deadline

    @property
    def label(self) -> str:
        """The state in words, in the active language."""
        if self.state == State.DRAFT:
            return gettext("Đã mở lại, chưa nộp lại") if self.reopened else gettext("Chưa nộp")
        if self.state == State.LOCKED:
            return gettext("Đã phê duyệt, đã khóa")
        level = self.next_level
        if level is None:
            return State(self.state).label
        if self.state == State.SUBMITTED:
            return gettext("Đã nộp, chờ %(level)s phê duyệt") % {"level": level.name}
        return gettext("%(done)s đã phê duyệt, chờ %(level)s phê duyệt") % {
            "done": self.approved_by[-1].name,
            "level": level.name,
        }

    @property
    def timeliness(self) -> str:
        """The timeliness in words: "Đúng hạn", "Nộp muộn", "Quá hạn, chưa nộp", or "" (no
        deadline, or not yet due)."""
        if self.late:
            return gettext("Nộp muộn")
        if self.on_time:
            return gettext("Đúng hạn")
        if self.overdue:
            return gettext("Quá hạn, chưa nộp")
        return ""


def _status(
    group: IndicatorGroup,
    unit: OrgUnit,
    period: Period,
    approval: Approval | None,
    levels: tuple[OrgUnit, ...],
    deadline: date | None,
    today: date,
) -> UnitStatus:
    if approval is None:
        return UnitStatus(
            group, unit, period, State.DRAFT, 0, levels, None, None, "", deadline, today
        )
    author = approval.submitted_by
    return UnitStatus(
        group=group,
        unit=unit,
        period=period,
        state=approval.state,
        approved_levels=approval.approved_levels,
        levels=levels,
        submitted_at=approval.submitted_at,
        first_submitted_at=approval.first_submitted_at,
        submitted_by=(author.full_name or author.username) if author else "",
        deadline=deadline,
        today=today,
        reopened=approval.state == State.DRAFT and approval.first_submitted_at is not None,
    )


def approval_state(
    group: IndicatorGroup, unit: OrgUnit, period: Period, *, today: date | None = None
) -> UnitStatus:
    """The state of ``group`` for ``unit`` (a version) and ``period``."""
    approval = (
        Approval.objects.select_related("submitted_by")
        .filter(group=group, orgunit=unit, period=period.id)
        .first()
    )
    return _status(
        group,
        unit,
        period,
        approval,
        approval_levels(unit),
        reporting_deadline_for(period),
        today or timezone.localdate(),
    )


# --- locks on values --------------------------------------------------------------------------


def _lock_error(approval: Approval) -> ChisoError:
    params = {
        "form": approval.group.name,
        "unit": approval.orgunit.name,
        "unit_code": approval.orgunit.code,
        "period": Period.parse(approval.period).format_label(gettext),
    }
    if approval.state == State.SUBMITTED:
        return ChisoError("approval.locked_submitted", **params)
    if approval.state == State.APPROVED:
        levels = approval_levels(approval.orgunit)
        level = levels[approval.approved_levels - 1] if approval.approved_levels else None
        return ChisoError("approval.locked_approved", level=level.name if level else "", **params)
    return ChisoError("approval.locked", **params)


@dataclass(frozen=True)
class Lock:
    """Why a value cannot change: the approval that closes it, and the message."""

    approval: Approval
    error: ChisoError


def _covers(approval: Approval, period: Period) -> bool:
    """An approval closes the values of its form whose period overlaps its own and is of the
    same kind or finer (a year's approval closes its months; a month's does not close the
    yearly figures, which belong to the year's report)."""
    return (
        approval.period_start <= period.end
        and period.start <= approval.period_end
        and _TYPE_RANK[period.type] >= _TYPE_RANK[PeriodType(approval.period_type)]
    )


def approval_locks(
    keys: Iterable[tuple[int, int, Period]],
) -> dict[tuple[int, int, Period], Lock]:
    """The closed ones among ``keys`` (indicator id, unit id, period).

    A value is closed when a form that contains its indicator is submitted, approved or locked
    for the value's unit or a unit above it (a commune's approval covers its hamlets) and a
    period that covers the value's (see ``_covers``). A handful of set-based queries whatever
    the number of keys; one when nothing is submitted anywhere.
    """
    if not Approval.objects.filter(state__in=FROZEN_STATES).exists():
        return {}
    wanted = set(keys)
    if not wanted:
        return {}
    periods = {key[2] for key in wanted}

    groups_of: dict[int, list[int]] = defaultdict(list)
    indicator_ids = sorted({key[0] for key in wanted})
    for start in range(0, len(indicator_ids), _CHUNK):
        for indicator_id, group_id in IndicatorGroupMember.objects.filter(
            indicator_id__in=indicator_ids[start : start + _CHUNK]
        ).values_list("indicator_id", "group_id"):
            groups_of[indicator_id].append(group_id)
    if not groups_of:
        return {}

    chain_of: dict[int, list[int]] = {}
    unit_ids = sorted({key[1] for key in wanted})
    for start in range(0, len(unit_ids), _CHUNK):
        for pk, path in OrgUnit.objects.filter(pk__in=unit_ids[start : start + _CHUNK]).values_list(
            "pk", "path"
        ):
            chain_of[pk] = _ancestor_ids(path)

    group_ids = sorted({g for groups in groups_of.values() for g in groups})
    unit_chain_ids = sorted({a for chain in chain_of.values() for a in chain})
    first = min(p.start for p in periods)
    last = max(p.end for p in periods)
    by_key: dict[tuple[int, int], list[Approval]] = defaultdict(list)
    for start in range(0, len(unit_chain_ids), _CHUNK):
        for approval in Approval.objects.filter(
            state__in=FROZEN_STATES,
            group_id__in=group_ids,
            orgunit_id__in=unit_chain_ids[start : start + _CHUNK],
            period_start__lte=last,
            period_end__gte=first,
        ).select_related("group", "orgunit"):
            by_key[(approval.group_id, approval.orgunit_id)].append(approval)
    if not by_key:
        return {}

    errors: dict[int, Lock] = {}
    locks: dict[tuple[int, int, Period], Lock] = {}
    candidates_of: dict[tuple[int, int], list[Approval]] = {}
    for key in wanted:
        indicator_id, unit_id, period = key
        candidates = candidates_of.get((indicator_id, unit_id))
        if candidates is None:
            candidates = candidates_of[(indicator_id, unit_id)] = [
                approval
                for group_id in groups_of.get(indicator_id, ())
                for unit in chain_of.get(unit_id, ())
                for approval in by_key.get((group_id, unit), ())
            ]
        if not candidates:
            continue
        found = next((a for a in candidates if _covers(a, period)), None)
        if found is not None:
            if found.pk not in errors:
                errors[found.pk] = Lock(found, _lock_error(found))
            locks[key] = errors[found.pk]
    return locks


def approval_check_open(indicator_id: int, unit: OrgUnit | int, period: Period) -> None:
    """Raise the lock's ChisoError (``approval.locked*``, naming the unit, period and form) if
    a value of the indicator for the unit and period cannot change."""
    unit_id = unit.pk if isinstance(unit, OrgUnit) else unit
    key = (indicator_id, unit_id, period)
    lock = approval_locks([key]).get(key)
    if lock is not None:
        raise lock.error


def is_locked(group: IndicatorGroup, unit: OrgUnit, period: Period) -> bool:
    """Whether the values of ``group`` for ``unit`` and ``period`` are closed: the form, for
    this unit or one above it, is submitted, approved or locked for a period covering this
    one (reopen it to edit)."""
    chain = _ancestor_ids(unit.path)
    candidates = Approval.objects.filter(
        state__in=FROZEN_STATES,
        group=group,
        orgunit_id__in=chain,
        period_start__lte=period.end,
        period_end__gte=period.start,
    )
    return any(_covers(approval, period) for approval in candidates)


# --- completeness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    """Which reporting units under ``parent`` have submitted ``group`` for ``period``, and
    which were late against ``deadline``."""

    group: IndicatorGroup
    parent: OrgUnit
    period: Period
    deadline: date | None
    units: tuple[UnitStatus, ...]

    @property
    def expected(self) -> int:
        return len(self.units)

    @property
    def submitted(self) -> int:
        return sum(1 for s in self.units if s.is_submitted)

    @property
    def missing(self) -> int:
        return self.expected - self.submitted

    @property
    def on_time(self) -> int:
        return sum(1 for s in self.units if s.on_time)

    @property
    def late(self) -> int:
        return sum(1 for s in self.units if s.late)

    @property
    def overdue(self) -> int:
        return sum(1 for s in self.units if s.overdue)

    @property
    def locked(self) -> int:
        return sum(1 for s in self.units if s.state == State.LOCKED)

    @property
    def percent_submitted(self) -> float | None:
        return 100 * self.submitted / self.expected if self.expected else None


def reporting_units(parent: OrgUnit, period: Period) -> list[OrgUnit]:
    """The units that report under ``parent`` for ``period``: itself if it is of the
    submitting tier, else the units of that tier under it valid on the period's last day,
    grouped by their parent and sorted the Vietnamese way."""
    if parent.tier == SUBMITTING_TIER:
        return [parent]
    units = list(
        orgunit_list_tier(SUBMITTING_TIER, on=period.end, under=parent).select_related("parent")
    )
    return sorted(
        units,
        key=lambda u: (sort_key(u.parent.name) if u.parent else "", sort_key(u.name), u.pk),
    )


def completeness_by_group(
    groups: Sequence[IndicatorGroup],
    parent: OrgUnit,
    period: Period,
    *,
    today: date | None = None,
) -> list[Completeness]:
    """``completeness`` for several forms at once (three queries whatever their number)."""
    units = reporting_units(parent, period)
    levels = _levels_of(units)
    deadline = reporting_deadline_for(period)
    today = today or timezone.localdate()
    approvals: dict[tuple[int, int], Approval] = {}
    ids = [u.pk for u in units]
    for start in range(0, len(ids), _CHUNK):
        for approval in Approval.objects.filter(
            group__in=list(groups), orgunit_id__in=ids[start : start + _CHUNK], period=period.id
        ).select_related("submitted_by"):
            approvals[(approval.group_id, approval.orgunit_id)] = approval
    return [
        Completeness(
            group=group,
            parent=parent,
            period=period,
            deadline=deadline,
            units=tuple(
                _status(
                    group,
                    unit,
                    period,
                    approvals.get((group.pk, unit.pk)),
                    levels[unit.pk],
                    deadline,
                    today,
                )
                for unit in units
            ),
        )
        for group in groups
    ]


def completeness(
    group: IndicatorGroup, parent: OrgUnit, period: Period, *, today: date | None = None
) -> Completeness:
    """Which reporting units under ``parent`` (``reporting_units``) have submitted ``group``
    for ``period``, their states, and which were late against the Decree 09 deadline."""
    return completeness_by_group([group], parent, period, today=today)[0]


# --- what a user may do -----------------------------------------------------------------------


def _roles(user) -> frozenset[str]:
    cached = getattr(user, "_chiso_roles", None)
    if cached is None:
        cached = frozenset()
        if user.is_authenticated and user.is_active:
            cached = frozenset(user.groups.values_list("name", flat=True))
        user._chiso_roles = cached
    return cached


def is_admin(user) -> bool:
    """Superusers and ``quan_tri`` members act everywhere and at every level."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Role.ADMIN.value in _roles(user)


def may_submit(user) -> bool:
    """The role to submit forms (in the capture scope): ``nhap_lieu`` or an administrator."""
    return is_admin(user) or Role.DATA_ENTRY.value in _roles(user)


def may_approve(user) -> bool:
    """The role to approve and reopen: ``phe_duyet`` or an administrator."""
    return is_admin(user) or Role.APPROVER.value in _roles(user)


def _root_ids(user) -> frozenset[int]:
    """The units the user is assigned to (their scope roots): an approver approves at these."""
    cached = getattr(user, "_chiso_root_ids", None)
    if cached is None:
        cached = frozenset(
            OrgUnit.objects.filter(Q(view_users=user) | Q(capture_users=user)).values_list(
                "pk", flat=True
            )
        )
        user._chiso_root_ids = cached
    return cached


def acts_at(user, level: OrgUnit) -> bool:
    """Whether ``user`` approves for ``level``: an approver assigned to that unit, or an
    administrator."""
    if is_admin(user):
        return True
    return may_approve(user) and level.pk in _root_ids(user)


def reopen_levels(status: UnitStatus) -> tuple[OrgUnit, ...]:
    """The levels that may reopen: the last one that approved and those above it (any level
    while the form awaits its first approval)."""
    return status.levels[max(status.approved_levels - 1, 0) :]


def approval_actions(user, statuses: Sequence[UnitStatus]) -> dict[int, frozenset[str]]:
    """For each status (by unit id), the actions ``user`` may take now: ``submit``,
    ``approve``, ``reopen``."""
    drafts = [s.unit.pk for s in statuses if s.state == State.DRAFT and s.levels]
    capture: set[int] = set()
    if drafts and may_submit(user):
        for start in range(0, len(drafts), _CHUNK):
            capture.update(
                units_in_scope(user, Action.CAPTURE)
                .filter(pk__in=drafts[start : start + _CHUNK])
                .values_list("pk", flat=True)
            )
    result: dict[int, frozenset[str]] = {}
    for status in statuses:
        actions = set()
        if status.unit.pk in capture:
            actions.add("submit")
        level = status.next_level
        if level is not None and acts_at(user, level):
            actions.add("approve")
        if status.is_submitted and any(acts_at(user, lv) for lv in reopen_levels(status)):
            actions.add("reopen")
        result[status.unit.pk] = frozenset(actions)
    return result
