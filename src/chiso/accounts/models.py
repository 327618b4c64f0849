"""Users with org-unit scopes, and API tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups with these names (permissions attached by ``role_sync``)."""

    DATA_ENTRY = "nhap_lieu", _("Nhập liệu")
    APPROVER = "phe_duyet", _("Phê duyệt")
    VIEWER = "xem", _("Xem")
    ADMIN = "quan_tri", _("Quản trị")


class User(AbstractUser):
    """A person. ``capture_units``: where they may enter data (each unit and its subtree);
    ``view_units``: where they may read. Capture implies view."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    capture_units = models.ManyToManyField(
        "orgunits.OrgUnit",
        blank=True,
        related_name="capture_users",
        verbose_name=_("phạm vi nhập liệu"),
    )
    view_units = models.ManyToManyField(
        "orgunits.OrgUnit",
        blank=True,
        related_name="view_users",
        verbose_name=_("phạm vi xem"),
    )


class ApiToken(models.Model):
    """A per-user token for scripts; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
