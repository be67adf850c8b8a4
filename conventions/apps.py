from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"

    def ready(self):
        from . import eligibility
        from .threads import register_threads

        eligibility.connect()
        register_threads()
