from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API under /api (django-ninja; OpenAPI at /api/docs). Routers are thin: parse,
    call selectors/services, map core errors and scope refusals to responses."""

    name = "chiso.api"
    label = "api"
