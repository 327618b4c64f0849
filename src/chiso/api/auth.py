"""API authentication: a per-user bearer token (scripts) or the browser session (with CSRF)."""

from ninja.security import HttpBearer, django_auth

from chiso.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), django_auth]
