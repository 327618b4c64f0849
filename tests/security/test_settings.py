"""Production settings (Secure cookies, HSTS), the Content-Security-Policy and the password
rules. Login throttling is tested in ``tests/web/test_login.py``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

PRODUCTION_ENV = {
    "CHISO_ENV": "production",
    "SECRET_KEY": "khoa-bi-mat-chi-dung-de-kiem-thu-" + "x" * 40,
    "ALLOWED_HOSTS": "chiso.example.vn,testserver",
    "DATABASE_URL": "postgres://chiso:mat-khau@db.invalid:5432/chiso",
}
PROBE = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.config.settings"
import django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/api/me", secure=True)
plain = Client().get("/api/me")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "status": response.status_code,
    "hsts": response.headers.get("Strict-Transport-Security"),
    "csp": response.headers.get("Content-Security-Policy"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
}))
"""


def _run_production(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_profile_turns_on_secure_cookies_and_hsts(tmp_path):
    result = _run_production({"CHISO_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["DEBUG"] is False
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_HTTPONLY"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 31536000
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["ENGINE"] == "django.db.backends.postgresql"
    # Over HTTPS: HSTS and the CSP on the answer (401: the API wants a login).
    assert found["status"] == 401
    assert found["hsts"].startswith("max-age=31536000")
    assert "default-src 'self'" in found["csp"]
    # Over plain HTTP: sent to HTTPS.
    assert found["plain_status"] == 301
    assert found["plain_location"] == "https://testserver/api/me"


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_profile_refuses_to_start_without_its_secrets(missing, tmp_path):
    result = _run_production({"CHISO_HOME": str(tmp_path), missing: None})
    assert result.returncode != 0
    assert f"{missing} must be set in the production profile" in result.stderr


def test_local_profile_cookies_are_not_secure_but_httponly(settings):
    assert settings.SESSION_COOKIE_SECURE is False  # plain http on 127.0.0.1
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.DEBUG is False


@pytest.mark.parametrize("path", ["/login/", "/api/openapi.json"])
def test_content_security_policy_on_public_answers(db, path):
    response = Client().get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_content_security_policy_on_pages_of_a_logged_in_user(make_user):
    client = Client()
    client.force_login(make_user("xa_an"))
    for path in ("/", "/indicators/", "/units/", "/entry/", "/check/", "/data/upload/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "default-src 'self'" in response["Content-Security-Policy"], path


@pytest.mark.parametrize(
    "password",
    [
        "ngan-qua",  # too short (fewer than 10 characters)
        "password123",  # common
        "1234567890",  # common and numeric
        "84903123456789",  # entirely numeric
        "qwertyuiop",  # common
        "canbo_xa_an",  # too much like the username
    ],
)
def test_password_rules_refuse_weak_passwords(make_user, password):
    user = make_user("canbo_xa_an")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


def test_password_rules_accept_a_long_uncommon_password(make_user):
    user = make_user("canbo_xa_an")
    validate_password("Dân vận khéo 2025 ở Lộc Ninh", user=user)
