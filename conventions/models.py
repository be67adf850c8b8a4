import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secpa_portal.core.formats import day_month_fr
from structures.models import Structure

from .enums import (
    AMENDMENT_BADGE,
    CONVENTION_BADGE,
    REPORT_BADGE,
    AmendmentStatus,
    ConventionStatus,
    IndicatorCategory,
    IndicatorDirection,
    IndicatorUnit,
    Obligation,
    ReminderKind,
    ReportStatus,
)
from .report_workflow import EDITABLE_STATES as REPORT_EDITABLE_STATES

month_day_validator = RegexValidator(
    r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", _("Format attendu : MM-JJ, par exemple 04-30 pour le 30 avril.")
)

# A convention lasts 1 to 5 whole years (design.md §4): the model's validators and constraint, the services and
# the form read these, never the numbers.
MIN_DURATION_YEARS = 1
MAX_DURATION_YEARS = 5
DURATION_YEARS = range(MIN_DURATION_YEARS, MAX_DURATION_YEARS + 1)
DURATION_MESSAGE = _("La durée d'une convention est de 1 à 5 ans.")


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def activity(self):
        return self.filter(is_activity=True)


class Indicator(models.Model):
    """An indicator of the national référentiel, edited by CNAM agents."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=20, choices=IndicatorCategory.choices)
    unit = models.CharField(_("unité"), max_length=10, choices=IndicatorUnit.choices)
    direction = models.CharField(_("sens"), max_length=10, choices=IndicatorDirection.choices)
    description = models.TextField(_("description"), blank=True)
    # Activity indicators feed the barème and are part of every convention and every report.
    is_activity = models.BooleanField(_("donnée d'activité utilisée par le barème"), default=False)
    # For activity indicators: the structures.enums.ActivityFigure code it carries.
    activity_figure = models.CharField(_("donnée d'activité"), max_length=30, blank=True)
    is_active = models.BooleanField(_("en usage"), default=True)
    order = models.PositiveIntegerField(_("ordre"), default=0)
    # Optimistic concurrency: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity_figure"],
                condition=~Q(activity_figure=""),
                name="unique_indicator_activity_figure",
            ),
        ]

    def __str__(self):
        return self.label


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Managers: their structures' conventions once sent; ARS: their region's; CNAM: all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.sees_national:
            return self
        if user.is_ars_agent:
            return self.filter(structure__region_id=user.region_id)
        return self.filter(structure__memberships__user=user).exclude(status=ConventionStatus.DRAFT)

    def active(self):
        return self.filter(status=ConventionStatus.ACTIVE)

    def in_force_on(self, day):
        return self.active().filter(start_date__lte=day, end_date__gte=day)


class Convention(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="conventions")
    reference = models.CharField(_("référence"), max_length=30, unique=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=ConventionStatus.choices, default=ConventionStatus.DRAFT, db_index=True
    )
    start_date = models.DateField(_("date de début"))
    duration_years = models.PositiveSmallIntegerField(
        _("durée (années)"), validators=[MinValueValidator(MIN_DURATION_YEARS), MaxValueValidator(MAX_DURATION_YEARS)]
    )
    end_date = models.DateField(_("date de fin"))
    advance_share = models.DecimalField(
        _("part de l'avance"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    advance_due = models.CharField(
        _("échéance de l'avance (année N, MM-JJ)"), max_length=5, default="03-31", validators=[month_day_validator]
    )
    balance_due = models.CharField(
        _("échéance du solde (année N+1, MM-JJ)"), max_length=5, default="04-30", validators=[month_day_validator]
    )
    obligations = models.JSONField(_("obligations de coordination et de participation"), default=list, blank=True)
    special_clauses = models.TextField(_("clauses particulières"), blank=True)
    # Payment terms set by applied avenants from a campaign year on (conventions/payment_terms.py); the years
    # before the first keep the terms above, as signed.
    amended_terms = models.JSONField(_("conditions de versement modifiées par avenant"), default=list, blank=True)

    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    structure_signatory_name = models.CharField(_("nom du signataire"), max_length=200, blank=True)
    structure_signatory_capacity = models.CharField(_("qualité du signataire"), max_length=200, blank=True)
    structure_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    structure_signed_at = models.DateTimeField(null=True, blank=True)
    cnam_signatory_name = models.CharField(_("signataire pour l'assurance maladie"), max_length=200, blank=True)
    cnam_signatory_capacity = models.CharField(_("qualité"), max_length=200, blank=True)
    cnam_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cnam_signed_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    # The last day in force of a terminated convention (asked when terminating; today by default).
    terminated_on = models.DateField(_("dernier jour en vigueur"), null=True, blank=True)
    termination_reason = models.TextField(_("motif de résiliation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ConventionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-start_date", "reference"]
        indexes = [models.Index(F("start_date").desc(), "id", name="convention_list_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(status="active"),
                name="one_active_convention_per_structure",
                violation_error_message=_("Cette structure a déjà une convention en vigueur."),
            ),
            models.CheckConstraint(
                condition=Q(duration_years__gte=MIN_DURATION_YEARS, duration_years__lte=MAX_DURATION_YEARS),
                name="convention_duration_1_to_5_years",
                violation_error_message=DURATION_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="convention_ends_after_start",
                violation_error_message=_("La date de fin doit suivre la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(advance_share__gte=0, advance_share__lte=1),
                name="convention_advance_share_fraction",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def status_badge_class(self):
        return CONVENTION_BADGE.get(self.status, "")

    @property
    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1))

    @staticmethod
    def compute_end_date(start_date: datetime.date, duration_years: int) -> datetime.date:
        """The day before the anniversary: 1 Jan 2026 for 3 years ends 31 Dec 2028."""
        try:
            anniversary = start_date.replace(year=start_date.year + duration_years)
        except ValueError:  # 29 February
            anniversary = start_date.replace(year=start_date.year + duration_years, day=28)
        return anniversary - datetime.timedelta(days=1)

    @property
    def is_past_end(self) -> bool:
        return self.end_date < timezone.localdate()

    @property
    def obligation_labels(self) -> list[str]:
        labels = dict(Obligation.choices)
        return [labels[code] for code in self.obligations if code in labels]

    def terms_for(self, year: int):
        """The payment terms in force for campaign ``year`` (the signed ones unless an avenant changed them)."""
        from .payment_terms import terms_for

        return terms_for(self, year)

    @property
    def terms_periods(self):
        from .payment_terms import terms_periods

        return terms_periods(self)

    @property
    def advance_share_percent(self) -> Decimal:
        return self.advance_share * 100

    @staticmethod
    def _day_month_label(value: str) -> str:
        month, day = (int(part) for part in value.split("-"))
        return day_month_fr(datetime.date(2000, month, day))

    @property
    def advance_due_label(self) -> str:
        return self._day_month_label(self.advance_due)

    @property
    def balance_due_label(self) -> str:
        return self._day_month_label(self.balance_due)


class ReferenceSequence(models.Model):
    """The last sequence number given in a region and year, locked while the next reference is allocated."""

    region_code = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region_code", "year"], name="unique_reference_sequence")]

    def __str__(self):
        return f"SECPA-{self.region_code}-{self.year}: {self.last}"


class Objective(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    title = models.CharField(_("objectif"), max_length=250)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class ConventionIndicator(models.Model):
    """An indicator followed by a convention, under an objective, with a baseline, yearly targets and points."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    baseline = models.DecimalField(_("valeur de référence"), max_digits=14, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(
        _("points (poids)"), max_digits=6, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("indicateur de la convention")
        verbose_name_plural = _("indicateurs de la convention")
        ordering = ["objective__order", "indicator__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "indicator"], name="unique_convention_indicator"),
            models.CheckConstraint(condition=Q(points__gte=0), name="convention_indicator_points_not_negative"),
        ]

    def __str__(self):
        return str(self.indicator)


class Target(models.Model):
    convention_indicator = models.ForeignKey(ConventionIndicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.DecimalField(_("cible"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["convention_indicator", "year"], name="unique_target_year")]

    def __str__(self):
        return f"{self.year} : {self.value}"


class Amendment(models.Model):
    """An avenant: numbered, signed like the convention; ``changes`` says what it changed, ``before`` what was."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("numéro"))
    status = models.CharField(
        _("statut"), max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.DRAFT
    )
    summary = models.TextField(_("objet de l'avenant"))
    new_end_date = models.DateField(_("nouvelle date de fin"), null=True, blank=True)
    # Planned changes: {"targets": [{"indicator": code, "year": y, "value": "…"}], "add": [...], "remove": [codes]}
    changes = models.JSONField(default=dict, blank=True)
    # The convention's terms as they stood before this amendment took effect.
    before = models.JSONField(default=dict, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    structure_signatory_name = models.CharField(max_length=200, blank=True)
    structure_signatory_capacity = models.CharField(max_length=200, blank=True)
    structure_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    structure_signed_at = models.DateTimeField(null=True, blank=True)
    cnam_signatory_name = models.CharField(_("signataire pour l'assurance maladie"), max_length=200, blank=True)
    cnam_signatory_capacity = models.CharField(_("qualité"), max_length=200, blank=True)
    cnam_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cnam_signed_at = models.DateTimeField(null=True, blank=True)
    # Abandoned by the assurance maladie (sent or signed by the structure only): when and why; it changed nothing.
    abandoned_at = models.DateTimeField(_("abandonné le"), null=True, blank=True)
    abandon_reason = models.TextField(_("motif de l'abandon"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic concurrency: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["convention", "number"], name="unique_amendment_number")]

    def __str__(self):
        return f"Avenant n° {self.number}"

    @property
    def status_badge_class(self):
        return AMENDMENT_BADGE.get(self.status, "")


class AnnualReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.sees_national:
            return self
        if user.is_ars_agent:
            return self.filter(convention__structure__region_id=user.region_id)
        return self.filter(convention__structure__memberships__user=user)

    def validated(self):
        return self.filter(status=ReportStatus.VALIDATED)

    def awaiting_validation(self):
        return self.filter(status=ReportStatus.SUBMITTED)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], due_date__lt=today)


class AnnualReport(models.Model):
    """One per convention and year: activity figures, FTE by category and a value for every indicator."""

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("année"))
    status = models.CharField(
        _("statut"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    due_date = models.DateField(_("date limite"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("motif du retour"), blank=True)
    # Weighted attainment of the convention's indicators, fixed at validation (fraction 0–1).
    weighted_attainment = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport annuel")
        verbose_name_plural = _("rapports annuels")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["convention", "year"], name="unique_report_per_year")]
        # The dashboard's « rapports à valider », oldest first: ten rows read in order instead of sorting every
        # submitted report with its convention and structure (national scope: 4.6 → 0.3 ms at 5,000 structures).
        indexes = [
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status=ReportStatus.SUBMITTED),
                name="report_to_validate_order",
            )
        ]

    def __str__(self):
        return f"Rapport {self.year} — {self.convention.reference}"

    @property
    def status_badge_class(self):
        return REPORT_BADGE.get(self.status, "")

    @property
    def is_late(self) -> bool:
        return self.status in REPORT_EDITABLE_STATES and self.due_date < timezone.localdate()

    @staticmethod
    def default_due_date(year: int) -> datetime.date:
        return datetime.date(year + 1, 3, 31)

    def activity_inputs(self) -> tuple[dict, dict]:
        """(FTE by professional category, activity figures by ActivityFigure code) for the barème.

        Uses the prefetched ``fte_lines`` and ``values__indicator`` when present.
        """
        fte = {line.category: line.fte for line in self.fte_lines.all()}
        activity = {
            value.indicator.activity_figure: value.value
            for value in self.values.all()
            if value.indicator.activity_figure and value.value is not None
        }
        return fte, activity


class ReportValue(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2, null=True, blank=True)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="unique_report_indicator")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


class ReportFte(models.Model):
    """Full-time equivalents by professional category in the report's year (structures.enums.ProfessionalCategory)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="fte_lines")
    category = models.CharField(_("catégorie professionnelle"), max_length=30)
    fte = models.DecimalField(
        _("ETP"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(999)]
    )

    class Meta:
        verbose_name = _("ETP par catégorie")
        verbose_name_plural = _("ETP par catégorie")
        constraints = [
            models.UniqueConstraint(fields=["report", "category"], name="unique_report_fte_category"),
            models.CheckConstraint(condition=Q(fte__gte=0), name="report_fte_not_negative"),
        ]

    def __str__(self):
        return f"{self.category}: {self.fte}"


class ReportReminder(models.Model):
    """One row per reminder sent, so that the same reminder never goes out twice."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="unique_report_reminder")]

    def __str__(self):
        return f"{self.report} — {self.kind}"


def signed_pdf_upload_to(instance, filename):
    return f"conventions/{instance.convention_id}/{uuid.uuid4().hex}.pdf"


class SignedPdfQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A signed PDF is seen by whoever sees its convention."""
        return self.filter(convention__in=Convention.objects.visible_to(user))


class SignedPdf(models.Model):
    """The convention's text as a PDF, generated at each signature; its SHA-256 is in the journal."""

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="signed_pdfs")
    signature = models.CharField(_("signature"), max_length=60)
    file = models.FileField(_("fichier"), upload_to=signed_pdf_upload_to)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("taille"))
    created_at = models.DateTimeField(_("généré le"), auto_now_add=True)

    objects = SignedPdfQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention signée (PDF)")
        verbose_name_plural = _("conventions signées (PDF)")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.convention} — {self.signature}"
