"""Approval state per (form, unit version, period) and its append-only event log.

A *form* is an indicator group (DHIS2's data set). One ``Approval`` row exists from the first
submission on; no row means draft. ``approved_levels`` counts the levels above the unit that
have approved so far, bottom-up (``selectors.approval_levels``); the state is ``locked`` once
the top level has approved.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Chưa nộp")
    SUBMITTED = "submitted", _("Đã nộp")
    APPROVED = "approved", _("Đã phê duyệt, chờ cấp trên")
    LOCKED = "locked", _("Đã phê duyệt, đã khóa")


FROZEN_STATES = (State.SUBMITTED, State.APPROVED, State.LOCKED)
"""States in which the form's values cannot be changed (reopen first)."""


class Channel(models.TextChoices):
    WEB = "web", _("Trang web")
    API = "api", _("API")
    CLI = "cli", _("Dòng lệnh")


class Approval(models.Model):
    group = models.ForeignKey(
        "indicators.IndicatorGroup", on_delete=models.PROTECT, verbose_name=_("nhóm chỉ tiêu")
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, db_index=False, verbose_name=_("đơn vị")
    )
    period = models.CharField(_("kỳ"), max_length=16)
    period_type = models.CharField(max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices)
    approved_levels = models.PositiveSmallIntegerField(_("số cấp đã phê duyệt"), default=0)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người nộp"),
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phê duyệt")
        verbose_name_plural = _("phê duyệt")
        constraints = [
            models.UniqueConstraint(
                fields=["orgunit", "group", "period"], name="approval_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["state", "period_start", "period_end"])]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.orgunit_id}/{self.period}: {self.state}"


class ApprovalEvent(models.Model):
    """Append-only: one row per submit, approve and reopen. Never updated or deleted."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Nộp")
        APPROVE = "approve", _("Phê duyệt")
        REOPEN = "reopen", _("Mở lại")

    approval = models.ForeignKey(Approval, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("thao tác"), max_length=8, choices=Action.choices)
    from_state = models.CharField(_("từ trạng thái"), max_length=10, choices=State.choices)
    to_state = models.CharField(_("sang trạng thái"), max_length=10, choices=State.choices)
    level = models.ForeignKey(
        "orgunits.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cấp phê duyệt"),
    )
    reason = models.TextField(_("lý do"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("nhật ký phê duyệt")
        verbose_name_plural = _("nhật ký phê duyệt")

    def __str__(self) -> str:
        return f"{self.action} #{self.approval_id}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("approval events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("approval events are append-only")
