"""The dashboard: one page per role, made of each app's section (site level: may import every app).

Above the sections, what waits on the user: for a manager, each structure's steps that are theirs to take
(``next_steps``: overdue or sent-back reports first); for the ARS and the CNAM, the counts the sections already
read, as links (files to take, reports to validate, conventions to sign, dotations to approve…)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext

from conventions.selectors import dashboard_context as conventions_dashboard
from dotations.models import Consultation
from dotations.selectors import dashboard_context as dotations_dashboard
from secpa_portal.core import aggregates
from structures.selectors import dashboard_context as structures_dashboard

from . import next_steps


def dashboard(request):
    with aggregates.read_together("dashboard", request.user):
        return _dashboard(request)


def _dashboard(request):
    if request.user.is_has_agent:
        # The HAS is invited to the consultations on the barème and sees nothing else (issue 13 §3).
        consultations = Consultation.objects.visible_to(request.user).select_related("campaign")
        return render(request, "site/dashboard_has.html", {"consultations": list(consultations[:10])})
    user = request.user
    structures_section = structures_dashboard(user)
    conventions_section = conventions_dashboard(user)
    dotations_section = dotations_dashboard(user)
    context = {
        "structures_section": structures_section,
        "conventions_section": conventions_section,
        "dotations_section": dotations_section,
    }
    if structures_section.get("role") == "manager":
        cards = next_steps.manager_cards(user, structures_section["cards"])
        structures_section["cards"] = cards
        structures_section["waiting"] = next_steps.waiting_steps(cards)
    else:
        context["staff_waiting"] = staff_waiting(user, structures_section, conventions_section, dotations_section)
    return render(request, "site/dashboard.html", context)


def _item(count, singular, plural, url):
    return {"count": count, "label": ngettext(singular, plural, count) % {"count": count}, "url": url}


def staff_waiting(user, structures_section, conventions_section, dotations_section) -> list[dict]:
    """What waits on an ARS or CNAM agent, from the counts the sections already read (no query of its own)."""
    items = []
    structure_counts = structures_section.get("counts") or {}
    report_counts = (conventions_section.get("reports") or {}).get("counts") or {}
    structures_url = reverse("structures:list")
    if user.is_ars_agent:
        items += [
            _item(
                structure_counts.get("to_take") or 0,
                "%(count)d dossier déposé à prendre en charge",
                "%(count)d dossiers déposés à prendre en charge",
                structures_url + "?status=submitted",
            ),
            _item(
                structure_counts.get("mine") or 0,
                "%(count)d dossier en instruction par vous",
                "%(count)d dossiers en instruction par vous",
                structures_url + "?mine=on",
            ),
            _item(
                report_counts.get("to_validate") or 0,
                "%(count)d rapport annuel à valider",
                "%(count)d rapports annuels à valider",
                reverse("conventions:report_list") + "?statut=submitted",
            ),
        ]
        campaign = dotations_section.get("campaign")
        if campaign is not None:
            items.append(
                _item(
                    dotations_section.get("to_review") or 0,
                    "%(count)d dotation proposée sur laquelle donner votre avis",
                    "%(count)d dotations proposées sur lesquelles donner votre avis",
                    reverse("dotations:dotation_list") + f"?campaign={campaign.year}&status=proposed",
                )
            )
    elif user.is_cnam_agent:
        conventions_url = reverse("conventions:list")
        items += [
            _item(
                conventions_section.get("to_prepare") or 0,
                "%(count)d structure éligible sans convention",
                "%(count)d structures éligibles sans convention",
                reverse("conventions:to_prepare"),
            ),
            _item(
                len(conventions_section.get("to_sign") or [])
                + len(conventions_section.get("amendments_to_sign") or []),
                "%(count)d convention ou avenant à signer pour l'assurance maladie",
                "%(count)d conventions ou avenants à signer pour l'assurance maladie",
                conventions_url + "?status=signed_by_structure",
            ),
            _item(
                report_counts.get("to_validate") or 0,
                "%(count)d rapport annuel déposé, à valider par l'ARS (le solde en dépend)",
                "%(count)d rapports annuels déposés, à valider par les ARS (les soldes en dépendent)",
                reverse("conventions:report_list") + "?statut=submitted",
            ),
        ]
        campaign = dotations_section.get("campaign")
        gauge = dotations_section.get("gauge")
        if campaign is not None:
            items.append(
                _item(
                    (getattr(gauge, "counts", None) or {}).get("proposed_count") or 0,
                    "%(count)d dotation proposée à approuver",
                    "%(count)d dotations proposées à approuver",
                    reverse("dotations:dotation_list") + f"?campaign={campaign.year}&status=proposed",
                )
            )
        payments = dotations_section.get("payments") or {}
        items.append(
            _item(
                payments.get("due_count") or 0,
                "%(count)d versement à enregistrer (échéance dans les 30 jours ou passée)",
                "%(count)d versements à enregistrer (échéance dans les 30 jours ou passée)",
                reverse("dotations:payments") + "?statut=scheduled&tri=echeance",
            )
        )
    return [item for item in items if item["count"]]
