"""The ARS side of a structure's file: the review page and its actions (design.md §7).

Every lookup goes through ``Structure.objects.visible_to(request.user)``: out of scope is a 404. Actions
are POSTs that call the services, which check the rights again; a ``DomainError`` becomes a French message.
Decisions and reopening go through a confirmation page that recalls what will happen and who will see it.
"""

from functools import wraps

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from secpa_portal.core.errors import DomainError
from secpa_portal.journal.models import Event

from .. import perms, services
from ..changes import changes_since_send_back
from ..eligibility_hooks import withdrawal_warnings
from ..enums import STATUS_BADGE, StructureStatus
from ..forms.review import DecisionForm, NoteForm, ReopenForm
from ..models import Membership, ReviewNote, Structure
from ..precheck import failing_criteria, run_precheck
from ..workflow import TRANSITIONS

# --- Review page ------------------------------------------------------------------------------------------


def _structure_for_review(request, pk) -> Structure:
    queryset = (
        Structure.objects.visible_to(request.user)
        .with_related()
        .prefetch_related(
            "team_lines",
            "mission_lines",
            "documents",
            Prefetch("memberships", queryset=Membership.objects.select_related("user").order_by("user__email")),
            Prefetch("review_notes", queryset=ReviewNote.objects.select_related("author")),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def _forbidden(request, structure):
    """In scope but not entitled to the review page (a manager of the structure): a French 403."""
    return render(request, "structures/review/forbidden.html", {"structure": structure}, status=403)


def _review_url(structure) -> str:
    return reverse("structures:review", args=[structure.pk])


def _back(structure):
    return redirect(_review_url(structure))


def reviewable(view):
    """Load the structure in the user's scope (else 404); a manager of the structure gets a French 403."""

    @wraps(view)
    def wrapper(request, pk):
        structure = _structure_for_review(request, pk)
        if not perms.can_see_review(request.user, structure):
            return _forbidden(request, structure)
        return view(request, structure)

    return wrapper


def _crumbs(structure, *last) -> list:
    crumbs = [(_("Structures"), reverse("structures:list"))]
    if last:
        return [*crumbs, (structure.name, _review_url(structure)), *last]
    return [*crumbs, (structure.name, None)]


def _recipients(structure) -> list:
    """The structure's managers, who receive the decision e-mails."""
    return [m.user for m in structure.memberships.all() if m.user.is_active]


def _render_review(request, structure, *, decision_form=None, reopen_form=None, note_form=None):
    user = request.user
    criteria = run_precheck(structure)
    failing = failing_criteria(criteria)
    timeline = list(Event.objects.for_structure(structure.pk).order_by("-created_at", "-id"))
    context = {
        "structure": structure,
        "crumbs": _crumbs(structure),
        "criteria": criteria,
        "failing": failing,
        "notes": list(structure.review_notes.all()),
        "recipients": _recipients(structure),
        "timeline": timeline,
        "changes": changes_since_send_back(structure, timeline),
        "can_take": perms.can_take(user, structure),
        "can_decide": perms.can_decide(user, structure),
        "can_reopen": perms.can_reopen(user, structure),
        "can_add_note": perms.can_add_note(user, structure),
        "taken_by_me": structure.status == StructureStatus.IN_REVIEW and structure.reviewer_id == user.pk,
        "decision_form": decision_form or DecisionForm(failing=failing),
        "reopen_form": reopen_form or ReopenForm(),
        "note_form": note_form or NoteForm(),
    }
    return render(request, "structures/review/review.html", context)


@require_GET
@reviewable
def structure_review(request, structure):
    return _render_review(request, structure)


@require_POST
@reviewable
def structure_take(request, structure):
    try:
        services.structure_take(structure=structure, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Vous instruisez désormais ce dossier. "
                "Les gestionnaires de la structure en sont informés par courriel."
            ),
        )
    return _back(structure)


DECISION_SUCCESS = {
    "declare_eligible": gettext_lazy(
        "La structure « %(name)s » est déclarée éligible. Ses gestionnaires en sont informés par courriel ; "
        "la CNAM peut désormais lui proposer une convention."
    ),
    "request_changes": gettext_lazy(
        "Des compléments sont demandés à la structure « %(name)s ». Ses gestionnaires en sont informés par "
        "courriel, avec le motif ; le dossier reviendra à l'ARS quand il aura été déposé à nouveau."
    ),
    "declare_ineligible": gettext_lazy(
        "La structure « %(name)s » est déclarée non éligible. Ses gestionnaires en sont informés par courriel, "
        "avec le motif."
    ),
}


def _confirm(request, structure, *, action, form, title, consequences, overridden=(), warnings=()):
    target = TRANSITIONS[action].target
    return render(
        request,
        "structures/review/confirm.html",
        {
            "structure": structure,
            "crumbs": _crumbs(structure, (title, None)),
            "action": action,
            "action_url": reverse(
                "structures:reopen" if action == "reopen" else "structures:decide", args=[structure.pk]
            ),
            "form": form,
            "title": title,
            "label": TRANSITIONS[action].label,
            "target_label": StructureStatus(target).label,
            "target_badge": STATUS_BADGE[target],
            "reason": form.cleaned_data["reason"],
            "consequences": consequences,
            "overridden": overridden,
            "warnings": warnings,
            "recipients": _recipients(structure),
        },
    )


def _decision_consequences(decision) -> list[str]:
    common = _(
        "La décision et son motif entrent dans l'historique du dossier, visible de la structure, "
        "des agents de l'ARS de la région et de la CNAM."
    )
    return {
        "declare_eligible": [
            _("Le dossier passe au statut « Éligible » ; l'instruction est close."),
            _("La CNAM peut alors préparer la convention pluriannuelle de la structure."),
            common,
        ],
        "request_changes": [
            _("Le dossier passe au statut « À compléter » : la structure peut de nouveau le modifier."),
            _("Une fois complété et déposé à nouveau, il reviendra en attente de prise en charge à l'ARS."),
            common,
        ],
        "declare_ineligible": [
            _("Le dossier passe au statut « Non éligible » ; l'instruction est close."),
            _("Un agent de l'ARS de la région pourra la rouvrir, avec un motif."),
            common,
        ],
    }[decision]


@require_POST
@reviewable
def structure_decide(request, structure):
    # The three decisions share their source state and their actor.
    refusal = perms.refusal(request.user, structure, "declare_eligible")
    if refusal:
        messages.error(request, refusal)
        return _back(structure)
    failing = failing_criteria(run_precheck(structure))
    form = DecisionForm(request.POST, failing=failing)
    if "edit" in request.POST:
        # « Modifier » on the confirmation page: back to the form with what was typed.
        return _render_review(
            request, structure, decision_form=DecisionForm(initial=request.POST.dict(), failing=failing)
        )
    if not form.is_valid():
        return _render_review(request, structure, decision_form=form)
    decision = form.cleaned_data["decision"]
    if "confirm" not in request.POST:
        overridden = failing if decision == "declare_eligible" else ()
        return _confirm(
            request,
            structure,
            action=decision,
            form=form,
            title=_("Confirmer la décision"),
            consequences=_decision_consequences(decision),
            overridden=overridden,
            warnings=withdrawal_warnings(structure) if decision == "declare_ineligible" else (),
        )
    try:
        services.structure_decide(
            structure=structure, user=request.user, decision=decision, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, DECISION_SUCCESS[decision] % {"name": structure.name})
    return _back(structure)


@require_POST
@reviewable
def structure_reopen(request, structure):
    refusal = perms.refusal(request.user, structure, "reopen")
    if refusal:
        messages.error(request, refusal)
        return _back(structure)
    form = ReopenForm(request.POST)
    if "edit" in request.POST:
        return _render_review(request, structure, reopen_form=ReopenForm(initial=request.POST.dict()))
    if not form.is_valid():
        return _render_review(request, structure, reopen_form=form)
    if "confirm" not in request.POST:
        return _confirm(
            request,
            structure,
            action="reopen",
            form=form,
            title=_("Confirmer la réouverture de l'instruction"),
            consequences=[
                _("Le dossier repasse au statut « En instruction » et vous en devenez l'agent instructeur."),
                _("La décision précédente n'est plus en vigueur tant qu'une nouvelle décision n'est pas prise."),
                _(
                    "La réouverture et son motif entrent dans l'historique du dossier, visible de la structure, "
                    "des agents de l'ARS de la région et de la CNAM."
                ),
            ],
            warnings=withdrawal_warnings(structure),
        )
    try:
        services.structure_reopen(structure=structure, user=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "L'instruction est rouverte ; vous en êtes l'agent instructeur. "
                "Les gestionnaires de la structure en sont informés par courriel."
            ),
        )
    return _back(structure)


@require_POST
@reviewable
def review_note_add(request, structure):
    form = NoteForm(request.POST)
    if perms.can_add_note(request.user, structure) and not form.is_valid():
        return _render_review(request, structure, note_form=form)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        services.review_note_add(structure=structure, user=request.user, text=text)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(structure)
    messages.success(request, _("Note ajoutée. Elle n'est jamais visible de la structure."))
    return redirect(_review_url(structure) + "#notes")
