from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "secpa_portal.reference"
    label = "reference"
    verbose_name = "Données de référence"
