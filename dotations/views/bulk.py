"""Bulk actions of CNAM agents (issue 12 §11): the list posts its selection, a confirmation page recalls what
will happen, then a summary page says what was done and what was refused and why."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import bulk_actions
from ..forms.bulk import DotationSelectionForm, PaymentSelectionForm
from ..models import Dotation, Payment
from ..perms import payments as payment_perms

TITLES = {
    "propose": _("Proposer les dotations sélectionnées"),
    "approve": _("Approuver les dotations sélectionnées"),
    "record": _("Enregistrer les versements sélectionnés"),
}


def _refuse(request, form, back):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(back)


def _page(request, template, *, form, action, rows, back, crumb, outcomes=None):
    title = TITLES[action]
    return render(
        request,
        template,
        {
            "form": form,
            "action": action,
            "title": title,
            "rows": rows,
            "back": back,
            "outcomes": outcomes,
            "done": [o for o in outcomes or [] if o.done],
            "refused": [o for o in outcomes or [] if not o.done],
            "crumbs": [(crumb, back), (title, None)],
        },
    )


@require_POST
def dotation_bulk(request):
    if not request.user.is_cnam_agent:
        raise Http404
    back = reverse("dotations:dotation_list")
    queryset = Dotation.objects.visible_to(request.user).select_related("structure", "campaign", "region")
    form = DotationSelectionForm(request.POST, queryset=queryset.order_by("structure__name", "pk"))
    if not form.is_valid():
        return _refuse(request, form, back)
    action = form.cleaned_data["action"]
    rows = list(form.cleaned_data["ids"])
    if not form.cleaned_data["confirm"]:
        return _page(
            request,
            "dotations/bulk_confirm.html",
            form=form,
            action=action,
            rows=rows,
            back=back,
            crumb=_("Dotations"),
        )
    run = bulk_actions.bulk_approve if action == "approve" else bulk_actions.bulk_propose
    outcomes = run(dotations=rows, user=request.user)
    return _page(
        request,
        "dotations/bulk_summary.html",
        form=form,
        action=action,
        rows=rows,
        back=back,
        crumb=_("Dotations"),
        outcomes=outcomes,
    )


@require_POST
def payment_bulk_record(request):
    if not payment_perms.can_manage_payments(request.user):
        raise Http404
    back = reverse("dotations:payments")
    queryset = Payment.objects.visible_to(request.user).select_related(
        "dotation__structure", "dotation__campaign", "dotation__region"
    )
    queryset = queryset.order_by("due_date", "pk")
    form = PaymentSelectionForm(request.POST, queryset=queryset)
    if not form.is_valid() and "ids" in form.errors:
        return _refuse(request, form, back)
    rows = list(form.cleaned_data["ids"])
    if not request.POST.get("confirm"):
        # The selection from the list: the confirmation page asks the transfer's date and reference.
        form = PaymentSelectionForm(queryset=queryset)
    if not form.is_bound or not form.is_valid():
        return _page(
            request,
            "dotations/payments/bulk_confirm.html",
            form=form,
            action="record",
            rows=rows,
            back=back,
            crumb=_("Versements"),
        )
    outcomes = bulk_actions.bulk_record(
        payments=rows,
        user=request.user,
        paid_on=form.cleaned_data["paid_on"],
        reference=form.cleaned_data["reference"],
    )
    return _page(
        request,
        "dotations/bulk_summary.html",
        form=form,
        action="record",
        rows=rows,
        back=back,
        crumb=_("Versements"),
        outcomes=outcomes,
    )
