"""Dotation pages: the list with filters and totals, the dotation page (lines, inputs, history, opinions),
and the workflow actions, each through a confirmation page (design.md §7)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from conventions.models import AnnualReport
from secpa_portal.core import lists
from secpa_portal.core.errors import DomainError
from secpa_portal.reference.choices import region_names

from .. import selectors
from ..enums import DotationStatus
from ..filters import LISTING, DotationFilter
from ..forms.dotations import ConfirmForm, OpinionForm, ProposeForm, ReturnForm
from ..inputs import SOURCE_REGISTRATION, SOURCE_REPORT, snapshot_rows
from ..ledger import ledger_of
from ..models import Dotation, DotationOpinion, RecoveryOrder
from ..perms import dotations as perms
from ..perms import recoveries as recovery_perms
from ..services import dotations as services


@require_GET
def dotation_list(request):
    user = request.user
    base = Dotation.objects.visible_to(user).select_related("campaign", "structure", "region")
    data = request.GET.copy()
    current = None
    if "campaign" not in data:
        current = selectors.current_campaign()
        if current is not None and not user.is_manager:
            data["campaign"] = str(current.year)
    filterset = DotationFilter(data, queryset=base, user=user)
    queryset = filterset.qs
    if current is not None and LISTING.unfiltered(filterset, data, but={"campaign"}):
        sums = selectors.campaign_sums(user, current)  # the current campaign, unfiltered: the dashboard's totals
    else:
        sums = selectors.list_totals(queryset)
    title = _("Mes dotations") if user.is_manager else _("Dotations")
    # The totals already counted the rows: the paginator does not count them again.
    context = LISTING.context(request, filterset, LISTING.order(queryset, request.GET), count=sums["count"])
    context.update(
        {
            "title": title,
            "crumbs": [(title, None)],
            "filter": filterset,
            "sums": sums,
            "staff": not user.is_manager,
            "can_bulk": user.is_cnam_agent,
            "status_labels": lists.labels(DotationStatus),
            "region_names": region_names(),  # the rows name their région without joining it
            "urls": {"detail": lists.url_pattern("dotations:dotation_detail")},
        }
    )
    return lists.remember(request, render(request, "dotations/dotation_list.html", context))


def _dotation_or_404(user, pk) -> Dotation:
    queryset = Dotation.objects.visible_to(user).select_related(
        "campaign", "structure", "region", "convention", "prepared_by", "approved_by"
    )
    return get_object_or_404(queryset, pk=pk)


def _crumbs(dotation, last=None):
    crumbs = [(_("Dotations"), reverse("dotations:dotation_list"))]
    if last is None:
        crumbs.append((str(dotation), None))
    else:
        crumbs += [(str(dotation), reverse("dotations:dotation_detail", args=[dotation.pk])), (last, None)]
    return crumbs


def recovery_context(user, dotation) -> dict:
    """The ledger and the recovery orders of an approved dotation, with what ``user`` may do on each."""
    if dotation.status != DotationStatus.APPROVED:
        return {"ledger": None, "recovery_orders": []}
    orders = RecoveryOrder.objects.visible_to(user).filter(dotation=dotation)
    return {
        "ledger": ledger_of(dotation),
        "recovery_orders": [
            (
                order,
                {
                    "notify": recovery_perms.can_notify(user, order),
                    "recover": recovery_perms.can_recover(user, order),
                    "cancel": recovery_perms.can_cancel(user, order),
                },
            )
            for order in orders
        ],
    }


def figures_year(inputs: dict) -> int | None:
    """The year of the annual report whose figures fed a dotation (stored in its snapshot), or None when they came
    from the registration (one query, none without a report)."""
    if not inputs or inputs.get("source") != SOURCE_REPORT or not inputs.get("report_id"):
        return None
    return AnnualReport.objects.filter(pk=inputs["report_id"]).values_list("year", flat=True).first()


@require_GET
def dotation_detail(request, pk):
    user = request.user
    dotation = _dotation_or_404(user, pk)
    opinions = []
    if perms.can_see_opinions(user):
        opinions = list(DotationOpinion.objects.filter(dotation=dotation).select_related("author"))
    return render(
        request,
        "dotations/dotation_detail.html",
        {
            "dotation": dotation,
            "lines": list(dotation.lines.all()),
            "inputs": snapshot_rows(dotation.inputs),
            "figures_year": figures_year(dotation.inputs),
            "from_registration": (dotation.inputs or {}).get("source") == SOURCE_REGISTRATION,
            "timeline": selectors.dotation_timeline(dotation, user),
            "opinions": opinions,
            "staff": perms.can_see_opinions(user),
            "can_propose": perms.can_propose(user, dotation),
            "can_approve": perms.can_approve(user, dotation),
            "approval_refusal": perms.approval_refusal(user, dotation) if user.is_cnam_agent else "",
            "can_return": perms.can_return(user, dotation),
            "can_give_opinion": perms.can_give_opinion(user, dotation),
            "crumbs": _crumbs(dotation),
            **recovery_context(user, dotation),
        },
    )


def _action(request, pk, *, form_class, allowed, template, title, perform, success, form_kwargs=None):
    """GET: the confirmation page recalling what will happen; POST: do it (errors shown, input kept)."""
    dotation = _dotation_or_404(request.user, pk)
    if not allowed(request.user, dotation):
        refusal = perms.approval_refusal(request.user, dotation) if allowed is perms.can_approve else ""
        messages.error(request, refusal or _("Cette action n'est pas possible sur cette dotation."))
        return redirect("dotations:dotation_detail", pk=pk)
    form = form_class(request.POST or None, **(form_kwargs(dotation) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            perform(dotation, form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect("dotations:dotation_detail", pk=pk)
    return render(
        request,
        template,
        {"dotation": dotation, "form": form, "title": title, "crumbs": _crumbs(dotation, title)},
    )


@require_http_methods(["GET", "POST"])
def dotation_propose(request, pk):
    return _action(
        request,
        pk,
        form_class=ProposeForm,
        form_kwargs=lambda dotation: {"computed_total": dotation.computed_total},
        allowed=perms.can_propose,
        template="dotations/dotation_propose.html",
        title=_("Proposer la dotation"),
        perform=lambda dotation, data: services.dotation_propose(
            dotation=dotation,
            user=request.user,
            adjustment=data.get("adjustment") or 0,
            reason=data.get("reason", ""),
            expected_version=request.POST.get("version"),
        ),
        success=_("La dotation est proposée. Un autre agent de la CNAM doit maintenant l'approuver."),
    )


@require_http_methods(["GET", "POST"])
def dotation_approve(request, pk):
    return _action(
        request,
        pk,
        form_class=ConfirmForm,
        allowed=perms.can_approve,
        template="dotations/dotation_approve.html",
        title=_("Approuver la dotation"),
        perform=lambda dotation, data: services.dotation_approve(
            dotation=dotation, user=request.user, expected_version=request.POST.get("version")
        ),
        success=_(
            "La dotation est approuvée. L'avance et le solde sont programmés ; les gestionnaires de la structure "
            "sont prévenus par courriel."
        ),
    )


@require_http_methods(["GET", "POST"])
def dotation_return(request, pk):
    return _action(
        request,
        pk,
        form_class=ReturnForm,
        allowed=perms.can_return,
        template="dotations/dotation_form.html",
        title=_("Retourner la dotation"),
        perform=lambda dotation, data: services.dotation_return(
            dotation=dotation, user=request.user, reason=data["reason"], expected_version=request.POST.get("version")
        ),
        success=_("La dotation est retournée : elle peut être recalculée puis proposée à nouveau."),
    )


@require_http_methods(["GET", "POST"])
def dotation_opinion(request, pk):
    return _action(
        request,
        pk,
        form_class=OpinionForm,
        allowed=perms.can_give_opinion,
        template="dotations/dotation_form.html",
        title=_("Donner l'avis de l'ARS"),
        perform=lambda dotation, data: services.dotation_give_opinion(
            dotation=dotation, user=request.user, favourable=data["favourable"], comment=data.get("comment", "")
        ),
        success=_("Votre avis est enregistré. La CNAM le verra avant d'approuver la dotation."),
    )
