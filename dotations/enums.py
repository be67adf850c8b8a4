from django.db import models
from django.utils.translation import gettext_lazy as _

from .engine import Basis  # noqa: F401  (the barème bases live with the engine)


class BasisChoices(models.TextChoices):
    FLAT = "flat", _("Forfait")
    PER_FTE = "per_fte", _("Par ETP d'une catégorie professionnelle")
    PER_UNIT = "per_unit", _("Par unité d'activité déclarée")
    PER_PATIENT = "per_patient", _("Par patient (patientèle de référence)")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close")


CAMPAIGN_BADGE = {CampaignStatus.DRAFT: "", CampaignStatus.OPEN: "fr-badge--success", CampaignStatus.CLOSED: ""}


class ComputeState(models.TextChoices):
    IDLE = "idle", _("Pas encore calculée")
    RUNNING = "running", _("Calcul en cours")
    DONE = "done", _("Calculée")
    FAILED = "failed", _("Échec du calcul")


class DotationStatus(models.TextChoices):
    COMPUTED = "computed", _("Calculée")
    PROPOSED = "proposed", _("Proposée")
    APPROVED = "approved", _("Approuvée")


DOTATION_BADGE = {
    DotationStatus.COMPUTED: "fr-badge--info",
    DotationStatus.PROPOSED: "fr-badge--new",
    DotationStatus.APPROVED: "fr-badge--success",
}


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("Avance")
    BALANCE = "balance", _("Solde")


class PaymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Programmé")
    PAID = "paid", _("Versé")
    CANCELLED = "cancelled", _("Annulé")


PAYMENT_BADGE = {
    PaymentStatus.SCHEDULED: "fr-badge--info",
    PaymentStatus.PAID: "fr-badge--success",
    PaymentStatus.CANCELLED: "",
}


class Fund(models.TextChoices):
    """Who pays a payment (domain.md): the experiment's fund, paid by the assurance maladie, up to the campaign's
    FISS end date, then the ARS's regional fund."""

    FISS = "fiss", _("FISS (fonds pour l'innovation du système de santé)")
    FIR = "fir", _("FIR (fonds d'intervention régional)")


FUND_SHORT = {Fund.FISS: "FISS", Fund.FIR: "FIR"}


class BalanceRule(models.TextChoices):
    """How a campaign modulates the balance by the weighted attainment of the convention's indicators."""

    FLOOR = "floor", _("Solde modulé : (dotation − avance) × max(plancher, atteinte)")
    ACI = (
        "aci",
        _(
            "Montant final modulé, comme l'ACI : dotation × max(plancher, atteinte), moins l'avance ; "
            "un solde négatif donne lieu à un ordre de reversement"
        ),
    )


class RecoveryStatus(models.TextChoices):
    """An ordre de reversement (design.md §4): issued → notified → recovered, or cancelled with a reason."""

    ISSUED = "issued", _("Émis")
    NOTIFIED = "notified", _("Notifié à la structure")
    RECOVERED = "recovered", _("Recouvré")
    CANCELLED = "cancelled", _("Annulé")


RECOVERY_BADGE = {
    RecoveryStatus.ISSUED: "fr-badge--new",
    RecoveryStatus.NOTIFIED: "fr-badge--warning",
    RecoveryStatus.RECOVERED: "fr-badge--success",
    RecoveryStatus.CANCELLED: "",
}


class ConsultationStatus(models.TextChoices):
    """The consultation on a campaign's draft barème (issue 13 §3)."""

    DRAFT = "draft", _("En préparation")
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close")


CONSULTATION_BADGE = {
    ConsultationStatus.DRAFT: "",
    ConsultationStatus.OPEN: "fr-badge--new",
    ConsultationStatus.CLOSED: "fr-badge--info",
}


class Verdict(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVATIONS = "reservations", _("Favorable avec réserves")
    UNFAVOURABLE = "unfavourable", _("Défavorable")


VERDICT_BADGE = {
    Verdict.FAVOURABLE: "fr-badge--success",
    Verdict.RESERVATIONS: "fr-badge--warning",
    Verdict.UNFAVOURABLE: "fr-badge--error",
}
