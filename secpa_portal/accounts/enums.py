from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MANAGER = "manager", _("Gestionnaire de structure")
    ARS_AGENT = "ars_agent", _("Agent ARS")
    CNAM_AGENT = "cnam_agent", _("Agent CNAM")
    # The Haute Autorité de santé, invited to give its opinion on each year's draft barème (issue 13 §3).
    HAS_AGENT = "has_agent", _("Agent HAS")
    PILOTAGE = "pilotage", _("Pilotage national (ministère)")
