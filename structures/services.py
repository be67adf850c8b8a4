"""Every write on a structure's file: lock, check, change, journal, notify (design.md §4)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from secpa_portal.accounts.models import User
from secpa_portal.core.errors import ActionRefused
from secpa_portal.core.services import check_version, lock, require
from secpa_portal.journal.services import record_event
from secpa_portal.messaging.services import post_message
from secpa_portal.reference.identifiers import commune_departement_code
from secpa_portal.reference.models import Departement

from . import notifications, perms
from .changes import snapshot
from .eligibility_hooks import eligibility_withdrawn
from .enums import StructureStatus
from .models import FILE_FIELDS, Document, Membership, MissionLine, ReviewNote, Structure, TeamLine
from .precheck import run_precheck, submission_blockers
from .workflow import WORKFLOW, TransitionError

EDITABLE_FIELDS = frozenset(FILE_FIELDS)


def _locate(structure):
    """Derive the département and the region from the commune code."""
    if not structure.commune_code:
        structure.departement = None
        structure.region = None
        return
    try:
        code = commune_departement_code(structure.commune_code)
    except (ValidationError, ValueError):
        return
    departement = Departement.objects.filter(code=code).select_related("region").first()
    structure.departement = departement
    structure.region = departement.region if departement else None


@transaction.atomic
def structure_create(*, user: User, name: str) -> Structure:
    require(perms.can_create_structure(user), _("Seul un gestionnaire de structure peut enregistrer une structure."))
    structure = Structure(name=name.strip(), created_by=user)
    structure.full_clean(exclude=["kind"])
    structure.save()
    Membership.objects.create(user=user, structure=structure)
    record_event(
        actor=user, verb="structure_created", summary=_("Brouillon créé"), obj=structure, structure_id=structure.pk
    )
    return structure


@transaction.atomic
def structure_update(*, structure: Structure, user: User, fields: dict, expected_version=None) -> Structure:
    locked = lock(structure)
    require(perms.can_edit(user, locked), _("Ce dossier ne peut plus être modifié à ce stade."))
    check_version(locked, expected_version)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(locked, name, value)
    if "commune_code" in fields:
        _locate(locked)
    locked.full_clean(exclude=["kind", "territory_type"] if not locked.kind else ["territory_type"])
    locked.version += 1
    locked.save()
    return locked


def _bump(locked):
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


@transaction.atomic
def team_replace(*, structure: Structure, user: User, lines: list[dict], expected_version=None) -> Structure:
    """Replace the team lines with ``lines`` (dicts of category, headcount, fte)."""
    locked = lock(structure)
    require(perms.can_edit(user, locked), _("Ce dossier ne peut plus être modifié à ce stade."))
    check_version(locked, expected_version)
    locked.team_lines.all().delete()
    TeamLine.objects.bulk_create([TeamLine(structure=locked, **line) for line in lines])
    _bump(locked)
    return locked


@transaction.atomic
def missions_replace(*, structure: Structure, user: User, lines: list[dict], expected_version=None) -> Structure:
    """Replace the mission lines with ``lines`` (dicts of MissionLine fields)."""
    locked = lock(structure)
    require(perms.can_edit(user, locked), _("Ce dossier ne peut plus être modifié à ce stade."))
    check_version(locked, expected_version)
    locked.mission_lines.all().delete()
    MissionLine.objects.bulk_create([MissionLine(structure=locked, **line) for line in lines])
    _bump(locked)
    return locked


@transaction.atomic
def document_add(*, structure: Structure, user: User, kind: str, uploaded_file) -> Document:
    locked = lock(structure)
    require(perms.can_edit(user, locked), _("Les pièces ne peuvent plus être modifiées à ce stade."))
    document = Document(
        structure=locked,
        kind=kind,
        file=uploaded_file,
        original_name=uploaded_file.name[:255],
        content_type=getattr(uploaded_file, "content_type", "") or "application/octet-stream",
        size=uploaded_file.size,
        uploaded_by=user,
    )
    document.save()
    record_event(
        actor=user,
        verb="document_added",
        summary=_("Pièce ajoutée : %(name)s") % {"name": document.original_name},
        obj=locked,
        structure_id=locked.pk,
    )
    return document


@transaction.atomic
def document_delete(*, document: Document, user: User) -> None:
    locked = lock(document.structure)
    require(perms.can_edit(user, locked), _("Les pièces ne peuvent plus être modifiées à ce stade."))
    name = document.original_name
    document.file.delete(save=False)
    document.delete()
    record_event(
        actor=user,
        verb="document_deleted",
        summary=_("Pièce retirée : %(name)s") % {"name": name},
        obj=locked,
        structure_id=locked.pk,
    )


def _move(locked, name, reason="") -> str:
    """Apply transition ``name`` to the locked row; returns the state it left."""
    return WORKFLOW.apply(locked, name, reason)


def _record(locked, user, verb, from_state, summary, reason="", payload=None):
    WORKFLOW.record(
        locked,
        actor=user,
        verb=verb,
        summary=summary,
        from_state=from_state,
        structure_id=locked.pk,
        reason=reason,
        payload=payload,
    )


@transaction.atomic
def structure_submit(*, structure: Structure, user: User) -> Structure:
    locked = lock(structure)
    WORKFLOW.check("submit", locked.status)
    require(perms.can_submit(user, locked), perms.ACTOR_REFUSALS["submit"])
    blockers = submission_blockers(run_precheck(locked))
    if blockers:
        raise TransitionError(
            _("Le dossier ne peut pas encore être déposé : %(list)s")
            % {"list": " ".join(f"{c.label} : {c.explanation}" for c in blockers)}
        )
    from_state = _move(locked, "submit")
    locked.submitted_at = timezone.now()
    locked.last_decision_reason = ""
    locked.save()
    _record(locked, user, "submitted", from_state, _("Dossier déposé auprès de l'ARS"))
    reviewer = locked.reviewer
    if (
        from_state == StructureStatus.CHANGES_REQUESTED
        and reviewer
        and reviewer.is_active
        and perms.can_take(reviewer, locked)
    ):
        # The file returns to the agent who sent it back, in review: nobody has to take it again.
        taken_from = _move(locked, "take")
        locked.save()
        record_event(
            actor=None,
            verb="returned_to_reviewer",
            summary=_("Dossier complété revenu en instruction auprès de %(agent)s") % {"agent": reviewer},
            obj=locked,
            structure_id=locked.pk,
            from_state=taken_from,
            to_state=locked.status,
            payload={"reviewer": reviewer.pk},
        )
        notifications.structure_resubmitted(locked)
    else:
        notifications.structure_submitted(locked)
    return locked


@transaction.atomic
def structure_withdraw(*, structure: Structure, user: User, reason: str = "") -> Structure:
    locked = lock(structure)
    WORKFLOW.check("withdraw", locked.status)
    require(perms.can_withdraw(user, locked), perms.ACTOR_REFUSALS["withdraw"])
    from_state = _move(locked, "withdraw")
    locked.save()
    _record(locked, user, "withdrawn", from_state, _("Dossier retiré par la structure"), reason=reason)
    return locked


@transaction.atomic
def structure_reopen_withdrawn(*, structure: Structure, user: User) -> Structure:
    """The managers take back a withdrawn file as a draft, within ``WITHDRAWN_REOPEN_DAYS`` of its withdrawal."""
    locked = lock(structure)
    WORKFLOW.check("reopen_withdrawn", locked.status)
    require(perms.is_member(user, locked), _("Seul un gestionnaire de la structure peut rouvrir son dossier retiré."))
    if not perms.can_reopen_withdrawn(user, locked):
        raise TransitionError(
            _(
                "Le dossier a été retiré il y a plus de %(days)s jours : il ne peut plus être rouvert. "
                "Contactez l'administrateur du portail pour enregistrer à nouveau la structure."
            )
            % {"days": settings.WITHDRAWN_REOPEN_DAYS}
        )
    from_state = _move(locked, "reopen_withdrawn")
    locked.reviewer = None  # a new submission waits for the region's agents
    locked.last_decision_reason = ""
    locked.save()
    _record(locked, user, "withdrawn_reopened", from_state, _("Dossier retiré rouvert en brouillon par la structure"))
    return locked


@transaction.atomic
def structure_take(*, structure: Structure, user: User) -> Structure:
    locked = lock(structure)
    if locked.status == StructureStatus.IN_REVIEW and locked.reviewer_id and locked.reviewer_id != user.pk:
        raise TransitionError(_("Ce dossier vient d'être pris en charge par %(agent)s.") % {"agent": locked.reviewer})
    WORKFLOW.check("take", locked.status)
    require(perms.can_take(user, locked), perms.ACTOR_REFUSALS["take"])
    from_state = _move(locked, "take")
    locked.reviewer = user
    locked.save()
    _record(locked, user, "taken", from_state, _("Dossier pris en charge par l'ARS"))
    notifications.structure_taken(locked)
    return locked


@transaction.atomic
def structure_decide(*, structure: Structure, user: User, decision: str, reason: str = "") -> Structure:
    """``decision`` is one of declare_eligible, declare_ineligible, request_changes.

    Declaring eligible while a pre-check criterion fails needs an override reason.
    """
    if decision not in ("declare_eligible", "declare_ineligible", "request_changes"):
        raise ValueError(decision)
    locked = lock(structure)
    WORKFLOW.check(decision, locked.status, reason)
    require(perms.can_decide(user, locked), perms.ACTOR_REFUSALS[decision])
    payload = {}
    if decision == "declare_eligible":
        failing = [c for c in run_precheck(locked) if not c.passed]
        if failing and not reason.strip():
            raise TransitionError(
                _("Des critères du pré-contrôle ne sont pas remplis (%(list)s) : motivez la décision d'éligibilité.")
                % {"list": ", ".join(c.label for c in failing)}
            )
        payload = {"overridden_criteria": [c.code for c in failing]}
    if decision == "request_changes":
        # What the file was when sent back: the review page shows what changed when it comes back.
        payload = {"snapshot": snapshot(locked)}
    from_state = _move(locked, decision, reason)
    locked.last_decision_reason = reason.strip()
    locked.reviewer = locked.reviewer or user
    locked.save()
    verb = {
        "declare_eligible": "eligible",
        "declare_ineligible": "ineligible",
        "request_changes": "changes_requested",
    }[decision]
    summaries = {
        "eligible": _("Structure déclarée éligible"),
        "ineligible": _("Structure déclarée non éligible"),
        "changes_requested": _("Compléments demandés à la structure"),
    }
    _record(locked, user, verb, from_state, summaries[verb], reason=reason.strip(), payload=payload)
    if decision == "request_changes":  # the reason opens the file's message thread
        post_message(user=user, obj=locked, text=reason, opens_with_reason="changes_requested", checked=True)
    notify = {
        "eligible": notifications.structure_eligible,
        "ineligible": notifications.structure_ineligible,
        "changes_requested": notifications.structure_changes_requested,
    }[verb]
    notify(locked, reason.strip())
    if verb == "ineligible":
        eligibility_withdrawn.send(sender=Structure, structure=locked, user=user, verb=verb, reason=reason.strip())
    return locked


@transaction.atomic
def structure_reopen(*, structure: Structure, user: User, reason: str) -> Structure:
    locked = lock(structure)
    WORKFLOW.check("reopen", locked.status, reason)
    require(perms.can_reopen(user, locked), perms.ACTOR_REFUSALS["reopen"])
    from_state = _move(locked, "reopen", reason)
    locked.reviewer = user
    locked.last_decision_reason = reason.strip()
    locked.save()
    _record(locked, user, "reopened", from_state, _("Instruction rouverte"), reason=reason.strip())
    notifications.structure_reopened(locked, reason.strip())
    eligibility_withdrawn.send(sender=Structure, structure=locked, user=user, verb="reopened", reason=reason.strip())
    return locked


@transaction.atomic
def review_note_add(*, structure: Structure, user: User, text: str) -> ReviewNote:
    require(
        perms.can_add_note(user, structure), _("Seuls les agents de l'ARS de la région peuvent annoter ce dossier.")
    )
    if not text.strip():
        raise ActionRefused(_("La note est vide."))
    # Lock the structure before the journal's lock, as every transition does: PostgreSQL checks the note's
    # deferred foreign key at commit, and a transition holding the row while waiting for the journal would
    # otherwise deadlock with it.
    locked = lock(structure)
    note = ReviewNote.objects.create(structure=locked, author=user, text=text.strip())
    record_event(
        actor=user,
        verb="note_added",
        summary=_("Note d'instruction ajoutée"),
        obj=locked,
        structure_id=locked.pk,
        internal=True,
    )
    return note


@transaction.atomic
def membership_add(*, structure: Structure, user: User, email: str) -> Membership:
    """A manager of the structure gives another person access to it, creating their account when needed."""
    locked = lock(structure)
    require(
        perms.can_manage_members(user, locked), _("Seul un gestionnaire de la structure peut ajouter un gestionnaire.")
    )
    email = get_user_model().objects.normalize_email(email)
    if not email:
        raise ActionRefused(_("Indiquez l'adresse électronique de la personne à ajouter."))
    member = get_user_model().objects.filter(email=email).first()
    created = member is None
    if created:
        # A random password the invitee never sees: the invitation's link lets them choose theirs, and
        # « Mot de passe oublié » works later (it ignores accounts without a usable password).
        member = get_user_model().objects.create_user(email=email, password=get_random_string(40))
    elif not member.is_manager or not member.is_active:
        # One message whatever the account is (an agent's, a disabled one): the form tells nothing about it.
        raise ActionRefused(
            _(
                "Cette adresse ne peut pas être ajoutée comme gestionnaire de la structure : "
                "contactez l'administrateur du portail."
            )
        )
    elif Membership.objects.filter(structure=locked, user=member).exists():
        raise ActionRefused(_("%(email)s gère déjà cette structure.") % {"email": member.email})
    membership = Membership.objects.create(structure=locked, user=member)
    record_event(
        actor=user,
        verb="manager_added",
        summary=_("Gestionnaire ajouté : %(email)s") % {"email": member.email},
        obj=locked,
        structure_id=locked.pk,
        payload={"user": member.pk, "new_account": created},
    )
    notifications.notify_member_added(locked, member, invited_by=user, new_account=created)
    return membership


@transaction.atomic
def membership_remove(*, structure: Structure, user: User, member: User) -> None:
    """A manager of the structure removes a manager (themselves included); the structure keeps at least one."""
    locked = lock(structure)
    require(
        perms.can_manage_members(user, locked), _("Seul un gestionnaire de la structure peut retirer un gestionnaire.")
    )
    memberships = Membership.objects.filter(structure=locked)
    if not memberships.filter(user=member).exists():
        raise ActionRefused(_("Cette personne ne gère pas cette structure."))
    if not memberships.exclude(user=member).filter(user__is_active=True).exists():
        raise ActionRefused(
            _("La structure doit garder au moins un gestionnaire actif : ajoutez-en un autre avant ce retrait.")
        )
    memberships.filter(user=member).delete()
    record_event(
        actor=user,
        verb="manager_removed",
        summary=_("Gestionnaire retiré : %(email)s") % {"email": member.email},
        obj=locked,
        structure_id=locked.pk,
        payload={"user": member.pk},
    )
    notifications.notify_member_removed(locked, member)
