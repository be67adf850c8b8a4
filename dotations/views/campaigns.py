"""Campaign pages: list, create (optionally from last year's), edit, barème editor, compute with progress,
fit to envelope, open and close (design.md §7, CNAM)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from secpa_portal.core import confirm, formats
from secpa_portal.core.errors import ConflictError, DomainError
from secpa_portal.journal.models import Event
from secpa_portal.reference.models import Region

from .. import consultation_selectors, inputs, selectors
from ..enums import ComputeState
from ..forms.campaigns import BandFormSet, BaremeForm, CampaignForm, ComponentFormSet, bareme_errors
from ..models import Campaign, Dotation
from ..payment_selectors import campaign_fund_totals
from ..perms import campaigns as perms
from ..perms import consultations as consultation_perms
from ..services import campaigns as services
from ..services import compute

COMPONENT_INITIAL = ("code", "label", "basis", "key", "rate", "quantity_cap", "amount_cap", "modulated")


def _campaign_or_404(user, year) -> Campaign:
    if not perms.can_view_campaigns(user):
        raise Http404
    return get_object_or_404(Campaign.objects.visible_to(user), year=year)


def _require_cnam(user):
    if not perms.can_manage_campaigns(user):
        raise Http404


@require_GET
def campaign_list(request):
    if not perms.can_view_campaigns(request.user):
        raise Http404
    campaigns = list(Campaign.objects.visible_to(request.user).order_by("-year"))
    sums = {row["campaign_id"]: row for row in selectors.totals_by_campaign(Dotation.objects.visible_to(request.user))}
    rows = [(campaign, sums.get(campaign.pk)) for campaign in campaigns]
    return render(
        request,
        "dotations/campaign_list.html",
        {"rows": rows, "can_create": perms.can_manage_campaigns(request.user), "crumbs": [(_("Campagnes"), None)]},
    )


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _require_cnam(request.user)
    regions = list(Region.objects.order_by("code"))
    form = CampaignForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                user=request.user,
                year=form.cleaned_data["year"],
                fields=form.campaign_fields(),
                regional=form.regional(),
                copy_previous=form.cleaned_data["copy_previous"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("La campagne %(year)s est créée, en préparation. Complétez son barème avant de l'ouvrir.")
                % {"year": campaign.year},
            )
            return redirect("dotations:campaign_detail", year=campaign.year)
    crumbs = [(_("Campagnes"), reverse("dotations:campaign_list")), (_("Nouvelle campagne"), None)]
    return render(
        request,
        "dotations/campaign_form.html",
        {"form": form, "campaign": None, "crumbs": crumbs, "title": _("Nouvelle campagne")},
    )


@require_http_methods(["GET", "POST"])
def campaign_edit(request, year):
    campaign = _campaign_or_404(request.user, year)
    if not perms.can_edit_campaign(request.user, campaign):
        messages.error(request, _("Cette campagne ne peut plus être modifiée."))
        return redirect("dotations:campaign_detail", year=year)
    regions = list(Region.objects.order_by("code"))
    campaign = Campaign.objects.prefetch_related("regional_envelopes").get(pk=campaign.pk)
    form = CampaignForm(request.POST or None, regions=regions, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign,
                user=request.user,
                fields=form.campaign_fields(),
                regional=form.regional(),
                expected_version=request.POST.get("version"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("La campagne %(year)s est enregistrée.") % {"year": year})
            return redirect("dotations:campaign_detail", year=year)
    crumbs = [
        (_("Campagnes"), reverse("dotations:campaign_list")),
        (_("Campagne %(year)s") % {"year": year}, reverse("dotations:campaign_detail", args=[year])),
        (_("Modifier"), None),
    ]
    title = _("Modifier la campagne %(year)s") % {"year": year}
    return render(
        request, "dotations/campaign_form.html", {"form": form, "campaign": campaign, "crumbs": crumbs, "title": title}
    )


INELIGIBLE_SHOWN = 50


def _ineligible(user, campaign) -> list:
    """The conventions computing skipped for an ineligible structure, in the user's scope (an ARS agent: their
    region's)."""
    conventions = inputs.ineligible_conventions_for_year(campaign.year)
    if not user.sees_national:
        conventions = conventions.filter(structure__region_id=user.region_id)
    return list(conventions[: INELIGIBLE_SHOWN + 1])


@require_GET
def campaign_detail(request, year):
    campaign = _campaign_or_404(request.user, year)
    campaign = (
        Campaign.objects.select_related("consultation")
        .prefetch_related("components", "precarity_bands")
        .get(pk=campaign.pk)
    )
    consultation = getattr(campaign, "consultation", None)
    scope = selectors.campaign_scope(request.user, campaign)  # an ARS agent sees their region's totals only
    gauge = selectors.campaign_gauge(campaign, scope=scope)
    regions = selectors.region_totals(campaign, scope=scope)
    events = list(Event.objects.for_object(campaign).select_related("actor").order_by("-created_at", "-id")[:20])
    user = request.user
    return render(
        request,
        "dotations/campaign_detail.html",
        {
            "campaign": campaign,
            "gauge": gauge,
            "regions": regions,
            "region_chart": selectors.region_chart(regions),
            "fund_totals": campaign_fund_totals(campaign, scope.dotations),
            "ineligible": _ineligible(user, campaign),
            "ineligible_shown": INELIGIBLE_SHOWN,
            "events": events,
            "running": compute.compute_running(campaign),
            "progress": _progress(campaign),
            "interrupted": compute.is_interrupted(campaign),
            "failed": campaign.compute_state == ComputeState.FAILED or compute.is_interrupted(campaign),
            "can_edit": perms.can_edit_campaign(user, campaign),
            "can_edit_bareme": perms.can_edit_bareme(user, campaign),
            "bareme_refusal": perms.bareme_refusal(campaign),
            "consultation": consultation,
            "consultation_counts": consultation_selectors.verdict_counts(consultation) if consultation else None,
            "can_prepare_consultation": consultation is None and consultation_perms.can_prepare(user, campaign),
            "can_open": perms.can_open(user, campaign),
            "can_close": _can_close_now(user, campaign),  # never offered while a computation runs
            "open_confirmation": open_confirmation(campaign),
            "close_confirmation": close_confirmation(campaign),
            "can_compute": perms.can_compute(user, campaign),
            # Offered before any proposal, and whenever the campaign is over its envelope: the fit page then
            # applies a coefficient to the computed dotations or says what to do instead.
            "can_fit": perms.can_fit(user, campaign)
            and gauge.counts["count"] > 0
            and (gauge.counts["computed_count"] == gauge.counts["count"] or gauge.over_envelope),
            "crumbs": [(_("Campagnes"), reverse("dotations:campaign_list")), (str(campaign), None)],
        },
    )


def _progress(campaign) -> dict:
    done, total = campaign.compute_done or 0, campaign.compute_total or 0
    return {
        "done": done,
        "total": total,
        "percent": formats.progress_percent(done, total),
        "text": formats.progress(done, total, _("dotation calculée"), _("dotations calculées")),
    }


@require_GET
def campaign_progress(request, year):
    """The computation's progress, polled by static/js/dotations.js while it runs."""
    campaign = _campaign_or_404(request.user, year)
    return JsonResponse(
        {
            "state": campaign.compute_state,
            "label": campaign.get_compute_state_display(),
            "done": campaign.compute_done,
            "total": campaign.compute_total,
            "error": campaign.compute_error,
            "percent": _progress(campaign)["percent"],
            "text": _progress(campaign)["text"],
        }
    )


def _component_initial(campaign):
    return [{name: getattr(c, name) for name in COMPONENT_INITIAL} for c in campaign.components.all()]


def _band_initial(campaign):
    return [{"lower": b.lower, "upper": b.upper, "coefficient": b.coefficient} for b in campaign.precarity_bands.all()]


@require_http_methods(["GET", "POST"])
def bareme_edit(request, year):
    campaign = _campaign_or_404(request.user, year)
    if not perms.can_edit_bareme(request.user, campaign):
        messages.error(request, perms.bareme_refusal(campaign))
        return redirect("dotations:campaign_detail", year=year)
    campaign = Campaign.objects.prefetch_related("components", "precarity_bands").get(pk=campaign.pk)
    data = request.POST if request.method == "POST" else None
    form = BaremeForm(data, initial={"reference_patients": campaign.reference_patients})
    components = ComponentFormSet(data, initial=_component_initial(campaign), prefix="components")
    bands = BandFormSet(data, initial=_band_initial(campaign), prefix="bands")
    errors = []
    forms_valid = True
    if request.method == "POST":
        errors = bareme_errors(form, components, bands)
        forms_valid = form.is_valid() and components.is_valid() and bands.is_valid()
        if forms_valid and not errors:
            try:
                services.bareme_replace(
                    campaign=campaign,
                    user=request.user,
                    components=components.rows(),
                    bands=bands.rows(),
                    reference_patients=form.cleaned_data["reference_patients"],
                    expected_version=request.POST.get("version"),
                )
            except services.InvalidBareme as error:
                errors = error.errors
            except DomainError as error:
                errors = [error.message]
            else:
                messages.success(request, _("Le barème %(year)s est enregistré.") % {"year": year})
                return redirect("dotations:campaign_detail", year=year)
    crumbs = [
        (_("Campagnes"), reverse("dotations:campaign_list")),
        (str(campaign), reverse("dotations:campaign_detail", args=[year])),
        (_("Barème"), None),
    ]
    return render(
        request,
        "dotations/bareme_form.html",
        {
            "campaign": campaign,
            "form": form,
            "components": components,
            "bands": bands,
            "bareme_errors": errors,
            "has_errors": bool(errors) or not forms_valid,
            "crumbs": crumbs,
        },
    )


def _act(request, year, action, success):
    campaign = _campaign_or_404(request.user, year)
    try:
        action(campaign)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"year": year})
    return redirect("dotations:campaign_detail", year=year)


@require_POST
def campaign_compute(request, year):
    return _act(
        request,
        year,
        lambda campaign: compute.campaign_compute_start(campaign=campaign, user=request.user),
        _(
            "Le calcul de la campagne %(year)s est lancé. Les dotations déjà proposées ou approuvées ne sont "
            "pas recalculées."
        ),
    )


def open_confirmation(campaign) -> confirm.Confirmation:
    return confirm.Confirmation(
        key="campaign-open",
        title=_("Ouvrir la campagne %(year)s ?") % {"year": campaign.year},
        url=reverse("dotations:campaign_open", args=[campaign.year]),
        cancel_url=reverse("dotations:campaign_detail", args=[campaign.year]),
        button=_("Ouvrir la campagne"),
        lines=(
            _("Le barème sera figé : il ne pourra plus être modifié pour cette campagne."),
            _("Les dotations pourront alors être calculées."),
        ),
    )


def close_confirmation(campaign) -> confirm.Confirmation:
    return confirm.Confirmation(
        key="campaign-close",
        title=_("Clore la campagne %(year)s ?") % {"year": campaign.year},
        url=reverse("dotations:campaign_close", args=[campaign.year]),
        cancel_url=reverse("dotations:campaign_detail", args=[campaign.year]),
        button=_("Clore la campagne"),
        trigger_class="fr-btn fr-btn--tertiary",
        lines=(
            _("La campagne deviendra consultable seulement : plus de calcul, d'ajustement ni de proposition."),
            _("La clôture ne peut pas être annulée."),
        ),
        danger=True,
    )


def _confirm_or_act(request, year, *, allowed, refusal, confirmation, action, success):
    """GET: the confirmation page (the modal's fallback); POST: the action."""
    campaign = _campaign_or_404(request.user, year)
    if request.method == "POST":
        return _act(request, year, action, success)
    if not allowed(request.user, campaign):
        messages.error(request, refusal)
        return redirect("dotations:campaign_detail", year=year)
    crumbs = [
        (_("Campagnes"), reverse("dotations:campaign_list")),
        (str(campaign), reverse("dotations:campaign_detail", args=[year])),
        (confirmation(campaign).button, None),
    ]
    return confirm.page(request, confirmation(campaign), crumbs)


@require_http_methods(["GET", "POST"])
def campaign_open(request, year):
    return _confirm_or_act(
        request,
        year,
        allowed=perms.can_open,
        refusal=_("Seul un agent de la CNAM peut ouvrir une campagne en préparation."),
        confirmation=open_confirmation,
        action=lambda campaign: services.campaign_open(campaign=campaign, user=request.user),
        success=_("La campagne %(year)s est ouverte : son barème est figé, les dotations peuvent être calculées."),
    )


def _can_close_now(user, campaign) -> bool:
    return perms.can_close(user, campaign) and not compute.compute_running(campaign)


@require_http_methods(["GET", "POST"])
def campaign_close(request, year):
    return _confirm_or_act(
        request,
        year,
        allowed=_can_close_now,
        refusal=_("Seul un agent de la CNAM peut clore une campagne ouverte, et jamais pendant un calcul."),
        confirmation=close_confirmation,
        action=lambda campaign: services.campaign_close(campaign=campaign, user=request.user),
        success=_("La campagne %(year)s est close : elle reste consultable."),
    )


@require_http_methods(["GET", "POST"])
def campaign_fit(request, year):
    """GET: the coefficient that would apply, to confirm; POST: apply it."""
    campaign = _campaign_or_404(request.user, year)
    if not perms.can_fit(request.user, campaign):
        messages.error(request, _("Seul un agent de la CNAM peut ajuster une campagne ouverte à son enveloppe."))
        return redirect("dotations:campaign_detail", year=year)
    if request.method == "POST":
        expected = _posted_coefficient(request.POST.get("coefficient", ""))
        try:
            if expected is None:
                raise ConflictError(_("Confirmez le coefficient depuis l'aperçu ci-dessous."))
            coefficient = compute.campaign_fit(campaign=campaign, user=request.user, expected_coefficient=expected)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            text = formats.coefficient(coefficient)
            messages.success(
                request,
                _("Coefficient %(coefficient)s appliqué à chaque dotation calculée de la campagne %(year)s.")
                % {"coefficient": text, "year": year},
            )
            return redirect("dotations:campaign_detail", year=year)
    crumbs = [
        (_("Campagnes"), reverse("dotations:campaign_list")),
        (str(campaign), reverse("dotations:campaign_detail", args=[year])),
        (_("Ajuster à l'enveloppe"), None),
    ]
    context = {"campaign": campaign, "crumbs": crumbs, "preview": None, "refusal": compute.fit_refusal(campaign)}
    context["can_edit"] = perms.can_edit_campaign(request.user, campaign)
    if context["refusal"] is None:
        try:
            context["preview"] = compute.fit_preview(campaign)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("dotations:campaign_detail", year=year)
    return render(request, "dotations/campaign_fit.html", context)


def _posted_coefficient(raw: str) -> Decimal | None:
    """The coefficient the page rendered: unlocalised (0.761747), or typed the French way (0,761747)."""
    text = (raw or "").strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 < value <= 1 else None
