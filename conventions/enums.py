from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorCategory(models.TextChoices):
    ACCESS = "access", _("Accès aux soins")
    QUALITY = "quality", _("Qualité")
    PERFORMANCE = "performance", _("Performance")
    SATISFACTION = "satisfaction", _("Satisfaction des usagers")
    PARTICIPATION = "participation", _("Participation")
    COORDINATION = "coordination", _("Coordination")
    ACTIVITY = "activity", _("Activité")


class IndicatorUnit(models.TextChoices):
    COUNT = "count", _("Nombre")
    PERCENT = "percent", _("Pourcentage")
    HOURS = "hours", _("Heures")
    EUROS = "euros", _("Euros")
    DAYS = "days", _("Jours")
    YES_NO = "yes_no", _("Oui / non")


class IndicatorDirection(models.TextChoices):
    HIGHER = "higher", _("Plus haut est mieux")
    LOWER = "lower", _("Plus bas est mieux")
    YES_NO = "yes_no", _("Oui / non")


class ConventionStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    SENT = "sent", _("Envoyée à la structure")
    SIGNED_BY_STRUCTURE = "signed_by_structure", _("Signée par la structure")
    ACTIVE = "active", _("En vigueur")
    TERMINATED = "terminated", _("Résiliée")
    ENDED = "ended", _("Échue")


CONVENTION_BADGE = {
    ConventionStatus.DRAFT: "",
    ConventionStatus.SENT: "fr-badge--info",
    ConventionStatus.SIGNED_BY_STRUCTURE: "fr-badge--new",
    ConventionStatus.ACTIVE: "fr-badge--success",
    ConventionStatus.TERMINATED: "fr-badge--error",
    ConventionStatus.ENDED: "",
}


class AmendmentStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    SENT = "sent", _("Envoyé à la structure")
    SIGNED_BY_STRUCTURE = "signed_by_structure", _("Signé par la structure")
    ACTIVE = "active", _("En vigueur")
    # Given up by the assurance maladie once sent or signed by the structure, with a reason; it changed nothing.
    ABANDONED = "abandoned", _("Abandonné")


AMENDMENT_BADGE = {
    AmendmentStatus.DRAFT: "fr-badge--info",
    AmendmentStatus.SENT: "fr-badge--info",
    AmendmentStatus.SIGNED_BY_STRUCTURE: "fr-badge--info",
    AmendmentStatus.ACTIVE: "fr-badge--success",
    AmendmentStatus.ABANDONED: "",
}


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    VALIDATED = "validated", _("Validé")
    RETURNED = "returned", _("À compléter")


REPORT_BADGE = {
    ReportStatus.DRAFT: "",
    ReportStatus.SUBMITTED: "fr-badge--info",
    ReportStatus.VALIDATED: "fr-badge--success",
    ReportStatus.RETURNED: "fr-badge--warning",
}


class Obligation(models.TextChoices):
    """Coordination and participation obligations of the convention (art. L. 6323-6-2, 3°)."""

    COORDINATION_MEETINGS = "coordination_meetings", _("Réunions de coordination pluriprofessionnelles régulières")
    SHARED_RECORD = "shared_record", _("Dossier patient partagé au sein de l'équipe")
    USERS_IN_GOVERNANCE = "users_in_governance", _("Usagers représentés dans les instances de décision")
    USERS_IN_EVALUATION = "users_in_evaluation", _("Usagers associés à l'évaluation de la structure")
    SATISFACTION_SURVEY = "satisfaction_survey", _("Enquête de satisfaction des usagers chaque année")
    LOCAL_PARTNERS = (
        "local_partners",
        _("Partenariats formalisés avec les acteurs sociaux et médico-sociaux du territoire"),
    )
    ANNUAL_REPORT = "annual_report", _("Rapport annuel d'activité et d'indicateurs transmis avant le 31 mars")


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Échéance dans 30 jours")
    OVERDUE = "overdue", _("En retard")
