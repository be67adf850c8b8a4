import os
import re
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secpa_portal.core.formats import date_fr

from .enums import (
    STATUS_BADGE,
    ActivityFigure,
    DeliveryMode,
    DocumentKind,
    Mission,
    ProfessionalCategory,
    StructureKind,
    StructureStatus,
    TerritoryType,
)
from .workflow import EDITABLE_STATES

# The fields a manager fills in, in the order of the file: what the services let them edit and what the
# review compares when a file comes back (one list, so the two cannot drift apart).
FILE_FIELDS = (
    "name",
    "kind",
    "finess_et",
    "finess_ej",
    "siret",
    "legal_form",
    "address",
    "postal_code",
    "commune_name",
    "commune_code",
    "territory_type",
    "qpv_codes",
    "territory_justification",
    "attests_tiers_payant",
    "attests_no_overbilling",
    "attests_open_to_all",
    "attests_general_medicine",
    "declared_file_active",
    "declared_patientele_mt",
    "declared_precarity_share",
    "declared_interpreting_hours",
    "declared_mediation_acts",
    "declared_psy_sessions",
    "declared_participatory_actions",
    "declared_participants",
    "other_funding_amount",
)


class StructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers see their structures; ARS agents their region's files once submitted; CNAM everything submitted."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.sees_national:
            return self.filter(submitted_at__isnull=False)
        if user.is_ars_agent:
            return self.filter(region_id=user.region_id, submitted_at__isnull=False)
        return self.filter(memberships__user=user)

    def awaiting_review(self):
        return self.filter(status=StructureStatus.SUBMITTED)

    def in_review_by(self, user):
        return self.filter(status=StructureStatus.IN_REVIEW, reviewer=user)

    def eligible(self):
        return self.filter(status=StructureStatus.ELIGIBLE)

    def with_related(self):
        return self.select_related("departement", "region", "reviewer")


class Structure(models.Model):
    name = models.CharField(_("nom de la structure"), max_length=200)
    kind = models.CharField(_("type de structure"), max_length=3, choices=StructureKind.choices, blank=True)
    finess_et = models.CharField(_("FINESS établissement"), max_length=9, blank=True)
    finess_ej = models.CharField(_("FINESS entité juridique"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    legal_form = models.CharField(_("forme juridique"), max_length=120, blank=True)

    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune_name = models.CharField(_("commune"), max_length=120, blank=True)
    commune_code = models.CharField(_("code commune INSEE"), max_length=5, blank=True)
    departement = models.ForeignKey(
        "reference.Departement", on_delete=models.PROTECT, null=True, blank=True, related_name="structures"
    )
    region = models.ForeignKey(
        "reference.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="structures"
    )
    territory_type = models.CharField(
        _("territoire desservi"), max_length=10, choices=TerritoryType.choices, blank=True
    )
    qpv_codes = models.JSONField(_("codes QPV"), default=list, blank=True)
    territory_justification = models.TextField(_("justification du territoire"), blank=True)

    attests_tiers_payant = models.BooleanField(_("tiers payant pratiqué par les médecins"), default=False)
    attests_no_overbilling = models.BooleanField(_("aucun dépassement d'honoraires"), default=False)
    attests_open_to_all = models.BooleanField(_("ouverte à toute personne"), default=False)
    attests_general_medicine = models.BooleanField(_("médecine générale comme activité principale"), default=False)

    declared_file_active = models.PositiveIntegerField(_("file active"), null=True, blank=True)
    declared_patientele_mt = models.PositiveIntegerField(_("patientèle médecin traitant"), null=True, blank=True)
    declared_precarity_share = models.DecimalField(
        _("part C2S + AME (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    declared_interpreting_hours = models.PositiveIntegerField(_("heures d'interprétariat"), null=True, blank=True)
    declared_mediation_acts = models.PositiveIntegerField(_("actes de médiation"), null=True, blank=True)
    declared_psy_sessions = models.PositiveIntegerField(_("séances de soutien psychologique"), null=True, blank=True)
    declared_participatory_actions = models.PositiveIntegerField(_("actions participatives"), null=True, blank=True)
    declared_participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    other_funding_amount = models.DecimalField(
        _("autres financements (ACI ou accord national CDS), €/an"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    status = models.CharField(
        _("statut"), max_length=20, choices=StructureStatus.choices, default=StructureStatus.DRAFT, db_index=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent instructeur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_structures",
    )
    last_decision_reason = models.TextField(_("motif de la dernière décision"), blank=True)
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True, db_index=True)
    status_changed_at = models.DateTimeField(_("statut modifié le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="created_structures"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = StructureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["finess_et"],
                condition=~Q(finess_et=""),
                name="unique_finess_et",
                violation_error_message=_("Une structure est déjà enregistrée avec ce numéro FINESS."),
            ),
            models.CheckConstraint(
                condition=Q(declared_precarity_share__isnull=True)
                | Q(declared_precarity_share__gte=0, declared_precarity_share__lte=100),
                name="structure_precarity_share_is_a_percentage",
                violation_error_message=_("La part C2S + AME doit être comprise entre 0 et 100 %."),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["commune_code"]),
            # The list's default order, (name COLLATE secpa_fr, id), is indexed on PostgreSQL by migration 0005.
        ]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        # The name as read: a save that changes it is told apart without a query (dotations.receivers copies it).
        instance.name_as_read = instance.__dict__.get("name")
        return instance

    @property
    def status_badge_class(self):
        return STATUS_BADGE.get(self.status, "")

    @property
    def is_editable(self):
        # The states from which the manager may submit the file (the transitions table says which).
        return self.status in EDITABLE_STATES

    def declared_figures(self) -> dict:
        """The activity figures declared at registration, keyed like ``ActivityFigure``."""
        return {
            ActivityFigure.FILE_ACTIVE: self.declared_file_active,
            ActivityFigure.PATIENTELE_MT: self.declared_patientele_mt,
            ActivityFigure.PRECARITY_SHARE: self.declared_precarity_share,
            ActivityFigure.INTERPRETING_HOURS: self.declared_interpreting_hours,
            ActivityFigure.MEDIATION_ACTS: self.declared_mediation_acts,
            ActivityFigure.PSY_SESSIONS: self.declared_psy_sessions,
            ActivityFigure.PARTICIPATORY_ACTIONS: self.declared_participatory_actions,
            ActivityFigure.PARTICIPANTS: self.declared_participants,
        }


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gestionnaire")
        verbose_name_plural = _("gestionnaires")
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} → {self.structure}"


class TeamLine(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="team_lines")
    category = models.CharField(_("catégorie professionnelle"), max_length=30, choices=ProfessionalCategory.choices)
    headcount = models.PositiveIntegerField(_("effectif (personnes)"), validators=[MinValueValidator(1)])
    fte = models.DecimalField(
        _("équivalent temps plein (ETP)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(999)],
    )

    class Meta:
        verbose_name = _("ligne d'équipe")
        verbose_name_plural = _("équipe")
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "category"],
                name="unique_team_category",
                violation_error_message=_("Cette catégorie professionnelle figure déjà dans l'équipe."),
            ),
            models.CheckConstraint(condition=Q(fte__gte=0), name="team_fte_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} : {self.headcount} ({self.fte} ETP)"


class MissionLine(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="mission_lines")
    mission = models.CharField(_("mission"), max_length=30, choices=Mission.choices)
    delivery_mode = models.CharField(_("mode de réalisation"), max_length=10, choices=DeliveryMode.choices)
    in_house_fte = models.DecimalField(
        _("ETP salariés consacrés"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    partner_name = models.CharField(_("partenaire"), max_length=200, blank=True)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["mission"]
        constraints = [models.UniqueConstraint(fields=["structure", "mission"], name="unique_structure_mission")]

    def __str__(self):
        return self.get_mission_display()


def document_upload_to(instance, filename):
    # A random stored name: the user's file name (kept in ``original_name``) never becomes a path.
    extension = os.path.splitext(filename)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", extension):
        extension = ""
    return f"structures/{instance.structure_id}/{instance.kind}/{uuid.uuid4().hex}{extension}"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A document is seen by whoever sees its structure."""
        return self.filter(structure__in=Structure.objects.visible_to(user))


class Document(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type de pièce"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("fichier"), upload_to=document_upload_to)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["kind", "uploaded_at"]

    def __str__(self):
        return self.original_name


class ReviewNote(models.Model):
    """A private ARS note: never shown to the structure."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note d'instruction")
        verbose_name_plural = _("notes d'instruction")
        ordering = ["-created_at"]

    def __str__(self):
        return f"Note du {date_fr(self.created_at)}"
