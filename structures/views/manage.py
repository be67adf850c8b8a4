"""The manager's actions on a file: submit, withdraw, and the documents (served only to who sees the file)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from secpa_portal.core import confirm
from secpa_portal.core.errors import DomainError

from .. import perms, services
from ..forms import WithdrawForm
from ..models import Document
from ..precheck import run_precheck, submission_blockers
from ..steps import STEPS_BY_SLUG, SUMMARY
from .common import crumbs, load_structure, removal_confirmation
from .wizard import step_url


def _ars_name(structure) -> str:
    return structure.region.ars_name if structure.region_id else _("l'ARS de votre région")


@require_http_methods(["GET", "POST"])
def structure_submit(request, pk):
    """GET: what submitting does and who will see the file; POST: submit it."""
    structure = load_structure(request, pk)
    if not perms.can_submit(request.user, structure):
        messages.error(
            request,
            _(
                "Ce dossier ne peut pas être déposé : seuls ses gestionnaires le peuvent, "
                "depuis un brouillon ou une demande de compléments."
            ),
        )
        return redirect("structures:detail", pk=structure.pk)
    if request.method == "POST":
        try:
            services.structure_submit(structure=structure, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(step_url(structure, SUMMARY))
        messages.success(
            request,
            _("Le dossier a été transmis à l'%(ars)s. Vous recevrez un courriel à chaque décision.")
            % {"ars": _ars_name(structure)},
        )
        return redirect("structures:detail", pk=structure.pk)
    blockers = submission_blockers(run_precheck(structure))
    return render(
        request,
        "structures/manage/submit_confirm.html",
        {
            "structure": structure,
            "blockers": blockers,
            "ars_name": _ars_name(structure),
            "summary_step": SUMMARY,
            "crumbs": crumbs(structure, (_("Déposer le dossier"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def structure_withdraw(request, pk):
    """GET: the reason to give and what withdrawing does; POST: withdraw the file."""
    structure = load_structure(request, pk)
    if not perms.can_withdraw(request.user, structure):
        messages.error(
            request,
            _(
                "Ce dossier ne peut pas être retiré : seuls ses gestionnaires le peuvent, "
                "avant toute décision de l'ARS."
            ),
        )
        return redirect("structures:detail", pk=structure.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.structure_withdraw(structure=structure, user=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Le dossier est retiré : il ne sera pas instruit. Il reste consultable ici."))
        return redirect("structures:detail", pk=structure.pk)
    return render(
        request,
        "structures/manage/withdraw.html",
        {
            "structure": structure,
            "form": form,
            "ars_name": _ars_name(structure),
            "crumbs": crumbs(structure, (_("Retirer le dossier"), None)),
        },
    )


@require_GET
def document_download(request, pk, document_pk):
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=document_pk, structure_id=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def document_delete(request, pk, document_pk):
    """GET: what removing the document does (the modal's fallback); POST: remove it."""
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("structure"), pk=document_pk, structure_id=pk
    )
    structure = document.structure
    name = document.original_name
    if request.method == "GET":
        if not perms.can_edit(request.user, structure):
            messages.error(request, _("Les pièces ne peuvent plus être modifiées à ce stade."))
            return redirect("structures:detail", pk=structure.pk)
        page_crumbs = crumbs(structure, (_("Retirer une pièce"), None))
        return confirm.page(request, removal_confirmation(document), page_crumbs)
    try:
        services.document_delete(document=document, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("structures:detail", pk=structure.pk)
    messages.success(request, _("La pièce « %(name)s » est retirée du dossier.") % {"name": name})
    return redirect(step_url(structure, STEPS_BY_SLUG["documents"]))


@require_POST
def structure_reopen_withdrawn(request, pk):
    """A manager takes back a withdrawn file as a draft (within the delay the settings give)."""
    structure = load_structure(request, pk)
    try:
        services.structure_reopen_withdrawn(structure=structure, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Le dossier est rouvert en brouillon : complétez-le puis déposez-le à nouveau, "
                "il reviendra alors à l'%(ars)s."
            )
            % {"ars": _ars_name(structure)},
        )
    return redirect("structures:detail", pk=structure.pk)
