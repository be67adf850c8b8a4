from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("Gestionnaire de structure")
    ARS_AGENT = "ars_agent", _("Agent ARS")
    CNAM_AGENT = "cnam_agent", _("Agent CNAM")
