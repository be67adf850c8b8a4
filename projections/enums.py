from django.db import models
from django.utils.translation import gettext_lazy as _


class Population(models.TextChoices):
    """Who a scenario funds: the first three are read from the structures' files, the last one is typed."""

    CONVENTIONED = "conventioned", _("Structures sous convention")
    ELIGIBLE = "eligible", _("Structures éligibles sans convention")
    IN_REVIEW = "in_review", _("Dossiers en instruction")
    OUTSIDE = "outside", _("Structures existantes hors portail (hypothèse)")
    NEW = "new", _("Nouvelles structures (hypothèse)")


class Profile(models.TextChoices):
    MEDIAN = "median", _("Profil médian des structures existantes de ce type et de ce territoire")
    TYPED = "typed", _("Profil saisi (ETP, file active, part de précarité)")
