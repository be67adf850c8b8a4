"""What the manager's pages and the structure page share: loading a file in scope, and describing it."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from secpa_portal.core.confirm import Confirmation
from secpa_portal.journal.models import Event

from ..enums import MANDATORY_MISSIONS, Mission, ProfessionalCategory
from ..models import Document, Membership, Structure
from ..precheck import run_precheck, submission_blockers
from ..steps import first_incomplete, step_states

CATEGORY_ORDER = {category: index for index, category in enumerate(ProfessionalCategory)}


def load_structure(request, pk) -> Structure:
    """The structure with everything its pages show, in the user's scope (else 404)."""
    queryset = (
        Structure.objects.visible_to(request.user)
        .with_related()
        .prefetch_related(
            "team_lines",
            "mission_lines",
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
            Prefetch("memberships", queryset=Membership.objects.select_related("user").order_by("user__email")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def removal_confirmation(document) -> Confirmation:
    """Removing a document from a file (the documents step, its modal and its confirmation page)."""
    return Confirmation(
        key=f"document-{document.pk}",
        title=_("Retirer la pièce « %(name)s » ?") % {"name": document.original_name},
        url=reverse("structures:document_delete", args=[document.structure_id, document.pk]),
        cancel_url=reverse("structures:step", args=[document.structure_id, "documents"]),
        button=_("Retirer la pièce"),
        trigger=_("Retirer"),
        trigger_detail=document.original_name,
        trigger_class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-delete-line fr-btn--icon-left",
        lines=(
            _("La pièce « %(name)s » (%(kind)s) sera supprimée du dossier : elle ne pourra pas être récupérée.")
            % {"name": document.original_name, "kind": document.get_kind_display()},
            _("Le retrait figurera dans l'historique du dossier."),
        ),
        danger=True,
    )


def mission_rows(structure) -> list[dict]:
    """The eight missions in the bill's order, each with its line when described."""
    by_mission = {line.mission: line for line in structure.mission_lines.all()}
    return [
        {"mission": mission, "mandatory": mission in MANDATORY_MISSIONS, "line": by_mission.get(mission)}
        for mission in Mission
    ]


def team_totals(structure) -> dict:
    lines = list(structure.team_lines.all())
    return {"headcount": sum(line.headcount for line in lines), "fte": sum((line.fte for line in lines), 0)}


def timeline(structure, user) -> list:
    """The file's journal, newest first; internal events (private notes) only for the staff."""
    events = Event.objects.for_structure(structure.pk).order_by("-created_at", "-id")
    if not (user.is_ars_agent or user.is_cnam_agent or user.is_superuser):
        events = events.filter(internal=False)
    return list(events)


def crumbs(structure, *tail) -> list[tuple]:
    """The breadcrumb of a page about ``structure``: the list, the structure, then ``tail`` (label, url) pairs."""
    items = [(_("Structures"), reverse("structures:list"))]
    if structure is not None:
        items.append((structure.name, reverse("structures:detail", args=[structure.pk]) if tail else None))
    return items + list(tail)


def file_context(structure) -> dict:
    """The sections of a file (identity to documents) and its pre-check, for the structure page and the summary."""
    criteria = run_precheck(structure)
    return {
        "structure": structure,
        "criteria": criteria,
        "blockers": submission_blockers(criteria),
        "steps": step_states(criteria),
        "resume_step": first_incomplete(criteria),
        "missions": mission_rows(structure),
        "team_lines": sorted(structure.team_lines.all(), key=lambda line: CATEGORY_ORDER.get(line.category, 99)),
        "team_totals": team_totals(structure),
        "documents": list(structure.documents.all()),
        "managers": [membership.user for membership in structure.memberships.all()],
        "edit_links": False,
    }
