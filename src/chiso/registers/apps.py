from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """Registers of households and the support they receive (sổ hộ gia đình, an sinh xã hội):
    households with their hamlet over time, members (citizen IDs masked by default),
    classifications over time (hộ nghèo per Decree 07/2021/NĐ-CP from survey inputs, hộ cận
    nghèo, bảo trợ xã hội, người có công, dân tộc thiểu số), support programmes and their
    distributions (once per household per programme), signing sheets, Excel imports of
    beneficiary lists with duplicate detection, the log of personal-list exports, and the
    register totals written into the indicator values (channel ``register``)."""

    name = "chiso.registers"
    label = "registers"
    verbose_name = "Sổ hộ gia đình"
