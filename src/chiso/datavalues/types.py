"""The data types the data-value services take and return, and their error codes.

The exchange layer (DHIS2 JSON/CSV, ADX, XLSX) parses files into ``ValueInput`` rows and hands
them to ``services.datavalue_bulk_upsert``, which answers with a ``BulkResult``. These names and
fields are a contract: add optional fields at the end, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext_lazy

from chiso.core.errors import ChisoError, gettext_noop, register_messages

if TYPE_CHECKING:
    from chiso.datavalues.models import DataValue

__all__ = [
    "ERROR",
    "PROPERTY_COMMENT",
    "PROPERTY_INDICATOR",
    "PROPERTY_OPTION_COMBO",
    "PROPERTY_ORGUNIT",
    "PROPERTY_PERIOD",
    "PROPERTY_STATUS",
    "PROPERTY_VALUE",
    "SUCCESS",
    "WARNING",
    "BulkResult",
    "Conflict",
    "Outcome",
    "StaleEdit",
    "UpsertResult",
    "ValueInput",
]

register_messages(
    {
        "datavalue.unknown_indicator": gettext_noop("Không có chỉ tiêu mã '%(indicator)s'"),
        "datavalue.option_combo": gettext_noop(
            "Chỉ tiêu '%(indicator)s' không có phân tổ mã '%(option_combo)s'"
        ),
        "datavalue.unknown_unit": gettext_noop(
            "Không tìm thấy đơn vị mã '%(unit_code)s' có hiệu lực ngày %(date)s, hoặc bạn không có"
            " quyền nhập số liệu cho đơn vị này"
        ),
        "datavalue.period_type": gettext_noop(
            "Chỉ tiêu '%(indicator)s' nhập số liệu theo kỳ %(expected)s, không nhận số liệu"
            " kỳ %(given)s (%(period)s)"
        ),
        "datavalue.unit_valid_from_to": gettext_noop(
            "Đơn vị %(unit)s (mã %(unit_code)s) chỉ có hiệu lực từ %(valid_from)s đến %(valid_to)s,"
            " không nhận số liệu cả %(period)s"
        ),
        "datavalue.unit_valid_from": gettext_noop(
            "Đơn vị %(unit)s (mã %(unit_code)s) chỉ có hiệu lực từ %(valid_from)s, không nhận số"
            " liệu cả %(period)s"
        ),
        "datavalue.unit_valid_to": gettext_noop(
            "Đơn vị %(unit)s (mã %(unit_code)s) chỉ có hiệu lực đến %(valid_to)s, không nhận số"
            " liệu cả %(period)s"
        ),
        "datavalue.not_number": gettext_noop(
            "'%(text)s' không phải là số (viết dạng 1234.5: không phân cách hàng nghìn, dấu '.'"
            " trước phần thập phân)"
        ),
        "datavalue.not_integer": gettext_noop("'%(text)s' phải là số nguyên"),
        "datavalue.negative_percentage": gettext_noop("'%(text)s': tỷ lệ phần trăm không được âm"),
        "datavalue.not_money": gettext_noop(
            "'%(text)s' không phải số tiền hợp lệ: phải là số đồng nguyên, không âm"
        ),
        "datavalue.not_boolean": gettext_noop(
            "'%(text)s' không phải giá trị có/không hợp lệ (có/không, true/false hoặc 1/0)"
        ),
        "datavalue.too_many_decimals": gettext_noop("'%(text)s' có quá %(max)s chữ số thập phân"),
        "datavalue.too_many_digits": gettext_noop("'%(text)s' có quá %(max)s chữ số có nghĩa"),
        "datavalue.bad_status": gettext_noop(
            "'%(text)s' không phải trạng thái số liệu hợp lệ (ước tính hoặc chính thức)"
        ),
        "datavalue.duplicate": gettext_noop(
            "Trùng với số liệu ở mục %(first)s (cùng chỉ tiêu, phân tổ, đơn vị và kỳ)"
        ),
        "datavalue.concurrent_import": gettext_noop(
            "Một số số liệu trong tệp vừa được người khác nhập cùng lúc; chưa ghi gì, hãy nhập"
            " lại tệp"
        ),
        "datavalue.stale": gettext_noop(
            "Số liệu này đã được %(user)s sửa lúc %(at)s; hãy tải lại để xem số liệu mới"
            " rồi nhập lại"
        ),
        "target.not_numeric": gettext_noop(
            "Chỉ tiêu '%(indicator)s' có kiểu giá trị %(type)s, không giao chỉ tiêu kế hoạch được"
        ),
        "target.period_type": gettext_noop(
            "Chỉ tiêu '%(indicator)s' nhập số liệu theo kỳ %(expected)s: chỉ tiêu kế hoạch"
            " phải giao theo kỳ %(expected)s hoặc kỳ dài hơn, không theo kỳ %(given)s"
            " (%(period)s)"
        ),
    }
)

PERIOD_NOUNS = {
    "year": gettext_lazy("năm"),
    "half": gettext_lazy("6 tháng"),
    "quarter": gettext_lazy("quý"),
    "month": gettext_lazy("tháng"),
    "week": gettext_lazy("tuần"),
    "day": gettext_lazy("ngày"),
}
"""Period kinds as they read inside a sentence ("theo kỳ tháng"), translated when rendered."""

SOMEONE_ELSE = gettext_lazy("người khác")
"""Who changed a value when its author is no longer known."""

# Import statuses, as in a DHIS2 import summary.
SUCCESS = "SUCCESS"
WARNING = "WARNING"
ERROR = "ERROR"

# ``Conflict.property`` values: the DHIS2 dataValueSets field a conflict is about.
PROPERTY_INDICATOR = "dataElement"
PROPERTY_OPTION_COMBO = "categoryOptionCombo"
PROPERTY_ORGUNIT = "orgUnit"
PROPERTY_PERIOD = "period"
PROPERTY_VALUE = "value"
PROPERTY_STATUS = "status"
PROPERTY_COMMENT = "comment"

Outcome = Literal["created", "updated", "ignored", "deleted"]


class StaleEdit(ChisoError):
    """The value changed since the editor loaded it (optimistic concurrency).

    ``datavalue`` is the current row, so a form can show what is stored now.
    """

    def __init__(self, *, user: str, at: str, version: int, datavalue: DataValue | None = None):
        self.datavalue = datavalue
        super().__init__("datavalue.stale", user=user, at=at, version=version)


@dataclass(frozen=True)
class UpsertResult:
    """What ``datavalue_upsert``/``datavalue_delete`` did. ``datavalue`` is None only when a
    delete found nothing to delete (outcome ``ignored``)."""

    datavalue: DataValue | None
    outcome: Outcome


@dataclass(frozen=True)
class ValueInput:
    """One value of an import, identified by codes.

    ``index``: the position the exchange layer reports conflicts against (row number, item
    number). ``option_combo_code`` None, '' or DHIS2's "default" means ``DEFAULT``. ``value``
    is in machine format ("1234.5", "true") unless ``locale_format`` (Vietnamese "1.234,5",
    "có"); an empty value deletes, like ``delete=True`` (DHIS2 semantics). ``status`` None
    keeps the stored status (new values are official); otherwise "official"/"estimate" (or
    the Vietnamese "chính thức"/"ước tính"/"ước"). ``comment`` replaces the stored comment.
    """

    index: int
    indicator_code: str
    option_combo_code: str | None
    orgunit_code: str
    period_id: str
    value: str
    status: str | None = None
    comment: str = ""
    delete: bool = False
    locale_format: bool = False


@dataclass(frozen=True)
class Conflict:
    """A row that was not imported.

    ``object``: the identifier the problem is about (an indicator, option combo, unit code, a
    period id; the indicator code for a bad value); ``property``: which field (one of the
    ``PROPERTY_*`` DHIS2 names); ``value``: the offending text as given; ``message``: the
    explanation in the active language; ``code``: the error code behind it.
    """

    index: int
    object: str
    property: str
    value: str
    message: str
    code: str = ""


@dataclass
class BulkResult:
    """What an import did (or, for a dry run, would do).

    ``status``: ``SUCCESS``; ``WARNING`` when some rows were refused and the rest written
    (partial import); ``ERROR`` when rows were refused and nothing was written (atomic). Counts
    always add up to the number of rows: refused rows count as ignored, and an ``ERROR``
    result counts every row as ignored.
    """

    status: str
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def import_count(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "ignored": self.ignored,
            "deleted": self.deleted,
        }

    def summary(self) -> dict:
        """A DHIS2-style import summary; conflicts with the same object, property and message
        are merged, listing their indexes. (As in DHIS2, a conflict's ``value`` is the
        message.)"""
        grouped: dict[tuple[str, str, str, str], list[int]] = {}
        for conflict in self.conflicts:
            key = (conflict.object, conflict.property, conflict.message, conflict.code)
            grouped.setdefault(key, []).append(conflict.index)
        return {
            "status": self.status,
            "dryRun": self.dry_run,
            "importCount": self.import_count,
            "conflicts": [
                {
                    "object": obj,
                    "property": prop,
                    "value": message,
                    "errorCode": code,
                    "indexes": indexes,
                }
                for (obj, prop, message, code), indexes in grouped.items()
            ],
        }
