from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    """The indicator catalog: indicators, disaggregation categories, options and option combos,
    indicator groups; the seeded catalog and its JSON import/export."""

    name = "chiso.indicators"
    label = "indicators"
    verbose_name = "Chỉ tiêu"
