"""Unit versions and successions (DESIGN.md section 4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """Administrative tier; API ``level=`` values. Tiers, not depths, name levels."""

    PROVINCE = "tinh", _("Cấp tỉnh")
    DISTRICT = "huyen", _("Cấp huyện")
    COMMUNE = "xa", _("Cấp xã")
    HAMLET = "thon", _("Cấp thôn")


class UnitType(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CENTRAL_CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    RURAL_DISTRICT = "huyen", _("Huyện")
    URBAN_DISTRICT = "quan", _("Quận")
    TOWN = "thi_xa", _("Thị xã")
    PROVINCIAL_CITY = "thanh_pho", _("Thành phố thuộc tỉnh")
    CITY_UNDER_CENTRAL_CITY = (
        "thanh_pho_thuoc_tp",
        _("Thành phố thuộc thành phố trực thuộc trung ương"),
    )
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    TOWNSHIP = "thi_tran", _("Thị trấn")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")
    VILLAGE = "thon", _("Thôn")
    AP = "ap", _("Ấp")
    NEIGHBOURHOOD = "khu_pho", _("Khu phố")
    SOC = "soc", _("Sóc")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Tổ dân phố")
    BAN = "ban", _("Bản")
    BUON = "buon", _("Buôn")
    PLEI = "plei", _("Plei")
    XOM = "xom", _("Xóm")
    KHOM = "khom", _("Khóm")
    LANG = "lang", _("Làng")


class OrgUnit(models.Model):
    """One version of an administrative unit, valid from ``valid_from`` to ``valid_to``
    (inclusive; ``None`` = open). ``uid`` is stable across versions of the same unit; ``code``
    is the official code, which the reform reused for other territory, so a code identifies a
    version only together with a date."""

    uid = models.CharField(_("mã định danh"), max_length=40, db_index=True)
    code = models.CharField(_("mã"), max_length=32, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    unit_type = models.CharField(_("loại"), max_length=24, choices=UnitType.choices)
    tier = models.CharField(_("cấp"), max_length=8, choices=Tier.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    latitude = models.DecimalField(
        _("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    area_km2 = models.DecimalField(
        _("diện tích (km²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="orgunit_code_from_unique"),
        ]
        indexes = [models.Index(fields=["tier", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    def valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Succession(models.Model):
    """``predecessor`` continued (wholly or in part) as ``successor`` from ``effective``."""

    class Kind(models.TextChoices):
        WHOLE = "whole", _("Toàn bộ")
        PARTIAL = "partial", _("Một phần")

    predecessor = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        related_name="successions",
        verbose_name=_("đơn vị tiền thân"),
    )
    successor = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        related_name="precessions",
        verbose_name=_("đơn vị kế thừa"),
    )
    kind = models.CharField(_("hình thức"), max_length=8, choices=Kind.choices)
    effective = models.DateField(_("ngày hiệu lực"))
    share = models.DecimalField(
        _("tỷ lệ"),
        max_digits=7,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Tỷ lệ phân bổ (theo diện tích hoặc dân số) khi tách một phần"),
    )

    class Meta:
        verbose_name = _("kế thừa")
        verbose_name_plural = _("kế thừa")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_pair_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
