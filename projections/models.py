"""A projection scenario and its hypothetical new structures (issue 13 §1).

The assumptions are stored as typed; ``results`` holds what the last computation gave (decimals as strings),
so the detail, comparison, export and note read one row, whatever the population.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dotations.models import Campaign
from structures.enums import StructureKind, TerritoryType

from .enums import Profile

HORIZON_MAX = 5
HORIZON_MESSAGE = _("L'horizon va de 1 à 5 ans.")
PERCENT = {"max_digits": 5, "decimal_places": 2}
MAX_NEW_PER_GROUP = 500


class ScenarioQuerySet(models.QuerySet):
    def visible_to(self, user):
        """National: CNAM agents (who write them) and the national steering (who reads them); nobody else."""
        if user.is_authenticated and (user.is_superuser or user.sees_national):
            return self
        return self.none()


class Scenario(models.Model):
    name = models.CharField(_("nom du scénario"), max_length=200)
    first_year = models.PositiveSmallIntegerField(
        _("première année"), validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    horizon = models.PositiveSmallIntegerField(
        _("horizon (années)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(HORIZON_MAX)]
    )
    include_conventioned = models.BooleanField(
        _("structures sous convention (derniers chiffres connus)"), default=True
    )
    include_eligible = models.BooleanField(_("structures éligibles sans convention"), default=False)
    include_in_review = models.BooleanField(_("dossiers en instruction"), default=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("barème de la campagne"), on_delete=models.PROTECT, related_name="scenarios"
    )
    indexation = models.DecimalField(
        _("indexation annuelle du barème (%)"),
        **PERCENT,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
    )
    ramp_up = models.DecimalField(
        _("montée en charge des nouvelles structures : part financée la première année (%)"),
        **PERCENT,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    attrition = models.DecimalField(
        _("attrition : part des structures qui cessent chaque année (%)"),
        **PERCENT,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
    )
    spending = models.DecimalField(
        _("dépenses de l'assurance maladie (€)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    spending_source = models.CharField(_("source du montant des dépenses"), max_length=300)
    notes = models.TextField(_("hypothèses et commentaires"), blank=True)
    results = models.JSONField(default=dict, blank=True, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = _("scénario de projection")
        verbose_name_plural = _("scénarios de projection")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(horizon__gte=1, horizon__lte=HORIZON_MAX), name="scenario_horizon_1_5"),
            models.CheckConstraint(
                condition=Q(ramp_up__gte=0, ramp_up__lte=100, attrition__gte=0, attrition__lt=100, indexation__gte=0),
                name="scenario_rates_in_range",
            ),
            models.CheckConstraint(condition=Q(spending__gt=0), name="scenario_spending_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.horizon))

    @property
    def last_year(self) -> int:
        return self.first_year + self.horizon - 1


class NewStructureGroup(models.Model):
    """``count`` hypothetical structures of one region and territory type, sharing one profile."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="groups")
    order = models.PositiveSmallIntegerField(default=0)
    region = models.ForeignKey("reference.Region", verbose_name=_("région"), on_delete=models.PROTECT)
    territory_type = models.CharField(_("territoire"), max_length=10, choices=TerritoryType.choices)
    kind = models.CharField(_("type de structure"), max_length=3, choices=StructureKind.choices, blank=True)
    count = models.PositiveSmallIntegerField(
        _("nombre de structures"), validators=[MinValueValidator(1), MaxValueValidator(MAX_NEW_PER_GROUP)]
    )
    profile = models.CharField(_("profil"), max_length=8, choices=Profile.choices, default=Profile.MEDIAN)
    # Structures that exist but are not registered in the portal yet: already open, so no ramp-up.
    already_open = models.BooleanField(
        _("structures déjà ouvertes, hors portail (sans montée en charge)"), default=False
    )
    fte = models.JSONField(_("ETP par catégorie"), default=dict, blank=True)
    file_active = models.PositiveIntegerField(_("file active"), null=True, blank=True)
    precarity_share = models.DecimalField(
        _("part C2S + AME (%)"),
        **PERCENT,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("groupe de nouvelles structures")
        verbose_name_plural = _("groupes de nouvelles structures")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="new_group_count_positive"),
        ]

    def __str__(self):
        return f"{self.count} × {self.get_territory_type_display()} ({self.region_id})"
