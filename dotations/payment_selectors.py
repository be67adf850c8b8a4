"""Reads about payments: the filtered, totalled list (shared by the page and its export) and a structure's
funding by year (the manager's funding page)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import django_filters
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conventions.enums import ConventionStatus
from conventions.models import Convention
from secpa_portal.core import aggregates
from secpa_portal.core.lists import Listing, Sort
from secpa_portal.reference.choices import region_choices

from .enums import DotationStatus, PaymentKind, PaymentStatus, RecoveryStatus
from .filters import campaign_year_choices
from .models import Dotation, Payment, RecoveryOrder

ZERO = Decimal("0")

LISTING = Listing(
    sorts={
        "structure": Sort(_("Structure"), ("structure_name",), then=("due_date", "kind")),
        "echeance": Sort(_("Échéance"), ("due_date",), then=("structure_name", "kind"), few_values=True),
        "montant": Sort(_("Montant"), ("amount",), then=("due_date",)),
    },
    default="echeance",
    sort_param="tri",
    page_size=50,
    sizes_name="payments.sizes",
    row_fields=(
        *("kind", "status", "amount", "due_date", "fund", "fiss_amount", "fir_amount", "paid_on", "reference"),
        *("cancel_reason", "structure_name", "dotation__status", "dotation__structure", "dotation__region"),
        "dotation__campaign__year",
    ),
)


class PaymentFilter(django_filters.FilterSet):
    annee = django_filters.ChoiceFilter(
        field_name="dotation__campaign__year",
        label=_("Campagne"),
        choices=campaign_year_choices,
        empty_label=_("Toutes les campagnes"),
    )
    statut = django_filters.ChoiceFilter(
        field_name="status", label=_("Statut"), choices=PaymentStatus.choices, empty_label=_("Tous les statuts")
    )
    nature = django_filters.ChoiceFilter(
        field_name="kind", label=_("Nature"), choices=PaymentKind.choices, empty_label=_("Avances et soldes")
    )
    # Choices from the per-process reference cache (issue 14), as on the dotation list.
    region = django_filters.ChoiceFilter(
        field_name="dotation__region", label=_("Région"), choices=region_choices, empty_label=_("Toutes les régions")
    )
    q = django_filters.CharFilter(method="search", label=_("Structure (nom ou FINESS)"))

    class Meta:
        model = Payment
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["annee"].extra["choices"] = campaign_year_choices()  # read once (see DotationFilter)
        if user is None or not user.sees_national:
            # ARS agents see one region, managers their structures: the filter would only mislead.
            del self.filters["region"]
        self.form.fields["q"].widget.attrs["maxlength"] = 100

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(dotation__structure__name__icontains=value) | Q(dotation__structure__finess_et=value))


def filtered_payments(user, params) -> tuple[PaymentFilter, object]:
    """The user's payments filtered by ``params`` (a QueryDict) and sorted; shared by the list and the export."""
    base = Payment.objects.visible_to(user).select_related(
        "dotation__structure", "dotation__region", "dotation__campaign"
    )
    filterset = PaymentFilter(params, queryset=base, user=user)
    return filterset, LISTING.order(filterset.qs, params)


def payment_totals(queryset) -> dict:
    """Amounts by status, over the whole filtered list (not one page); cancelled payments are shown apart."""
    totals = queryset.order_by().aggregate(
        paid=Sum("amount", filter=Q(status=PaymentStatus.PAID)),
        scheduled=Sum("amount", filter=Q(status=PaymentStatus.SCHEDULED)),
        cancelled=Sum("amount", filter=Q(status=PaymentStatus.CANCELLED)),
        pending=Count("pk", filter=Q(status=PaymentStatus.SCHEDULED, amount__isnull=True)),
        count=Count("pk"),
        fiss=Sum("fiss_amount", filter=~Q(status=PaymentStatus.CANCELLED)),
        fir=Sum("fir_amount", filter=~Q(status=PaymentStatus.CANCELLED)),
    )
    for key in ("paid", "scheduled", "cancelled", "fiss", "fir"):
        totals[key] = totals[key] or ZERO
    totals["live"] = totals["paid"] + totals["scheduled"]
    return totals


# --- The funding page -------------------------------------------------------------------------------------------


@dataclass
class FundingYear:
    """One year of a structure's funding, stated so that its figures never contradict each other:
    reste à verser = approuvé − versé + ordres de reversement (the ledger's), which is the scheduled payments,
    plus the balance still to be fixed (at most the rest), plus what no payment will bring (a balance fixed
    below its ceiling at the report's validation)."""

    year: int
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    scheduled: Decimal = ZERO
    claimed: Decimal = ZERO  # recovery orders not cancelled, among those the reader sees
    pending_balance: bool = False
    dotation: Dotation | None = None
    payments: list = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return self.approved - self.paid + self.claimed

    @property
    def to_fix(self) -> Decimal:
        """The balance not fixed yet: at most what remains once the scheduled payments are made."""
        if not self.pending_balance:
            return ZERO
        return max(self.remaining - self.scheduled, ZERO)

    @property
    def not_scheduled(self) -> Decimal:
        """What remains that no payment will bring (a balance fixed, or cancelled, below its ceiling)."""
        return max(self.remaining - self.scheduled - self.to_fix, ZERO)


def funding_totals(rows) -> dict:
    keys = ("approved", "paid", "scheduled", "to_fix", "remaining", "not_scheduled", "claimed")
    return {key: sum((getattr(row, key) for row in rows), ZERO) for key in keys}


def structure_funding(user, structure) -> dict:
    """The structure's convention and, for each of its years, the approved dotation, what was paid and what is
    scheduled (a balance not yet fixed is flagged), and the recovery orders the user sees. Five queries whatever the
    number of years and payments."""
    conventions = list(
        Convention.objects.visible_to(user)
        .filter(structure=structure)
        .exclude(status__in=[ConventionStatus.DRAFT, ConventionStatus.SENT])
        .order_by("-start_date")
    )
    convention = next((c for c in conventions if c.status == ConventionStatus.ACTIVE), None) or next(
        iter(conventions), None
    )
    payments = Payment.objects.order_by("due_date", "kind", "pk")
    dotations = (
        Dotation.objects.visible_to(user)
        .filter(structure=structure, status=DotationStatus.APPROVED)
        .select_related("campaign")
        .prefetch_related(Prefetch("payments", queryset=payments))
        .order_by("campaign__year")
    )
    years: dict[int, FundingYear] = {}
    if convention is not None:
        years = {year: FundingYear(year) for year in convention.years}
    by_year = defaultdict(list)
    for dotation in dotations:
        by_year[dotation.campaign.year].append(dotation)
    for year, items in sorted(by_year.items()):
        row = years.setdefault(year, FundingYear(year))
        for dotation in items:
            row.dotation = dotation
            row.approved += dotation.total
            for payment in dotation.payments.all():
                payment.dotation = dotation  # avoids one query per payment in the template
                row.payments.append(payment)
                if payment.status == PaymentStatus.PAID:
                    row.paid += payment.amount
                elif payment.status == PaymentStatus.SCHEDULED:
                    if payment.amount is None:
                        row.pending_balance = True
                    else:
                        row.scheduled += payment.amount
    rows = [years[year] for year in sorted(years)]
    orders = list(
        RecoveryOrder.objects.visible_to(user)
        .filter(dotation__structure=structure)
        .select_related("dotation__campaign")
        .order_by("dotation__campaign__year", "issued_at", "pk")
    )
    for row in rows:
        if row.dotation is not None:
            row.claimed = sum(
                (
                    o.amount
                    for o in orders
                    if o.dotation_id == row.dotation.pk and o.status != RecoveryStatus.CANCELLED
                ),
                ZERO,
            )
    return {
        "convention": convention,
        "rows": rows,
        "orders": orders,
        "totals": funding_totals(rows),
        "has_dotation": any(row.dotation is not None for row in rows),
    }


# --- The dashboard --------------------------------------------------------------------------------------------


def payments_dashboard(user, today=None) -> dict:
    """Managers: their next expected payments; CNAM agents: the fixed payments due within 30 days. Two queries."""
    today = today or timezone.localdate()
    scheduled = (
        Payment.objects.visible_to(user)
        .filter(status=PaymentStatus.SCHEDULED)
        .select_related("dotation__structure", "dotation__campaign")
    )
    if user.is_manager:
        return {"upcoming": list(scheduled.order_by("due_date", "pk")[:5])}
    if user.sees_national:
        due = scheduled.filter(amount__isnull=False, due_date__lte=today + datetime.timedelta(days=30))
        sums = aggregates.cached(
            f"payments.due:{today.isoformat()}",
            aggregates.NATIONAL,
            lambda: due.order_by().aggregate(
                count=Count("pk"),
                amount=Sum("amount"),
                overdue=Count("pk", filter=Q(due_date__lt=today)),
            ),
        )
        return {"due_count": sums["count"], "due_amount": sums["amount"] or ZERO, "overdue": sums["overdue"]}
    return {}


def campaign_fund_totals(campaign, dotations=None) -> dict:
    """What each fund finances of the campaign's paid and scheduled payments (by period funded), in one query.

    ``dotations``: the reader's (an ARS agent's region), all of the campaign's otherwise."""
    from .models import Payment

    payments = Payment.objects.filter(dotation__campaign=campaign)
    if dotations is not None:
        payments = payments.filter(dotation__in=dotations)
    totals = payments.exclude(status=PaymentStatus.CANCELLED).aggregate(
        fiss=Sum("fiss_amount"),
        fir=Sum("fir_amount"),
        fiss_paid=Sum("fiss_amount", filter=Q(status=PaymentStatus.PAID)),
        fir_paid=Sum("fir_amount", filter=Q(status=PaymentStatus.PAID)),
    )
    return {key: value or ZERO for key, value in totals.items()}
