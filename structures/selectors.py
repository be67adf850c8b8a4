"""Reads that span models: the structures section of each role's dashboard.

Every count comes from one aggregate query over ``Structure.objects.visible_to(user)``, so the dashboard
costs the same number of queries with 2 structures or 5,000, and never counts what the user may not see.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.core import aggregates
from secpa_portal.core.collation import french
from secpa_portal.journal.models import Event
from secpa_portal.reference.choices import region_choices

from .enums import STATUS_BADGE, StructureStatus
from .models import Structure

# A file submitted this many days ago and still not decided is late.
LATE_AFTER_DAYS = 30
UNDECIDED_STATUSES = (StructureStatus.SUBMITTED, StructureStatus.IN_REVIEW)
# Files the ARS has in hand or will have again (shown per region to the CNAM).
PENDING_STATUSES = (StructureStatus.SUBMITTED, StructureStatus.IN_REVIEW, StructureStatus.CHANGES_REQUESTED)
# Files waiting on their managers.
WAITING_ON_MANAGER = (StructureStatus.DRAFT, StructureStatus.CHANGES_REQUESTED)
DECISION_VERBS = ("eligible", "ineligible", "changes_requested", "reopened")
OLDEST_SHOWN = 10
LATEST_DECISIONS_SHOWN = 5


def late_q(now=None) -> Q:
    """Submitted more than ``LATE_AFTER_DAYS`` days ago and not decided yet."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=LATE_AFTER_DAYS)
    return Q(status__in=UNDECIDED_STATUSES, submitted_at__lt=cutoff)


def days_since(moment, today=None) -> int:
    today = today or timezone.localdate()
    return (today - timezone.localdate(moment)).days


def dashboard_context(user) -> dict:
    """What this app adds to the signed-in user's dashboard (rendered by templates/structures/_dashboard.html)."""
    if not user.is_authenticated:
        return {}
    if user.sees_national:
        return _cnam_context(user)
    if user.is_ars_agent:
        return _ars_context(user)
    return _manager_context(user)


# --- Manager ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StructureCard:
    structure: Structure
    next_step: str
    waiting_on_manager: bool


def next_step(structure) -> str:
    """What happens next to a file, said to its manager."""
    ars = structure.region.ars_name if structure.region_id else _("l'ARS")
    status = structure.status
    if status == StructureStatus.DRAFT:
        return _("Compléter le dossier puis le déposer auprès de l'ARS.")
    if status == StructureStatus.SUBMITTED:
        return _("Dossier déposé : il attend d'être pris en charge par l'%(ars)s.") % {"ars": ars}
    if status == StructureStatus.IN_REVIEW:
        return _("En cours d'instruction par l'%(ars)s. Vous recevrez un courriel à sa décision.") % {"ars": ars}
    if status == StructureStatus.CHANGES_REQUESTED:
        return _("L'ARS demande des compléments : modifiez le dossier puis déposez-le à nouveau.")
    if status == StructureStatus.ELIGIBLE:
        return _("Structure éligible : l'assurance maladie vous proposera une convention à signer.")
    if status == StructureStatus.INELIGIBLE:
        return _("Structure déclarée non éligible. L'ARS peut rouvrir l'instruction si la situation change.")
    return _("Dossier retiré : il n'est plus instruit.")


def _manager_context(user) -> dict:
    structures = list(Structure.objects.visible_to(user).select_related("region").order_by(french("name"), "pk"))
    cards = [
        StructureCard(structure=s, next_step=next_step(s), waiting_on_manager=s.status in WAITING_ON_MANAGER)
        for s in structures
    ]
    names = {s.pk: s.name for s in structures}
    decisions = list(
        Event.objects.filter(structure_id__in=list(names), verb__in=DECISION_VERBS, internal=False).order_by("-id")[
            :LATEST_DECISIONS_SHOWN
        ]
    )
    return {
        "role": "manager",
        "cards": cards,
        "waiting": [card for card in cards if card.waiting_on_manager],
        "latest_decisions": [{"event": event, "structure_name": names[event.structure_id]} for event in decisions],
    }


# --- ARS agent --------------------------------------------------------------------------------------------


def _ars_context(user) -> dict:
    now = timezone.now()
    visible = Structure.objects.visible_to(user)
    counts = aggregates.cached(
        "structures.ars",
        aggregates.scope(user),
        lambda: visible.aggregate(
            to_take=Count("pk", filter=Q(status=StructureStatus.SUBMITTED)),
            late=Count("pk", filter=late_q(now)),
            in_review=Count("pk", filter=Q(status=StructureStatus.IN_REVIEW)),
        ),
    )
    # The agent's own files: not shared by the region's scope, and a narrow indexed count.
    counts = {**counts, "mine": visible.in_review_by(user).count()}
    oldest = (
        visible.filter(status__in=UNDECIDED_STATUSES)
        .select_related("departement", "reviewer")
        .only(  # what the table shows: two wide models otherwise
            "name",
            "status",
            "submitted_at",
            "departement__code",
            "departement__name",
            "reviewer__first_name",
            "reviewer__last_name",
            "reviewer__email",
        )
    )
    today = timezone.localdate(now)
    cutoff = now - datetime.timedelta(days=LATE_AFTER_DAYS)
    waiting = [
        {"structure": s, "days": days_since(s.submitted_at, today), "late": s.submitted_at < cutoff}
        for s in oldest.order_by("submitted_at", "pk")[:OLDEST_SHOWN]
    ]
    return {"role": "ars", "counts": counts, "oldest": waiting, "late_after_days": LATE_AFTER_DAYS}


# --- CNAM -------------------------------------------------------------------------------------------------


def _cnam_context(user) -> dict:
    visible = Structure.objects.visible_to(user)
    # CNAM staff never see drafts that were never submitted.
    statuses = [s for s in StructureStatus if s != StructureStatus.DRAFT]
    scope = aggregates.scope(user)
    counts = aggregates.cached(
        "structures.cnam",
        scope,
        lambda: visible.aggregate(
            total=Count("pk"),
            late=Count("pk", filter=late_q()),
            **{status.value: Count("pk", filter=Q(status=status)) for status in statuses},
        ),
    )
    by_status = [
        {"value": s.value, "label": s.label, "badge": STATUS_BADGE[s], "count": counts[s.value]} for s in statuses
    ]
    per_region = aggregates.cached(
        "structures.cnam_regions",
        scope,
        lambda: {
            row["region_id"]: row
            for row in visible.values("region_id").annotate(
                total=Count("pk"),
                pending=Count("pk", filter=Q(status__in=PENDING_STATUSES)),
                eligible=Count("pk", filter=Q(status=StructureStatus.ELIGIBLE)),
                ineligible=Count("pk", filter=Q(status=StructureStatus.INELIGIBLE)),
            )
        },
    )
    empty = {"total": 0, "pending": 0, "eligible": 0, "ineligible": 0}
    regions = [
        {"region": {"pk": pk, "name": name}, **per_region.get(pk, empty)}
        for pk, name in region_choices()  # the official order (INSEE codes), read once per process
    ]
    if None in per_region:  # submitted without a commune: shown apart so that the totals add up
        regions.append({"region": None, **per_region[None]})
    totals = {key: sum(row[key] for row in regions) for key in empty}
    return {
        "role": "cnam",
        "total": counts["total"],
        "late": counts["late"],
        "by_status": by_status,
        "regions": regions,
        "region_totals": totals,
    }
