"""``/api/approvals``: submission and approval of a form (indicator group) per unit and period.

- ``GET /api/approvals?ou=CODE&pe=PERIOD&group=CODE``: completeness and timeliness of the
  form for the reporting units under ``ou`` (``ou`` itself for a commune), each with its state
  and the actions the caller may take.
- ``POST /api/approvals/{action}`` with ``action`` one of ``submit``, ``approve``, ``reopen``
  and the JSON body ``{"ou": CODE, "pe": PERIOD, "group": CODE, "reason": "..."}``
  (``reason`` required to reopen): the unit's state after the action.

A code means the unit version valid on the period's last day. A unit outside the caller's
scope answers 404 like a missing one; a refused action 400 with a Vietnamese ``detail`` and its
``code`` (``approval.*``). Times are ISO 8601.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Path, Query, Router, Schema

from chiso.accounts.access import Action, UnitNotFound, require_unit
from chiso.approvals.models import Channel
from chiso.approvals.selectors import UnitStatus, approval_actions, completeness
from chiso.approvals.services import (
    approval_approve,
    approval_reopen,
    approval_submit,
    group_get,
)
from chiso.core.periods import Period
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_get_by_code

router = Router(tags=["approvals"])


class ApprovalQuery(Schema):
    ou: str
    pe: str
    group: str


class ApprovalIn(Schema):
    ou: str
    pe: str
    group: str
    reason: str = ""


class UnitStatusOut(Schema):
    orgUnit: str
    orgUnitName: str
    parent: str | None
    state: Literal["draft", "submitted", "approved", "locked"]
    stateLabel: str
    approvedLevels: int
    levels: list[str]
    nextLevel: str | None
    submittedAt: datetime | None
    firstSubmittedAt: datetime | None
    submittedBy: str
    late: bool
    overdue: bool
    actions: list[str]


class CompletenessOut(Schema):
    group: str
    orgUnit: str
    period: str
    deadline: date | None
    expected: int
    submitted: int
    onTime: int
    late: int
    missing: int
    overdue: int
    locked: int
    units: list[UnitStatusOut]


def _unit(user, code: str, period: Period, action: Action) -> OrgUnit:
    try:
        unit = orgunit_get_by_code(code, period.end)
    except (OrgUnit.DoesNotExist, OrgUnit.MultipleObjectsReturned):
        raise UnitNotFound() from None
    return require_unit(user, unit, action)


def _status(status: UnitStatus, actions: frozenset[str]) -> dict:
    next_level = status.next_level
    return {
        "orgUnit": status.unit.code,
        "orgUnitName": status.unit.name,
        "parent": status.unit.parent.code if status.unit.parent_id else None,
        "state": status.state,
        "stateLabel": status.label,
        "approvedLevels": status.approved_levels,
        "levels": [level.code for level in status.levels],
        "nextLevel": next_level.code if next_level else None,
        "submittedAt": status.submitted_at,
        "firstSubmittedAt": status.first_submitted_at,
        "submittedBy": status.submitted_by,
        "late": status.late,
        "overdue": status.overdue,
        "actions": sorted(actions),
    }


@router.get("", response=CompletenessOut)
def approvals(request, query: ApprovalQuery = Query(...)):
    """The form's state for each reporting unit under ``ou``, with completeness counts."""
    period = Period.parse(query.pe.strip())
    group = group_get(query.group)
    unit = _unit(request.user, query.ou.strip(), period, Action.VIEW)
    report = completeness(group, unit, period)
    actions = approval_actions(request.user, report.units)
    return {
        "group": group.code,
        "orgUnit": unit.code,
        "period": period.id,
        "deadline": report.deadline,
        "expected": report.expected,
        "submitted": report.submitted,
        "onTime": report.on_time,
        "late": report.late,
        "missing": report.missing,
        "overdue": report.overdue,
        "locked": report.locked,
        "units": [_status(s, actions[s.unit.pk]) for s in report.units],
    }


_SERVICES = {"submit": approval_submit, "approve": approval_approve, "reopen": approval_reopen}


@router.post("/{action}", response=UnitStatusOut)
def approval_act(
    request, body: ApprovalIn, action: Literal["submit", "approve", "reopen"] = Path(...)
):
    """Submit, approve or reopen (with ``reason``) the form for one unit and period."""
    service = _SERVICES[action]
    period = Period.parse(body.pe.strip())
    group = group_get(body.group)
    scope = Action.CAPTURE if action == "submit" else Action.VIEW
    unit = _unit(request.user, body.ou.strip(), period, scope)
    kwargs = {"reason": body.reason} if action == "reopen" else {}
    status = service(
        user=request.user,
        group=group,
        orgunit=unit,
        period=period,
        channel=Channel.API,
        **kwargs,
    )
    return _status(status, approval_actions(request.user, [status])[status.unit.pk])
