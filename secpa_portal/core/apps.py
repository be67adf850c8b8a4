from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "secpa_portal.core"
    label = "core"
    verbose_name = "Portail"

    def ready(self):
        from . import aggregates, collation, text  # noqa: F401  (aggregates: invalidated on every journal event)

        text.install()
        collation.install()
