"""The funding page of a structure: approved, paid and scheduled amounts over its convention's years."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from secpa_portal.core.collation import french
from structures.models import Structure

from ..enums import RecoveryStatus
from ..funding_chart import funding_chart
from ..ledger import ZERO, Ledger
from ..payment_selectors import structure_funding
from ..perms import payments as perms


def funding(request, structure_pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user).select_related("region"), pk=structure_pk)
    data = structure_funding(request.user, structure)
    return render(
        request,
        "dotations/funding.html",
        {
            "structure": structure,
            **data,
            "chart": funding_chart(data["rows"]),
            **recovery_summary(data["orders"], data["rows"]),
            "can_manage": perms.can_manage_payments(request.user),
            "crumbs": _crumbs(request.user, structure.name),
        },
    )


def recovery_summary(orders, rows) -> dict:
    """Per approved year, the ledger (approved, paid, to recover, recovered, remaining) from the rows and the
    recovery orders already read (those the user may see)."""
    ledger_rows = []
    for row in rows:
        if row.dotation is None:
            continue
        mine = [o for o in orders if o.dotation_id == row.dotation.pk]
        ledger = Ledger(
            approved=row.dotation.total,
            paid=row.paid,
            recovered=sum((o.amount for o in mine if o.status == RecoveryStatus.RECOVERED), ZERO),
            to_recover=sum(
                (o.amount for o in mine if o.status in (RecoveryStatus.ISSUED, RecoveryStatus.NOTIFIED)), ZERO
            ),
        )
        ledger_rows.append((row.year, row.dotation, ledger))
    return {"ledger_rows": ledger_rows, "funding_recoveries": orders}


def _crumbs(user, label=None):
    crumbs = [(_("Tableau de bord"), reverse("dashboard"))]
    if perms.can_manage_payments(user) or user.is_ars_agent:
        crumbs.append((_("Versements"), reverse("dotations:payments")))
    else:
        crumbs.append((_("Financements"), reverse("dotations:my_funding") if label else None))
    if label:
        crumbs.append((label, None))
    return crumbs


def my_funding(request):
    """A manager's entry point: straight to the funding page of their only structure, else the list.
    Staff follow payments on the payments list."""
    if not request.user.is_manager:
        return redirect("dotations:payments")
    structures = list(
        Structure.objects.visible_to(request.user).only("pk", "name", "status").order_by(french("name"))[:200]
    )
    if len(structures) == 1:
        return redirect("dotations:funding", structure_pk=structures[0].pk)
    return render(request, "dotations/funding_index.html", {"structures": structures, "crumbs": _crumbs(request.user)})
