"""Reads that span models: the conventions section of each role's dashboard.

Each list is cut to a few rows and each count is one aggregate, so the dashboard costs the same number of
queries whatever the number of conventions.
"""

from django.db.models import Count, Exists, OuterRef, Q

from secpa_portal.core import aggregates
from structures.models import Structure

from .enums import AmendmentStatus, ConventionStatus
from .models import Amendment, Convention
from .report_selectors import dashboard_reports

SHOWN = 10
LIVE = (ConventionStatus.DRAFT, ConventionStatus.SENT, ConventionStatus.SIGNED_BY_STRUCTURE, ConventionStatus.ACTIVE)


def dashboard_context(user) -> dict:
    """What this app adds to the signed-in user's dashboard (rendered by templates/conventions/_dashboard.html)."""
    if not user.is_authenticated:
        return {}
    visible = Convention.objects.visible_to(user)
    scope = aggregates.scope(user)
    counts = aggregates.cached(
        "conventions.counts",
        scope,
        lambda: visible.aggregate(
            active=Count("pk", filter=Q(status=ConventionStatus.ACTIVE)),
            sent=Count("pk", filter=Q(status=ConventionStatus.SENT)),
            signed_by_structure=Count("pk", filter=Q(status=ConventionStatus.SIGNED_BY_STRUCTURE)),
            draft=Count("pk", filter=Q(status=ConventionStatus.DRAFT)),
        ),
    )
    amendments = Amendment.objects.filter(convention__in=visible).select_related("convention__structure")
    context = {"counts": counts, "reports": dashboard_reports(user)}
    if user.is_cnam_agent:
        live = Convention.objects.filter(structure=OuterRef("pk"), status__in=LIVE)
        context.update(
            role="cnam",
            to_prepare=aggregates.cached(
                "conventions.to_prepare",
                scope,
                lambda: Structure.objects.visible_to(user).eligible().filter(~Exists(live)).count(),
            ),
            to_sign=list(
                visible.filter(status=ConventionStatus.SIGNED_BY_STRUCTURE)
                .exclude(prepared_by=user)
                .select_related("structure")
                .only("reference", "structure_signed_at", "structure__name")  # what the list shows
                .order_by("structure_signed_at", "pk")[:SHOWN]
            ),
            amendments_to_sign=list(
                amendments.filter(status=AmendmentStatus.SIGNED_BY_STRUCTURE)
                .exclude(prepared_by=user)
                .only("number", "convention__reference", "convention__structure__name")
                .order_by("structure_signed_at", "pk")[:SHOWN]
            ),
        )
    elif user.is_ars_agent:
        context["role"] = "ars"
    elif user.is_pilotage:
        context["role"] = "national"  # the counts, read-only: nothing to prepare or sign
    else:
        context.update(
            role="manager",
            to_sign=list(
                visible.filter(status=ConventionStatus.SENT).select_related("structure").order_by("sent_at", "pk")
            ),
            amendments_to_sign=list(amendments.filter(status=AmendmentStatus.SENT).order_by("created_at", "pk")),
            conventions=list(
                visible.exclude(status=ConventionStatus.SENT)
                .select_related("structure")
                .order_by("structure__name", "-start_date", "pk")[:SHOWN]
            ),
        )
    return context
