from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "secpa_portal.journal"
    label = "journal"
    verbose_name = "Journal"
