from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, roles (groups), capture and view scopes over org units, API tokens, and the one
    access choke-point (``chiso.accounts.access``) every unit-scoped read or write goes through."""

    name = "chiso.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
