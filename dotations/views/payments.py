"""The payments list and the record / cancel confirmation pages (CNAM)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from secpa_portal.core import aggregates, lists
from secpa_portal.core.errors import DomainError
from secpa_portal.core.formats import euros
from secpa_portal.reference.choices import region_names

from ..enums import Fund, PaymentKind, PaymentStatus
from ..forms.payments import PaymentCancelForm, PaymentRecordForm
from ..models import Payment
from ..payment_selectors import LISTING, filtered_payments, payment_totals
from ..perms import payments as perms
from ..services import payments as services


def payment_list(request):
    with aggregates.read_together("payments", request.user):  # the totals and the rows per due date: one read
        return _payment_list(request)


def _payment_list(request):
    filterset, queryset = filtered_payments(request.user, request.GET)
    totals = LISTING.totals("payments.totals", request.user, filterset, request.GET, lambda: payment_totals(queryset))
    # The totals already counted the rows: the paginator does not count them again.
    context = LISTING.context(request, filterset, queryset, count=totals["count"])
    payments = list(context["page_obj"].object_list)
    for payment in payments:
        payment.can_record = perms.can_record_payment(request.user, payment)
        payment.can_cancel = perms.can_cancel_payment(request.user, payment)
    context.update(
        {
            "filter": filterset,
            "payments": payments,
            "totals": totals,
            "can_manage": perms.can_manage_payments(request.user),
            "export_query": request.GET.urlencode(),
            "crumbs": [(_("Tableau de bord"), reverse("dashboard")), (_("Versements"), None)],
            "region_names": region_names(),  # the rows name their région without joining it
            "labels": {
                "status": lists.labels(PaymentStatus),
                "kind": lists.labels(PaymentKind),
                "fund": lists.labels(Fund),
            },
            "urls": {
                "funding": lists.url_pattern("dotations:funding"),
                "record": lists.url_pattern("dotations:payment_record"),
                "cancel": lists.url_pattern("dotations:payment_cancel"),
            },
        }
    )
    return lists.remember(request, render(request, "dotations/payments/list.html", context))


def _payment(request, pk):
    queryset = Payment.objects.visible_to(request.user).select_related(
        "dotation__structure", "dotation__campaign", "dotation__region"
    )
    return get_object_or_404(queryset, pk=pk)


def _crumbs(label):
    return [
        (_("Tableau de bord"), reverse("dashboard")),
        (_("Versements"), reverse("dotations:payments")),
        (label, None),
    ]


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("dotations:payments")


def payment_record(request, pk):
    payment = _payment(request, pk)
    back = _next_url(request)
    if not perms.can_record_payment(request.user, payment):
        messages.error(request, _("Ce versement ne peut pas être enregistré par vous à ce stade."))
        return redirect(back)
    initial = {"paid_on": timezone.localdate(), "fund": payment.fund, "version": payment.version}
    form = PaymentRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(
                payment=payment,
                user=request.user,
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
                fund=form.cleaned_data["fund"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Le versement de %(amount)s à « %(structure)s » est enregistré. "
                    "Ses gestionnaires en sont informés par courriel."
                )
                % {"amount": euros(payment.amount), "structure": payment.dotation.structure.name},
            )
            return redirect(back)
    context = {"payment": payment, "form": form, "next": back, "crumbs": _crumbs(_("Enregistrer un versement"))}
    return render(request, "dotations/payments/record.html", context)


def payment_cancel(request, pk):
    payment = _payment(request, pk)
    back = _next_url(request)
    if not perms.can_cancel_payment(request.user, payment):
        messages.error(request, _("Ce versement ne peut pas être annulé par vous à ce stade."))
        return redirect(back)
    form = PaymentCancelForm(request.POST or None, initial={"version": payment.version, "reschedule": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_cancel(
                payment=payment,
                user=request.user,
                reason=form.cleaned_data["reason"],
                reschedule=form.cleaned_data["reschedule"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Le versement est annulé.")
                + (
                    " " + _("Un nouveau versement du même montant est programmé.")
                    if form.cleaned_data["reschedule"]
                    else ""
                ),
            )
            return redirect(back)
    context = {"payment": payment, "form": form, "next": back, "crumbs": _crumbs(_("Annuler un versement"))}
    return render(request, "dotations/payments/cancel.html", context)
