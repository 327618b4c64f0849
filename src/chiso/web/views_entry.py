"""The data-entry form: one unit, one period, one indicator group; each cell saves itself.

``/entry/?ou=CODE&pe=PERIOD&group=CODE`` shows a grid (rows: the group's indicators collected
for the period's type; columns: the option combos of each indicator's disaggregation) for a
unit in the user's capture scope. Each input posts to ``/entry/cell/`` with htmx when it
changes, with the version it was loaded at; the answer is the cell again: saved, or with the
Vietnamese message and the typed text kept (422).

After a save, the validation rules that read the saved indicator run for the unit and period
(``chiso.validation``); their violations show under the row of the first indicator of the form
each rule reads, in the answer at once (htmx out-of-band swaps of every row the rules touch),
and a correction clears them the same way.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import Action, UnitNotFound, require_unit, units_in_scope
from chiso.approvals.selectors import is_locked
from chiso.common.errors import error_message
from chiso.core.errors import ChisoError
from chiso.core.numbers import format_number
from chiso.core.periods import Period, PeriodType
from chiso.datavalues.models import Channel, Status
from chiso.datavalues.selectors import datavalues_for_form, target_get
from chiso.datavalues.services import datavalue_upsert, parse_value
from chiso.datavalues.types import StaleEdit
from chiso.indicators.models import (
    CategoryOptionCombo,
    Indicator,
    IndicatorGroupMember,
    ValueType,
)
from chiso.indicators.selectors import indicator_group_list, option_combo_get
from chiso.orgunits.models import OrgUnit
from chiso.orgunits.selectors import orgunit_get_by_code, orgunit_valid_on
from chiso.validation.models import ValidationRule
from chiso.validation.selectors import rules_touching, validation_results
from chiso.validation.services import rules_run
from chiso.web.pickers import (
    Choice,
    parse_period_param,
    part_choices,
    period_from_parts,
    period_parts,
    today,
    unit_choices,
    year_choices,
)

logger = logging.getLogger("chiso.web")

# Coarsest first: the order period kinds are offered and preferred in.
_TYPE_ORDER = [
    PeriodType.YEAR,
    PeriodType.HALF,
    PeriodType.QUARTER,
    PeriodType.MONTH,
    PeriodType.WEEK,
    PeriodType.DAY,
]
_NUMERIC = {ValueType.INTEGER, ValueType.NUMBER, ValueType.PERCENTAGE, ValueType.MONEY}


@dataclass
class Cell:
    """One input of the grid."""

    indicator: Indicator
    option_combo: CategoryOptionCombo
    text: str = ""  # what the input shows (the stored value, or the text typed on an error)
    version: int = 0  # 0: nothing stored yet
    status: str = ""
    target: str = ""
    last_year: str = ""
    error: str = ""
    current: str | None = None  # on a stale edit: what is stored now
    saved: bool = False

    @property
    def dom_id(self) -> str:
        return f"v-{self.indicator.pk}-{self.option_combo.pk}"


@dataclass
class Row:
    indicator: Indicator
    cells: list[Cell] = field(default_factory=list)
    violations: list[RuleMessage] = field(default_factory=list)


@dataclass(frozen=True)
class RuleMessage:
    """A stored rule violation shown in the form."""

    rule: str
    importance: str
    text: str


@dataclass
class Block:
    """Consecutive indicators sharing one disaggregation: one table."""

    option_combos: list[CategoryOptionCombo]
    rows: list[Row] = field(default_factory=list)

    @property
    def is_default(self) -> bool:
        return len(self.option_combos) == 1 and self.option_combos[0].is_default


def _typed_text(value) -> str:
    """A typed value (``FormCell.value``) as the input shows it: ``38.406``, ``64,5``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    if isinstance(value, Decimal | int):
        return format_number(value)
    return str(value)


def _value_text(datavalue, indicator: Indicator) -> str:
    """A stored ``DataValue`` row as the input shows it ("" when deleted)."""
    if datavalue is None or datavalue.deleted:
        return ""
    if datavalue.value is None:
        return datavalue.text_value
    if indicator.value_type == ValueType.BOOLEAN:
        return _typed_text(bool(datavalue.value))
    return format_number(datavalue.value)


def _period_types(indicators: list[Indicator]) -> list[PeriodType]:
    present = {PeriodType(i.period_type) for i in indicators}
    return [t for t in _TYPE_ORDER if t in present]


def _preferred_type(indicators: list[Indicator]) -> PeriodType:
    """The period kind most of the group's indicators are collected by (the finer on a tie)."""
    counts = Counter(PeriodType(i.period_type) for i in indicators)
    if not counts:
        return PeriodType.YEAR
    return max(counts, key=lambda t: (counts[t], _TYPE_ORDER.index(t)))


def _fit_period(period: Period | None, indicators: list[Indicator]) -> Period:
    """``period`` if some indicator is collected by its kind; else the period of the preferred
    kind around it (or around today when no period was asked for)."""
    types = _period_types(indicators)
    if period is not None and (period.type in types or not types):
        return period
    kind = _preferred_type(indicators)
    day = today()
    if period is not None:
        day = min(max(day, period.start), period.end)
    return Period.containing(kind, day)


def _entry_url(**params) -> str:
    return f"{reverse('web:entry')}?{urlencode({k: v for k, v in params.items() if v})}"


def _default_unit(user, day) -> OrgUnit | None:
    """The first unit of the user's capture scope valid on ``day`` (its root, by path)."""
    return (
        units_in_scope(user, Action.CAPTURE).filter(orgunit_valid_on(day)).order_by("path").first()
    )


def _resolve_unit(user, code: str, period: Period) -> OrgUnit:
    """The version ``code`` names on the period's last day, if the user may capture it."""
    try:
        unit = orgunit_get_by_code(code, period.end)
    except (OrgUnit.DoesNotExist, OrgUnit.MultipleObjectsReturned):
        raise Http404 from None
    try:
        return require_unit(user, unit, Action.CAPTURE)
    except UnitNotFound:
        raise Http404 from None


def _blocks(indicators: list[Indicator], combos_by_cc: dict[int, list]) -> list[Block]:
    blocks: list[Block] = []
    for indicator in indicators:
        combos = combos_by_cc.get(indicator.category_combo_id, [])
        if not blocks or blocks[-1].option_combos != combos:
            blocks.append(Block(option_combos=combos))
        blocks[-1].rows.append(Row(indicator=indicator))
    return blocks


@require_GET
@login_required
def entry(request):
    user = request.user
    groups = list(indicator_group_list())
    if "year" in request.GET:
        # The pickers submit year + part: turn them into the canonical URL.
        try:
            picked = period_from_parts(request.GET["year"], request.GET.get("part", ""))
        except ChisoError:
            picked = None
        return redirect(
            _entry_url(
                ou=request.GET.get("ou", ""),
                pe=picked.id if picked else "",
                group=request.GET.get("group", ""),
            )
        )

    group_code = request.GET.get("group", "")
    group = next((g for g in groups if g.code == group_code), groups[0] if groups else None)
    members = [m.indicator for m in group.members.all()] if group else []
    asked, period_error = parse_period_param(request.GET.get("pe"), None)
    period = _fit_period(asked, members)
    if asked is not None and period != asked:
        return redirect(
            _entry_url(
                ou=request.GET.get("ou", ""), pe=period.id, group=group.code if group else ""
            )
        )

    code = request.GET.get("ou", "").strip()
    if code and period_error:
        # The period was not understood: show the message rather than a 404 for a code that
        # names no unit on the fallback period.
        try:
            unit = _resolve_unit(user, code, period)
        except Http404:
            unit = None
    else:
        unit = _resolve_unit(user, code, period) if code else _default_unit(user, period.end)

    indicators = [i for i in members if i.period_type == period.type.value]
    other = [i for i in members if i.period_type != period.type.value]
    year, part = period_parts(period)
    context = {
        "groups": [Choice(g.code, g.name, g == group) for g in groups],
        "group": group,
        "period": period,
        "period_error": period_error,
        "unit": unit,
        "unit_choices": unit_choices(user, Action.CAPTURE, unit, period.end),
        "year_choices": year_choices(year),
        "part_choices": part_choices(set(_period_types(members)), part),
        "other_indicators": other,
        "blocks": [],
        "statuses": Status.choices,
    }
    if unit is not None and indicators:
        context["locked"] = is_locked(group, unit, period)
        context["blocks"] = _grid(user, unit, period, indicators)
        messages = _rule_messages(user, unit, period, [i.code for i in indicators])
        for block in context["blocks"]:
            for row in block.rows:
                row.violations = messages.get(row.indicator.code, [])
    return render(request, "web/entry/form.html", context)


def _anchor(rule: ValidationRule, form_codes: list[str]) -> str | None:
    """The form's first indicator the rule reads: the row its message shows under."""
    return next((c for c in form_codes if c in rule.indicator_codes), None)


def _rule_messages(
    user, unit: OrgUnit, period: Period, form_codes: list[str]
) -> dict[str, list[RuleMessage]]:
    """Stored violations at the unit for exactly the period, by the row they show under."""
    found: dict[str, list[RuleMessage]] = {}
    results = validation_results(user, unit, period, descendants=False).filter(period=period.id)
    for result in results:
        code = _anchor(result.rule, form_codes)
        if code is not None:
            found.setdefault(code, []).append(
                RuleMessage(result.rule.code, result.importance, result.message)
            )
    return found


def _rules_after_save(user, unit: OrgUnit, period: Period, indicator: Indicator, group_code):
    """Run the rules reading ``indicator``; (row code, messages) for every form row they
    touch (the saved indicator's row included)."""
    rules = rules_touching([indicator.code], period.type.value, unit.tier)
    if rules:
        try:
            rules_run(user, unit, period, rules)
        except (ChisoError, UnitNotFound) as error:
            logger.warning("rules after a save at %s %s: %s", unit.code, period.id, error)
    members = []
    if group_code:
        members = list(
            IndicatorGroupMember.objects.filter(
                group__code=group_code, indicator__period_type=period.type.value
            )
            .order_by("sort_order", "id")
            .values_list("indicator__code", flat=True)
        )
    form_codes = members or [indicator.code]
    touched = {indicator.code}
    for rule in rules:
        touched.update(rule.indicator_codes)
    messages = _rule_messages(user, unit, period, form_codes)
    return [(code, messages.get(code, [])) for code in form_codes if code in touched]


def _target_text(
    user, unit: OrgUnit, period: Period, indicator: Indicator, option_combo: CategoryOptionCombo
) -> str:
    """The target for the cell: for the period itself, else for its year ("KH năm")."""
    if not indicator.has_target:
        return ""
    combo = None if option_combo.is_default else option_combo
    candidates = [period]
    if period.type is not PeriodType.YEAR:
        candidates.append(Period.containing(PeriodType.YEAR, period.start))
    for candidate in candidates:
        target = target_get(
            user=user, indicator=indicator, orgunit=unit, period=candidate, option_combo=combo
        )
        if target is not None:
            text = format_number(target.value)
            if candidate is period:
                return gettext("Kế hoạch: %(value)s") % {"value": text}
            return gettext("Kế hoạch năm: %(value)s") % {"value": text}
    return ""


def _grid(user, unit: OrgUnit, period: Period, indicators: list[Indicator]) -> list[Block]:
    combo_ids = {i.category_combo_id for i in indicators}
    combos_by_cc: dict[int, list] = {}
    for combo in CategoryOptionCombo.objects.filter(category_combo_id__in=combo_ids).order_by(
        "category_combo_id", "sort_order", "id"
    ):
        combos_by_cc.setdefault(combo.category_combo_id, []).append(combo)
    values = datavalues_for_form(user, unit, period, indicators)
    last_year = datavalues_for_form(user, unit, period.same_period_last_year(), indicators)
    blocks = _blocks(indicators, combos_by_cc)
    for block in blocks:
        for row in block.rows:
            for combo in block.option_combos:
                key = (row.indicator.pk, combo.pk)
                current = values.get(key)
                previous = last_year.get(key)
                text = _typed_text(current.value) if current is not None else ""
                row.cells.append(
                    Cell(
                        indicator=row.indicator,
                        option_combo=combo,
                        text=text,
                        version=current.version if current is not None else 0,
                        status=current.status
                        if current is not None and not current.deleted
                        else "",
                        target=_target_text(user, unit, period, row.indicator, combo),
                        last_year=_typed_text(previous.value) if previous is not None else "",
                    )
                )
    return blocks


def _cell_response(request, cell: Cell, status: int = 200, rows=()) -> HttpResponse:
    return render(
        request, "web/entry/_cell_response.html", {"cell": cell, "rule_rows": rows}, status=status
    )


@require_POST
@login_required
def entry_cell(request):
    """Save one cell. 200: the saved cell; 422: the cell with its message (nothing written);
    404: no such unit, indicator or option combo for this user."""
    post = request.POST
    user = request.user
    try:
        period = Period.parse(post.get("pe", "").strip())
    except ChisoError:
        raise Http404 from None
    unit = _resolve_unit(user, post.get("ou", "").strip(), period)
    try:
        indicator = Indicator.objects.select_related("category_combo").get(code=post.get("i"))
        option_combo = option_combo_get(indicator, post.get("c"))
    except (Indicator.DoesNotExist, CategoryOptionCombo.DoesNotExist):
        raise Http404 from None
    text = post.get("value", "")
    try:
        expected = int(post.get("ver") or 0)
    except ValueError:
        expected = 0
    status = post.get("status") or None
    if status not in (None, *Status.values):
        status = None
    cell = Cell(indicator=indicator, option_combo=option_combo, text=text, version=expected)
    try:
        parsed = parse_value(indicator, text, locale_format=True)
        result = datavalue_upsert(
            user=user,
            indicator=indicator,
            option_combo=option_combo,
            orgunit=unit,
            period=period,
            value=parsed,
            status=status,
            expected_version=expected,
            channel=Channel.FORM,
        )
    except StaleEdit as error:
        cell.error = error_message(error)
        if error.datavalue is not None:
            # The typed text stays; the next save (Enter) overwrites knowingly.
            cell.version = error.datavalue.version
            cell.current = _value_text(error.datavalue, indicator)
        return _cell_response(request, cell, status=422)
    except UnitNotFound:
        raise Http404 from None
    except ChisoError as error:
        cell.error = error_message(error)
        return _cell_response(request, cell, status=422)
    datavalue = result.datavalue
    cell.text = _value_text(datavalue, indicator)
    cell.version = datavalue.version if datavalue is not None else expected
    cell.status = datavalue.status if datavalue is not None and not datavalue.deleted else ""
    cell.saved = True
    rows = _rules_after_save(user, unit, period, indicator, post.get("g", "").strip())
    return _cell_response(request, cell, rows=rows)
