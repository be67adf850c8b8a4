"""What the signed conventions commit, summed per year (issue 9, deliverable 10): the CNAM's view of the years to
come; an ARS agent sees the same for their region."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.models import Convention

from .. import commitments as selectors
from ..perms import campaigns as perms


def commitments(request):
    if not perms.can_view_campaigns(request.user):
        raise Http404
    today = timezone.localdate()
    campaign = selectors.projection_campaign(today)
    conventions = selectors.signed_conventions(Convention.objects.visible_to(request.user))
    rows = selectors.commitments(conventions, campaign=campaign, today=today)
    years = selectors.by_year(rows)
    return render(
        request,
        "dotations/commitments.html",
        {
            "years": years,
            "campaign": campaign,
            "this_year": today.year,
            "conventions": len({row.convention.pk for row in rows}),
            "crumbs": [(_("Campagnes"), reverse("dotations:campaign_list")), (_("Engagements pluriannuels"), None)],
        },
    )
