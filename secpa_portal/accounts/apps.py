from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "secpa_portal.accounts"
    label = "accounts"
    verbose_name = "Comptes"
