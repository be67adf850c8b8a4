from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "secpa_portal.core"
    label = "core"
    verbose_name = "Portail"

    def ready(self):
        from . import collation, text

        text.install()
        collation.install()
