from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Aggregates of stored values, computed in the database at query time (no analytics
    tables, no nightly job): roll-up over the unit hierarchy and over periods per indicator
    aggregation type, across the 1 July 2025 reform through successions, with targets (% of
    plan), the same period last year and shares of the parent. Read-only: no models, no
    services."""

    name = "chiso.analytics"
    label = "analytics"
    verbose_name = "Tổng hợp số liệu"
