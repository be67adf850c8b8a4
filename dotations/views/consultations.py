"""Pages of the consultation on a campaign's draft barème (issue 13 §3): the list, the consultation (outcome,
opinions beside each component, comments), preparing and submitting it, closing it early, the opinion form of an
ARS or the HAS, a manager's comment, and the projected effect on each structure (CNAM and the national steering).

The national steering (pilotage) reads every page the CNAM reads and acts on nothing: its write pages, GET or POST,
answer a French 403 (``@_refused_to_read_only``) before anything else."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from secpa_portal.core import confirm
from secpa_portal.core.error_views import forbidden
from secpa_portal.core.errors import DomainError
from secpa_portal.journal.models import Event
from structures.models import Structure

from .. import consultation_selectors as selectors
from ..forms.consultations import CloseForm, CommentForm, ConsultationForm, OpinionForm
from ..models import Campaign, Consultation
from ..perms import campaigns as campaign_perms
from ..perms import consultations as perms
from ..services import consultations as services

EFFECT_PAGE_SIZE = 50


def _consultation_or_404(user, year) -> Consultation:
    queryset = Consultation.objects.visible_to(user).select_related("campaign", "opened_by", "closed_by")
    return get_object_or_404(queryset, campaign__year=year)


def _crumbs(consultation, *tail):
    crumbs = [(_("Consultations sur le barème"), reverse("dotations:consultation_list"))]
    if tail:
        crumbs.append((str(consultation), reverse("dotations:consultation_detail", args=[consultation.campaign.year])))
        crumbs.extend((label, None) for label in tail)
    else:
        crumbs.append((str(consultation), None))
    return crumbs


def _refused_to_read_only(view):
    """A write page: the national steering is in scope and may not act, so it gets a French 403 saying so before
    the view runs (GET or POST)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if perms.reads_only(request.user):
            return forbidden(request, perms.READ_ONLY_REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


def _own_opinion(user, consultation):
    if not perms.is_consulted_body(user):
        return None
    region_id = user.region_id if user.is_ars_agent else None
    return consultation.opinions.filter(region_id=region_id).select_related("region", "author").first()


@require_GET
def consultation_list(request):
    user = request.user
    consultations = list(Consultation.objects.visible_to(user).select_related("campaign").order_by("-campaign__year"))
    if not consultations and not (user.sees_national or user.is_ars_agent or user.is_has_agent or user.is_manager):
        raise Http404
    return render(
        request,
        "dotations/consultations/list.html",
        {
            "consultations": consultations,
            "today": timezone.localdate(),
            "crumbs": [(_("Consultations sur le barème"), None)],
        },
    )


@require_GET
def consultation_detail(request, year):
    user = request.user
    consultation = _consultation_or_404(user, year)
    today = timezone.localdate()
    everything = perms.can_see_everything(user)
    if everything:
        opinions = list(consultation.opinions.select_related("region", "author"))
        comments = list(consultation.comments.select_related("structure", "author"))
    else:
        own = _own_opinion(user, consultation)
        opinions = [own] if own is not None else []
        comments = list(consultation.comments.filter(author=user).select_related("structure", "author"))
    bareme = selectors.submitted_bareme(consultation)
    rows, general = selectors.component_rows(bareme, opinions, comments)
    events = []
    if everything:
        events = Event.objects.for_object(consultation).select_related("actor").order_by("-created_at", "-id")
        if not user.is_cnam_agent:  # the national steering reads no internal event (opinions are shown above)
            events = events.filter(internal=False)
        events = list(events[:30])
    return render(
        request,
        "dotations/consultations/detail.html",
        {
            "consultation": consultation,
            "campaign": consultation.campaign,
            "everything": everything,
            "counts": selectors.verdict_counts(consultation),
            "opinions": opinions,
            "component_rows": rows,
            "general_comments": general,
            "bands": selectors.bands_shown(bareme),
            "reference_patients": bareme.get("reference_patients"),
            "past_deadline": consultation.status == "open" and today > consultation.deadline,
            "can_prepare": perms.can_prepare(user, consultation.campaign),
            "can_open": perms.can_open(user, consultation),
            "open_confirmation": open_confirmation(consultation),
            "can_close": perms.can_close(user, consultation),
            "can_give_opinion": perms.can_give_opinion(user, consultation, today),
            "can_comment": perms.can_comment(user, consultation, today),
            "can_view_campaign": campaign_perms.can_view_campaigns(user),
            "events": events,
            "crumbs": _crumbs(consultation),
        },
    )


@require_http_methods(["GET", "POST"])
@_refused_to_read_only
def consultation_prepare(request, year):
    user = request.user
    if not user.is_cnam_agent:
        raise Http404
    campaign = get_object_or_404(Campaign.objects.select_related("consultation"), year=year)
    if not perms.can_prepare(user, campaign):
        messages.error(request, perms.ACTOR_REFUSALS["prepare"])
        return redirect("dotations:campaign_detail", year=year)
    consultation = getattr(campaign, "consultation", None)
    initial = {"deadline": consultation.deadline, "message": consultation.message} if consultation else {}
    form = ConsultationForm(request.POST or None, initial=initial, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_prepare(
                campaign=campaign,
                user=user,
                deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"],
                expected_version=form.cleaned_data.get("version"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "La consultation est préparée. Relisez le barème, puis soumettez-le : les ARS, la HAS et les "
                    "structures seront prévenues par courriel."
                ),
            )
            return redirect("dotations:consultation_detail", year=year)
    crumbs = [
        (_("Campagnes"), reverse("dotations:campaign_list")),
        (str(campaign), reverse("dotations:campaign_detail", args=[year])),
        (_("Consultation sur le barème"), None),
    ]
    return render(
        request,
        "dotations/consultations/form.html",
        {"form": form, "campaign": campaign, "consultation": consultation, "crumbs": crumbs},
    )


def open_confirmation(consultation) -> confirm.Confirmation:
    """Submitting the draft barème: everyone consulted is told, the barème is frozen until the closing."""
    year = consultation.campaign.year
    return confirm.Confirmation(
        key="consultation-open",
        title=_("Soumettre le barème %(year)s à consultation ?") % {"year": year},
        url=reverse("dotations:consultation_open", args=[year]),
        cancel_url=reverse("dotations:consultation_detail", args=[year]),
        button=_("Soumettre le barème à consultation"),
        lines=(
            _("Les ARS, la HAS et les structures sous convention seront prévenues par courriel."),
            _("Le barème ne pourra plus changer avant la clôture de la consultation (avis attendus jusqu'au %(day)s).")
            % {"day": services.day_fr(consultation.deadline) if consultation.deadline else "—"},
        ),
        hidden={"version": consultation.version},
    )


@require_http_methods(["GET", "POST"])
@_refused_to_read_only
def consultation_open(request, year):
    """GET: what submitting does (the modal's fallback); POST: submit the barème."""
    consultation = _consultation_or_404(request.user, year)
    if request.method == "GET":
        if not perms.can_open(request.user, consultation):
            if not request.user.is_cnam_agent:
                raise Http404
            messages.error(
                request,
                services.CONSULTATION_WORKFLOW.refusal("open", consultation.status) or perms.ACTOR_REFUSALS["open"],
            )
            return redirect("dotations:consultation_detail", year=year)
        crumbs = _crumbs(consultation, _("Soumettre le barème"))
        return confirm.page(request, open_confirmation(consultation), crumbs)
    try:
        services.consultation_open(
            consultation=consultation, user=request.user, expected_version=request.POST.get("version")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Le barème %(year)s est soumis à consultation jusqu'au %(day)s : les ARS, la HAS et les structures "
                "sous convention sont prévenues par courriel. Il ne peut plus changer avant la clôture."
            )
            % {"year": year, "day": services.day_fr(consultation.deadline)},
        )
    return redirect("dotations:consultation_detail", year=year)


@require_http_methods(["GET", "POST"])
@_refused_to_read_only
def consultation_close(request, year):
    consultation = _consultation_or_404(request.user, year)
    if not perms.can_close(request.user, consultation):
        if not request.user.is_cnam_agent:
            raise Http404
        messages.error(
            request,
            services.CONSULTATION_WORKFLOW.refusal("close", consultation.status) or perms.ACTOR_REFUSALS["close"],
        )
        return redirect("dotations:consultation_detail", year=year)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_close(
                consultation=consultation, user=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("La consultation est close : les ARS et la HAS sont prévenues par courriel."))
            return redirect("dotations:consultation_detail", year=year)
    return render(
        request,
        "dotations/consultations/close.html",
        {"form": form, "consultation": consultation, "crumbs": _crumbs(consultation, _("Clore"))},
    )


@require_http_methods(["GET", "POST"])
@_refused_to_read_only
def opinion_give(request, year):
    user = request.user
    consultation = _consultation_or_404(user, year)
    if not perms.is_consulted_body(user):
        raise Http404
    if not perms.can_give_opinion(user, consultation):
        messages.error(
            request, _("La consultation ne reçoit plus d'avis : elle est close ou sa date limite est passée.")
        )
        return redirect("dotations:consultation_detail", year=year)
    components = consultation.bareme.get("components", [])
    own = _own_opinion(user, consultation)
    initial = {}
    if own is not None:
        initial = {"verdict": own.verdict, "comment": own.comment}
        initial.update({f"remark_{code}": text for code, text in own.remarks.items()})
    form = OpinionForm(request.POST or None, initial=initial, components=components)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_give(
                consultation=consultation,
                user=user,
                verdict=form.cleaned_data["verdict"],
                comment=form.cleaned_data["comment"],
                remarks=form.remarks(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "L'avis est enregistré et l'assurance maladie en est prévenue. "
                    "Vous pouvez le modifier jusqu'au %(day)s."
                )
                % {"day": services.day_fr(consultation.deadline)},
            )
            return redirect("dotations:consultation_detail", year=year)
    return render(
        request,
        "dotations/consultations/opinion_form.html",
        {"form": form, "consultation": consultation, "own": own, "crumbs": _crumbs(consultation, _("Avis"))},
    )


@require_http_methods(["GET", "POST"])
@_refused_to_read_only
def comment_post(request, year):
    user = request.user
    consultation = _consultation_or_404(user, year)
    if not user.is_manager:
        raise Http404
    if not perms.can_comment(user, consultation):
        messages.error(
            request, _("La consultation ne reçoit plus de commentaires : elle est close ou sa date limite est passée.")
        )
        return redirect("dotations:consultation_detail", year=year)
    structures = list(Structure.objects.filter(memberships__user=user).order_by("name", "pk").distinct())
    if not structures:
        messages.error(request, _("Vous ne gérez aucune structure : vous ne pouvez pas commenter le barème."))
        return redirect("dotations:consultation_detail", year=year)
    components = consultation.bareme.get("components", [])
    form = CommentForm(request.POST or None, structures=structures, components=components)
    if request.method == "POST" and form.is_valid():
        structure = next(s for s in structures if s.pk == form.cleaned_data["structure"])
        try:
            services.comment_post(
                consultation=consultation,
                user=user,
                structure=structure,
                text=form.cleaned_data["text"],
                component_code=form.cleaned_data["component_code"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Votre commentaire est transmis à l'assurance maladie."))
            return redirect("dotations:consultation_detail", year=year)
    return render(
        request,
        "dotations/consultations/comment_form.html",
        {"form": form, "consultation": consultation, "crumbs": _crumbs(consultation, _("Commenter"))},
    )


@require_GET
def consultation_effect(request, year):
    user = request.user
    if not perms.can_see_everything(user):
        raise Http404
    consultation = _consultation_or_404(user, year)
    effect = selectors.projected_effect(consultation)
    page = Paginator(effect.rows, EFFECT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dotations/consultations/effect.html",
        {
            "consultation": consultation,
            "effect": effect,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "ellipsis": Paginator.ELLIPSIS,
            "crumbs": _crumbs(consultation, _("Effet projeté")),
        },
    )
