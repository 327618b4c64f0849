"""Report templates (mẫu báo cáo), kept as versions.

A template is identified by its ``name`` (``dan-van-asxh``) and ``variant``: the tier it is
written for (``tinh``, ``huyen``, ``xa``) or ``""`` for any tier. Editing never overwrites: it
adds a version (``version`` 1, 2, …) and the latest active version is the one reports use. The
shipped defaults (``templates_src/*.j2``) are loaded as version 1 on first use.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportTemplate(models.Model):
    name = models.SlugField(_("mã mẫu"), max_length=64)
    variant = models.CharField(
        _("cấp áp dụng"),
        max_length=8,
        blank=True,
        help_text=_("Cấp đơn vị dùng mẫu này (tinh, huyen, xa); để trống: mọi cấp"),
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tên mẫu"), max_length=255)
    body = models.TextField(_("nội dung mẫu"))
    is_active = models.BooleanField(_("đang dùng"), default=True)
    note = models.CharField(_("ghi chú thay đổi"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        ordering = ["name", "variant", "-version"]
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "variant", "version"], name="reporttemplate_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def key(self) -> str:
        """``dan-van-asxh.tinh``, or ``asxh-thang`` for a template of any tier."""
        return f"{self.name}.{self.variant}" if self.variant else self.name
