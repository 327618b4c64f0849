"""Response headers every page gets."""

from django.conf import settings


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
