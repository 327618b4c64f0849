"""Validation pages: stored results and batch runs, the rule and computed-indicator editors
(provincial admins), scorecard pages with manual assessments.

- ``/validation/?ou=CODE&pe=PERIOD[&imp=high|medium|low]``: the stored violations of the unit
  and the units under it for periods within ``pe``; "Chạy kiểm tra" (POST ``/validation/run/``)
  runs every active rule for them and comes back to the list.
- ``/validation/rules/``, ``/validation/rules/new/``, ``/validation/rules/<code>/``: rules;
  ``/validation/computed/`` ...: computed indicators. Everyone signed in may read them; only
  an administrator (superuser or the ``quan_tri`` role) may change them (403 otherwise).
  The expression inputs are checked as they are typed (``/validation/expression/check/``,
  htmx: "hợp lệ" or the Vietnamese message with the position marked) and the rule or
  indicator being edited can be tried on real data for a unit and period
  (``/validation/rules/preview/``, ``/validation/computed/preview/``).
- ``/scorecards/<code>/?ou=CODE&pe=YEAR``: for a commune, every criterion with its status and
  the missing ones, and the manual assessment form when the user may enter data for the
  commune (POST ``/scorecards/<code>/assess/``); for a unit above, "đạt X/N tiêu chí" per
  commune.

A unit outside the user's scope answers 404, exactly like a missing one.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.accounts.access import Action, UnitNotFound, can, units_in_scope
from chiso.accounts.models import Role
from chiso.common.errors import error_message
from chiso.core.errors import ChisoError
from chiso.core.expressions import BOOLEAN, NUMBER, format_expression, references
from chiso.core.periods import Period, PeriodType
from chiso.core.rules import compute_ratio, evaluate_rule
from chiso.indicators.models import PeriodType as IndicatorPeriodType
from chiso.orgunits.models import OrgUnit, Tier
from chiso.orgunits.selectors import orgunit_valid_on
from chiso.validation.evaluation import fetch_values
from chiso.validation.models import (
    ComputedIndicator,
    Criterion,
    Importance,
    MissingValueStrategy,
    Operator,
    Scorecard,
    ValidationRule,
)
from chiso.validation.selectors import (
    resolve_unit,
    scorecard_period,
    scorecard_results,
    validation_results,
)
from chiso.validation.services import (
    InvalidInput,
    assessment_set,
    computed_indicator_save,
    expression_check,
    rule_message,
    rules_run,
    validation_rule_save,
)
from chiso.web.pickers import parse_period_param, today, unit_choices

RESULTS_LIMIT = 500


def is_admin(user) -> bool:
    """A provincial administrator: may edit rules and computed indicators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=Role.ADMIN.value).exists()


def _require_admin(user) -> None:
    if not is_admin(user):
        raise PermissionDenied


def _url(name: str, *args, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _unit_or_404(user, code: str, period: Period, action=Action.VIEW) -> OrgUnit:
    try:
        return resolve_unit(user, code, period, action)
    except UnitNotFound:
        raise Http404 from None


def _default_unit(user, period: Period) -> OrgUnit | None:
    if user.is_superuser:
        return None
    return (
        units_in_scope(user, Action.VIEW)
        .filter(orgunit_valid_on(period.end))
        .order_by("path")
        .first()
    )


def _pick(request) -> tuple[Period, str | None, OrgUnit | None]:
    default = Period.containing(PeriodType.YEAR, today())
    period, period_error = parse_period_param(request.GET.get("pe"), default)
    code = request.GET.get("ou", "").strip()
    unit = _unit_or_404(request.user, code, period) if code else _default_unit(request.user, period)
    return period, period_error, unit


# --- stored results and batch runs ----------------------------------------------------------


@require_GET
@login_required
def results(request):
    period, period_error, unit = _pick(request)
    importance = request.GET.get("imp", "")
    if importance not in Importance.values:
        importance = ""
    found, total = [], 0
    if unit is not None:
        qs = validation_results(request.user, unit, period, importance=importance or None)
        total = qs.count()
        found = list(qs[:RESULTS_LIMIT])
    context = {
        "unit": unit,
        "period": period,
        "period_error": period_error,
        "importance": importance,
        "importances": Importance.choices,
        "results": found,
        "total": total,
        "limit": RESULTS_LIMIT,
        "unit_choices": unit_choices(request.user, Action.VIEW, unit, period.end),
    }
    return render(request, "web/validation/results.html", context)


@require_POST
@login_required
def run(request):
    try:
        period = Period.parse(request.POST.get("pe", "").strip())
    except ChisoError:
        raise Http404 from None
    unit = _unit_or_404(request.user, request.POST.get("ou", ""), period)
    violations = rules_run(request.user, unit, period, descendants=True)
    high = sum(1 for v in violations if v.rule.importance == Importance.HIGH)
    messages.success(
        request,
        gettext("Đã chạy kiểm tra %(unit)s, %(period)s: %(count)s vi phạm (%(high)s mức cao).")
        % {
            "unit": unit.name,
            "period": period.format_label(gettext),
            "count": len(violations),
            "high": high,
        },
    )
    return redirect(
        _url("web:validation_results", ou=unit.code, pe=period.id, imp=request.POST.get("imp"))
    )


# --- expression check and preview -------------------------------------------------------------


def _check_context(text: str, kind: str) -> dict:
    if not text.strip():
        return {"empty": True}
    try:
        ast = expression_check(text, BOOLEAN if kind == BOOLEAN else NUMBER)
    except ChisoError as error:
        position = error.params.get("position")
        context = {"error": error_message(error)}
        if isinstance(position, int) and 1 <= position <= len(text) + 1:
            context.update(
                before=text[: position - 1],
                at=text[position - 1 : position] or " ",
                after=text[position:],
            )
        return context
    codes = sorted({r.code for r in references(ast)})
    return {"ok": True, "canonical": format_expression(ast), "codes": codes}


@require_http_methods(["GET", "POST"])
@login_required
def expression_check_view(request):
    """htmx: ``field`` names the parameter holding the expression, ``kind`` number/boolean."""
    data = request.POST if request.method == "POST" else request.GET
    field_name = data.get("field", "expr")
    text = data.get(field_name, "")
    return render(
        request, "web/validation/_check.html", _check_context(text, data.get("kind", NUMBER))
    )


def _preview_place(request) -> tuple[OrgUnit, Period]:
    try:
        period = Period.parse(request.POST.get("preview_pe", "").strip())
    except ChisoError as error:
        raise _PreviewProblem(error_message(error)) from None
    code = request.POST.get("preview_ou", "").strip()
    if not code:
        raise _PreviewProblem(gettext("Chọn đơn vị để xem thử"))
    return _unit_or_404(request.user, code, period), period


class _PreviewProblem(Exception):
    pass


@require_POST
@login_required
def rule_preview(request):
    """htmx: evaluate the rule being edited (unsaved) for a unit and period."""
    post = request.POST
    try:
        unit, period = _preview_place(request)
        left = expression_check(post.get("left", ""), NUMBER)
        right = expression_check(post.get("right", ""), NUMBER)
    except _PreviewProblem as problem:
        return render(request, "web/validation/_preview.html", {"problem": str(problem)})
    except ChisoError as error:
        return render(request, "web/validation/_preview.html", {"problem": error_message(error)})
    operator = post.get("operator", "==")
    strategy = post.get("missing_strategy", MissingValueStrategy.SKIP_IF_ANY)
    if operator not in Operator.values or strategy not in MissingValueStrategy.values:
        return render(
            request, "web/validation/_preview.html", {"problem": gettext("Chọn phép so sánh")}
        )
    values = fetch_values(request.user, references(left) | references(right), unit, period)
    found = values[unit.code]
    outcome = evaluate_rule(left, operator, right, strategy, found)
    draft = ValidationRule(
        name=post.get("name", ""), operator=operator, message=post.get("message", "")
    )
    return render(
        request,
        "web/validation/_preview.html",
        {
            "kind": "rule",
            "unit": unit,
            "period": period,
            "outcome": outcome,
            "message": rule_message(draft, outcome.left, outcome.right) if outcome.violated else "",
            "values": _value_lines(found.values),
        },
    )


@require_POST
@login_required
def computed_preview(request):
    """htmx: evaluate the computed indicator being edited (unsaved) for a unit and period."""
    post = request.POST
    try:
        unit, period = _preview_place(request)
        top = expression_check(post.get("numerator", ""), NUMBER)
        text = post.get("denominator", "")
        bottom = expression_check(text, NUMBER) if text.strip() else None
        factor = Decimal(post.get("factor", "1").strip().replace(",", ".") or "1")
        decimals = max(0, min(6, int(post.get("decimals", "1") or 1)))
    except _PreviewProblem as problem:
        return render(request, "web/validation/_preview.html", {"problem": str(problem)})
    except ChisoError as error:
        return render(request, "web/validation/_preview.html", {"problem": error_message(error)})
    except (ArithmeticError, ValueError):
        return render(
            request,
            "web/validation/_preview.html",
            {"problem": gettext("Hệ số và số chữ số thập phân phải là số")},
        )
    refs = references(top) | (references(bottom) if bottom is not None else set())
    found = fetch_values(request.user, refs, unit, period)[unit.code]
    result = compute_ratio(top, bottom, factor, decimals, found)
    return render(
        request,
        "web/validation/_preview.html",
        {
            "kind": "computed",
            "unit": unit,
            "period": period,
            "result": result,
            "unit_label": post.get("unit", "").strip(),
            "decimals": decimals,
            "values": _value_lines(found.values),
        },
    )


def _value_lines(values: dict) -> list[tuple[str, Decimal | None]]:
    return sorted(((format_expression(ref), value) for ref, value in values.items()))


# --- rule editor ------------------------------------------------------------------------------

_TIER_CHOICES = [(t.value, t.label) for t in Tier]


class RuleForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=64)
    name = forms.CharField(label=_("Tên"), max_length=255)
    left = forms.CharField(label=_("Vế trái"), widget=forms.Textarea(attrs={"rows": 2}))
    operator = forms.ChoiceField(label=_("Phép so sánh"), choices=Operator.choices)
    right = forms.CharField(label=_("Vế phải"), widget=forms.Textarea(attrs={"rows": 2}))
    missing_strategy = forms.ChoiceField(
        label=_("Khi thiếu số liệu"), choices=MissingValueStrategy.choices
    )
    importance = forms.ChoiceField(label=_("Mức độ"), choices=Importance.choices)
    blocking = forms.BooleanField(label=_("Chặn khi nhập tệp"), required=False)
    period_type = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=IndicatorPeriodType.choices)
    tiers = forms.MultipleChoiceField(
        label=_("Cấp đơn vị áp dụng (để trống: mọi cấp)"),
        choices=_TIER_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Thông báo ({left}, {right}: hai con số)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    active = forms.BooleanField(label=_("Đang áp dụng"), required=False, initial=True)


class ComputedForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=64)
    name_vi = forms.CharField(label=_("Tên tiếng Việt"), max_length=255)
    name_en = forms.CharField(label=_("Tên tiếng Anh"), max_length=255, required=False)
    numerator = forms.CharField(label=_("Tử số"), widget=forms.Textarea(attrs={"rows": 2}))
    denominator = forms.CharField(
        label=_("Mẫu số (để trống: 1)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    factor = forms.CharField(label=_("Hệ số (100 cho tỷ lệ %)"), initial="100")
    decimals = forms.IntegerField(label=_("Số chữ số thập phân"), min_value=0, max_value=6)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=32, required=False)
    description = forms.CharField(
        label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


_EXPRESSION_FIELDS = {"left": NUMBER, "right": NUMBER, "numerator": NUMBER, "denominator": NUMBER}


def _preview_defaults(user) -> dict:
    period = Period.containing(PeriodType.YEAR, today())
    unit = _default_unit(user, period)
    return {"preview_ou": unit.code if unit else "", "preview_pe": period.id}


def _editor(request, *, form, instance, kind: str, title: str, status: int = 200):
    context = {
        "form": form,
        "instance": instance,
        "kind": kind,
        "title": title,
        "expression_fields": _EXPRESSION_FIELDS,
        "preview": _preview_defaults(request.user),
        "can_edit": is_admin(request.user),
        "preview_url": reverse(
            "web:validation_rule_preview" if kind == "rule" else "web:validation_computed_preview"
        ),
    }
    return render(request, "web/validation/edit.html", context, status=status)


@require_GET
@login_required
def rule_list(request):
    rules = ValidationRule.objects.all()
    return render(
        request,
        "web/validation/rules.html",
        {"rules": rules, "can_edit": is_admin(request.user)},
    )


def _rule_or_404(code: str | None) -> ValidationRule | None:
    if code is None:
        return None
    rule = ValidationRule.objects.filter(code=code).first()
    if rule is None:
        raise Http404
    return rule


@require_http_methods(["GET", "POST"])
@login_required
def rule_edit(request, code: str | None = None):
    instance = _rule_or_404(code)
    if request.method == "POST":
        _require_admin(request.user)
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                rule = validation_rule_save(instance=instance, **form.cleaned_data)
            except InvalidInput as problem:
                for name, text in problem.errors.items():
                    form.add_error(name if name in form.fields else None, text)
            else:
                messages.success(request, gettext("Đã lưu quy tắc %(code)s.") % {"code": rule.code})
                return redirect("web:validation_rules")
        title = instance.code if instance else gettext("Quy tắc mới")
        return _editor(request, form=form, instance=instance, kind="rule", title=title, status=422)
    if instance is None:
        _require_admin(request.user)
        form = RuleForm(initial={"period_type": "month", "importance": Importance.MEDIUM})
    else:
        form = RuleForm(
            initial={
                name: getattr(instance, name)
                for name in RuleForm.base_fields
                if hasattr(instance, name)
            }
        )
    title = instance.code if instance else gettext("Quy tắc mới")
    return _editor(request, form=form, instance=instance, kind="rule", title=title)


@require_GET
@login_required
def computed_list(request):
    return render(
        request,
        "web/validation/computed.html",
        {"indicators": ComputedIndicator.objects.all(), "can_edit": is_admin(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def computed_edit(request, code: str | None = None):
    instance = None
    if code is not None:
        instance = ComputedIndicator.objects.filter(code=code).first()
        if instance is None:
            raise Http404
    title = instance.code if instance else gettext("Chỉ số tính toán mới")
    if request.method == "POST":
        _require_admin(request.user)
        form = ComputedForm(request.POST)
        if form.is_valid():
            try:
                saved = computed_indicator_save(instance=instance, **form.cleaned_data)
            except InvalidInput as problem:
                for name, text in problem.errors.items():
                    form.add_error(name if name in form.fields else None, text)
            else:
                messages.success(
                    request, gettext("Đã lưu chỉ số tính toán %(code)s.") % {"code": saved.code}
                )
                return redirect("web:validation_computed")
        return _editor(
            request, form=form, instance=instance, kind="computed", title=title, status=422
        )
    if instance is None:
        _require_admin(request.user)
        form = ComputedForm(initial={"factor": "100", "decimals": 1, "unit": "%"})
    else:
        form = ComputedForm(
            initial={
                name: getattr(instance, name)
                for name in ComputedForm.base_fields
                if hasattr(instance, name)
            }
        )
    return _editor(request, form=form, instance=instance, kind="computed", title=title)


# --- scorecards --------------------------------------------------------------------------------


def _scorecard_or_404(code: str) -> Scorecard:
    scorecard = Scorecard.objects.filter(code=code, active=True).first()
    if scorecard is None:
        raise Http404
    return scorecard


@require_GET
@login_required
def scorecard(request, code: str):
    card = _scorecard_or_404(code)
    period, period_error, unit = _pick(request)
    year = scorecard_period(period)
    found = scorecard_results(request.user, card, unit, year) if unit is not None else []
    single = found[0] if unit is not None and unit.tier == card.tier and found else None
    context = {
        "scorecard": card,
        "unit": unit,
        "period": year,
        "period_error": period_error,
        "results": sorted(found, key=lambda r: (-r.passed, r.unit.name)),
        "single": single,
        "can_assess": single is not None and can(request.user, unit, Action.CAPTURE),
        "unit_choices": unit_choices(request.user, Action.VIEW, unit, year.end),
    }
    return render(request, "web/validation/scorecard.html", context)


@require_POST
@login_required
def scorecard_assess(request, code: str):
    card = _scorecard_or_404(code)
    try:
        period = Period.parse(request.POST.get("pe", "").strip())
    except ChisoError:
        raise Http404 from None
    unit = _unit_or_404(request.user, request.POST.get("ou", ""), period, Action.CAPTURE)
    criterion = Criterion.objects.filter(scorecard=card, pk=request.POST.get("criterion") or 0)
    criterion = criterion.first()
    if criterion is None:
        raise Http404
    passed = request.POST.get("passed") == "1"
    try:
        assessment_set(
            user=request.user,
            criterion=criterion,
            orgunit=unit,
            period=period,
            passed=passed,
            note=request.POST.get("note", ""),
        )
    except InvalidInput as problem:
        for text in problem.errors.values():
            messages.error(request, f"{criterion}: {text}")
    else:
        messages.success(
            request, gettext("Đã ghi đánh giá tiêu chí %(name)s.") % {"name": criterion.name}
        )
    return redirect(_url("web:scorecard", card.code, ou=unit.code, pe=period.id))
