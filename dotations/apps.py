from django.apps import AppConfig


class DotationsConfig(AppConfig):
    name = "dotations"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
