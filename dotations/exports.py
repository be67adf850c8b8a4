"""Streamed, scoped exports: a campaign's dotations (one row per dotation, or per line) and the payment
schedule with the recovery orders after it, as CSV for French spreadsheets (``;``, UTF-8 BOM, decimal comma) or
XLSX (openpyxl write-only).

Rows come from the same scoped and filtered querysets as the pages, so the export's totals are the page's.
"""

import itertools
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.exports import Column
from structures.enums import ActivityFigure, ProfessionalCategory

from .enums import BasisChoices, PaymentKind, PaymentStatus, RecoveryStatus
from .filters import LISTING, DotationFilter
from .models import Dotation, DotationLine, RecoveryOrder
from .payment_selectors import filtered_payments

CHUNK = 2000

# A line's key is a professional category (per FTE) or an activity figure (per unit): shown by its label.
KEY_LABELS = {**dict(ProfessionalCategory.choices), **dict(ActivityFigure.choices)}


def _money(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


# --- Dotations ------------------------------------------------------------------------------------------------


def campaign_dotations(user, campaign, params):
    """The dotation list's queryset (same scope, same filters) for ``campaign``: the export's totals are the page's."""
    data = params.copy()
    data["campaign"] = str(campaign.year)
    return LISTING.order(DotationFilter(data, queryset=Dotation.objects.visible_to(user), user=user).qs, params)


def _live(kind):
    return Sum("payments__amount", filter=Q(payments__kind=kind) & ~Q(payments__status=PaymentStatus.CANCELLED))


DOTATION_COLUMNS = [
    Column(_("Campagne"), lambda d: d.campaign.year),
    Column(_("Structure"), lambda d: d.structure.name),
    Column(_("FINESS"), lambda d: d.structure.finess_et),
    Column(_("Région"), lambda d: d.region.name),
    Column(_("Statut"), lambda d: d.get_status_display()),
    Column(_("Montant calculé (€)"), lambda d: d.computed_total, money=True),
    Column(_("Ajustement (€)"), lambda d: d.adjustment, money=True),
    Column(_("Motif de l'ajustement"), lambda d: d.adjustment_reason),
    Column(_("Coefficient de précarité"), lambda d: d.precarity_coefficient),
    Column(_("Coefficient d'ajustement à l'enveloppe"), lambda d: d.reduction),
    Column(_("Montant de la dotation (€)"), lambda d: d.total, money=True),
    Column(_("Approuvée le"), lambda d: d.approved_at.date() if d.approved_at else None),
    Column(_("Avance (€)"), lambda d: _money(d.advance_amount), money=True),
    Column(_("Solde (€)"), lambda d: _money(d.balance_amount), money=True),
    Column(_("Versé (€)"), lambda d: _money(d.paid_amount or 0), money=True),
    Column(_("À reverser (€)"), lambda d: _money(d.to_recover_amount or 0), money=True),
    Column(_("Reversé (€)"), lambda d: _money(d.recovered_amount or 0), money=True),
]


def _recovery_sum(*statuses):
    """The amount of a dotation's recovery orders in ``statuses``, as a subquery (no join: the payments' sums stay
    exact)."""
    orders = (
        RecoveryOrder.objects.filter(dotation=OuterRef("pk"), status__in=statuses)
        .values("dotation")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(orders)


def dotation_rows(user, campaign, params):
    queryset = (
        campaign_dotations(user, campaign, params)
        .select_related("campaign", "structure", "region")
        .annotate(
            advance_amount=_live(PaymentKind.ADVANCE),
            balance_amount=_live(PaymentKind.BALANCE),
            paid_amount=Sum("payments__amount", filter=Q(payments__status=PaymentStatus.PAID)),
            to_recover_amount=_recovery_sum(RecoveryStatus.ISSUED, RecoveryStatus.NOTIFIED),
            recovered_amount=_recovery_sum(RecoveryStatus.RECOVERED),
        )
        .order_by("structure__name", "pk")
    )
    return queryset.iterator(chunk_size=CHUNK)


LINE_COLUMNS = [
    Column(_("Campagne"), lambda line: line.dotation.campaign.year),
    Column(_("Structure"), lambda line: line.dotation.structure.name),
    Column(_("FINESS"), lambda line: line.dotation.structure.finess_et),
    Column(_("Région"), lambda line: line.dotation.region.name),
    Column(_("Statut de la dotation"), lambda line: line.dotation.get_status_display()),
    Column(_("Code"), lambda line: line.code),
    Column(_("Composante"), lambda line: line.label),
    Column(
        _("Base"), lambda line: BasisChoices(line.basis).label if line.basis in BasisChoices.values else line.basis
    ),
    Column(_("Catégorie ou donnée d'activité"), lambda line: KEY_LABELS.get(line.key, line.key)),
    Column(_("Quantité"), lambda line: line.quantity),
    Column(_("Taux (€)"), lambda line: line.rate, money=True),
    Column(_("Coefficient de précarité"), lambda line: line.coefficient),
    Column(_("Coefficient d'ajustement à l'enveloppe"), lambda line: line.reduction),
    Column(_("Plafonné"), lambda line: line.capped),
    Column(_("Montant (€)"), lambda line: line.amount, money=True),
]


def line_rows(user, campaign, params):
    dotations = campaign_dotations(user, campaign, params)
    queryset = (
        DotationLine.objects.filter(dotation__in=dotations.values("pk"))
        .select_related("dotation__campaign", "dotation__structure", "dotation__region")
        .order_by("dotation__structure__name", "dotation_id", "order", "pk")
    )
    return queryset.iterator(chunk_size=CHUNK)


# --- Payments ---------------------------------------------------------------------------------------------------

PAYMENT_COLUMNS = [
    Column(_("Campagne"), lambda p: p.dotation.campaign.year),
    Column(_("Structure"), lambda p: p.dotation.structure.name),
    Column(_("FINESS"), lambda p: p.dotation.structure.finess_et),
    Column(_("Région"), lambda p: p.dotation.region.name),
    Column(_("Nature"), lambda p: p.get_kind_display()),
    Column(_("Statut"), lambda p: p.get_status_display()),
    Column(_("Échéance"), lambda p: p.due_date),
    Column(_("Montant (€)"), lambda p: p.amount, money=True),
    Column(_("Fonds payeur"), lambda p: p.get_fund_display()),
    Column(_("Versé le"), lambda p: p.paid_on),
    Column(_("Référence du virement"), lambda p: p.reference),
    Column(_("Motif d'annulation"), lambda p: p.cancel_reason),
    # What each fund finances of the amount, by period funded (issue 9); the two add up to the amount.
    Column(_("Part financée par le FISS (€)"), lambda p: p.fiss_amount, money=True),
    Column(_("Part financée par le FIR (€)"), lambda p: p.fir_amount, money=True),
]


class RecoveryRow:
    """A recovery order (ordre de reversement) as a row of the payment export: nature « Ordre de reversement », its
    amount negative (money coming back), the day it was recovered as « Versé le » and the titre de recette's
    reference; no due date, fund or fund parts."""

    due_date = fund = fiss_amount = fir_amount = None

    def __init__(self, order):
        self.dotation = order.dotation
        self.order = order
        self.amount = -order.amount
        self.paid_on = order.recovered_on
        self.reference = order.reference
        self.cancel_reason = order.cancel_reason

    def get_kind_display(self):
        return str(_("Ordre de reversement"))

    def get_status_display(self):
        return self.order.get_status_display()

    def get_fund_display(self):
        return ""


def recovery_rows(user, params):
    """The recovery orders the user sees, filtered like the payments by campaign, region and structure; none when
    the list is filtered by a payment status or nature (they have neither)."""
    if params.get("statut") or params.get("nature"):
        return iter(())
    orders = RecoveryOrder.objects.visible_to(user).select_related(
        "dotation__structure", "dotation__region", "dotation__campaign"
    )
    if params.get("annee", "").isdigit():
        orders = orders.filter(dotation__campaign__year=int(params["annee"]))
    if params.get("region") and user.is_cnam_agent:
        orders = orders.filter(dotation__region_id=params["region"][:3])
    search = (params.get("q") or "").strip()[:100]
    if search:
        structure = Q(dotation__structure__name__icontains=search) | Q(dotation__structure__finess_et=search)
        orders = orders.filter(structure)
    orders = orders.order_by("dotation__campaign__year", "issued_at", "pk")
    return (RecoveryRow(order) for order in orders.iterator(chunk_size=CHUNK))


def payment_rows(user, params):
    """The filtered payments, then the recovery orders (negative amounts) of the same scope."""
    _filterset, queryset = filtered_payments(user, params)
    return itertools.chain(queryset.iterator(chunk_size=CHUNK), recovery_rows(user, params))
