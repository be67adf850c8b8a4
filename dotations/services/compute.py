"""Computing a campaign (one dotation per active convention) and fitting it to its envelope (design.md §5).

The computation runs as a background task, batch after batch, each batch in its own transaction and in a
fixed number of queries, so that the progress stored on the campaign is visible while it runs. Approved
and proposed dotations are never recomputed (a proposed one is returned first); a convention whose inputs
are missing gets a dotation of 0 € that lists what is missing and cannot be proposed.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused, ConflictError
from secpa_portal.core.formats import coefficient as coefficient_text
from secpa_portal.core.formats import counted, euros, plural
from secpa_portal.core.services import lock
from secpa_portal.journal.services import record_event

from .. import bareme as bareme_module
from .. import coverage, engine, inputs
from ..bulk import bulk_insert, bulk_set
from ..enums import ComputeState, DotationStatus
from ..models import Campaign, Dotation, DotationLine
from ..perms import campaigns as perms

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Rows per INSERT of dotations and lines (a batch of 500 conventions writes some 4,000 lines).
LINE_BATCH = 2000
STALE_AFTER = datetime.timedelta(minutes=30)
ZERO = Decimal("0")
ONE = Decimal("1")
LINE_FIELDS = ["quantity", "rate", "coefficient", "reduction", "capped", "unreduced_amount", "amount"]
DOTATION_FIELDS = [
    "computed_total",
    "total",
    "precarity_coefficient",
    "reduction",
    "inputs",
    "inputs_source",
    "errors",
    "computed_at",
    "prepared_by",
    "days_in_force",
    "days_in_year",
    "version",
]


def _locked(campaign: Campaign) -> Campaign:
    return lock(campaign)


@transaction.atomic
def campaign_compute_start(*, campaign: Campaign, user: User) -> Campaign:
    """Mark the campaign as computing and queue the task once this transaction commits."""
    from ..tasks import compute_campaign

    locked = _locked(campaign)
    if not perms.can_compute(user, locked):
        raise ActionRefused(_("Seul un agent de la CNAM peut calculer une campagne ouverte."))
    if locked.compute_state == ComputeState.RUNNING:
        if not is_interrupted(locked):
            raise ConflictError(_("Un calcul de cette campagne est déjà en cours : attendez qu'il se termine."))
        # The previous run's worker died without a word (killed, restarted host): the journal says so now.
        _record_failure(
            locked,
            user,
            verb="campaign_compute_interrupted",
            summary=_("Calcul de la campagne %(year)s interrompu sans fin après %(done)s sur %(total)s")
            % {"year": locked.year, **_done_of(locked)},
        )
    errors = engine.validate_bareme(bareme_module.load(locked))
    if errors:
        raise ActionRefused(_("Le barème est incohérent : ") + " ".join(errors))
    if not locked.components.exists():
        raise ActionRefused(_("Le barème ne contient aucune composante : rien à calculer."))
    locked.compute_state = ComputeState.RUNNING
    locked.compute_done = 0
    locked.compute_total = inputs.conventions_for_year(locked.year).count()
    locked.compute_error = ""
    locked.save(update_fields=["compute_state", "compute_done", "compute_total", "compute_error", "updated_at"])
    record_event(
        actor=user,
        verb="campaign_compute_started",
        summary=_("Calcul de la campagne %(year)s lancé") % {"year": locked.year},
        obj=locked,
        internal=True,
    )
    campaign_id, user_id = locked.pk, user.pk
    transaction.on_commit(lambda: compute_campaign.enqueue(campaign_id, user_id))
    return locked


def _done_of(campaign) -> dict:
    """« 3 conventions » sur « 5 »: how far a run went, for its failure messages."""
    done = counted(campaign.compute_done or 0, _("convention"), _("conventions"))
    return {"done": done, "total": campaign.compute_total or 0}


def compute_running(campaign) -> bool:
    """A computation is under way (and its worker still reports): the campaign cannot be closed meanwhile."""
    return campaign.compute_state == ComputeState.RUNNING and not is_interrupted(campaign)


def is_interrupted(campaign) -> bool:
    """A run marked as running whose worker has not reported a batch for ``STALE_AFTER``: it died."""
    return campaign.compute_state == ComputeState.RUNNING and timezone.now() - campaign.updated_at >= STALE_AFTER


def _record_failure(campaign, user, *, verb: str, summary: str, error: str = "") -> None:
    record_event(
        actor=user,
        verb=verb,
        summary=summary,
        obj=campaign,
        payload={"done": campaign.compute_done, "total": campaign.compute_total, "error": error[:500]},
        internal=True,
    )


def run_compute(*, campaign_id: int, user_id: int, batch_size: int = BATCH_SIZE) -> dict:
    """Compute every dotation of the campaign; returns counts.

    Each batch commits on its own, so a run that fails leaves a consistent state: every dotation holds either
    this run's result or its previous one, each with its own lines. The campaign is then marked failed, the
    failure is journaled, and the page offers to restart, which recomputes every dotation still computed.
    """
    campaign = Campaign.objects.prefetch_related("components", "precarity_bands").get(pk=campaign_id)
    user = get_user_model().objects.get(pk=user_id)
    try:
        counts = _run(campaign, user, batch_size)
    except Exception as exc:
        logger.exception("Computing campaign %s failed", campaign_id)
        with transaction.atomic():
            locked = _locked(campaign)
            locked.compute_state = ComputeState.FAILED
            locked.compute_error = _(
                "Le calcul a échoué après %(done)s sur %(total)s : %(error)s. Les dotations déjà "
                "recalculées sont enregistrées, les autres gardent leur résultat précédent : relancez le calcul."
            ) % {**_done_of(locked), "error": exc}
            locked.save(update_fields=["compute_state", "compute_error", "updated_at"])
            _record_failure(
                locked,
                user,
                verb="campaign_compute_failed",
                summary=_("Échec du calcul de la campagne %(year)s après %(done)s sur %(total)s")
                % {"year": locked.year, **_done_of(locked)},
                error=str(exc),
            )
        raise
    return counts


def _run(campaign, user, batch_size) -> dict:
    bareme = bareme_module.load(campaign)
    conventions = inputs.convention_rows(campaign.year)
    count = len(conventions)  # the progress counters are written with each batch (absolute: one runner at a time)
    counts = {"computed": 0, "errors": 0, "skipped": 0, "removed": 0}
    ineligible = list(inputs.ineligible_conventions_for_year(campaign.year).values_list("reference", flat=True))
    counts["ineligible"] = len(ineligible)
    with transaction.atomic():
        # Conventions no longer active lose their dotation unless it was proposed or approved.
        removed = (
            Dotation.objects.filter(campaign=campaign, status=DotationStatus.COMPUTED)
            .exclude(convention_id__in=[c.pk for c in conventions])
            .values_list("pk", flat=True)
        )
        removed_ids = list(removed)
        if removed_ids:
            DotationLine.objects.filter(dotation_id__in=removed_ids).delete()
            counts["removed"] = Dotation.objects.filter(pk__in=removed_ids).delete()[0]
    for start in range(0, len(conventions), batch_size):
        batch = conventions[start : start + batch_size]
        with transaction.atomic():
            batch_counts = _compute_batch(campaign, bareme, batch, user)
            Campaign.objects.filter(pk=campaign.pk).update(
                compute_total=count, compute_done=start + len(batch), updated_at=timezone.now()
            )
        for key, value in batch_counts.items():
            counts[key] += value
    with transaction.atomic():
        now = timezone.now()
        Campaign.objects.filter(pk=campaign.pk).update(
            compute_state=ComputeState.DONE, compute_total=count, compute_done=count, computed_at=now, updated_at=now
        )
        total = Dotation.objects.filter(campaign=campaign).aggregate(total=Sum("total"))["total"] or ZERO
        record_event(
            actor=user,
            verb="campaign_computed",
            summary=_(
                "Campagne %(year)s calculée : %(computed)s, %(errors)s avec données manquantes, %(skipped)s, "
                "%(ineligible)s car la structure n'est plus éligible"
            )
            % {
                "year": campaign.year,
                "computed": counted(counts["computed"], _("dotation"), _("dotations")),
                "errors": counts["errors"],
                "skipped": f"{counts['skipped']} "
                + plural(
                    counts["skipped"],
                    _("déjà proposée ou approuvée laissée telle quelle"),
                    _("déjà proposées ou approuvées laissées telles quelles"),
                ),
                "ineligible": counted(counts["ineligible"], _("convention écartée"), _("conventions écartées")),
            },
            obj=campaign,
            amount=total,
            payload={**counts, "reduction": str(campaign.reduction), "ineligible_conventions": ineligible[:100]},
            internal=True,
        )
    return counts


def _compute_batch(campaign, bareme, conventions, user) -> dict:
    """Compute one batch of :class:`inputs.ConventionRow`: proposed and approved dotations are left out before
    their inputs are read; the others are created or updated in bulk, their lines replaced in bulk."""
    existing = {
        convention_id: (pk, status, version)
        for convention_id, pk, status, version in Dotation.objects.filter(
            campaign=campaign, convention_id__in=[c.pk for c in conventions]
        ).values_list("convention_id", "pk", "status", "version")
    }
    counts = {"computed": 0, "errors": 0, "skipped": 0}
    todo = []
    for convention in conventions:
        row = existing.get(convention.pk)
        if row is not None and row[1] != DotationStatus.COMPUTED:
            counts["skipped"] += 1
        else:
            todo.append(convention)
    snapshots = inputs.gather(todo)
    now = timezone.now()
    to_create, to_update, lines = [], [], []
    for convention in todo:
        row = existing.get(convention.pk)
        if row is None:
            dotation = Dotation(
                campaign=campaign,
                convention_id=convention.pk,
                structure_id=convention.structure_id,
                region_id=convention.region_id,
            )
            to_create.append(dotation)
        else:
            # Only the fields written below are set: ``bulk_set`` writes those and nothing else.
            dotation = Dotation(pk=row[0], campaign=campaign, convention_id=convention.pk, version=row[2] + 1)
            to_update.append(dotation)
        snapshot = snapshots[convention.pk].with_zero_fte(bareme)
        dotation.inputs = snapshot.as_json()
        dotation.inputs_source = snapshot.label[:200]
        dotation.computed_at = now
        dotation.prepared_by = user
        dotation.adjustment = ZERO
        dotation.adjustment_reason = ""
        dotation.days_in_force, dotation.days_in_year = coverage.days_covered(convention, campaign.year)
        prorata = coverage.coefficient(dotation.days_in_force, dotation.days_in_year)
        try:
            result = engine.compute(bareme, snapshot.engine_inputs(), campaign.reduction, prorata)
        except (engine.MissingInputs, ValueError) as exc:
            counts["errors"] += 1
            dotation.errors = [str(exc)]
            dotation.computed_total = dotation.total = ZERO
            dotation.precarity_coefficient = ONE
            dotation.reduction = campaign.reduction
            continue
        counts["computed"] += 1
        dotation.errors = []
        dotation.computed_total = dotation.total = result.total
        dotation.precarity_coefficient = result.precarity_coefficient
        dotation.reduction = result.reduction
        lines.append((dotation, result.lines))
    if to_update:
        DotationLine.objects.filter(dotation_id__in=[d.pk for d in to_update]).delete()
        bulk_set(Dotation, to_update, [*DOTATION_FIELDS, "adjustment", "adjustment_reason"])
    if to_create:
        Dotation.objects.bulk_create(to_create, batch_size=LINE_BATCH)
    bulk_insert(
        DotationLine,
        [line for dotation, result_lines in lines for line in DotationLine.from_engine(dotation, result_lines)],
    )
    return counts


# --------------------------------------------------------------------------------------------------
# Fit to envelope
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitPreview:
    coefficient: Decimal
    current: Decimal
    unreduced_total: Decimal
    reduced_total: Decimal
    envelope: Decimal
    count: int
    # Proposed and approved dotations keep their amounts: the coefficient fits the computed ones into the rest.
    engaged_total: Decimal = ZERO
    engaged_count: int = 0

    @property
    def room(self) -> Decimal:
        """What the envelope leaves for the computed dotations."""
        return self.envelope - self.engaged_total


@dataclass(frozen=True)
class FitRefusal:
    """Why no coefficient can fit the campaign now, and what the agent can do about it (never a dead end)."""

    message: str
    proposed_count: int = 0
    approved_count: int = 0

    def __str__(self):
        return self.message


def _results(dotations) -> list[engine.DotationResult]:
    return [
        engine.DotationResult(
            lines=tuple(
                engine.Line(
                    code=line.code,
                    label=line.label,
                    basis=engine.Basis(line.basis),
                    key=line.key,
                    quantity=line.quantity,
                    rate=line.rate,
                    coefficient=line.coefficient,
                    reduction=line.reduction,
                    capped=line.capped,
                    amount=line.amount,
                    unreduced_amount=line.unreduced_amount,
                )
                for line in dotation.lines.all()
            ),
            total=dotation.computed_total,
            precarity_coefficient=dotation.precarity_coefficient,
            reduction=dotation.reduction,
        )
        for dotation in dotations
    ]


def _engaged(campaign) -> dict:
    """Counts by state, and the total of the proposed and approved dotations, in one query."""
    sums = Dotation.objects.filter(campaign=campaign).aggregate(
        proposed_count=Count("pk", filter=Q(status=DotationStatus.PROPOSED)),
        approved_count=Count("pk", filter=Q(status=DotationStatus.APPROVED)),
        computed_count=Count("pk", filter=Q(status=DotationStatus.COMPUTED)),
        engaged_total=Sum("total", filter=~Q(status=DotationStatus.COMPUTED)),
    )
    sums["engaged_total"] = sums["engaged_total"] or ZERO
    return sums


def _fit(campaign, engaged):
    """The computed dotations fitted into what the proposed and approved ones leave of the envelope."""
    dotations = list(
        Dotation.objects.filter(campaign=campaign, status=DotationStatus.COMPUTED)
        .prefetch_related("lines")
        .order_by("pk")
    )
    results = _results(dotations)
    try:
        coefficient, reduced = engine.fit_to_envelope(results, campaign.envelope - engaged["engaged_total"])
    except ValueError as exc:
        raise ActionRefused(str(exc)) from exc
    return dotations, results, coefficient, reduced


def fit_preview(campaign) -> FitPreview:
    """What fitting would do, without changing anything (shown before the agent confirms)."""
    engaged = _engaged(campaign)
    dotations, results, coefficient, reduced = _fit(campaign, engaged)
    return FitPreview(
        coefficient=coefficient,
        current=campaign.reduction,
        unreduced_total=sum((r.unreduced_total for r in results), ZERO),
        reduced_total=sum((r.total for r in reduced), ZERO),
        envelope=campaign.envelope,
        count=len(dotations),
        engaged_total=engaged["engaged_total"],
        engaged_count=engaged["proposed_count"] + engaged["approved_count"],
    )


def fit_refusal(campaign, engaged=None) -> FitRefusal | None:
    """Why the campaign cannot be fitted now (None when it can), in words that say what to do next.

    The coefficient applies to the computed dotations only: proposed and approved ones keep their amounts. When
    those alone reach the envelope, no coefficient can help: return proposed dotations (they become computed
    again and take the coefficient) or raise the envelope.
    """
    engaged = _engaged(campaign) if engaged is None else engaged
    proposed, approved = engaged["proposed_count"], engaged["approved_count"]
    if engaged["computed_count"] == 0:
        if not proposed and not approved:
            return FitRefusal(_("Aucune dotation n'est encore calculée : calculez la campagne avant de l'ajuster."))
        return FitRefusal(
            _(
                "Aucune dotation calculée à ajuster : les dotations de la campagne (%(count)s) sont déjà proposées "
                "ou approuvées et gardent leur montant. Retournez les dotations proposées pour leur appliquer un "
                "coefficient, ou relevez l'enveloppe."
            )
            % {"count": proposed + approved},
            proposed,
            approved,
        )
    if engaged["engaged_total"] >= campaign.envelope:
        if proposed:
            what = _(
                "Retournez des dotations proposées (elles redeviennent calculées et recevront le coefficient), "
                "ou relevez l'enveloppe."
            )
        else:
            what = _("Les dotations approuvées ne se modifient plus : relevez l'enveloppe.")
        return FitRefusal(
            _(
                "Les dotations déjà proposées (%(proposed)s) et approuvées (%(approved)s) totalisent "
                "%(engaged)s, soit au moins l'enveloppe de %(envelope)s : aucun coefficient appliqué aux dotations "
                "calculées ne peut suffire. %(what)s"
            )
            % {
                "proposed": proposed,
                "approved": approved,
                "engaged": euros(engaged["engaged_total"]),
                "envelope": euros(campaign.envelope),
                "what": what,
            },
            proposed,
            approved,
        )
    return None


@transaction.atomic
def campaign_fit(*, campaign: Campaign, user: User, expected_coefficient: Decimal | None = None) -> Decimal:
    """Apply one reduction coefficient to every computed dotation so that the campaign fits its envelope.

    Proposed and approved dotations keep their amounts: the coefficient fits the computed ones into what they
    leave of the envelope (before any proposal, that is every dotation: the coefficient is uniform).
    """
    locked = _locked(campaign)
    if not perms.can_fit(user, locked):
        raise ActionRefused(_("Seul un agent de la CNAM peut ajuster une campagne ouverte à son enveloppe."))
    if locked.compute_state == ComputeState.RUNNING:
        raise ConflictError(_("Un calcul est en cours : attendez qu'il se termine avant d'ajuster."))
    engaged = _engaged(locked)
    refusal = fit_refusal(locked, engaged)
    if refusal:
        raise ActionRefused(refusal.message)
    dotations, results, coefficient, reduced = _fit(locked, engaged)
    if expected_coefficient is not None and Decimal(expected_coefficient) != coefficient:
        raise ConflictError(
            _("Les montants ont changé depuis l'aperçu : vérifiez le nouveau coefficient avant de confirmer.")
        )
    lines_to_update = []
    for dotation, result in zip(dotations, reduced, strict=True):
        for line, reduced_line in zip(dotation.lines.all(), result.lines, strict=True):
            line.reduction = reduced_line.reduction
            line.amount = reduced_line.amount
            lines_to_update.append(line)
        dotation.reduction = coefficient
        dotation.computed_total = result.total
        dotation.total = result.total + dotation.adjustment
        dotation.version += 1
    bulk_set(DotationLine, lines_to_update, ["reduction", "amount"])
    bulk_set(Dotation, dotations, ["reduction", "computed_total", "total", "version"])
    before = locked.reduction
    locked.reduction = coefficient
    locked.version += 1
    locked.save(update_fields=["reduction", "version", "updated_at"])
    record_event(
        actor=user,
        verb="campaign_fitted",
        summary=_("Campagne %(year)s ajustée à l'enveloppe : coefficient %(coefficient)s")
        % {"year": locked.year, "coefficient": coefficient_text(coefficient)},
        obj=locked,
        from_state=str(before),
        to_state=str(coefficient),
        amount=sum((r.total for r in reduced), ZERO),
        payload={
            "coefficient": str(coefficient),
            "previous": str(before),
            "unreduced_total": str(sum((r.unreduced_total for r in results), ZERO)),
            "envelope": str(locked.envelope),
            "dotations": len(dotations),
            "engaged_total": str(engaged["engaged_total"]),
        },
    )
    return coefficient
