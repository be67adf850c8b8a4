from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "structures"

    def ready(self):
        from .threads import register_threads

        register_threads()
