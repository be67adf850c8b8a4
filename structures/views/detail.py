"""The structure page: one tab per part of the file (Synthèse, Équipe, Missions, Documents, Historique here;
Convention, Rapports and Financements in ``secpa_portal.site.structure_tabs``), each with its own URL, for
every role in scope (out of scope: 404)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .. import perms
from .common import crumbs, file_context, load_structure, timeline

# slug → label, in the tab bar's order (templates/structures/detail/_tabs.html).
TABS = {
    "synthese": _("Synthèse"),
    "equipe": _("Équipe"),
    "missions": _("Missions"),
    "documents": _("Documents"),
    "convention": _("Convention"),
    "rapports": _("Rapports"),
    "financements": _("Financements"),
    "historique": _("Historique"),
}


def tab_context(request, pk, tab) -> dict:
    """What every tab of the structure page shows: the file in scope (else 404), its header and the tab bar."""
    user = request.user
    structure = load_structure(request, pk)
    context = file_context(structure)
    label = TABS[tab]
    context.update(
        {
            "tab": tab,
            "tab_label": "" if tab == "synthese" else label,
            "can_edit": perms.can_edit(user, structure),
            "can_submit": perms.can_submit(user, structure),
            "can_withdraw": perms.can_withdraw(user, structure),
            "can_reopen_withdrawn": perms.can_reopen_withdrawn(user, structure),
            "reopen_deadline": perms.withdrawn_reopen_deadline(structure),
            "can_see_review": perms.can_see_review(user, structure),
            "can_manage_members": perms.can_manage_members(user, structure),
            "is_staff_view": user.is_ars_agent or user.is_cnam_agent,
            "crumbs": crumbs(structure) if tab == "synthese" else crumbs(structure, (label, None)),
        }
    )
    return context


@require_GET
def structure_detail(request, pk):
    return render(request, "structures/detail.html", tab_context(request, pk, "synthese"))


@require_GET
def structure_team(request, pk):
    return render(request, "structures/tabs/equipe.html", tab_context(request, pk, "equipe"))


@require_GET
def structure_missions(request, pk):
    return render(request, "structures/tabs/missions.html", tab_context(request, pk, "missions"))


@require_GET
def structure_documents(request, pk):
    return render(request, "structures/tabs/documents.html", tab_context(request, pk, "documents"))


@require_GET
def structure_history(request, pk):
    context = tab_context(request, pk, "historique")
    context["timeline"] = timeline(context["structure"], request.user)
    return render(request, "structures/tabs/historique.html", context)
