"""Report text from what the web page and the API receive: pasted text or an uploaded file.

Files are read by ``chiso.core.checker.inputs.read_document`` (.txt, .html, .docx) from a
temporary copy; the messages name the file as the user sent it, never the temporary path.
Limits: ``MAX_UPLOAD_BYTES`` per file and ``MAX_TEXT_CHARS`` of text, with a Vietnamese message
saying which limit was passed.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path, PurePath

from chiso.core.checker.inputs import SUFFIXES, read_document
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.numbers import format_number

__all__ = ["MAX_TEXT_CHARS", "MAX_UPLOAD_BYTES", "report_text", "text_from_upload"]

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 500_000

register_messages(
    {
        "check.empty": gettext_noop("Hãy dán nội dung báo cáo hoặc chọn một tệp để kiểm tra."),
        "check.file_too_large": gettext_noop(
            "Tệp '%(name)s' quá lớn (%(size)s MB); chỉ nhận tệp tối đa %(limit)s MB."
        ),
        "check.text_too_long": gettext_noop(
            "Nội dung quá dài (%(length)s ký tự); chỉ kiểm tra tối đa %(limit)s ký tự mỗi lần."
        ),
        "check.unit_period": gettext_noop(
            "Để so sánh với dữ liệu, hãy nhập cả mã đơn vị và kỳ báo cáo."
        ),
    }
)


def _megabytes(size: int) -> str:
    """``6,2`` for 6.5 million bytes: megabytes (MiB), one decimal when there is one."""
    return format_number((Decimal(size) / (1024 * 1024)).quantize(Decimal("0.1")))


def text_from_upload(upload) -> str:
    """The text of an uploaded report (a Django ``UploadedFile``); ChisoError if too large or
    unreadable."""
    name = PurePath(upload.name or "").name or "tệp"
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ChisoError(
            "check.file_too_large",
            name=name,
            size=_megabytes(upload.size),
            limit=_megabytes(MAX_UPLOAD_BYTES),
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ChisoError(
            "check.unreadable",
            path=name,
            reason=f"định dạng '{suffix or name}' không được hỗ trợ (dùng .txt, .html, .docx)",
        )
    with tempfile.TemporaryDirectory(prefix="chiso-check-") as folder:
        path = Path(folder) / f"report{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            return read_document(path)
        except ChisoError as error:
            if error.code != "check.unreadable":
                raise
            raise ChisoError(
                "check.unreadable", path=name, reason=error.params.get("reason", "")
            ) from None


def report_text(text: str | None, upload=None) -> str:
    """The text to check: the uploaded file's when there is one, else ``text`` as given
    (offsets in the result index it exactly)."""
    if upload is not None:
        text = text_from_upload(upload)
    text = text or ""
    if not text.strip():
        raise ChisoError("check.empty")
    if len(text) > MAX_TEXT_CHARS:
        raise ChisoError(
            "check.text_too_long",
            length=format_number(len(text)),
            limit=format_number(MAX_TEXT_CHARS),
        )
    return text
