"""The registration form in seven steps (design.md §7): each step saves the draft through the services.

A step re-renders with what was typed and French errors when invalid. Each form carries the structure's
``version``: a save based on an older version is refused (``ConflictError``) and the typed values are kept.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from secpa_portal.core.errors import DomainError

from .. import perms, services
from ..forms import (
    ActivityForm,
    AttestationsForm,
    DocumentForm,
    IdentityForm,
    LocationForm,
    VersionForm,
    mission_formset,
    structure_initial,
    team_formset,
)
from ..models import MissionLine, Structure, TeamLine
from ..precheck import run_precheck
from ..steps import STEPS, STEPS_BY_SLUG, step_after, step_before, step_states
from .common import crumbs, file_context, load_structure, removal_confirmation

MISSING_VERSION = gettext_lazy(
    "Le formulaire est incomplet (version du dossier absente) : rechargez la page puis saisissez à nouveau."
)
FINESS_TAKEN = gettext_lazy("Une structure est déjà enregistrée avec ce numéro FINESS.")
SAVE_COLLIDED = gettext_lazy(
    "Vos saisies n'ont pas été enregistrées : une autre saisie a modifié ce dossier au même moment. "
    "Rechargez la page puis recommencez."
)

logger = logging.getLogger(__name__)

# What each unique constraint a step can hit means, in French (field None: at the top of the form). The database
# names the constraint (PostgreSQL) or its columns (SQLite) in its error.
UNIQUE_REFUSALS = {
    "unique_finess_et": ("finess_et", FINESS_TAKEN),
    "unique_team_category": (None, gettext_lazy("Cette catégorie professionnelle figure déjà dans l'équipe.")),
    "unique_structure_mission": (None, gettext_lazy("Cette mission figure déjà dans le dossier.")),
}


def _unique_constraints():
    for model in (Structure, TeamLine, MissionLine):
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.name in UNIQUE_REFUSALS:
                columns = ", ".join(
                    f"{model._meta.db_table}.{model._meta.get_field(f).column}" for f in constraint.fields
                )
                yield constraint.name, columns


def integrity_refusal(error: IntegrityError) -> ValidationError:
    """What a database refusal really was (a FINESS taken meanwhile, a team category or a mission entered twice
    at once), else a save that collided with another one; never a FINESS error for every refusal."""
    text = str(error)
    for name, columns in _unique_constraints():
        if name in text or f"UNIQUE constraint failed: {columns}" in text:
            field, message = UNIQUE_REFUSALS[name]
            return ValidationError({field: message} if field else message)
    logger.warning("Registration step refused by the database: %s", text)
    return ValidationError(SAVE_COLLIDED)


def step_url(structure, step) -> str:
    return reverse("structures:step", args=[structure.pk, step.slug])


# --- The steps made of forms: how each builds its forms and saves them ---------------------------------------


@dataclass(frozen=True)
class FormStep:
    template: str
    build: Callable  # (structure, data) -> {name: form or formset}
    save: Callable  # (structure, user, forms, version) -> None


def _model_form(form_class, current, data, **kwargs):
    return form_class(data, initial=structure_initial(current, form_class), **kwargs)


def _save_fields(structure, user, forms, version):
    fields = {}
    for form in forms.values():
        fields.update(form.cleaned_data)
    services.structure_update(structure=structure, user=user, fields=fields, expected_version=version)


def _save_team(structure, user, forms, version):
    structure = services.team_replace(
        structure=structure, user=user, lines=forms["team"].lines(), expected_version=version
    )
    services.structure_update(
        structure=structure, user=user, fields=forms["activity"].cleaned_data, expected_version=structure.version
    )


def _save_missions(structure, user, forms, version):
    services.missions_replace(
        structure=structure, user=user, lines=forms["missions"].lines(), expected_version=version
    )


FORM_STEPS = {
    "identite": FormStep(
        "structures/manage/steps/identite.html",
        lambda s, data: {"form": _model_form(IdentityForm, s, data, structure=s)},
        _save_fields,
    ),
    "localisation": FormStep(
        "structures/manage/steps/localisation.html",
        lambda s, data: {"form": _model_form(LocationForm, s, data, structure=s)},
        _save_fields,
    ),
    "equipe": FormStep(
        "structures/manage/steps/equipe.html",
        lambda s, data: {"team": team_formset(s, data), "activity": _model_form(ActivityForm, s, data)},
        _save_team,
    ),
    "missions": FormStep(
        "structures/manage/steps/missions.html",
        lambda s, data: {"missions": mission_formset(s, data)},
        _save_missions,
    ),
    "attestations": FormStep(
        "structures/manage/steps/attestations.html",
        lambda s, data: {"form": _model_form(AttestationsForm, s, data)},
        _save_fields,
    ),
}


def _add_validation_errors(forms, error: ValidationError):
    """Put a model validation error (e.g. a constraint) next to the field it is about, else at the top."""
    main = next(iter(forms.values()))
    error_dict = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
    for field, errors in error_dict.items():
        target = next((form for form in forms.values() if field in getattr(form, "fields", {})), None)
        for message in ValidationError(errors).messages:
            if target is not None:
                target.add_error(field, message)
            elif hasattr(main, "add_error"):
                main.add_error(None, message)
            else:
                main.non_form_errors().append(message)


def _all_valid(forms) -> bool:
    return all([form.is_valid() for form in forms.values()])  # noqa: C419 — validate every form, to show every error


def _goto(request):
    """The step a manager chose in the side menu with unsaved changes (``action=goto:<slug>``), else None."""
    action = request.POST.get("action", "")
    return STEPS_BY_SLUG.get(action.removeprefix("goto:")) if action.startswith("goto:") else None


def _after_save(request, structure, step, *, created=False):
    action = request.POST.get("action", "next")
    if action == "save":
        messages.success(request, _("Brouillon enregistré. Vous pourrez reprendre la saisie à tout moment."))
        return redirect(step_url(structure, step))
    chosen = _goto(request)
    if chosen is not None:
        saved = _("Vos changements de l'étape « %(step)s » sont enregistrés.") % {"step": step.title}
        messages.success(request, saved)
        return redirect(step_url(structure, chosen))
    target = step_before(step) if action == "previous" else step_after(step)
    if created:
        messages.success(request, _("Le brouillon de « %(name)s » est créé.") % {"name": structure.name})
    return redirect(step_url(structure, target or step))


def _warn(request, forms):
    for form in forms.values():
        for warning in getattr(form, "warnings", []):
            messages.warning(request, warning)


def _render_step(request, structure, step, *, forms, version_form, conflict="", template, extra=None):
    context = {
        "structure": structure,
        "step": step,
        "steps": step_states(run_precheck(structure)) if structure else [{"step": s} for s in STEPS],
        "total_steps": len(STEPS),
        "next_step": step_after(step),
        "previous_step": step_before(step),
        "forms": forms,
        "version_form": version_form,
        "conflict": conflict,
        "crumbs": crumbs(structure, (step.title, None))
        if structure
        else crumbs(None, (_("Enregistrer une structure"), None)),
        **(extra or {}),
    }
    return render(request, template, context)


def _step_forms_page(request, structure, step):
    spec = FORM_STEPS[step.slug]
    data = request.POST if request.method == "POST" else None
    forms = spec.build(structure, data)
    version_form = VersionForm(data, initial={"version": structure.version})
    conflict = ""
    if data is not None and _goto(request) is not None and not any(form.has_changed() for form in forms.values()):
        return redirect(step_url(structure, _goto(request)))  # nothing typed: leave without saving
    if data is not None:
        forms_valid = _all_valid(forms)
        if not version_form.is_valid():
            conflict = MISSING_VERSION
        elif forms_valid:
            try:
                with transaction.atomic():
                    spec.save(structure, request.user, forms, version_form.cleaned_data["version"])
            except DomainError as error:
                conflict = error.message
            except ValidationError as error:
                _add_validation_errors(forms, error)
            except IntegrityError as error:
                _add_validation_errors(forms, integrity_refusal(error))
            else:
                _warn(request, forms)
                return _after_save(request, structure, step)
    return _render_step(
        request, structure, step, forms=forms, version_form=version_form, conflict=conflict, template=spec.template
    )


# --- Documents and summary ---------------------------------------------------------------------------------


def _documents_page(request, structure, step):
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_add(
                structure=structure,
                user=request.user,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("La pièce « %(name)s » est ajoutée au dossier.") % {"name": document.original_name}
            )
        return redirect(step_url(structure, step))
    return _render_step(
        request,
        structure,
        step,
        forms={"document": form},
        version_form=None,
        template="structures/manage/steps/documents.html",
        extra={"documents": _removable(structure)},
    )


def _removable(structure) -> list:
    """The documents, each with the confirmation of its removal (``document.removal``, includes/confirm.html)."""
    documents = list(structure.documents.all())
    for document in documents:
        document.removal = removal_confirmation(document)
    return documents


def _summary_page(request, structure, step):
    if request.method == "POST":
        return redirect(reverse("structures:submit", args=[structure.pk]))
    context = file_context(structure)
    return render(
        request,
        "structures/manage/steps/recapitulatif.html",
        {
            **context,
            "edit_links": True,
            "crumbs": crumbs(structure, (step.title, None)),
            "conflict": "",
            "step": step,
            "total_steps": len(STEPS),
            "next_step": None,
            "previous_step": step_before(step),
            "can_submit": perms.can_submit(request.user, structure),
        },
    )


# --- Views -------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def structure_step(request, pk, step):
    step = STEPS_BY_SLUG.get(step)
    if step is None:
        raise Http404
    structure = load_structure(request, pk)
    if not perms.can_edit(request.user, structure):
        messages.error(
            request,
            _(
                "Ce dossier ne peut pas être modifié : seuls ses gestionnaires le peuvent, "
                "tant qu'il est en brouillon ou à compléter."
            ),
        )
        return redirect("structures:detail", pk=structure.pk)
    if step.slug == "documents":
        return _documents_page(request, structure, step)
    if step.slug == "recapitulatif":
        return _summary_page(request, structure, step)
    return _step_forms_page(request, structure, step)


@require_http_methods(["GET", "POST"])
def structure_create(request):
    """Step 1 before the draft exists: saving it creates the draft, then the steps go on as for any draft."""
    if not perms.can_create_structure(request.user):
        # Not an error: ARS and CNAM agents may follow a shared link; the page says who registers structures.
        return render(
            request,
            "structures/manage/managers_only.html",
            {"crumbs": crumbs(None, (_("Enregistrer une structure"), None))},
        )
    step = STEPS[0]
    data = request.POST if request.method == "POST" else None
    forms = {"form": IdentityForm(data)}
    if data is not None and forms["form"].is_valid():
        fields = dict(forms["form"].cleaned_data)
        name = fields.pop("name")
        try:
            with transaction.atomic():
                structure = services.structure_create(user=request.user, name=name)
                services.structure_update(structure=structure, user=request.user, fields=fields)
        except DomainError as error:
            forms["form"].add_error(None, error.message)
        except ValidationError as error:
            _add_validation_errors(forms, error)
        except IntegrityError as error:
            _add_validation_errors(forms, integrity_refusal(error))
        else:
            _warn(request, forms)
            return _after_save(request, structure, step, created=True)
    return _render_step(
        request, None, step, forms=forms, version_form=None, template="structures/manage/steps/identite.html"
    )
