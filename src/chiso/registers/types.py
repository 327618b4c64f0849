"""Inputs the register services take, and the register's error messages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chiso.core.errors import gettext_noop, register_messages

register_messages(
    {
        "registers.not_hamlet": gettext_noop(
            "%(name)s không phải thôn, ấp, khu phố: hộ gia đình phải thuộc một đơn vị cấp thôn"
        ),
        "registers.head_missing": gettext_noop("Thiếu họ tên chủ hộ"),
        "registers.name_missing": gettext_noop("Thiếu họ tên thành viên"),
        "registers.name_too_long": gettext_noop("Họ tên '%(name)s' dài quá 150 ký tự"),
        "registers.birth_year": gettext_noop(
            "Năm sinh '%(value)s' không hợp lệ (phải từ 1900 đến %(max)s)"
        ),
        "registers.citizen_id_taken": gettext_noop(
            "Số định danh cá nhân %(masked)s đã có trong sổ: %(where)s"
        ),
        "registers.citizen_id_elsewhere": gettext_noop("ở một đơn vị ngoài phạm vi của bạn"),
        "registers.code_taken": gettext_noop("Mã hộ '%(household_code)s' đã có trong sổ"),
        "registers.size": gettext_noop("Số nhân khẩu '%(value)s' không hợp lệ"),
        "registers.class_overlap": gettext_noop(
            "Hộ %(household)s đã thuộc diện %(kind)s từ %(since)s; không ghi thêm lần nữa"
        ),
        "registers.class_dates": gettext_noop(
            "Ngày kết thúc %(valid_to)s trước ngày bắt đầu %(valid_from)s"
        ),
        "registers.class_conflict": gettext_noop(
            "Hộ %(household)s đang thuộc diện %(other)s từ %(since)s, không thể đồng thời là"
            " %(kind)s từ ngày sớm hơn hoặc cùng ngày"
        ),
        "registers.move_same": gettext_noop("Hộ %(household)s đang ở %(hamlet)s"),
        "registers.move_date": gettext_noop(
            "Ngày chuyển %(date)s phải sau ngày hộ %(household)s đến nơi ở hiện tại (%(since)s)"
        ),
        "registers.programme_dates": gettext_noop(
            "Chương trình kết thúc (%(end)s) trước khi bắt đầu (%(start)s)"
        ),
        "registers.programme_no_items": gettext_noop("Chương trình phải có ít nhất một mục hỗ trợ"),
        "registers.programme_name": gettext_noop("Thiếu tên chương trình"),
        "registers.item_class": gettext_noop(
            "Mục '%(item)s' dành cho diện %(kind)s, không thuộc các diện của chương trình"
        ),
        "registers.item_value": gettext_noop("Mục '%(item)s': số lượng và đơn giá không được âm"),
        "registers.distribution_date": gettext_noop(
            "Ngày %(date)s nằm ngoài thời gian của chương trình %(programme)s (%(start)s – %(end)s)"
        ),
        "registers.distribution_area": gettext_noop(
            "Hộ %(household)s không thuộc địa bàn của chương trình %(programme)s (%(unit)s)"
        ),
        "registers.not_eligible": gettext_noop(
            "Hộ %(household)s không thuộc diện được hỗ trợ của chương trình %(programme)s"
            " (%(classes)s) vào ngày %(date)s"
        ),
        "registers.not_item_class": gettext_noop(
            "Hộ %(household)s không thuộc diện %(kind)s vào ngày %(date)s, không nhận được"
            " '%(item)s'"
        ),
        "registers.already_received": gettext_noop(
            "Hộ %(household)s đã nhận hỗ trợ của chương trình %(programme)s ngày %(date)s"
            " (%(item)s); mỗi hộ chỉ nhận một lần trong một chương trình"
        ),
        "registers.quantity": gettext_noop("Số lượng '%(value)s' phải lớn hơn 0"),
        "registers.member_of_other": gettext_noop(
            "%(name)s không phải thành viên của hộ %(household)s"
        ),
        "registers.item_of_other": gettext_noop(
            "Mục '%(item)s' không thuộc chương trình %(programme)s"
        ),
        "registers.export_reason": gettext_noop(
            "Hãy ghi lý do xuất danh sách (ít nhất %(min)s ký tự): danh sách có thông tin cá nhân"
        ),
        "registers.unknown_class": gettext_noop(
            "Không rõ diện '%(value)s' (dùng một trong: %(allowed)s)"
        ),
    }
)


@dataclass(frozen=True)
class MemberInput:
    """A member as given (the head is the member with ``relation="chu_ho"``)."""

    full_name: str
    birth_year: int | None = None
    sex: str = ""
    ethnicity: str = ""
    relation: str = "khac"
    citizen_id: str = ""


@dataclass(frozen=True)
class ItemInput:
    """A programme item as given."""

    name: str
    kind: str
    unit_value: Decimal = Decimal(0)
    quantity: Decimal = Decimal(1)
    per_person: bool = False
    beneficiary_class: str = ""
