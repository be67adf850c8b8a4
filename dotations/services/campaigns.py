"""Campaigns: create (optionally from the previous year's), edit the envelope and dates, edit the barème
while in preparation, open (freezes the barème) and close (design.md §4)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused, ConflictError
from secpa_portal.core.formats import counted, date_fr, euros
from secpa_portal.core.services import check_version, lock
from secpa_portal.journal.services import record_event

from .. import bareme as bareme_module
from .. import engine
from ..enums import ConsultationStatus, DotationStatus, Fund, PaymentStatus
from ..models import BaremeComponent, Campaign, Dotation, Payment, PrecarityBand, RegionalEnvelope
from ..perms import campaigns as perms
from ..workflow import CAMPAIGN_WORKFLOW
from .compute import compute_running

CAMPAIGN_FIELDS = {
    "envelope",
    "advance_share",
    "advance_due_date",
    "balance_due_date",
    "balance_floor",
    "balance_rule",
    "fiss_end_date",
    "reference_patients",
}
COMPONENT_FIELDS = ("code", "label", "basis", "key", "rate", "quantity_cap", "amount_cap", "modulated")
BAND_FIELDS = ("lower", "upper", "coefficient")


class InvalidBareme(ActionRefused):
    """The barème is inconsistent; ``errors`` lists every French message."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(_("Barème incohérent : ") + " ".join(self.errors))


STALE = (
    "Cette campagne a été modifiée par une autre personne depuis que vous l'avez ouverte. "
    "Vos changements n'ont pas été enregistrés : rechargez la page pour voir la version actuelle."
)


def _clean(campaign):
    try:
        campaign.full_clean(exclude=["year"] if campaign.pk else None)
    except ValidationError as exc:
        raise ActionRefused(" ".join(exc.messages)) from exc
    if (
        campaign.balance_due_date
        and campaign.advance_due_date
        and campaign.balance_due_date < campaign.advance_due_date
    ):
        raise ActionRefused(_("L'échéance du solde ne peut pas précéder celle de l'avance."))


def _set_regional(campaign, regional: dict):
    """``regional``: region code → amount (None or absent: no regional envelope for that region)."""
    amounts = {code: Decimal(amount) for code, amount in (regional or {}).items() if amount is not None}
    if any(amount < 0 for amount in amounts.values()):
        raise ActionRefused(_("Une enveloppe régionale ne peut pas être négative."))
    if sum(amounts.values(), Decimal("0")) > campaign.envelope:
        raise ActionRefused(
            _("La somme des enveloppes régionales (%(sum)s) dépasse l'enveloppe nationale (%(national)s).")
            % {"sum": euros(sum(amounts.values())), "national": euros(campaign.envelope)}
        )
    RegionalEnvelope.objects.filter(campaign=campaign).delete()
    RegionalEnvelope.objects.bulk_create(
        RegionalEnvelope(campaign=campaign, region_id=code, amount=amount) for code, amount in sorted(amounts.items())
    )


def _check_not_below_approved(campaign, regional):
    """An envelope cannot be lowered under what is already approved (nationally, or in a region)."""
    approved = Dotation.objects.filter(campaign=campaign, status=DotationStatus.APPROVED).order_by()
    national = approved.aggregate(total=Sum("total"))["total"] or Decimal("0")
    if campaign.envelope < national:
        raise ActionRefused(
            _("L'enveloppe nationale ne peut pas être inférieure au total déjà approuvé (%(approved)s).")
            % {"approved": euros(national)}
        )
    by_region = dict(approved.values("region_id").annotate(total=Sum("total")).values_list("region_id", "total"))
    for code, amount in (regional or {}).items():
        if amount is not None and Decimal(amount) < by_region.get(code, Decimal("0")):
            raise ActionRefused(
                _(
                    "L'enveloppe régionale ne peut pas être inférieure au total déjà approuvé "
                    "dans la région (%(approved)s)."
                )
                % {"approved": euros(by_region[code])}
            )


def _copy_bareme(source, target):
    BaremeComponent.objects.bulk_create(
        BaremeComponent(campaign=target, order=c.order, **{f: getattr(c, f) for f in COMPONENT_FIELDS})
        for c in source.components.all()
    )
    PrecarityBand.objects.bulk_create(
        PrecarityBand(campaign=target, **{f: getattr(b, f) for f in BAND_FIELDS}) for b in source.precarity_bands.all()
    )


def same_day_in(year: int, day: datetime.date | None) -> datetime.date | None:
    """``day`` moved to ``year`` (29 February becomes 28 February in a common year)."""
    if day is None:
        return None
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def fund_rule(campaign) -> str:
    """Which fund pays when, in words."""
    if campaign.fiss_end_date is None:
        return _("fonds payeur : FIR pour toutes les échéances")
    return _("fonds payeur : FISS pour les échéances jusqu'au %(date)s, FIR ensuite") % {
        "date": date_fr(campaign.fiss_end_date)
    }


def _reassign_funds(campaign) -> int:
    """Scheduled payments take the fund the campaign now gives their due date; paid ones keep theirs.

    The dotation rows are locked first, in the payment services' order (dotation, then payment): the payment
    guard trigger locks the dotation of each payment it checks.
    """
    scheduled = Payment.objects.filter(dotation__campaign=campaign, status=PaymentStatus.SCHEDULED)
    list(
        Dotation.objects.select_for_update()
        .filter(pk__in=scheduled.values("dotation_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    if campaign.fiss_end_date is not None:
        changed += (
            scheduled.filter(due_date__lte=campaign.fiss_end_date).exclude(fund=Fund.FISS).update(fund=Fund.FISS)
        )
        scheduled = scheduled.filter(due_date__gt=campaign.fiss_end_date)
    return changed + scheduled.exclude(fund=Fund.FIR).update(fund=Fund.FIR)


def previous_campaign(year: int) -> Campaign | None:
    return Campaign.objects.filter(year__lt=year).order_by("-year").first()


@transaction.atomic
def campaign_create(
    *, user: User, year: int, fields: dict, regional: dict | None = None, copy_previous=False
) -> Campaign:
    """A new campaign in preparation; ``copy_previous`` starts from the latest earlier campaign's barème
    (components, precarity bands, reference patientèle), its FISS end date moved to the new year and its regional
    envelopes, the last two when none are given."""
    if not perms.can_manage_campaigns(user):
        raise ActionRefused(_("Seul un agent de la CNAM peut créer une campagne."))
    unknown = set(fields) - CAMPAIGN_FIELDS
    if unknown:
        raise ValueError(f"Not settable: {sorted(unknown)}")
    if Campaign.objects.filter(year=year).exists():
        raise ActionRefused(_("Une campagne %(year)s existe déjà.") % {"year": year})
    source = previous_campaign(year) if copy_previous else None
    if copy_previous and source is None:
        raise ActionRefused(_("Aucune campagne antérieure à %(year)s à recopier.") % {"year": year})
    campaign = Campaign(year=year, **fields)
    if source is not None:
        campaign.is_demonstration = source.is_demonstration
        if "reference_patients" not in fields:
            campaign.reference_patients = source.reference_patients
        if fields.get("fiss_end_date") is None:
            campaign.fiss_end_date = same_day_in(year, source.fiss_end_date)
    _clean(campaign)
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError as exc:
        raise ConflictError(_("Une campagne %(year)s vient d'être créée par ailleurs.") % {"year": year}) from exc
    if source is not None:
        _copy_bareme(source, campaign)
        if not regional:
            regional = {e.region_id: e.amount for e in source.regional_envelopes.all()}
    _set_regional(campaign, regional)
    record_event(
        actor=user,
        verb="campaign_created",
        summary=(
            _("Campagne %(year)s créée à partir de la campagne %(source)s") % {"year": year, "source": source.year}
            if source
            else _("Campagne %(year)s créée") % {"year": year}
        ),
        obj=campaign,
        amount=campaign.envelope,
    )
    return campaign


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, user: User, fields: dict, regional: dict | None = None, expected_version=None
) -> Campaign:
    locked = lock(campaign)
    if not perms.can_edit_campaign(user, locked):
        raise ActionRefused(_("Cette campagne ne peut plus être modifiée."))
    check_version(locked, expected_version, _(STALE))
    unknown = set(fields) - CAMPAIGN_FIELDS
    if unknown:
        raise ValueError(f"Not settable: {sorted(unknown)}")
    if "reference_patients" in fields and fields["reference_patients"] != locked.reference_patients:
        if not perms.can_edit_bareme(user, locked):
            raise ActionRefused(_("La patientèle de référence fait partie du barème, figé à l'ouverture."))
    before = locked.envelope
    fiss_before = locked.fiss_end_date
    for name, value in fields.items():
        setattr(locked, name, value)
    _clean(locked)
    _check_not_below_approved(locked, regional)
    locked.version += 1
    locked.save()
    if regional is not None:
        _set_regional(locked, regional)
    summary = _("Campagne %(year)s modifiée (enveloppe %(envelope)s)") % {
        "year": locked.year,
        "envelope": euros(locked.envelope),
    }
    reassigned = 0
    if locked.fiss_end_date != fiss_before:
        reassigned = _reassign_funds(locked)
        summary += " — " + fund_rule(locked)
        if reassigned:
            summary += _(" ; %(count)s de fonds payeur") % {
                "count": counted(reassigned, _("versement programmé change"), _("versements programmés changent"))
            }
    record_event(
        actor=user,
        verb="campaign_updated",
        summary=summary,
        obj=locked,
        from_state=str(before),
        to_state=str(locked.envelope),
        amount=locked.envelope,
        payload={
            "fiss_end_date": locked.fiss_end_date.isoformat() if locked.fiss_end_date else None,
            "payments_with_new_fund": reassigned,
        },
    )
    return locked


@transaction.atomic
def bareme_replace(
    *,
    campaign: Campaign,
    user: User,
    components: list[dict],
    bands: list[dict],
    reference_patients=None,
    expected_version=None,
) -> Campaign:
    """Replace the campaign's barème; refused (every inconsistency listed in French) unless it is valid."""
    locked = lock(campaign)
    if not perms.can_edit_bareme(user, locked):
        raise ActionRefused(perms.bareme_refusal(locked))
    check_version(locked, expected_version, _(STALE))
    reference = locked.reference_patients if reference_patients is None else int(reference_patients)
    errors = engine.validate_bareme(
        bareme_module.build(components=components, bands=bands, reference_patients=reference)
    )
    if errors:
        raise InvalidBareme(errors)
    locked.components.all().delete()
    locked.precarity_bands.all().delete()
    BaremeComponent.objects.bulk_create(
        BaremeComponent(campaign=locked, order=index, **{f: c.get(f) for f in COMPONENT_FIELDS})
        for index, c in enumerate(components, start=1)
    )
    PrecarityBand.objects.bulk_create(
        PrecarityBand(campaign=locked, **{f: b.get(f) for f in BAND_FIELDS}) for b in bands
    )
    locked.reference_patients = reference
    locked.version += 1
    locked.save(update_fields=["reference_patients", "version", "updated_at"])
    record_event(
        actor=user,
        verb="bareme_updated",
        summary=_("Barème %(year)s enregistré : %(count)s")
        % {"year": locked.year, "count": counted(len(components), _("composante"), _("composantes"))},
        obj=locked,
        payload={
            "components": [{f: str(c.get(f)) for f in COMPONENT_FIELDS} for c in components],
            "bands": [{f: str(b.get(f)) for f in BAND_FIELDS} for b in bands],
        },
    )
    campaign.version = locked.version
    return locked


def _transition(name, *, campaign: Campaign, user: User, allowed, refusal, verb, summary) -> Campaign:
    locked = lock(campaign)
    CAMPAIGN_WORKFLOW.check(name, locked.status)
    if not allowed(user, locked):
        raise ActionRefused(refusal)
    before = CAMPAIGN_WORKFLOW.apply(locked, name)
    locked.save(update_fields=["status", "version", "updated_at"])
    CAMPAIGN_WORKFLOW.record(
        locked,
        actor=user,
        verb=verb,
        summary=summary % {"year": locked.year},
        obj=locked,
        from_state=before,
    )
    campaign.status, campaign.version = locked.status, locked.version
    return locked


def _settle_consultation(campaign):
    """Opening is refused while the consultation on the barème still takes opinions; one whose deadline has passed
    is closed now (as the daily job would), so the campaign opens on a closed consultation."""
    from django.utils import timezone

    from ..models import Consultation
    from .consultations import expire_if_due

    consultation = Consultation.objects.select_for_update().filter(campaign=campaign).first()
    if consultation is None or consultation.status != ConsultationStatus.OPEN:
        return
    today = timezone.localdate()
    if consultation.accepts_opinions(today):
        raise ActionRefused(
            _(
                "La consultation sur le barème est ouverte jusqu'au %(day)s : attendez les avis, ou closez-la "
                "avant d'ouvrir la campagne."
            )
            % {"day": date_fr(consultation.deadline)}
        )
    consultation.campaign = campaign
    expire_if_due(consultation, today)


@transaction.atomic
def campaign_open(*, campaign: Campaign, user: User) -> Campaign:
    """draft → open: the barème must be valid and not empty; it is frozen from now on."""
    locked = lock(campaign)
    CAMPAIGN_WORKFLOW.check("open", locked.status)
    if not perms.can_open(user, locked):
        raise ActionRefused(_("Seul un agent de la CNAM peut ouvrir une campagne en préparation."))
    _settle_consultation(locked)
    if not locked.components.exists():
        raise ActionRefused(_("Le barème ne contient aucune composante : complétez-le avant d'ouvrir la campagne."))
    errors = engine.validate_bareme(bareme_module.load(locked))
    if errors:
        raise InvalidBareme(errors)
    return _transition(
        "open",
        campaign=campaign,
        user=user,
        allowed=perms.can_open,
        refusal=_("Seul un agent de la CNAM peut ouvrir une campagne en préparation."),
        verb="campaign_opened",
        summary=_("Campagne %(year)s ouverte : barème figé"),
    )


CLOSE_WHILE_COMPUTING = _(
    "Un calcul des dotations est en cours : la campagne pourra être close quand il sera terminé."
)


@transaction.atomic
def campaign_close(*, campaign: Campaign, user: User) -> Campaign:
    """open → closed: read-only from now on; never while a computation runs (its results would land in a closed
    campaign)."""
    if compute_running(lock(campaign)):
        raise ActionRefused(CLOSE_WHILE_COMPUTING)
    return _transition(
        "close",
        campaign=campaign,
        user=user,
        allowed=perms.can_close,
        refusal=_("Seul un agent de la CNAM peut clore une campagne ouverte."),
        verb="campaign_closed",
        summary=_("Campagne %(year)s close"),
    )
