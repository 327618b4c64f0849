from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared Django-side helpers: rendering core errors through gettext, security headers,
    Vietnamese template filters. Owns no models."""

    name = "chiso.common"
    label = "common"
