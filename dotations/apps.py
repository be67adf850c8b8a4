from django.apps import AppConfig


class DotationsConfig(AppConfig):
    name = "dotations"

    def ready(self):
        from conventions import terms_defaults

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .terms import current_campaign_defaults
        from .threads import register_threads

        terms_defaults.register(current_campaign_defaults)
        register_threads()
