from django.apps import AppConfig


class OrgUnitsConfig(AppConfig):
    """Administrative units over time: one row per unit version (code, name, type, tier, parent,
    materialized path, validity), successions between versions (the 1 July 2025 reform), loading
    the official lists and user hamlet files, and the selectors every scope check builds on."""

    name = "chiso.orgunits"
    label = "orgunits"
    verbose_name = "Đơn vị hành chính"
