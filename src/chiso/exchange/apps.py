from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Data exchange: reading and writing data values as DHIS2 ``dataValueSets`` JSON, DHIS2 CSV,
    ADX XML and the XLSX entry template that communes fill offline. It owns the parsers (files
    to ``ValueInput`` rows with per-row conflicts), the exporters (streamed, scoped through the
    access choke-point) and ``import_file``, which combines parse and validation conflicts into
    the DHIS2-style import summary and writes through ``chiso.datavalues`` all or nothing.
    Owns no models."""

    name = "chiso.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu"
