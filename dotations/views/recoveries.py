"""Recovery-order actions (notify, record the recovery, cancel): a confirmation page, then the service."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from secpa_portal.core.errors import DomainError

from ..forms.recoveries import RecoveryCancelForm, RecoveryNotifyForm, RecoveryRecordForm
from ..models import RecoveryOrder
from ..perms import recoveries as perms
from ..selectors import recovery_timeline
from ..services import recoveries as services

ACTIONS = {
    "notify": (
        RecoveryNotifyForm,
        perms.notify_refusal,
        _("Notifier l'ordre de reversement"),
        lambda order, user, data: services.recovery_notify(order=order, user=user, expected_version=data["version"]),
        _("L'ordre de reversement est notifié : les gestionnaires de la structure en sont informés par courriel."),
    ),
    "recover": (
        RecoveryRecordForm,
        perms.recover_refusal,
        _("Constater le recouvrement"),
        lambda order, user, data: services.recovery_record(
            order=order,
            user=user,
            recovered_on=data["recovered_on"],
            reference=data["reference"],
            expected_version=data["version"],
        ),
        _("Le recouvrement est enregistré."),
    ),
    "cancel": (
        RecoveryCancelForm,
        perms.cancel_refusal,
        _("Annuler l'ordre de reversement"),
        lambda order, user, data: services.recovery_cancel(
            order=order, user=user, reason=data["reason"], expected_version=data["version"]
        ),
        _("L'ordre de reversement est annulé."),
    ),
}


def recovery_action(request, pk, action):
    # Orders are a CNAM matter until notified; visible_to scopes them (out of scope: 404).
    order = get_object_or_404(
        RecoveryOrder.objects.visible_to(request.user).select_related("dotation__campaign", "dotation__structure"),
        pk=pk,
    )
    if action not in ACTIONS:
        raise Http404
    form_class, refusal_of, title, perform, success = ACTIONS[action]
    back = reverse("dotations:dotation_detail", args=[order.dotation_id])
    refusal = refusal_of(request.user, order)
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    initial = {"version": order.version, "recovered_on": timezone.localdate()}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            perform(order, request.user, form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(back)
    crumbs = [
        (_("Dotations"), reverse("dotations:dotation_list")),
        (str(order.dotation), back),
        (title, None),
    ]
    context = {
        "order": order,
        "form": form,
        "title": title,
        "action": action,
        "back": back,
        "crumbs": crumbs,
        "events": recovery_timeline(order),
    }
    return render(request, "dotations/recovery_action.html", context)
