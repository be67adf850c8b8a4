from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ReferenceConfig(AppConfig):
    name = "secpa_portal.reference"
    label = "reference"
    verbose_name = "Données de référence"

    def ready(self):
        from . import choices
        from .models import Departement, Region

        for model in (Region, Departement):
            post_save.connect(choices.clear, sender=model, dispatch_uid=f"reference-choices-save-{model.__name__}")
            post_delete.connect(choices.clear, sender=model, dispatch_uid=f"reference-choices-delete-{model.__name__}")
        post_migrate.connect(choices.clear, dispatch_uid="reference-choices-migrate")
