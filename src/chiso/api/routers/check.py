"""``POST /api/check``: check a report's arithmetic (and, with a unit and period, its figures
against chiso's data).

Body: JSON ``{"text": "...", "unit": "70", "period": "2023"}`` (``unit`` and ``period``
optional, together), or ``multipart/form-data`` with the report in ``file`` (.txt, .html,
.docx) and optional ``unit``/``period`` fields. Answer: exactly the checker's JSON
``{"claims": [{start, end, text, kind, value, unit}], "findings": [{severity, kind, start,
end, stated, computed, message}]}``, offsets into the text as sent (for a file: into the text
read from it), messages in the request's language. 400 for unusable input, 413 when the file
or text is over the limit, 404 for a unit that does not exist or is outside the caller's view
scope (the same answer for both).
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from ninja import Router, Schema

from chiso.checker.services import compare_with_data, finding_message
from chiso.checker.uploads import MAX_TEXT_CHARS, report_text
from chiso.common.errors import error_message
from chiso.core.checker import check_text
from chiso.core.errors import ChisoError, gettext_noop, register_messages
from chiso.core.numbers import format_number

router = Router(tags=["check"])

register_messages(
    {
        "check.bad_body": gettext_noop(
            'Nội dung gửi lên phải là JSON {"text": "..."} (có thể kèm "unit", '
            "\"period\") hoặc multipart/form-data với tệp trong trường 'file'."
        ),
    }
)

# UTF-8 takes at most 4 bytes a character, JSON escapes at most 6 (\uXXXX) plus the envelope.
MAX_JSON_BODY = MAX_TEXT_CHARS * 6 + 64 * 1024
_TOO_LARGE = {"check.file_too_large", "check.text_too_long"}
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string"},
                        "unit": {"type": "string", "description": "org-unit code"},
                        "period": {"type": "string", "description": "period id, e.g. 2023"},
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "unit": {"type": "string"},
                        "period": {"type": "string"},
                    },
                }
            },
        },
    }
}


class ClaimOut(Schema):
    start: int
    end: int
    text: str
    kind: str
    value: str
    unit: str | None


class FindingOut(Schema):
    severity: str
    kind: str
    start: int
    end: int
    stated: str
    computed: str
    message: str


class CheckOut(Schema):
    claims: list[ClaimOut]
    findings: list[FindingOut]


def _text_too_long() -> ChisoError:
    limit = format_number(MAX_TEXT_CHARS)
    return ChisoError("check.text_too_long", length=f"> {limit}", limit=limit)


def _too_large(detail: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code}, status=413, json_dumps_params={"ensure_ascii": False}
    )


def _read(request) -> tuple[str | None, object, str, str]:
    """(text, upload, unit, period) from a JSON or multipart body."""
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        fields, files = request.POST, request.FILES
        return (
            fields.get("text"),
            files.get("file"),
            (fields.get("unit") or "").strip(),
            (fields.get("period") or "").strip(),
        )
    body = request.read(MAX_JSON_BODY + 1)
    if len(body) > MAX_JSON_BODY:
        raise _text_too_long()
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ChisoError("check.bad_body") from None
    if not isinstance(data, dict) or not isinstance(data.get("text", ""), str):
        raise ChisoError("check.bad_body")
    unit, period = data.get("unit") or "", data.get("period") or ""
    if not isinstance(unit, str) or not isinstance(period, str):
        raise ChisoError("check.bad_body")
    return data.get("text"), None, unit.strip(), period.strip()


@router.post("", response=CheckOut, openapi_extra=_BODY_DOC)
def check(request):
    """Check a report: its figures (claims) and what does not add up (findings). With
    ``unit`` and ``period``, also the figures that differ from chiso's data (kind
    ``data_mismatch``)."""
    try:
        text, upload, unit, period = _read(request)
        if bool(unit) != bool(period):
            raise ChisoError("check.unit_period")
        text = report_text(text, upload)
    except RequestDataTooBig:
        error = _text_too_long()
        return _too_large(error_message(error), error.code)
    except ChisoError as error:
        if error.code in _TOO_LARGE:
            return _too_large(error_message(error), error.code)
        raise
    result = check_text(text)
    if unit:
        result = compare_with_data(
            result, text=text, unit_code=unit, period_id=period, user=request.user
        )
    data = result.to_dict()
    for item, finding in zip(data["findings"], result.findings, strict=True):
        item["message"] = finding_message(finding)
    return data
