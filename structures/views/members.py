"""Who manages a structure: its managers add a colleague or remove one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from secpa_portal.core import confirm
from secpa_portal.core.confirm import Confirmation
from secpa_portal.core.errors import DomainError

from .. import perms, services
from ..forms import MemberAddForm
from .common import crumbs, load_structure


@require_http_methods(["GET", "POST"])
def structure_managers(request, pk):
    """GET: the managers and, for them, a form to add one; POST: add the person typed."""
    structure = load_structure(request, pk)
    can_manage = perms.can_manage_members(request.user, structure)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            messages.error(request, _("Seuls les gestionnaires de la structure peuvent modifier ses gestionnaires."))
            return redirect("structures:managers", pk=structure.pk)
        if form.is_valid():
            try:
                membership = services.membership_add(
                    structure=structure, user=request.user, email=form.cleaned_data["email"]
                )
            except DomainError as error:
                form.add_error("email", error.message)
            else:
                messages.success(
                    request,
                    _("%(email)s gère désormais la structure : un courriel le lui annonce.")
                    % {"email": membership.user.email},
                )
                return redirect("structures:managers", pk=structure.pk)
    return render(
        request,
        "structures/managers.html",
        {
            "structure": structure,
            "memberships": _with_removals(structure, request.user)
            if can_manage
            else list(structure.memberships.all()),
            "can_manage": can_manage,
            "form": form,
            "crumbs": crumbs(structure, (_("Gestionnaires"), None)),
        },
    )


def removal_confirmation(structure, member, user) -> Confirmation:
    """Removing a manager (oneself included): the managers page's modal and the confirmation page."""
    is_self = member.pk == user.pk
    if is_self:
        title = _("Ne plus gérer « %(name)s » ?") % {"name": structure.name}
        first = _("Vous n'aurez plus accès au dossier, aux rapports ni aux financements de la structure.")
    else:
        title = _("Retirer %(email)s des gestionnaires ?") % {"email": member.email}
        first = _(
            "%(email)s n'aura plus accès au dossier, aux rapports ni aux financements de la structure, "
            "et en est informé par courriel."
        ) % {"email": member.email}
    return Confirmation(
        key=f"manager-{member.pk}",
        title=title,
        url=reverse("structures:manager_remove", args=[structure.pk, member.pk]),
        cancel_url=reverse("structures:managers", args=[structure.pk]),
        button=_("Confirmer le retrait"),
        trigger=_("Retirer"),
        trigger_detail=member.email,
        trigger_class="fr-btn fr-btn--sm fr-btn--tertiary",
        lines=(
            first,
            _("Le retrait figure dans l'historique du dossier, visible de ses gestionnaires, de l'ARS et de la CNAM."),
        ),
        danger=True,
    )


def _with_removals(structure, user) -> list:
    """The memberships, each with the confirmation of its removal (``membership.removal``)."""
    memberships = list(structure.memberships.all())
    for membership in memberships:
        membership.removal = removal_confirmation(structure, membership.user, user)
    return memberships


@require_http_methods(["GET", "POST"])
def structure_manager_remove(request, pk, user_pk):
    """GET: what removing the person does; POST: remove them."""
    structure = load_structure(request, pk)
    membership = get_object_or_404(structure.memberships.all(), user_id=user_pk)
    if not perms.can_manage_members(request.user, structure):
        messages.error(request, _("Seuls les gestionnaires de la structure peuvent modifier ses gestionnaires."))
        return redirect("structures:managers", pk=structure.pk)
    member = membership.user
    is_self = member.pk == request.user.pk
    if request.method == "POST":
        try:
            services.membership_remove(structure=structure, user=request.user, member=member)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("structures:managers", pk=structure.pk)
        if is_self:
            messages.success(request, _("Vous ne gérez plus « %(name)s ».") % {"name": structure.name})
            return redirect("dashboard")
        messages.success(request, _("%(email)s ne gère plus la structure.") % {"email": member.email})
        return redirect("structures:managers", pk=structure.pk)
    page_crumbs = crumbs(
        structure,
        (_("Gestionnaires"), reverse("structures:managers", args=[structure.pk])),
        (_("Retirer un gestionnaire"), None),
    )
    return confirm.page(request, removal_confirmation(structure, member, request.user), page_crumbs)
