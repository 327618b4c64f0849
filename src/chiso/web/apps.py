from django.apps import AppConfig


class WebConfig(AppConfig):
    """Server-rendered pages (Django templates + htmx): login, home, unit browser, forms,
    dashboard. Views are thin: parse input, call selectors/services, render."""

    name = "chiso.web"
    label = "web"
