"""Annual report pages: list, open, fill, file, page with attainment, ARS validation."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from secpa_portal.core import confirm, formats, lists
from secpa_portal.core import exports as spreadsheet
from secpa_portal.core.errors import DomainError
from secpa_portal.journal.models import Event
from structures.enums import ProfessionalCategory
from structures.models import Membership

from .. import list_exports
from ..enums import ReportStatus
from ..filters import REPORT_LISTING, ReportFilter
from ..forms.reports import ReportForm, ReturnForm
from ..models import AnnualReport, Convention, ReportValue
from ..perms import reports as perms
from ..report_rules import filing_too_early
from ..report_selectors import (
    expected_indicators,
    fte_by_category,
    report_lines,
    report_weighted_attainment,
    reports_to_open,
    with_previous_year,
)
from ..services import reports as services


def _reports(user):
    return AnnualReport.objects.visible_to(user).select_related(
        "convention", "convention__structure", "convention__structure__region"
    )


def _report(request, pk) -> AnnualReport:
    """The report in the user's scope (404 otherwise), with the structure's memberships for the predicates."""
    queryset = _reports(request.user).prefetch_related(
        Prefetch(
            "convention__structure__memberships", queryset=Membership.objects.only("pk", "user_id", "structure_id")
        )
    )
    return get_object_or_404(queryset, pk=pk)


def _crumbs(report, last=None):
    crumbs = [(_("Rapports annuels"), reverse("conventions:report_list"))]
    title = _("Rapport %(year)s — %(name)s") % {"year": report.year, "name": report.convention.structure.name}
    if last:
        crumbs += [(title, reverse("conventions:report_detail", args=[report.pk])), (last, None)]
    else:
        crumbs.append((title, None))
    return crumbs


def report_list(request):
    # No DISTINCT: a manager reaches a report through their one membership of its structure (unique_membership),
    # and DISTINCT over the wide rows made PostgreSQL sort all 20,000 reports before paginating (issue 14).
    reports = _reports(request.user)
    filterset = ReportFilter(request.GET, queryset=reports)
    context = REPORT_LISTING.context(request, filterset, REPORT_LISTING.order(filterset.qs, request.GET))
    context.update(
        {
            "reports": context["page_obj"].object_list,
            "to_open": reports_to_open(request.user),
            "can_see_national": perms.can_view_national(request.user),
            "crumbs": [(_("Rapports annuels"), None)],
            "urls": {"detail": lists.url_pattern("conventions:report_detail")},
            "status_labels": lists.labels(ReportStatus),
        }
    )
    return lists.remember(request, render(request, "conventions/reports/list.html", context))


@require_POST
def report_open(request, convention_pk, year):
    convention = get_object_or_404(Convention.objects.visible_to(request.user).distinct(), pk=convention_pk)
    try:
        report = services.report_open(convention=convention, year=year, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("conventions:report_list")
    messages.success(
        request,
        _(
            "Le rapport %(year)s est ouvert. Il reprend les valeurs du rapport précédent : "
            "vérifiez-les et complétez-le."
        )
        % {"year": year},
    )
    return redirect("conventions:report_edit", report.pk)


def _page_context(report):
    lines = with_previous_year(report, report_lines(report))
    return {
        "report": report,
        "convention": report.convention,
        "structure": report.convention.structure,
        "activity_lines": [line for line in lines if line.indicator.is_activity],
        "objective_lines": [line for line in lines if not line.indicator.is_activity],
        "weighted_attainment": (
            report.weighted_attainment if report.weighted_attainment is not None else report_weighted_attainment(lines)
        ),
        "fte_lines": _fte_rows(fte_by_category(report)),
    }


def _fte_rows(fte):
    return [(label, fte[code]) for code, label in ProfessionalCategory.choices if code in fte]


def _timeline(report, user):
    events = Event.objects.for_object(report).order_by("-id")
    if user.is_manager:
        events = events.filter(internal=False)
    return list(events[:100])


def report_detail(request, pk):
    report = _report(request, pk)
    context = _page_context(report)
    can_edit = perms.can_edit(request.user, report)
    context.update(
        can_edit=can_edit,
        too_early=filing_too_early(report, timezone.localdate()) if can_edit else None,
        can_validate=perms.can_validate(request.user, report),
        crumbs=_crumbs(report),
        events=_timeline(report, request.user),
    )
    return render(request, "conventions/reports/detail.html", context)


def report_edit(request, pk):
    report = _report(request, pk)
    if not perms.can_edit(request.user, report):
        messages.error(
            request, _("Ce rapport ne peut pas être modifié : il a été déposé, ou vous n'en êtes pas gestionnaire.")
        )
        return redirect("conventions:report_detail", report.pk)
    lines = expected_indicators(report.convention)
    if request.method == "POST":
        form = ReportForm(request.POST, lines=lines, year=report.year)
        if form.is_valid():
            try:
                services.report_save(
                    report=report,
                    user=request.user,
                    values=form.values(),
                    comments=form.comments(),
                    fte=form.fte(),
                    expected_version=form.cleaned_data["version"],
                )
            except services.ReportInvalid as error:
                form.add_service_errors(error.errors)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                if "deposer" in request.POST:
                    return redirect("conventions:report_submit", report.pk)
                messages.success(request, _("Brouillon enregistré. Vous pourrez le reprendre à tout moment."))
                return redirect("conventions:report_detail", report.pk)
    else:
        values = ReportValue.objects.filter(report=report).select_related("indicator")
        form = ReportForm(
            initial=ReportForm.initial_for(report, values, fte_by_category(report)), lines=lines, year=report.year
        )
    return render(
        request,
        "conventions/reports/form.html",
        {
            "report": report,
            "form": form,
            "too_early": filing_too_early(report, timezone.localdate()),
            "crumbs": _crumbs(report, _("Saisie")),
        },
    )


def report_submit(request, pk):
    report = _report(request, pk)
    if not perms.can_submit(request.user, report):
        messages.error(
            request, _("Ce rapport ne peut pas être déposé : il l'a déjà été, ou vous n'en êtes pas gestionnaire.")
        )
        return redirect("conventions:report_detail", report.pk)
    if request.method == "POST":
        try:
            services.report_submit(report=report, user=request.user)
        except services.ReportInvalid as error:
            for message in error.errors.values():
                messages.error(request, message)
            return redirect("conventions:report_edit", report.pk)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("conventions:report_detail", report.pk)
        region = report.convention.structure.region
        messages.success(
            request,
            _(
                "Le rapport %(year)s a été transmis à l'%(ars)s. "
                "Vous recevrez un courriel quand il sera validé ou renvoyé."
            )
            % {"year": report.year, "ars": region.ars_name if region else _("ARS")},
        )
        return redirect("conventions:report_detail", report.pk)
    context = _page_context(report)
    context.update(
        crumbs=_crumbs(report, _("Dépôt")),
        too_early=filing_too_early(report, timezone.localdate()),
        blockers=list(services.filing_blockers(report).values()),
    )
    return render(request, "conventions/reports/submit.html", context)


def validate_confirmation(report, weighted_attainment) -> confirm.Confirmation:
    """Validating a filed report fixes its weighted attainment, hence the balance of the dotation."""
    return confirm.Confirmation(
        key="report-validate",
        title=_("Valider le rapport %(year)s de « %(name)s » ?")
        % {"year": report.year, "name": report.convention.structure.name},
        url=reverse("conventions:report_validate", args=[report.pk]),
        cancel_url=reverse("conventions:report_review", args=[report.pk]),
        button=_("Valider le rapport %(year)s") % {"year": report.year},
        lines=(
            _(
                "L'atteinte pondérée sera fixée à %(attainment)s et servira au calcul du solde de la dotation "
                "%(year)s : elle ne pourra plus être modifiée."
            )
            % {"attainment": formats.fraction_percent(weighted_attainment), "year": report.year},
            _("Le rapport ne pourra plus être renvoyé à la structure."),
            _("Les gestionnaires de la structure seront informés par courriel."),
        ),
    )


VALIDATE_REFUSAL = _("Seul un agent de l'ARS de la région valide ou renvoie un rapport déposé.")


@require_http_methods(["GET", "POST"])
def report_validate(request, pk):
    """GET: what validating does (the modal's fallback); POST: validate."""
    report = _report(request, pk)
    if not perms.can_validate(request.user, report):
        messages.error(request, VALIDATE_REFUSAL)
        return redirect("conventions:report_detail", report.pk)
    if request.method == "GET":
        confirmation = validate_confirmation(report, _page_context(report)["weighted_attainment"])
        crumbs = _crumbs(report, _("Validation"))
        crumbs[-1] = (_("Validation"), reverse("conventions:report_review", args=[report.pk]))
        return confirm.page(request, confirmation, [*crumbs, (_("Valider"), None)])
    try:
        services.report_validate(report=report, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Rapport %(year)s validé. La structure en est informée ; le solde de sa dotation peut être fixé.")
            % {"year": report.year},
        )
    return redirect("conventions:report_detail", report.pk)


@require_http_methods(["GET", "POST"])
def report_review(request, pk):
    """The review page: validate (through its confirmation, ``report_validate``) or send back with a reason."""
    report = _report(request, pk)
    if not perms.can_validate(request.user, report):
        if request.method == "POST":
            messages.error(request, VALIDATE_REFUSAL)
        return redirect("conventions:report_detail", report.pk)
    return_form = ReturnForm(request.POST if request.POST.get("action") == "return" else None)
    if request.method == "POST" and request.POST.get("action") == "return" and return_form.is_valid():
        try:
            services.report_return(report=report, user=request.user, reason=return_form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Rapport %(year)s renvoyé à la structure avec votre motif.") % {"year": report.year}
            )
        return redirect("conventions:report_detail", report.pk)
    context = _page_context(report)
    context.update(
        return_form=return_form,
        crumbs=_crumbs(report, _("Validation")),
        validate_confirmation=validate_confirmation(report, context["weighted_attainment"]),
    )
    return render(request, "conventions/reports/review.html", context)


@require_GET
def report_export(request, fmt):
    """The annual report list as filtered and sorted on the page, in the user's scope, as CSV or XLSX."""
    rows = list_exports.report_rows(request.user, request.GET)
    return spreadsheet.respond(fmt, list_exports.REPORT_COLUMNS, rows, "rapports-annuels", _("Rapports annuels"))
