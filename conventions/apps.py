from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"

    def ready(self):
        from . import eligibility

        eligibility.connect()
