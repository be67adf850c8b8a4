"""The funding page of a structure: approved, paid and scheduled amounts over its convention's years."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from conventions.models import Convention
from secpa_portal.core.collation import french
from structures.models import Structure

from .. import commitments as commitment_selectors
from ..funding_chart import funding_chart
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
            "funding_recoveries": data["orders"],
            "commitment_rows": structure_commitments(request.user, structure),
            "can_manage": perms.can_manage_payments(request.user),
            "crumbs": _crumbs(request.user, structure.name),
        },
    )


def structure_commitments(user, structure) -> list:
    """Per signed convention of the structure and year: expected (projected by the engine), approved, paid,
    recovered and remaining (dotations.commitments), in a bounded number of queries. It replaces the yearly
    ledger table: the recovery orders themselves are read with the payments (``structure_funding``)."""
    visible = Convention.objects.visible_to(user).filter(structure=structure)
    return commitment_selectors.commitments(commitment_selectors.signed_conventions(visible))


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
