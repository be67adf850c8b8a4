"""Convention transitions: each is a confirmation page (GET) then the action (POST)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.core.errors import DomainError

from ..forms.conventions import ReasonForm, SignatureForm, StructureSignatureForm, TerminateForm
from ..perms import conventions as perms
from ..services import conventions as services
from ..services.conventions import send_review
from .conventions import crumbs, get_convention


def _refuse(request, convention, message):
    messages.error(request, message)
    return redirect("conventions:detail", convention.pk)


def _confirm(request, convention, *, allowed, refusal, form, action, template_context, success):
    """Show the confirmation page, or run ``action(form)`` on POST and say what happened."""
    if not allowed and request.method != "POST":
        return _refuse(request, convention, refusal)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            action(form)
        except DomainError as error:
            if form is None:
                return _refuse(request, convention, error.message)
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect("conventions:detail", convention.pk)
    context = {
        "convention": convention,
        "form": form,
        "breadcrumb": crumbs((template_context["title"], None), convention=convention),
        **template_context,
    }
    return render(request, "conventions/confirm.html", context)


def convention_send(request, pk):
    convention = get_convention(request, pk)
    review = send_review(convention) if perms.can_send(request.user, convention) else None
    return _confirm(
        request,
        convention,
        allowed=perms.can_send(request.user, convention),
        refusal=_("Seul un agent de la CNAM peut envoyer une convention en préparation."),
        form=None,
        action=lambda form: services.convention_send(convention=convention, user=request.user),
        template_context={
            "title": _("Envoyer la convention à la structure"),
            "blockers": review.blockers if review else [],
            "checklist": review.checklist if review else [],
            "explanation": _(
                "La convention ne pourra plus être modifiée. Les gestionnaires de « %(structure)s » la verront sur "
                "le portail et recevront un courriel les invitant à la signer."
            )
            % {"structure": convention.structure.name},
            "button": _("Envoyer la convention"),
        },
        success=_("La convention %(ref)s est envoyée. Les gestionnaires de la structure sont invités à la signer.")
        % {"ref": convention.reference},
    )


def convention_recall(request, pk):
    convention = get_convention(request, pk)
    return _confirm(
        request,
        convention,
        allowed=perms.can_recall(request.user, convention),
        refusal=_("Seul un agent de la CNAM peut reprendre une convention envoyée."),
        form=ReasonForm(request.POST or None),
        action=lambda form: services.convention_recall(
            convention=convention, user=request.user, reason=form.cleaned_data["reason"]
        ),
        template_context={
            "title": _("Reprendre la convention en préparation"),
            "explanation": _(
                "La convention redevient modifiable. Une signature déjà donnée par la structure est annulée : "
                "il faudra la lui renvoyer. Le motif figurera dans l'historique, visible de la structure."
            ),
            "button": _("Reprendre en préparation"),
        },
        success=_("La convention est de nouveau en préparation."),
    )


def convention_sign_structure(request, pk):
    convention = get_convention(request, pk)
    form = StructureSignatureForm(
        request.POST or None,
        initial={"signatory_name": request.user.get_full_name()},
    )
    return _confirm(
        request,
        convention,
        allowed=perms.can_sign_structure(request.user, convention),
        refusal=_("Seul un gestionnaire de la structure peut signer une convention qui lui a été envoyée."),
        form=form,
        action=lambda form: services.convention_sign_structure(
            convention=convention,
            user=request.user,
            signatory_name=form.cleaned_data["signatory_name"],
            signatory_capacity=form.cleaned_data["signatory_capacity"],
            consent=form.cleaned_data["consent"],
        ),
        template_context={
            "title": _("Signer la convention pour la structure"),
            "explanation": _(
                "Votre signature engage la structure « %(structure)s » pour la durée de la convention. L'assurance "
                "maladie en sera informée ; la convention entrera en vigueur à sa signature."
            )
            % {"structure": convention.structure.name},
            "button": _("Signer la convention"),
            "show_terms_link": True,
        },
        success=_(
            "Vous avez signé la convention %(ref)s. Elle entrera en vigueur après la signature de l'assurance maladie."
        )
        % {"ref": convention.reference},
    )


def convention_sign_cnam(request, pk):
    convention = get_convention(request, pk)
    own = request.user.is_cnam_agent and convention.prepared_by_id == request.user.pk
    refusal = (
        _(
            "Vous avez préparé cette convention : elle doit être signée par un autre agent de la CNAM "
            "(principe des quatre yeux)."
        )
        if own
        else _("Seul un agent de la CNAM peut signer une convention déjà signée par la structure.")
    )
    form = SignatureForm(
        request.POST or None,
        initial={
            "signatory_name": request.user.get_full_name(),
            "signatory_capacity": _("Pour le directeur général de la CNAM"),
        },
    )
    return _confirm(
        request,
        convention,
        allowed=perms.can_sign_cnam(request.user, convention),
        refusal=refusal,
        form=form,
        action=lambda form: services.convention_sign_cnam(
            convention=convention,
            user=request.user,
            signatory_name=form.cleaned_data["signatory_name"],
            signatory_capacity=form.cleaned_data["signatory_capacity"],
        ),
        template_context={
            "title": _("Signer la convention pour l'assurance maladie"),
            "explanation": _(
                "La convention entrera en vigueur dès votre signature. Les gestionnaires de « %(structure)s » en "
                "seront informés par courriel."
            )
            % {"structure": convention.structure.name},
            "button": _("Signer : mettre en vigueur"),
            "show_terms_link": True,
        },
        success=_("La convention %(ref)s est en vigueur.") % {"ref": convention.reference},
    )


def convention_terminate(request, pk):
    convention = get_convention(request, pk)
    return _confirm(
        request,
        convention,
        allowed=perms.can_terminate(request.user, convention),
        refusal=_("Seul un agent de la CNAM peut résilier une convention envoyée, signée ou en vigueur."),
        form=TerminateForm(request.POST or None, initial={"terminated_on": timezone.localdate()}),
        action=lambda form: services.convention_terminate(
            convention=convention,
            user=request.user,
            reason=form.cleaned_data["reason"],
            terminated_on=form.cleaned_data["terminated_on"],
        ),
        template_context={
            "title": _("Résilier la convention"),
            "explanation": _(
                "La résiliation est définitive. Les gestionnaires de « %(structure)s » recevront un courriel avec le "
                "motif, qui restera dans l'historique de la convention."
            )
            % {"structure": convention.structure.name},
            "button": _("Résilier la convention"),
            "danger": True,
        },
        success=_("La convention %(ref)s est résiliée. La structure en est informée.") % {"ref": convention.reference},
    )
