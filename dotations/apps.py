from django.apps import AppConfig


class DotationsConfig(AppConfig):
    name = "dotations"
