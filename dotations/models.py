from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from conventions.models import Convention
from structures.models import Structure

from .enums import (
    CAMPAIGN_BADGE,
    CONSULTATION_BADGE,
    DOTATION_BADGE,
    FUND_SHORT,
    PAYMENT_BADGE,
    RECOVERY_BADGE,
    VERDICT_BADGE,
    BalanceRule,
    BasisChoices,
    CampaignStatus,
    ComputeState,
    ConsultationStatus,
    DotationStatus,
    Fund,
    PaymentKind,
    PaymentStatus,
    RecoveryStatus,
    Verdict,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
BASIS_SHORT = {
    "flat": _("Forfait"),
    "per_fte": _("Par ETP"),
    "per_unit": _("Par unité"),
    "per_patient": _("Par patient"),
}
FRACTION = {"max_digits": 7, "decimal_places": 6}
QUANTITY_PLACES = Decimal("0.0001")  # a line's quantity as stored (4 decimals)


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns are national: every signed-in role may read them; only CNAM edits."""
        return self if user.is_authenticated else self.none()


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    envelope = models.DecimalField(_("enveloppe nationale"), **MONEY, validators=[MinValueValidator(0)])
    advance_share = models.DecimalField(
        _("part de l'avance"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    advance_due_date = models.DateField(_("échéance de l'avance"))
    balance_due_date = models.DateField(_("échéance du solde"))
    balance_floor = models.DecimalField(
        _("plancher du solde"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    balance_rule = models.CharField(
        _("règle du solde"), max_length=8, choices=BalanceRule.choices, default=BalanceRule.FLOOR
    )
    # Payments due on or before this date are paid by the FISS, later ones by the FIR; empty: the FIR pays all.
    fiss_end_date = models.DateField(_("fin du financement par le FISS"), null=True, blank=True)
    reference_patients = models.PositiveIntegerField(_("patientèle de référence"), default=4000)
    is_demonstration = models.BooleanField(_("barème de démonstration"), default=False)
    # The uniform fit-to-envelope coefficient (1 = no reduction).
    reduction = models.DecimalField(_("coefficient d'ajustement à l'enveloppe"), **FRACTION, default=Decimal("1"))
    compute_state = models.CharField(max_length=10, choices=ComputeState.choices, default=ComputeState.IDLE)
    compute_done = models.PositiveIntegerField(default=0)
    compute_total = models.PositiveIntegerField(default=0)
    compute_error = models.TextField(blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(envelope__gte=0), name="campaign_envelope_not_negative"),
            models.CheckConstraint(condition=Q(reduction__gt=0, reduction__lte=1), name="campaign_reduction_in_0_1"),
            models.CheckConstraint(
                condition=Q(advance_share__gte=0, advance_share__lte=1, balance_floor__gte=0, balance_floor__lte=1),
                name="campaign_shares_are_fractions",
            ),
        ]

    def __str__(self):
        return f"Campagne {self.year}"

    @property
    def status_badge_class(self):
        return CAMPAIGN_BADGE.get(self.status, "")

    def clean(self):
        super().clean()
        if self.fiss_end_date is not None and self.year and self.fiss_end_date.year != self.year:
            raise ValidationError(
                {
                    "fiss_end_date": _("La fin du financement par le FISS doit tomber dans l'année %(year)s.")
                    % {"year": self.year}
                }
            )

    def fund_for(self, due_date) -> str:
        """The fund that pays a payment of this campaign due on ``due_date``: the FISS up to and including its
        end date, the FIR after it (and for the whole campaign when no FISS end date is set)."""
        if self.fiss_end_date is not None and due_date <= self.fiss_end_date:
            return Fund.FISS
        return Fund.FIR


class RegionalEnvelope(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="regional_envelopes")
    region = models.ForeignKey("reference.Region", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("enveloppe régionale"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("enveloppe régionale")
        verbose_name_plural = _("enveloppes régionales")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "region"], name="unique_regional_envelope"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="regional_envelope_not_negative"),
        ]

    def __str__(self):
        return f"{self.region} : {self.amount}"


class BaremeComponent(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="components")
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("libellé"), max_length=200)
    basis = models.CharField(_("base"), max_length=12, choices=BasisChoices.choices)
    # Professional category (per_fte) or activity figure (per_unit); empty otherwise.
    key = models.CharField(_("catégorie ou donnée d'activité"), max_length=30, blank=True)
    rate = models.DecimalField(_("taux (€)"), **MONEY)
    quantity_cap = models.DecimalField(
        _("plafond de quantité"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    amount_cap = models.DecimalField(_("plafond de montant (€)"), **MONEY, null=True, blank=True)
    modulated = models.BooleanField(_("modulation selon la précarité"), default=False)

    class Meta:
        verbose_name = _("composante du barème")
        verbose_name_plural = _("composantes du barème")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_component_code")]

    def __str__(self):
        return self.label

    @property
    def key_label(self) -> str:
        """The professional category or activity figure in words."""
        from structures.enums import ActivityFigure, ProfessionalCategory

        labels = {**dict(ProfessionalCategory.choices), **dict(ActivityFigure.choices)}
        return str(labels.get(self.key, self.key))


class PrecarityBand(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="precarity_bands")
    lower = models.DecimalField(_("à partir de (%)"), max_digits=5, decimal_places=2)
    upper = models.DecimalField(_("jusqu'à (%, exclu)"), max_digits=5, decimal_places=2, null=True, blank=True)
    coefficient = models.DecimalField(_("coefficient"), max_digits=5, decimal_places=3)

    class Meta:
        verbose_name = _("tranche de précarité")
        verbose_name_plural = _("tranches de précarité")
        ordering = ["lower"]

    def __str__(self):
        return f"{self.lower}–{self.upper or '…'} % : × {self.coefficient}"


class DotationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers: their structures' dotations once approved; ARS: their region's; CNAM: all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.sees_national:
            return self
        if user.is_ars_agent:
            return self.filter(region_id=user.region_id)
        return self.filter(structure__memberships__user=user, status=DotationStatus.APPROVED)

    def approved(self):
        return self.filter(status=DotationStatus.APPROVED)


class Dotation(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="dotations")
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="dotations")
    # Denormalised from the convention for scoping and per-region totals without joins.
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="dotations")
    region = models.ForeignKey("reference.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("statut"), max_length=10, choices=DotationStatus.choices, default=DotationStatus.COMPUTED, db_index=True
    )
    computed_total = models.DecimalField(_("montant calculé"), **MONEY)
    adjustment = models.DecimalField(_("ajustement"), **MONEY, default=Decimal("0"))
    adjustment_reason = models.TextField(_("motif de l'ajustement"), blank=True)
    total = models.DecimalField(_("montant de la dotation"), **MONEY)
    precarity_coefficient = models.DecimalField(max_digits=5, decimal_places=3, default=Decimal("1"))
    reduction = models.DecimalField(**FRACTION, default=Decimal("1"))
    # Prorating (dotations/prorata.py): the days of the campaign year the convention is in force, and the days of
    # that year (365 or 366). Empty on dotations computed before prorating: a whole year.
    days_in_force = models.PositiveSmallIntegerField(_("jours en vigueur"), null=True, blank=True)
    days_in_year = models.PositiveSmallIntegerField(_("jours de l'année"), null=True, blank=True)
    # A snapshot of what the computation used, so later changes never alter an approved dotation.
    inputs = models.JSONField(default=dict)
    inputs_source = models.CharField(_("origine des données"), max_length=200)
    # French messages of what prevented the computation (missing inputs): listed, never a silent zero.
    errors = models.JSONField(_("anomalies du calcul"), default=list, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("motif du retour"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = DotationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dotation")
        verbose_name_plural = _("dotations")
        ordering = ["structure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "convention"], name="one_dotation_per_convention_and_campaign"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="dotation_total_not_negative"),
            models.CheckConstraint(
                condition=Q(total=F("computed_total") + F("adjustment")),
                name="dotation_total_is_computed_plus_adjustment",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="dotation_four_eyes",
                violation_error_message=_(
                    "La dotation doit être approuvée par un autre agent que celui qui l'a préparée."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["campaign", "region"]),
            # An ARS agent's scope (payments, recovery orders: « dotation in the région's dotations ») read from
            # the index alone, not from 500 wide rows (issue 14: 1.1 → 0.6 ms for a page of payments).
            models.Index(fields=["region", "id"], name="dotation_region_scope"),
        ]

    def __str__(self):
        return f"Dotation {self.campaign.year} — {self.structure}"

    @property
    def status_badge_class(self):
        return DOTATION_BADGE.get(self.status, "")

    @property
    def prorata(self) -> Decimal:
        """Days in force / days in the year, exact (1 for a whole year)."""
        if not self.days_in_year or self.days_in_force == self.days_in_year:
            return Decimal(1)
        return Decimal(self.days_in_force) / Decimal(self.days_in_year)

    @property
    def is_prorated(self) -> bool:
        return bool(self.days_in_year) and self.days_in_force != self.days_in_year

    @property
    def payment_terms(self):
        """The convention's signed terms for this year (advance share and due dates): they govern its payments."""
        from .terms import payment_terms

        return payment_terms(self)


class DotationLine(models.Model):
    dotation = models.ForeignKey(Dotation, on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    basis = models.CharField(max_length=12, choices=BasisChoices.choices)
    key = models.CharField(max_length=30, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    rate = models.DecimalField(**MONEY)
    coefficient = models.DecimalField(max_digits=5, decimal_places=3)
    reduction = models.DecimalField(**FRACTION)
    capped = models.BooleanField(default=False)
    # The amount before the fit-to-envelope reduction, so that a new coefficient applies to it exactly.
    unreduced_amount = models.DecimalField(**MONEY, default=Decimal("0"))
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.label}: {self.amount}"

    @classmethod
    def from_engine(cls, dotation, lines) -> list["DotationLine"]:
        """The rows (unsaved, numbered from 1) of the engine's lines (``engine.Line``) of ``dotation``: the one
        place that maps a computed line to its row (campaign computation, recomputation, volume data set)."""
        return [
            cls(
                dotation=dotation,
                order=order,
                code=line.code,
                label=line.label,
                basis=str(line.basis),
                key=line.key,
                quantity=line.quantity.quantize(QUANTITY_PLACES),
                rate=line.rate,
                coefficient=line.coefficient,
                reduction=line.reduction,
                capped=line.capped,
                unreduced_amount=line.unreduced_amount,
                amount=line.amount,
            )
            for order, line in enumerate(lines, start=1)
        ]

    @property
    def basis_short(self) -> str:
        return BASIS_SHORT.get(self.basis, self.basis)


class DotationOpinion(models.Model):
    """The regional ARS agent's opinion on a proposed dotation."""

    dotation = models.ForeignKey(Dotation, on_delete=models.CASCADE, related_name="opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    favourable = models.BooleanField(_("avis favorable"))
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return "Favorable" if self.favourable else "Défavorable"


class PaymentQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and (user.is_superuser or user.sees_national):
            return self  # no subquery over every dotation for the national view
        return self.filter(dotation__in=Dotation.objects.visible_to(user))


class Payment(models.Model):
    dotation = models.ForeignKey(Dotation, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("nature"), max_length=10, choices=PaymentKind.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.SCHEDULED, db_index=True
    )
    # The balance's amount stays empty until that year's annual report is validated.
    amount = models.DecimalField(_("montant"), **MONEY, null=True, blank=True)
    due_date = models.DateField(_("échéance"))
    # Set from the campaign's FISS end date when the payment is scheduled (Campaign.fund_for).
    fund = models.CharField(_("fonds payeur"), max_length=5, choices=Fund.choices, default=Fund.FIR)
    # What each fund finances of the amount, in proportion to the days funded on or before the campaign's FISS end
    # date (FISS) and after it (FIR); they add up to the amount; empty while the amount is not fixed.
    fiss_amount = models.DecimalField(_("part financée par le FISS"), **MONEY, null=True, blank=True)
    fir_amount = models.DecimalField(_("part financée par le FIR"), **MONEY, null=True, blank=True)
    paid_on = models.DateField(_("versé le"), null=True, blank=True)
    reference = models.CharField(_("référence du virement"), max_length=100, blank=True)
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # The structure's name, copied so that the list sorts a due date's payments by name from one index instead of
    # joining three tables (issue 14); set at creation, kept by dotations.receivers when a structure is renamed.
    structure_name = models.CharField(max_length=200, blank=True, editable=False)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["due_date", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="payment_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False, amount__isnull=False),
                name="paid_payment_has_date_and_amount",
            ),
            models.UniqueConstraint(
                fields=["dotation", "kind"], condition=~Q(status="cancelled"), name="one_live_payment_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.dotation}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.structure_name:
            self.structure_name = self.dotation.structure.name
        super().save(*args, **kwargs)

    @property
    def status_badge_class(self):
        return PAYMENT_BADGE.get(self.status, "")

    @property
    def fund_short(self) -> str:
        return FUND_SHORT.get(self.fund, self.fund)


class RecoveryOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """CNAM and the national steering: all; others: the orders of dotations they see, once notified to the
        structure."""
        if user.is_authenticated and (user.is_superuser or user.sees_national):
            return self
        return self.filter(dotation__in=Dotation.objects.visible_to(user), notified_at__isnull=False)

    def claimed(self):
        """The orders that count against what was paid: every one not cancelled."""
        return self.exclude(status=RecoveryStatus.CANCELLED)


class RecoveryOrder(models.Model):
    """An *ordre de reversement*: what the structure must pay back, the basis of the *titre de recette*.

    From its issue it counts in the dotation's ledger (paid − claimed ≤ approved, refused otherwise by the
    database, migration 0009_recovery_orders); « recouvré » records that the money came back.
    """

    dotation = models.ForeignKey(Dotation, on_delete=models.PROTECT, related_name="recovery_orders")
    amount = models.DecimalField(_("montant à reverser"), **MONEY)
    reason = models.TextField(_("motif"))
    status = models.CharField(
        _("statut"), max_length=10, choices=RecoveryStatus.choices, default=RecoveryStatus.ISSUED, db_index=True
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    recovered_on = models.DateField(_("recouvré le"), null=True, blank=True)
    reference = models.CharField(_("référence du titre de recette"), max_length=100, blank=True)
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = RecoveryOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("ordre de reversement")
        verbose_name_plural = _("ordres de reversement")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="recovered") | Q(recovered_on__isnull=False), name="recovered_order_has_date"
            ),
        ]

    def __str__(self):
        return f"Ordre de reversement {self.pk} — {self.dotation}"

    @property
    def status_badge_class(self):
        return RECOVERY_BADGE.get(self.status, "")


# --------------------------------------------------------------------------------------------------
# Consultation on a campaign's draft barème (issue 13 §3, docs/consultation.md)
# --------------------------------------------------------------------------------------------------


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """CNAM agents and the national steering (pilotage, read only): every consultation; ARS and HAS agents and
        managers: those submitted (open or closed)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_national:
            return self
        if user.is_ars_agent or user.is_has_agent or user.is_manager:
            return self.exclude(status=ConsultationStatus.DRAFT)
        return self.none()

    def due_to_close(self, today):
        """Open consultations whose deadline (the last day opinions are taken) has passed."""
        return self.filter(status=ConsultationStatus.OPEN, deadline__lt=today)


class Consultation(models.Model):
    """The CNAM submits a campaign's draft barème to the ARS and the HAS (opinions) and the structures (comments)
    before opening the campaign. ``bareme`` is the draft as submitted (JSON, ``bareme.as_json``): the opinions
    and the projected effect refer to it even if the barème is edited after the consultation closes."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="consultation")
    status = models.CharField(
        _("statut"), max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    deadline = models.DateField(_("date limite des avis"))
    message = models.TextField(_("présentation du projet de barème"), blank=True)
    bareme = models.JSONField(_("barème soumis"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    # Empty with a ``closed_at``: closed at its deadline (by the daily job, or when the campaign opened).
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation sur le barème")
        verbose_name_plural = _("consultations sur le barème")
        ordering = ["-campaign__year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(opened_at__isnull=False), name="consultation_opened_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="consultation_closed_has_date"
            ),
        ]

    def __str__(self):
        return f"Consultation sur le barème {self.campaign.year}"

    @property
    def status_badge_class(self):
        return CONSULTATION_BADGE.get(self.status, "")

    def accepts_opinions(self, today) -> bool:
        """Open, and the deadline (included) not passed."""
        return self.status == ConsultationStatus.OPEN and today <= self.deadline


class ConsultationOpinion(models.Model):
    """The opinion of one ARS (``region``) or of the HAS (no region) on the submitted barème; an agent of the same
    body may revise it until the deadline. ``remarks``: component code → remark on that component."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="opinions")
    region = models.ForeignKey("reference.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("avis"), max_length=12, choices=Verdict.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    remarks = models.JSONField(_("remarques par composante"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avis sur le barème")
        verbose_name_plural = _("avis sur le barème")
        ordering = [F("region__name").asc(nulls_first=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "region"],
                condition=Q(region__isnull=False),
                name="one_opinion_per_ars",
                violation_error_message=_("Cette ARS a déjà donné son avis."),
            ),
            models.UniqueConstraint(
                fields=["consultation"],
                condition=Q(region__isnull=True),
                name="one_has_opinion",
                violation_error_message=_("La HAS a déjà donné son avis."),
            ),
            models.CheckConstraint(
                condition=Q(verdict="favourable") | ~Q(comment=""),
                name="reserved_opinion_has_comment",
                violation_error_message=_("Un avis avec réserves ou défavorable doit être motivé."),
            ),
        ]

    def __str__(self):
        return f"{self.body} : {self.get_verdict_display()}"

    @property
    def body(self) -> str:
        """Who speaks: « ARS Île-de-France » or « HAS »."""
        return self.region.ars_name if self.region_id else "HAS"

    @property
    def verdict_badge_class(self):
        return VERDICT_BADGE.get(self.verdict, "")


class ConsultationComment(models.Model):
    """A structure manager's comment on the submitted barème (on the whole, or on one component)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    component_code = models.CharField(_("composante"), max_length=40, blank=True)
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commentaire sur le barème")
        verbose_name_plural = _("commentaires sur le barème")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="consultation_comment_not_empty")]

    def __str__(self):
        return f"{self.structure} : {self.text[:40]}"
