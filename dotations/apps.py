from django.apps import AppConfig


class DotationsConfig(AppConfig):
    name = "dotations"

    def ready(self):
        from conventions import payment_terms, terms_defaults

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .terms import balance_rules, current_campaign_defaults, locked_years
        from .threads import register_threads

        terms_defaults.register(current_campaign_defaults)
        payment_terms.register_locks(locked_years)
        payment_terms.register_balance_rules(balance_rules)
        register_threads()
