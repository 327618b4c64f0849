from django.apps import AppConfig


class DataValuesConfig(AppConfig):
    """Data values and targets (kế hoạch, chỉ tiêu giao) with their append-only audit; the
    services that write them enforce value types, capture scope, unit validity in the period and
    optimistic concurrency."""

    name = "chiso.datavalues"
    label = "datavalues"
    verbose_name = "Số liệu"
