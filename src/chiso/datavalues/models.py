"""Data values, targets and their audit (DESIGN.md section 3).

A value's key is (indicator, option combo, org unit version, period). The period is stored as
its canonical id plus its type and inclusive date range, so analytics select values by date
range in SQL ("every value whose period lies within 2023").
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    ESTIMATE = "estimate", _("Ước tính")
    OFFICIAL = "official", _("Chính thức")


class Channel(models.TextChoices):
    FORM = "form", _("Biểu nhập liệu")
    IMPORT = "import", _("Nhập tệp")
    API = "api", _("API")
    CLI = "cli", _("Dòng lệnh")
    REGISTER = "register", _("Sổ theo dõi")
    DEMO = "demo", _("Dữ liệu mẫu")


class DataValue(models.Model):
    # No single-column indexes on indicator and orgunit: the key constraint and the indexes
    # below start with them, and every extra index slows the bulk import. References are
    # checked by the services and on_delete by the ORM, not by database constraints
    # (docs/architecture.md, "Storage"); the same holds for DataValueAudit.
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    option_combo = models.ForeignKey(
        "indicators.CategoryOptionCombo",
        on_delete=models.PROTECT,
        db_constraint=False,
        # Not indexed: only deleting an option combo looks values up by it (and is refused).
        db_index=False,
    )
    orgunit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    period = models.CharField(max_length=16)
    period_type = models.CharField(max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=28, decimal_places=6, null=True, blank=True)
    text_value = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OFFICIAL)
    comment = models.TextField(blank=True)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        # Not indexed: nothing reads values by author, only deleting a user looks them up.
        db_index=False,
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    deleted = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "option_combo", "orgunit", "period"],
                name="datavalue_key_unique",
            ),
        ]
        # Reads by unit (and period) use the covering analytics index of migration 0002,
        # which starts with the unit.
        indexes = [
            models.Index(fields=["indicator", "period_start", "period_end"]),
        ]

    def __str__(self) -> str:
        # Ids only: admin lists and logs must not query per row.
        return f"{self.indicator_id}/{self.option_combo_id}/{self.orgunit_id}/{self.period}"


class DataValueAudit(models.Model):
    """Append-only: one row per create, update or delete of a value."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xóa")

    datavalue = models.ForeignKey(
        DataValue, on_delete=models.PROTECT, related_name="audits", db_constraint=False
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    old_status = models.CharField(max_length=8, blank=True)
    new_status = models.CharField(max_length=8, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} #{self.datavalue_id}: {self.old_value} → {self.new_value}"


class Target(models.Model):
    """A planned figure (chỉ tiêu giao) for (indicator, option combo or total, unit, period),
    with the plan document it comes from (e.g. Kế hoạch số 42/KH-UBND ngày 10/02/2023)."""

    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT)
    option_combo = models.ForeignKey(
        "indicators.CategoryOptionCombo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Để trống: chỉ tiêu cho tổng các phân tổ"),
    )
    orgunit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT)
    period = models.CharField(max_length=16)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=28, decimal_places=6)
    document = models.CharField(max_length=255, blank=True)
    document_kind = models.CharField(max_length=8, blank=True)
    document_number = models.CharField(max_length=64, blank=True)  # the symbol: 42/KH-UBND
    document_date = models.DateField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "option_combo", "orgunit", "period"],
                condition=models.Q(option_combo__isnull=False),
                name="target_key_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "orgunit", "period"],
                condition=models.Q(option_combo__isnull=True),
                name="target_total_key_unique",
            ),
        ]

    def __str__(self) -> str:
        combo = self.option_combo_id if self.option_combo_id is not None else "total"
        return f"{self.indicator_id}/{combo}/{self.orgunit_id}/{self.period}: {self.value}"


class SubtreeTotal(models.Model):
    """The live numeric values stored strictly below ``unit`` for one indicator, option combo
    and period: their sum, number and number of estimates (``chiso.datavalues.totals`` keeps
    them current; analytics reads them). Foreign keys without database constraints: rows are
    written only by the totals code, from values whose references are checked."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    option_combo = models.ForeignKey(
        "indicators.CategoryOptionCombo",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    period = models.CharField(max_length=16)
    period_type = models.CharField(max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    total = models.DecimalField(max_digits=34, decimal_places=6)
    count = models.IntegerField()
    estimates = models.IntegerField()

    class Meta:
        constraints = [
            # Also the index analytics reads by: (unit, indicator, period_start range).
            models.UniqueConstraint(
                fields=["unit", "indicator", "period_start", "period", "option_combo"],
                name="subtreetotal_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.indicator_id}/{self.option_combo_id}/{self.period}"
