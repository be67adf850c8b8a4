"""Reads that span models: envelope consumption, totals per region, timelines, the dashboard section."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from secpa_portal.core import aggregates
from secpa_portal.journal.models import Event
from secpa_portal.reference.models import Region

from . import charts
from .enums import CampaignStatus, DotationStatus
from .models import Campaign, Dotation, RegionalEnvelope
from .payment_selectors import payments_dashboard

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def _sums(queryset) -> dict:
    """Totals and counts by status in one query."""
    aggregates = {"count": Count("pk"), "grand_total": Sum("total"), "errors": Count("pk", filter=~Q(errors=[]))}
    for status in DotationStatus:
        aggregates[f"{status}_total"] = Sum("total", filter=Q(status=status))
        aggregates[f"{status}_count"] = Count("pk", filter=Q(status=status))
    values = queryset.order_by().aggregate(**aggregates)
    sums = {key: (value if value is not None else ZERO) for key, value in values.items()}
    sums["total"] = sums.pop("grand_total")
    return sums


def list_totals(queryset) -> dict:
    """Count and totals by status of a (filtered) dotation list, in one query."""
    return _sums(queryset)


def campaign_sums(user, campaign) -> dict:
    """Count and totals by status of ``campaign``'s dotations that ``user`` sees, kept per scope (the dashboard's
    gauge, and the dotation list when no filter narrows it)."""
    return aggregates.cached(
        f"dotations.sums:{campaign.pk}",
        aggregates.scope(user),
        lambda: _sums(Dotation.objects.visible_to(user).filter(campaign=campaign)),
    )


def totals_by_campaign(dotations=None):
    """Approved, proposed and computed totals of every campaign, in one query (over ``dotations``: the reader's)."""
    return (
        (Dotation.objects.all() if dotations is None else dotations)
        .order_by()
        .values("campaign_id")
        .annotate(
            count=Count("pk"),
            approved=Sum("total", filter=Q(status=DotationStatus.APPROVED)),
            proposed=Sum("total", filter=Q(status=DotationStatus.PROPOSED)),
            computed=Sum("total", filter=Q(status=DotationStatus.COMPUTED)),
        )
    )


@dataclass
class Gauge:
    envelope: Decimal | None  # None: an ARS agent's region has no envelope of its own
    approved: Decimal
    proposed: Decimal
    computed: Decimal
    counts: dict
    scope: str = ""  # the region an ARS agent's gauge covers; empty for the national one

    @property
    def total(self):
        return self.approved + self.proposed + self.computed

    @property
    def available(self):
        return None if self.envelope is None else self.envelope - self.approved

    def share(self, value):
        return (value * HUNDRED / self.envelope) if self.envelope else ZERO

    @property
    def approved_share(self):
        return self.share(self.approved)

    @property
    def proposed_share(self):
        return self.share(self.proposed)

    @property
    def computed_share(self):
        return self.share(self.computed)

    @property
    def total_share(self):
        return self.share(self.total)

    @property
    def over_envelope(self):
        return self.envelope is not None and self.total > self.envelope

    @property
    def engaged(self):
        """Proposed and approved: what fitting to the envelope leaves as it is."""
        return self.approved + self.proposed

    @property
    def engaged_over_envelope(self):
        return self.engaged >= self.envelope

    @property
    def chart(self):
        return charts.stacked_bars(
            [
                (
                    "Dotations",
                    {"approved": self.approved, "proposed": self.proposed, "computed": self.computed},
                )
            ],
            marker=self.envelope,
        )


def campaign_gauge(campaign, dotations=None, *, scope=None, sums=None) -> Gauge:
    """The envelope's consumption; with a ``CampaignScope`` (an ARS agent), their region's only. ``sums``: the
    dotations' ``_sums`` when the caller has them (the dashboard keeps them cached)."""
    if scope is not None:
        dotations = scope.dotations
    if sums is None:
        sums = _sums(Dotation.objects.filter(campaign=campaign) if dotations is None else dotations)
    return Gauge(
        envelope=campaign.envelope if scope is None or scope.region_id is None else scope.envelope,
        approved=sums["approved_total"],
        proposed=sums["proposed_total"],
        computed=sums["computed_total"],
        counts=sums,
        scope=scope.label if scope is not None else "",
    )


@dataclass
class CampaignScope:
    """What of a campaign's totals a reader may see: all for the CNAM, their region's for an ARS agent."""

    dotations: object  # a Dotation queryset
    region_id: str | None = None
    envelope: Decimal | None = None
    label: str = ""


def campaign_scope(user, campaign) -> CampaignScope:
    dotations = Dotation.objects.visible_to(user).filter(campaign=campaign)
    if not user.is_ars_agent:
        return CampaignScope(dotations=dotations)
    envelope = (
        RegionalEnvelope.objects.filter(campaign=campaign, region_id=user.region_id).values_list("amount", flat=True)
    ).first()
    return CampaignScope(
        dotations=dotations,
        region_id=user.region_id,
        envelope=envelope,
        label=Region.objects.filter(pk=user.region_id).values_list("name", flat=True).first() or "",
    )


@dataclass
class RegionRow:
    code: str
    name: str
    count: int
    approved: Decimal
    proposed: Decimal
    computed: Decimal
    envelope: Decimal | None

    @property
    def total(self):
        return self.approved + self.proposed + self.computed


def region_totals(campaign, dotations=None, *, scope=None) -> list[RegionRow]:
    """One row per region that has dotations or a regional envelope, in two queries (plus region names).

    With a ``CampaignScope`` (an ARS agent): their region's row only."""
    if scope is not None:
        dotations = scope.dotations
    queryset = Dotation.objects.filter(campaign=campaign) if dotations is None else dotations
    grouped = {
        row["region_id"]: row
        for row in queryset.order_by()
        .values("region_id")
        .annotate(
            count=Count("pk"),
            approved=Sum("total", filter=Q(status=DotationStatus.APPROVED)),
            proposed=Sum("total", filter=Q(status=DotationStatus.PROPOSED)),
            computed=Sum("total", filter=Q(status=DotationStatus.COMPUTED)),
        )
    }
    regional = RegionalEnvelope.objects.filter(campaign=campaign)
    if scope is not None and scope.region_id is not None:
        regional = regional.filter(region_id=scope.region_id)
    envelopes = {e.region_id: e.amount for e in regional}
    codes = set(grouped) | set(envelopes)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    rows = []
    for code in sorted(codes):  # the official order (INSEE codes): Île-de-France is not last
        row = grouped.get(code, {})
        rows.append(
            RegionRow(
                code=code,
                name=names.get(code, code),
                count=row.get("count", 0),
                approved=row.get("approved") or ZERO,
                proposed=row.get("proposed") or ZERO,
                computed=row.get("computed") or ZERO,
                envelope=envelopes.get(code),
            )
        )
    return rows


def region_chart(rows: list[RegionRow]):
    return charts.stacked_bars(
        [(row.name, {"approved": row.approved, "proposed": row.proposed, "computed": row.computed}) for row in rows]
    )


def recovery_timeline(order) -> list[Event]:
    """A recovery order's events: they are journaled on its dotation, naming the order in their payload."""
    events = Event.objects.filter(
        object_type=Dotation._meta.label_lower,
        object_id=str(order.dotation_id),
        payload__recovery_order=order.pk,
    ).select_related("actor")
    return list(events.order_by("created_at", "id"))


def dotation_timeline(dotation, user) -> list[Event]:
    """The dotation's events and its campaign's computation and fit events; internal ones for staff only."""
    events = Event.objects.filter(
        Q(object_type=Dotation._meta.label_lower, object_id=str(dotation.pk))
        | Q(
            object_type=Campaign._meta.label_lower,
            object_id=str(dotation.campaign_id),
            verb__in=["campaign_fitted", "campaign_computed"],
        )
    ).select_related("actor")
    if not (user.is_cnam_agent or user.is_ars_agent):
        events = events.filter(internal=False)
    return list(events.order_by("created_at", "id"))


def current_campaign():
    return Campaign.objects.exclude(status=CampaignStatus.DRAFT).order_by("-year").first() or (
        Campaign.objects.order_by("-year").first()
    )


def dashboard_context(user) -> dict:
    """What this app adds to the signed-in user's dashboard (rendered by templates/dotations/_dashboard.html)."""
    if not user.is_authenticated:
        return {}
    if user.is_manager:
        dotations = list(
            Dotation.objects.visible_to(user).select_related("campaign", "structure").order_by("-campaign__year")[:5]
        )
        return {"role": "manager", "dotations": dotations, "payments": payments_dashboard(user)}
    campaign = current_campaign()
    if campaign is None:
        return {"role": "cnam" if user.sees_national else "ars", "campaign": None}
    if user.sees_national:
        scope = aggregates.NATIONAL
        regions = aggregates.cached(f"dotations.regions:{campaign.pk}", scope, lambda: region_totals(campaign))
        return {
            "role": "cnam" if user.is_cnam_agent else "national",
            "campaign": campaign,
            "gauge": campaign_gauge(campaign, sums=campaign_sums(user, campaign)),
            "regions": regions,
            "region_chart": region_chart(regions),
            "payments": payments_dashboard(user),
        }
    sums = campaign_sums(user, campaign)
    return {
        "role": "ars",
        "campaign": campaign,
        "to_review": sums["proposed_count"],
        "approved_total": sums["approved_total"],
        "count": sums["count"],
    }
