"""Avenant pages: prepare or change, its page with what it changes, send, the two signatures, delete a draft,
abandon a sent or signed one."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from secpa_portal.core import confirm
from secpa_portal.core.errors import DomainError

from ..enums import AmendmentStatus
from ..forms.amendments import AmendmentForm
from ..forms.conventions import SignatureForm, StructureSignatureForm, plain
from ..models import Indicator
from ..payment_terms import locked_years
from ..perms import conventions as perms
from ..services import amendments as services
from ..services.amendments import IN_PROGRESS
from .conventions import amendment_abandon_confirmation, amendment_rows, crumbs, visible, with_terms


def _followed_lines(convention):
    return [line for objective in convention.objectives.all() for line in objective.indicators.all()]


def _get(request, pk, number):
    convention = get_object_or_404(with_terms(visible(request.user)), pk=pk)
    amendment = next((a for a in convention.amendments.all() if a.number == number), None)
    if amendment is None:
        raise Http404
    return convention, amendment


def _initial(amendment, lines):
    by_code = {line.indicator.code: line for line in lines}
    initial = {"summary": amendment.summary, "new_end_date": amendment.new_end_date}
    changes = amendment.changes or {}
    for change in changes.get("targets", []):
        line = by_code.get(change["indicator"])
        if line:
            initial[f"target_{line.pk}_{change['year']}"] = Decimal(change["value"])
    for code in changes.get("remove", []):
        if code in by_code:
            initial[f"remove_{by_code[code].pk}"] = True
    indicators = {}
    if changes.get("add"):
        indicators = dict(
            Indicator.objects.filter(code__in=[a["indicator"] for a in changes["add"]]).values_list("code", "pk")
        )
    if terms := changes.get("terms"):
        initial["terms_from_year"] = str(terms["from_year"])
        initial["terms_advance_share"] = plain(Decimal(terms["advance_share"]) * 100)
        initial["terms_advance_due"] = terms["advance_due"]
        initial["terms_balance_due"] = terms["balance_due"]
    for n, item in enumerate(changes.get("add", [])[:2]):
        initial[f"add_{n}_indicator"] = str(indicators.get(item["indicator"], ""))
        initial[f"add_{n}_objective"] = str(item["objective"])
        initial[f"add_{n}_baseline"] = item["baseline"]
        initial[f"add_{n}_points"] = item["points"]
        for year, value in item["targets"].items():
            initial[f"add_{n}_target_{year}"] = value
    return initial


def amendment_form(request, pk, number=None):
    convention = get_object_or_404(with_terms(visible(request.user)), pk=pk)
    amendment = None
    if number is not None:
        amendment = next((a for a in convention.amendments.all() if a.number == number), None)
        if amendment is None:
            raise Http404
        allowed = perms.can_edit_amendment(request.user, amendment)
        refusal = _("Cet avenant ne peut plus être modifié : il a été envoyé à la structure.")
    else:
        in_progress = any(a.status in IN_PROGRESS for a in convention.amendments.all())
        allowed = perms.can_prepare_amendment(request.user, convention, in_progress)
        refusal = (
            _("Un avenant est déjà en cours pour cette convention : menez-le à son terme d'abord.")
            if in_progress
            else _("Seul un agent de la CNAM peut préparer un avenant, et seulement à une convention en vigueur.")
        )
    if not allowed:
        messages.error(request, refusal)
        return redirect("conventions:detail", convention.pk)
    lines = _followed_lines(convention)
    form = AmendmentForm(
        request.POST or None,
        convention=convention,
        lines=lines,
        amendment=amendment,
        initial=_initial(amendment, lines) if amendment else None,
        locked=locked_years(convention),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.amendment_save(
                convention=convention,
                user=request.user,
                amendment=amendment,
                summary=form.cleaned_data["summary"],
                expected_version=form.cleaned_data.get("version"),
                **form.cleaned_data["requested"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("L'avenant n° %(n)s est enregistré. Relisez ce qu'il change puis envoyez-le à la structure.")
                % {"n": saved.number},
            )
            return redirect("conventions:amendment_detail", convention.pk, saved.number)
    return render(
        request,
        "conventions/amendment_form.html",
        {
            "convention": convention,
            "amendment": amendment,
            "form": form,
            "grid": form.bound_grid(),
            "add_rows": form.bound_add_rows(),
            "years": [str(year) for year in convention.years],
            "breadcrumb": crumbs((_("Avenant"), None), convention=convention),
        },
    )


def amendment_detail(request, pk, number):
    convention, amendment = _get(request, pk, number)
    user = request.user
    return render(
        request,
        "conventions/amendment_detail.html",
        {
            "convention": convention,
            "amendment": amendment,
            "changes": amendment_rows(convention, [amendment])[0]["changes"],
            "can": {
                "edit": perms.can_edit_amendment(user, amendment),
                "send": perms.can_send_amendment(user, amendment),
                "sign_structure": perms.can_sign_amendment_structure(user, amendment),
                "sign_cnam": perms.can_sign_amendment_cnam(user, amendment),
            },
            "abandon": amendment_abandon_confirmation(convention, amendment)
            if perms.can_abandon_amendment(user, amendment)
            else None,
            "breadcrumb": crumbs((_("Avenant n° %(n)s") % {"n": amendment.number}, None), convention=convention),
            "own_preparation": user.is_cnam_agent
            and amendment.status == "signed_by_structure"
            and amendment.prepared_by_id == user.pk,
        },
    )


def _action(request, pk, number, *, allowed, refusal, form, action, context, success):
    convention, amendment = _get(request, pk, number)
    back = redirect("conventions:amendment_detail", convention.pk, amendment.number)
    if not allowed(request.user, amendment) and request.method != "POST":
        messages.error(request, refusal)
        return back
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            action(amendment, form)
        except DomainError as error:
            if form is None:
                messages.error(request, error.message)
                return back
            form.add_error(None, error.message)
        else:
            messages.success(request, success % {"n": amendment.number})
            return back
    return render(
        request,
        "conventions/amendment_confirm.html",
        {
            "convention": convention,
            "amendment": amendment,
            "changes": amendment_rows(convention, [amendment])[0]["changes"],
            "form": form,
            "breadcrumb": crumbs((_("Avenant n° %(n)s") % {"n": amendment.number}, None), convention=convention),
            **context,
        },
    )


def amendment_send(request, pk, number):
    return _action(
        request,
        pk,
        number,
        allowed=perms.can_send_amendment,
        refusal=_("Seul un agent de la CNAM peut envoyer un avenant en préparation."),
        form=None,
        action=lambda amendment, form: services.amendment_send(amendment=amendment, user=request.user),
        context={
            "title": _("Envoyer l'avenant à la structure"),
            "explanation": _(
                "L'avenant ne pourra plus être modifié. Les gestionnaires de la structure le verront et recevront "
                "un courriel les invitant à le signer."
            ),
            "button": _("Envoyer l'avenant"),
        },
        success=_("L'avenant n° %(n)s est envoyé à la structure pour signature."),
    )


def amendment_sign_structure(request, pk, number):
    form = StructureSignatureForm(request.POST or None, initial={"signatory_name": request.user.get_full_name()})
    form.fields["consent"].label = _(
        "J'ai lu l'avenant et j'accepte ses termes au nom de la structure, que j'ai qualité pour engager."
    )
    return _action(
        request,
        pk,
        number,
        allowed=perms.can_sign_amendment_structure,
        refusal=_("Seul un gestionnaire de la structure peut signer un avenant qui lui a été envoyé."),
        form=form,
        action=lambda amendment, form: services.amendment_sign_structure(
            amendment=amendment,
            user=request.user,
            signatory_name=form.cleaned_data["signatory_name"],
            signatory_capacity=form.cleaned_data["signatory_capacity"],
            consent=form.cleaned_data["consent"],
        ),
        context={
            "title": _("Signer l'avenant pour la structure"),
            "explanation": _(
                "Votre signature engage la structure. L'avenant s'appliquera après la signature "
                "de l'assurance maladie."
            ),
            "button": _("Signer l'avenant"),
        },
        success=_("Vous avez signé l'avenant n° %(n)s. Il s'appliquera après la signature de l'assurance maladie."),
    )


def amendment_sign_cnam(request, pk, number):
    form = SignatureForm(
        request.POST or None,
        initial={
            "signatory_name": request.user.get_full_name(),
            "signatory_capacity": _("Pour le directeur général de la CNAM"),
        },
    )
    return _action(
        request,
        pk,
        number,
        allowed=perms.can_sign_amendment_cnam,
        refusal=_(
            "L'avenant doit être signé par la structure puis par un agent de la CNAM autre que celui qui l'a préparé."
        ),
        form=form,
        action=lambda amendment, form: services.amendment_sign_cnam(
            amendment=amendment,
            user=request.user,
            signatory_name=form.cleaned_data["signatory_name"],
            signatory_capacity=form.cleaned_data["signatory_capacity"],
        ),
        context={
            "title": _("Signer l'avenant pour l'assurance maladie"),
            "explanation": _(
                "L'avenant s'appliquera dès votre signature : la convention sera mise à jour et les gestionnaires "
                "de la structure en seront informés par courriel."
            ),
            "button": _("Signer : appliquer l'avenant"),
        },
        success=_("L'avenant n° %(n)s est signé et s'applique à la convention."),
    )


def amendment_delete(request, pk, number):
    convention, amendment = _get(request, pk, number)
    if request.method == "POST":
        try:
            services.amendment_delete(amendment=amendment, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("conventions:amendment_detail", convention.pk, amendment.number)
        messages.success(request, _("L'avenant n° %(n)s est abandonné.") % {"n": amendment.number})
        return redirect("conventions:detail", convention.pk)
    if not perms.can_edit_amendment(request.user, amendment):
        if perms.can_abandon_amendment(request.user, amendment):  # sent since: abandoned with a reason, kept
            return redirect("conventions:amendment_abandon", convention.pk, amendment.number)
        messages.error(
            request,
            perms.ABANDON_REFUSAL
            if amendment.status == AmendmentStatus.DRAFT
            else perms.abandon_refusal(request.user, amendment),
        )
        return redirect("conventions:amendment_detail", convention.pk, amendment.number)
    return render(
        request,
        "conventions/amendment_confirm.html",
        {
            "convention": convention,
            "amendment": amendment,
            "changes": amendment_rows(convention, [amendment])[0]["changes"],
            "form": None,
            "title": _("Abandonner l'avenant"),
            "explanation": _("L'avenant en préparation sera supprimé ; la convention reste inchangée."),
            "button": _("Abandonner l'avenant"),
            "danger": True,
            "breadcrumb": crumbs((_("Avenant n° %(n)s") % {"n": amendment.number}, None), convention=convention),
        },
    )


@require_http_methods(["GET", "POST"])
def amendment_abandon(request, pk, number):
    """GET: what abandoning does and the reason to give (the modal's fallback); POST: abandon. A refused post shows
    the page again with the reason typed and the French error."""
    convention, amendment = _get(request, pk, number)
    back = redirect("conventions:amendment_detail", convention.pk, amendment.number)
    refusal = perms.abandon_refusal(request.user, amendment)
    if refusal:
        messages.error(request, refusal)
        return back
    confirmation = amendment_abandon_confirmation(convention, amendment, request.POST or None)
    form = confirmation.form
    if request.method == "POST" and form.is_valid():
        try:
            services.amendment_abandon(amendment=amendment, user=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "L'avenant n° %(n)s est abandonné : il ne change rien à la convention. Les gestionnaires de la "
                    "structure en sont informés."
                )
                % {"n": amendment.number},
            )
            return back
    return confirm.page(
        request,
        confirmation,
        crumbs(
            (
                _("Avenant n° %(n)s") % {"n": amendment.number},
                reverse("conventions:amendment_detail", args=[convention.pk, amendment.number]),
            ),
            (_("Abandonner"), None),
            convention=convention,
        ),
    )
