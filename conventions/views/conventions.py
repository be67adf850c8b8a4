"""Convention pages: list, page, print view, preparation (terms and objectives)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from secpa_portal.core import confirm, lists
from secpa_portal.core import exports as spreadsheet
from secpa_portal.core.collation import french
from secpa_portal.core.errors import DomainError
from secpa_portal.core.lists import Listing
from secpa_portal.journal.models import Event
from structures.models import Structure

from .. import list_exports, terms_defaults
from ..enums import AmendmentStatus, ConventionStatus
from ..filters import LISTING, ConventionFilter
from ..forms.conventions import (
    IndicatorLineFormSet,
    ObjectiveForm,
    ReasonForm,
    TermsForm,
    indicator_choices,
    line_initial,
)
from ..models import Convention, ConventionIndicator
from ..pdf import latest_signed_pdf
from ..perms import conventions as perms
from ..services import conventions as services
from ..services.amendments import IN_PROGRESS
from ..services.conventions import LIVE_STATUSES, send_review
from ..text import amendment_rows, document_context, objective_rows, with_terms, years_of

# The structures to prepare have one order (by name): only the pagination of the list mechanism serves.
TO_PREPARE = Listing(sorts={}, default="")


def crumbs(*items, convention=None):
    """The breadcrumb: Conventions › [reference ›] items (label, url or None)."""
    trail = [(_("Conventions"), reverse("conventions:list"))]
    if convention is not None:
        trail.append((convention.reference, reverse("conventions:detail", args=[convention.pk]) if items else None))
    return trail + list(items)


def visible(user):
    return Convention.objects.visible_to(user)


def get_convention(request, pk, *, full=False):
    queryset = visible(request.user)
    queryset = (
        with_terms(queryset)
        if full
        else queryset.select_related("structure__region").prefetch_related("structure__memberships")
    )
    return get_object_or_404(queryset, pk=pk)


def timeline(convention, user):
    events = Event.objects.for_object(convention).order_by("-id")
    if user.is_manager:
        events = events.filter(internal=False)
    return list(events[:100])


def convention_list(request):
    queryset = visible(request.user).select_related("structure__region")
    filterset = ConventionFilter(request.GET, queryset=queryset, user=request.user)
    context = LISTING.context(request, filterset, LISTING.order(filterset.qs, request.GET))
    context.update(
        {
            "filter": filterset,
            "can_prepare": request.user.is_cnam_agent,
            "breadcrumb": [(_("Conventions"), None)],
            "status_labels": lists.labels(ConventionStatus),
            "urls": {"detail": lists.url_pattern("conventions:detail")},
        }
    )
    return lists.remember(request, render(request, "conventions/list.html", context))


def structures_to_prepare(request):
    """CNAM: eligible structures with no convention in force nor in preparation."""
    if not request.user.is_cnam_agent:
        raise Http404
    live = Convention.objects.filter(structure=OuterRef("pk"), status__in=[*LIVE_STATUSES, ConventionStatus.ACTIVE])
    queryset = (
        Structure.objects.visible_to(request.user)
        .eligible()
        .annotate(has_live=Exists(live))
        .filter(has_live=False)
        .select_related("region")
        .order_by(french("name"), "pk")
    )
    page = TO_PREPARE.paginate(queryset, request.GET)
    return render(
        request,
        "conventions/to_prepare.html",
        {
            "page_obj": page,
            "page_range": page.page_range_elided,
            "ellipsis": Paginator.ELLIPSIS,
            "breadcrumb": crumbs((_("Structures éligibles sans convention"), None)),
        },
    )


def _review(convention) -> dict:
    """A draft's blockers and the law's checklist (conventions/law.py), shown before it is sent."""
    if convention.status != ConventionStatus.DRAFT:
        return {"blockers": [], "checklist": []}
    review = send_review(convention)
    return {"blockers": review.blockers, "checklist": review.checklist}


def amendment_abandon_confirmation(convention, amendment, data=None, *, trigger="") -> confirm.Confirmation:
    """Abandoning a sent or structure-signed avenant, with a reason: the same text and form in the modal (avenant and
    convention pages) and on the page ``conventions:amendment_abandon``."""
    key = f"amendment-abandon-{amendment.number}"
    lines = [
        _(
            "L'avenant ne s'appliquera pas : les objectifs, les cibles, la durée et les conditions de versement de la "
            "convention restent ceux en vigueur."
        )
    ]
    if amendment.status == AmendmentStatus.SIGNED_BY_STRUCTURE:
        lines.append(_("La signature déjà donnée par la structure n'aura plus d'effet."))
    lines += [
        _(
            "Il restera visible sur la page de la convention, marqué abandonné, avec son motif dans l'historique ; "
            "un nouvel avenant pourra être préparé."
        ),
        _("Les gestionnaires de la structure recevront un courriel avec le motif."),
    ]
    return confirm.Confirmation(
        key=key,
        title=_("Abandonner l'avenant n° %(n)s à la convention %(reference)s ?")
        % {"n": amendment.number, "reference": convention.reference},
        url=reverse("conventions:amendment_abandon", args=[convention.pk, amendment.number]),
        button=_("Abandonner l'avenant"),
        cancel_url=reverse("conventions:amendment_detail", args=[convention.pk, amendment.number]),
        lines=tuple(lines),
        trigger=trigger,
        trigger_class="fr-btn fr-btn--tertiary",
        danger=True,
        form=ReasonForm(data, auto_id=f"{key}-%s"),
    )


def convention_detail(request, pk):
    convention = get_convention(request, pk, full=True)
    user = request.user
    amendments = list(convention.amendments.all())
    in_progress = any(a.status in IN_PROGRESS for a in amendments)
    rows = amendment_rows(convention, amendments)
    for row in rows:
        amendment = row["amendment"]
        row["abandon"] = (
            amendment_abandon_confirmation(
                convention, amendment, trigger=_("Abandonner l'avenant n° %(n)s") % {"n": amendment.number}
            )
            if perms.can_abandon_amendment(user, amendment)
            else None
        )
    return render(
        request,
        "conventions/detail.html",
        {
            "convention": convention,
            "breadcrumb": crumbs(convention=convention),
            "years": years_of(convention),
            "objectives": _with_delete(convention, objective_rows(convention), perms.can_edit(user, convention)),
            "amendments": rows,
            "applied_amendments": [a for a in amendments if a.status == "active"],
            "events": timeline(convention, user),
            "signed_pdf": latest_signed_pdf(convention),
            **_review(convention),
            "can": {
                "edit": perms.can_edit(user, convention),
                "send": perms.can_send(user, convention),
                "recall": perms.can_recall(user, convention),
                "sign_structure": perms.can_sign_structure(user, convention),
                "sign_cnam": perms.can_sign_cnam(user, convention),
                "terminate": perms.can_terminate(user, convention),
                "amend": perms.can_prepare_amendment(user, convention, in_progress),
            },
            "own_preparation": user.is_cnam_agent
            and convention.status == ConventionStatus.SIGNED_BY_STRUCTURE
            and convention.prepared_by_id == user.pk,
        },
    )


def convention_print(request, pk):
    convention = get_convention(request, pk, full=True)
    return render(request, "conventions/print.html", document_context(convention))


def convention_prepare(request, structure_pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user).select_related("region"), pk=structure_pk)
    if not perms.can_prepare(request.user, structure):
        messages.error(
            request, _("Seul un agent de la CNAM peut préparer une convention, pour une structure éligible.")
        )
        return redirect("dashboard")
    # The current campaign's advance share and due dates are the defaults; the agent may change them.
    form = TermsForm(request.POST or None, initial=terms_defaults.initial_terms())
    if request.method == "POST" and form.is_valid():
        try:
            convention = services.convention_prepare(structure=structure, user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Convention %(ref)s créée. Ajoutez maintenant ses objectifs, indicateurs et cibles.")
                % {"ref": convention.reference},
            )
            return redirect("conventions:detail", convention.pk)
    return render(
        request,
        "conventions/terms_form.html",
        {
            "form": form,
            "structure": structure,
            "convention": None,
            "breadcrumb": crumbs(
                (_("Structures éligibles sans convention"), reverse("conventions:to_prepare")),
                (_("Préparer une convention"), None),
            ),
        },
    )


def convention_edit(request, pk):
    convention = get_convention(request, pk)
    if not perms.can_edit(request.user, convention):
        messages.error(request, _("Cette convention ne peut plus être modifiée : elle a été envoyée."))
        return redirect("conventions:detail", convention.pk)
    form = TermsForm(request.POST or None, initial=TermsForm.initial_from(convention))
    if request.method == "POST" and form.is_valid():
        try:
            services.convention_update_terms(
                convention=convention,
                user=request.user,
                expected_version=request.POST.get("version"),
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Les termes de la convention sont enregistrés."))
            return redirect("conventions:detail", convention.pk)
    return render(
        request,
        "conventions/terms_form.html",
        {
            "form": form,
            "structure": convention.structure,
            "convention": convention,
            "breadcrumb": crumbs((_("Termes"), None), convention=convention),
        },
    )


def objective_edit(request, pk, objective_pk=None):
    convention = get_convention(request, pk)
    if not perms.can_edit(request.user, convention):
        messages.error(request, _("Cette convention ne peut plus être modifiée : elle a été envoyée."))
        return redirect("conventions:detail", convention.pk)
    objective = None
    initial_lines = []
    years = convention.years
    if objective_pk is not None:
        objective = get_object_or_404(
            convention.objectives.prefetch_related(
                Prefetch("indicators", queryset=ConventionIndicator.objects.prefetch_related("targets"))
            ),
            pk=objective_pk,
        )
        initial_lines = [line_initial(line, years) for line in objective.indicators.all()]
    choices, indicators = indicator_choices()
    form = ObjectiveForm(
        request.POST or None,
        initial={"title": objective.title, "description": objective.description} if objective else None,
    )
    formset = IndicatorLineFormSet(
        request.POST or None,
        initial=initial_lines,
        prefix="lignes",
        form_kwargs={"years": years, "choices": choices, "indicators": indicators},
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.objective_save(
                convention=convention,
                user=request.user,
                objective=objective,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                lines=formset.lines(),
                expected_version=request.POST.get("version"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("L'objectif est enregistré."))
            return redirect(reverse("conventions:detail", args=[convention.pk]) + "#objectifs")
    return render(
        request,
        "conventions/objective_form.html",
        {
            "convention": convention,
            "objective": objective,
            "form": form,
            "formset": formset,
            "years": [str(year) for year in years],
            "breadcrumb": crumbs((_("Objectif"), None), convention=convention),
        },
    )


def objective_delete_confirmation(convention, objective, number) -> confirm.Confirmation:
    """Deleting an objective: the same text in the modal and on the page (secpa_portal/core/confirm.py)."""
    return confirm.Confirmation(
        key=f"objective-delete-{objective.pk}",
        title=_("Supprimer l'objectif « %(title)s » ?") % {"title": objective.title},
        url=reverse("conventions:objective_delete", args=[convention.pk, objective.pk]),
        button=_("Supprimer l'objectif"),
        cancel_url=reverse("conventions:detail", args=[convention.pk]) + "#objectifs",
        lines=(
            _("Ses indicateurs et leurs cibles seront retirés de la convention %(reference)s, encore en préparation.")
            % {"reference": convention.reference},
            _("Les données d'activité restent suivies."),
        ),
        trigger=_("Supprimer l'objectif %(number)s") % {"number": number},
        trigger_class="fr-btn fr-btn--tertiary fr-btn--sm",
        danger=True,
    )


def _with_delete(convention, rows, editable):
    if editable:
        for number, row in enumerate(rows, start=1):
            row["delete"] = objective_delete_confirmation(convention, row["objective"], number)
    return rows


def objective_delete(request, pk, objective_pk):
    convention = get_convention(request, pk)
    objective = get_object_or_404(convention.objectives, pk=objective_pk)
    if request.method == "POST":
        try:
            services.objective_delete(objective=objective, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("L'objectif « %(title)s » est supprimé.") % {"title": objective.title})
        return redirect(reverse("conventions:detail", args=[convention.pk]) + "#objectifs")
    if not perms.can_edit(request.user, convention):
        messages.error(request, _("Cette convention ne peut plus être modifiée : elle a été envoyée."))
        return redirect("conventions:detail", convention.pk)
    number = list(convention.objectives.values_list("pk", flat=True)).index(objective.pk) + 1
    return confirm.page(
        request,
        objective_delete_confirmation(convention, objective, number),
        crumbs((_("Supprimer un objectif"), None), convention=convention),
    )


@require_GET
def convention_export(request, fmt):
    """The convention list as filtered and sorted on the page, in the user's scope, as CSV or XLSX."""
    rows = list_exports.convention_rows(request.user, request.GET)
    return spreadsheet.respond(fmt, list_exports.CONVENTION_COLUMNS, rows, "conventions", _("Conventions"))
