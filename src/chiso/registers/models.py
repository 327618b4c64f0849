"""Households, members, classifications over time, poverty surveys, support programmes,
distributions, beneficiary-list imports and the export log.

Personal data is reached only through ``registers.selectors`` (scoped by the access
choke-point on the household's hamlet); writes go through ``registers.services``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    RURAL = "rural", _("Nông thôn")
    URBAN = "urban", _("Thành thị")


class Sex(models.TextChoices):
    MALE = "nam", _("Nam")
    FEMALE = "nu", _("Nữ")


class Relation(models.TextChoices):
    HEAD = "chu_ho", _("Chủ hộ")
    SPOUSE = "vo_chong", _("Vợ/chồng")
    CHILD = "con", _("Con")
    PARENT = "cha_me", _("Cha/mẹ")
    GRANDCHILD = "chau", _("Cháu")
    SIBLING = "anh_chi_em", _("Anh/chị/em")
    OTHER = "khac", _("Khác")


class ClassKind(models.TextChoices):
    """Household classes; the values are the option codes of the NHOM_DOI_TUONG category
    (beneficiary group) of the indicator catalog."""

    POOR = "HO_NGHEO", _("Hộ nghèo")
    NEAR_POOR = "HO_CAN_NGHEO", _("Hộ cận nghèo")
    SOCIAL_PROTECTION = "BAO_TRO_XA_HOI", _("Bảo trợ xã hội")
    MERITORIOUS = "NGUOI_CO_CONG", _("Gia đình người có công")
    ETHNIC_MINORITY = "DAN_TOC_THIEU_SO", _("Dân tộc thiểu số")


OTHER_GROUP = "KHAC"
"""The beneficiary group of support to a household of none of the classes."""


class Household(models.Model):
    """A household (hộ gia đình). ``hamlet`` is where it lives now (a hamlet-tier unit version;
    the commune is its parent); ``Residence`` keeps where it lived when."""

    code = models.CharField(_("mã hộ"), max_length=32, unique=True)
    head_name = models.CharField(_("họ tên chủ hộ"), max_length=150)
    search_name = models.CharField(max_length=400, db_index=True, editable=False)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    hamlet = models.ForeignKey(
        "orgunits.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thôn, ấp"),
    )
    area = models.CharField(_("khu vực"), max_length=5, choices=Area.choices, default=Area.RURAL)
    size = models.PositiveSmallIntegerField(
        _("số nhân khẩu"),
        null=True,
        blank=True,
        help_text=_("Số nhân khẩu khai báo, khi chưa ghi đủ từng thành viên"),
    )
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        permissions = [("view_citizen_id", _("Xem đầy đủ số định danh cá nhân"))]
        indexes = [models.Index(fields=["hamlet", "head_name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"


class Residence(models.Model):
    """Where a household lived from ``valid_from`` to ``valid_to`` (inclusive; None = now).
    A move between hamlets or communes ends one residence and starts the next."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="residences")
    hamlet = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("thôn, ấp")
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "pk"]
        verbose_name = _("nơi cư trú")
        verbose_name_plural = _("nơi cư trú")
        indexes = [models.Index(fields=["hamlet", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.household_id}@{self.hamlet_id} {self.valid_from}–{self.valid_to or ''}"


class Member(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=3, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, blank=True)
    relation = models.CharField(
        _("quan hệ với chủ hộ"), max_length=12, choices=Relation.choices, default=Relation.OTHER
    )
    citizen_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)

    class Meta:
        ordering = ["household", "pk"]
        verbose_name = _("thành viên hộ")
        verbose_name_plural = _("thành viên hộ")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~models.Q(citizen_id=""),
                name="member_citizen_id_unique",
            )
        ]
        indexes = [models.Index(fields=["birth_year", "search_name"])]

    def __str__(self) -> str:
        return self.full_name


class PovertySurvey(models.Model):
    """The inputs of a household's poverty review (rà soát hộ nghèo, hộ cận nghèo) under
    Decree 07/2021/NĐ-CP and the class computed from them (``chiso.core.poverty``)."""

    class Result(models.TextChoices):
        POOR = "poor", _("Hộ nghèo")
        NEAR_POOR = "near_poor", _("Hộ cận nghèo")
        AVERAGE = "average", _("Hộ có mức sống trung bình")
        NONE = "none", _("Không thuộc diện")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="surveys")
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    surveyed_on = models.DateField(_("ngày rà soát"))
    area = models.CharField(_("khu vực"), max_length=5, choices=Area.choices)
    income_per_capita = models.DecimalField(
        _("thu nhập bình quân đầu người/tháng (đồng)"), max_digits=14, decimal_places=0
    )
    deprivations = models.JSONField(_("chỉ số thiếu hụt"), default=list, blank=True)
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("phiếu rà soát hộ nghèo")
        verbose_name_plural = _("phiếu rà soát hộ nghèo")

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}: {self.result}"


class Classification(models.Model):
    """A household belongs to class ``kind`` from ``valid_from`` to ``valid_to`` (inclusive;
    None = still), decided by ``document`` (parsed into kind/symbol/date when it is a
    well-formed reference)."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="classifications"
    )
    kind = models.CharField(_("diện"), max_length=20, choices=ClassKind.choices)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    document = models.CharField(_("văn bản quyết định"), max_length=255, blank=True)
    document_kind = models.CharField(max_length=8, blank=True)
    document_number = models.CharField(max_length=64, blank=True)
    document_date = models.DateField(null=True, blank=True)
    survey = models.ForeignKey(
        PovertySurvey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["valid_from", "pk"]
        verbose_name = _("diện hộ")
        verbose_name_plural = _("diện hộ")
        indexes = [models.Index(fields=["kind", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.valid_from}–{self.valid_to or ''}"

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ItemKind(models.TextChoices):
    GIFT = "gift", _("Quà")
    CASH = "cash", _("Tiền mặt")
    RICE_KG = "rice_kg", _("Gạo (kg)")
    HOUSE_NEW = "house_new", _("Xây mới nhà ở")
    HOUSE_REPAIR = "house_repair", _("Sửa chữa nhà ở")
    WATER = "water", _("Nước sinh hoạt")
    JOB_TRAINING = "job_training", _("Đào tạo nghề, việc làm")


class Programme(models.Model):
    """A support programme (chương trình, đợt hỗ trợ) run by ``orgunit`` from ``start`` to
    ``end``; ``eligible_classes`` (``ClassKind`` values) empty means every household."""

    name = models.CharField(_("tên chương trình"), max_length=200)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị tổ chức"),
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    funding_source = models.CharField(_("nguồn kinh phí"), max_length=200, blank=True)
    eligible_classes = models.JSONField(_("đối tượng được hỗ trợ"), default=list, blank=True)
    document = models.CharField(_("văn bản"), max_length=255, blank=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-start", "name", "pk"]
        verbose_name = _("chương trình hỗ trợ")
        verbose_name_plural = _("chương trình hỗ trợ")

    def __str__(self) -> str:
        return self.name


class ProgrammeItem(models.Model):
    """What a programme hands out: ``quantity`` units of ``kind`` worth ``unit_value`` đồng
    each (per person of the household when ``per_person``: 15 kg of rice a person), for the
    households of ``beneficiary_class`` (any eligible household when empty)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=12, choices=ItemKind.choices)
    quantity = models.DecimalField(_("số lượng"), max_digits=12, decimal_places=2, default=1)
    per_person = models.BooleanField(_("tính theo nhân khẩu"), default=False)
    unit_value = models.DecimalField(
        _("đơn giá (đồng)"), max_digits=14, decimal_places=0, default=0
    )
    beneficiary_class = models.CharField(
        _("dành cho diện"), max_length=20, choices=ClassKind.choices, blank=True
    )

    class Meta:
        ordering = ["programme", "pk"]
        verbose_name = _("mục hỗ trợ")
        verbose_name_plural = _("mục hỗ trợ")

    def __str__(self) -> str:
        return self.name


class Distribution(models.Model):
    """One hand-over: ``quantity`` of ``item`` (worth ``value`` đồng, covering ``people``
    persons) to ``household`` (or to ``member`` of it) on ``date``. ``hamlet`` and
    ``beneficiary_group`` are fixed when it is recorded (where the household lived then, and the
    NHOM_DOI_TUONG option it counts under)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ProgrammeItem, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="support")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hamlet = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    beneficiary_group = models.CharField(max_length=20)
    quantity = models.DecimalField(_("số lượng"), max_digits=12, decimal_places=2)
    value = models.DecimalField(_("giá trị (đồng)"), max_digits=16, decimal_places=0)
    people = models.PositiveSmallIntegerField(_("số nhân khẩu"), default=0)
    date = models.DateField(_("ngày nhận"))
    handed_over_by = models.CharField(_("người trao"), max_length=150, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("lượt hỗ trợ")
        verbose_name_plural = _("lượt hỗ trợ")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "household"], name="distribution_once_per_programme"
            )
        ]
        indexes = [models.Index(fields=["hamlet", "date"])]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.household_id} {self.date}"


class BeneficiaryImport(models.Model):
    """An uploaded beneficiary list between preview and confirmation: the parsed rows, their
    errors and likely duplicates (``rows``), kept until the user decides."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Chờ xác nhận")
        DONE = "done", _("Đã nhập")
        CANCELLED = "cancelled", _("Đã hủy")

    commune = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=ClassKind.choices, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    document = models.CharField(max_length=255, blank=True)
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    summary = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("lượt nhập danh sách")
        verbose_name_plural = _("lượt nhập danh sách")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"


class ExportLog(models.Model):
    """Every export of a personal list: who, when, what, how many rows, and why."""

    class What(models.TextChoices):
        SIGNING_SHEET_DOCX = "signing_docx", _("Danh sách ký nhận (DOCX)")
        SIGNING_SHEET_XLSX = "signing_xlsx", _("Danh sách ký nhận (XLSX)")
        HOUSEHOLDS_XLSX = "households_xlsx", _("Danh sách hộ (XLSX)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(_("nội dung"), max_length=20, choices=What.choices)
    description = models.CharField(_("mô tả"), max_length=400)
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    row_count = models.PositiveIntegerField(_("số dòng"), default=0)
    reason = models.TextField(_("lý do"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("nhật ký xuất danh sách")
        verbose_name_plural = _("nhật ký xuất danh sách")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.what}"
