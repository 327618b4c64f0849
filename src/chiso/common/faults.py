"""Faults of the machine rather than of the input: a read-only database, a full disk, a database
that cannot be reached or is busy. The edges (web middleware, the ``chiso`` command) turn them
into a clear Vietnamese message instead of a traceback; every write is a transaction, so such a
fault never leaves anything half-written.
"""

from __future__ import annotations

import errno
from enum import StrEnum

from django.utils.translation import gettext as _


class Fault(StrEnum):
    READ_ONLY = "read_only"
    DISK_FULL = "disk_full"
    BUSY = "busy"
    UNAVAILABLE = "unavailable"


# SQLite result codes (``sqlite3.Error.sqlite_errorcode``, primary code in the low byte).
_SQLITE = {8: Fault.READ_ONLY, 13: Fault.DISK_FULL, 5: Fault.BUSY, 6: Fault.BUSY}
# PostgreSQL SQLSTATEs (``psycopg.Error.sqlstate``).
_SQLSTATE = {
    "25006": Fault.READ_ONLY,  # read_only_sql_transaction
    "53100": Fault.DISK_FULL,  # disk_full
    "53000": Fault.DISK_FULL,  # insufficient_resources
    "57P03": Fault.UNAVAILABLE,  # cannot_connect_now
    "55P03": Fault.BUSY,  # lock_not_available
}
_ERRNO = {
    errno.EROFS: Fault.READ_ONLY,
    errno.ENOSPC: Fault.DISK_FULL,
    errno.EDQUOT: Fault.DISK_FULL,
}
# Message fragments, for drivers that only say it in words.
_TEXT = (
    ("readonly database", Fault.READ_ONLY),
    ("read-only", Fault.READ_ONLY),
    ("read only", Fault.READ_ONLY),
    ("database or disk is full", Fault.DISK_FULL),
    ("no space left on device", Fault.DISK_FULL),
    ("disk full", Fault.DISK_FULL),
    ("could not extend file", Fault.DISK_FULL),
    ("database is locked", Fault.BUSY),
    ("unable to open database file", Fault.UNAVAILABLE),
    ("connection refused", Fault.UNAVAILABLE),
    ("could not connect", Fault.UNAVAILABLE),
    ("connection failed", Fault.UNAVAILABLE),
    ("server closed the connection", Fault.UNAVAILABLE),
    ("the database system is", Fault.UNAVAILABLE),  # ... starting up / shutting down
)


def _is_database_error(exc: BaseException) -> bool:
    from django.db import DatabaseError, InterfaceError

    if isinstance(exc, DatabaseError | InterfaceError | OSError):
        return True
    module = type(exc).__module__ or ""
    return module.startswith(("sqlite3", "psycopg", "psycopg2"))


def _classify_one(exc: BaseException) -> Fault | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _SQLITE:
        return _SQLITE[code & 0xFF]
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if isinstance(state, str):
        if state in _SQLSTATE:
            return _SQLSTATE[state]
        if state.startswith("08"):  # connection_exception
            return Fault.UNAVAILABLE
    if isinstance(exc, OSError) and exc.errno in _ERRNO:
        return _ERRNO[exc.errno]
    text = str(exc).lower()
    for fragment, fault in _TEXT:
        if fragment in text:
            return fault
    return None


def database_fault(exc: BaseException) -> Fault | None:
    """The fault behind ``exc`` (a database or OS error, or one caused by one), else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_database_error(current):
            fault = _classify_one(current)
            if fault is not None:
                return fault
        current = current.__cause__ or current.__context__
    return None


def fault_message(fault: Fault) -> str:
    """What to tell the user, in the active language."""
    if fault is Fault.READ_ONLY:
        return _(
            "Cơ sở dữ liệu đang ở chế độ chỉ đọc nên không ghi được. Không có thay đổi nào được"
            " lưu; hãy báo quản trị hệ thống."
        )
    if fault is Fault.DISK_FULL:
        return _(
            "Ổ đĩa của máy chủ đã đầy nên không ghi được dữ liệu. Không có thay đổi nào được"
            " lưu; hãy báo quản trị hệ thống giải phóng dung lượng."
        )
    if fault is Fault.BUSY:
        return _("Cơ sở dữ liệu đang bận. Không có thay đổi nào được lưu; hãy thử lại sau ít giây.")
    return _(
        "Không kết nối được cơ sở dữ liệu. Hãy thử lại sau ít phút hoặc báo quản trị hệ thống."
    )
