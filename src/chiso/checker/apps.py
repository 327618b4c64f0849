from django.apps import AppConfig


class CheckerConfig(AppConfig):
    """The report checker's Django side: comparing the figures a report states with chiso's
    data. The arithmetic checks themselves are pure Python in ``chiso.core.checker``; this app
    matches stated figures to catalog indicators (unit family + keywords of the sentence) and
    compares them with the analytics aggregates of a unit and period the user may view
    (``services.compare_with_data``). Read-only: no models, nothing written."""

    name = "chiso.checker"
    label = "checker"
    verbose_name = "Kiểm tra báo cáo"
