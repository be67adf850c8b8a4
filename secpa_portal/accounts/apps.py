from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "secpa_portal.accounts"
    label = "accounts"
    verbose_name = "Comptes"

    def ready(self):
        from . import twofactor  # noqa: F401  (connects the login signal)
