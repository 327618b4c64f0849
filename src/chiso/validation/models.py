"""Computed indicators, validation rules and their results, scorecards and assessments.

Expressions are stored as text in the language of ``chiso.core.expressions`` (``#{CODE}``,
``#{CODE.OPTION}``, ``T{CODE}``, ``.periodOffset(-1)`` ...); the services check them (syntax,
type and that every code names a catalog indicator) before saving. ``OPTION`` is an option
combo code of the indicator (``TU_18_TUOI_MUI_1``) or a category option code
(``TU_18_TUOI``: the sum of the option combos containing it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.indicators.models import LocalizedNameMixin
from chiso.indicators.models import PeriodType as IndicatorPeriodType


class ComputedIndicator(LocalizedNameMixin, models.Model):
    """value = numerator / denominator × factor, rounded to ``decimals`` (chỉ số tính toán)."""

    code = models.CharField(_("mã"), max_length=64, unique=True)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    numerator = models.TextField(_("tử số"))
    denominator = models.TextField(_("mẫu số"), blank=True, help_text=_("Để trống: mẫu số là 1"))
    factor = models.DecimalField(
        _("hệ số"), max_digits=20, decimal_places=6, default=1, help_text=_("100 cho tỷ lệ %")
    )
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=1)
    unit = models.CharField(_("đơn vị tính"), max_length=32, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("chỉ số tính toán")
        verbose_name_plural = _("chỉ số tính toán")

    def __str__(self) -> str:
        return self.name


class Operator(models.TextChoices):
    EQ = "==", _("bằng (=)")
    NE = "!=", _("khác (≠)")
    LT = "<", _("nhỏ hơn (<)")
    LE = "<=", _("nhỏ hơn hoặc bằng (≤)")
    GT = ">", _("lớn hơn (>)")
    GE = ">=", _("lớn hơn hoặc bằng (≥)")
    COMPULSORY_PAIR = "compulsory_pair", _("cặp bắt buộc (có vế này phải có vế kia)")
    EXCLUSIVE_PAIR = "exclusive_pair", _("cặp loại trừ (không được có cả hai vế)")


class MissingValueStrategy(models.TextChoices):
    """What a rule does when values it reads are missing (pairs ignore it)."""

    SKIP_IF_ANY = "skip_if_any_missing", _("Bỏ qua nếu thiếu bất kỳ số liệu nào")
    SKIP_IF_ALL = "skip_if_all_missing", _("Bỏ qua nếu thiếu tất cả số liệu (thiếu coi là 0)")
    NEVER = "never_skip", _("Luôn kiểm tra (thiếu coi là 0)")


class Importance(models.TextChoices):
    HIGH = "high", _("Cao")
    MEDIUM = "medium", _("Trung bình")
    LOW = "low", _("Thấp")


class ValidationRule(models.Model):
    """``left operator right`` for units of ``tiers`` (empty: every tier) and periods of
    ``period_type``. ``message`` is a Vietnamese template; ``{left}`` and ``{right}`` are
    replaced by the two figures in Vietnamese format. ``blocking``: an import that breaks the
    rule is rejected (otherwise the violation is a warning). ``generator``: which generator
    made the rule (empty for a hand-written one)."""

    code = models.CharField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    left = models.TextField(_("vế trái"))
    operator = models.CharField(_("phép so sánh"), max_length=16, choices=Operator.choices)
    right = models.TextField(_("vế phải"))
    missing_strategy = models.CharField(
        _("khi thiếu số liệu"),
        max_length=24,
        choices=MissingValueStrategy.choices,
        default=MissingValueStrategy.SKIP_IF_ANY,
    )
    importance = models.CharField(
        _("mức độ"), max_length=8, choices=Importance.choices, default=Importance.MEDIUM
    )
    blocking = models.BooleanField(_("chặn khi nhập tệp"), default=False)
    period_type = models.CharField(
        _("kỳ báo cáo"), max_length=16, choices=IndicatorPeriodType.choices
    )
    tiers = models.JSONField(_("cấp đơn vị áp dụng"), default=list, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    generator = models.CharField(max_length=32, blank=True, editable=False)
    indicator_codes = models.JSONField(default=list, blank=True, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")

    def __str__(self) -> str:
        return self.code


class ValidationResult(models.Model):
    """A stored violation of ``rule`` at ``orgunit`` for ``period`` (one per rule, unit and
    period; a run replaces it, or deletes it when the rule holds again)."""

    rule = models.ForeignKey(ValidationRule, on_delete=models.CASCADE, related_name="results")
    orgunit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=16)
    period_start = models.DateField()
    period_end = models.DateField()
    importance = models.CharField(max_length=8, choices=Importance.choices)
    left_value = models.DecimalField(max_digits=40, decimal_places=12, null=True, blank=True)
    right_value = models.DecimalField(max_digits=40, decimal_places=12, null=True, blank=True)
    message = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["period_start", "orgunit_id", "rule_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "orgunit", "period"], name="validationresult_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["orgunit", "period_start", "period_end"])]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.orgunit_id}/{self.period}"


class Scorecard(LocalizedNameMixin, models.Model):
    """A set of criteria; a unit "đạt chuẩn" when all of them pass (``min_passed`` empty) or at
    least ``min_passed`` do."""

    code = models.CharField(_("mã"), max_length=64, unique=True)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    document = models.CharField(_("văn bản"), max_length=255, blank=True)
    min_passed = models.PositiveIntegerField(
        _("số tiêu chí tối thiểu"),
        null=True,
        blank=True,
        help_text=_("Để trống: phải đạt tất cả tiêu chí"),
    )
    tier = models.CharField(_("cấp đơn vị"), max_length=8, default="xa")
    active = models.BooleanField(_("đang áp dụng"), default=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One criterion: passes when ``expression`` (a condition) holds for the unit and year, or,
    when it is empty, by a manual assessment."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveIntegerField(_("số thứ tự"))
    group = models.CharField(_("nhóm"), max_length=255, blank=True)
    name = models.CharField(_("tên tiêu chí"), max_length=255)
    expression = models.TextField(_("điều kiện đạt"), blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        ordering = ["scorecard_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="criterion_unique"),
        ]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def is_manual(self) -> bool:
        return not self.expression.strip()


class Assessment(models.Model):
    """A manual assessment of a criterion for a unit and period, with its evidence note."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="assessments")
    orgunit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=16)
    passed = models.BooleanField(_("đạt"))
    note = models.TextField(_("minh chứng"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "orgunit", "period"], name="assessment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}/{self.orgunit_id}/{self.period}"
