"""Response headers every page gets; database faults answered with a clear 503."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.common.faults import Fault, database_fault, fault_message


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy of ``settings.CHISO_CSP`` to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The interactive API docs page loads its own inline bootstrap script.
        if not request.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", settings.CHISO_CSP)
        return response


class DatabaseFaultMiddleware:
    """A read-only database, a full disk or an unreachable database answers 503 with a clear
    message (JSON under ``/api/``) instead of a server error; nothing was written, since every
    write is a transaction. Other exceptions pass on unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        fault = database_fault(exception)
        if fault is None:
            return None
        message = fault_message(fault)
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": message, "code": f"database.{fault}"},
                status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            title = _("Không thực hiện được yêu cầu")
            response = HttpResponse(
                f'<!doctype html><html lang="{escape(get_language() or "vi")}"><head>'
                f'<meta charset="utf-8"><title>{escape(title)} – chiso</title></head>'
                f"<body><main><h1>{escape(title)}</h1><p>{escape(message)}</p>"
                f'<p><a href="/">{escape(_("Về trang chủ"))}</a></p></main></body></html>',
                status=503,
            )
        if fault in (Fault.BUSY, Fault.UNAVAILABLE):
            response["Retry-After"] = "30"
        return response
