from django.apps import AppConfig


class ProjectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projections"
    verbose_name = "Projections budgétaires"
