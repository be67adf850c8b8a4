from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "secpa_portal.messaging"
    label = "messaging"
    verbose_name = "Messagerie des dossiers"
