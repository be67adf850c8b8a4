"""The permission matrix of the campaign and dotation pages: role × page × in or out of scope.

Out of scope is a 404 (never a 403 that confirms existence); in scope without the right, the page redirects to
the dotation or campaign with a French message; with the right, 200.
"""

import pytest
from django.urls import reverse

from dotations.enums import DotationStatus
from dotations.models import Dotation
from tests.conftest import client_for
from tests.dotations.test_views import build

pytestmark = pytest.mark.django_db


def _pick(key, manager):
    d = Dotation.objects.order_by("pk")
    mine = d.filter(structure__memberships__user=manager)
    return {
        "mine_approved": mine.filter(status=DotationStatus.APPROVED),
        "mine_proposed": mine.filter(status=DotationStatus.PROPOSED),
        "idf_proposed": d.filter(region_id="11", status=DotationStatus.PROPOSED),
        "ara_proposed": d.filter(region_id="84", status=DotationStatus.PROPOSED),
        "ara_approved": d.exclude(structure__memberships__user=manager).filter(
            region_id="84", status=DotationStatus.APPROVED
        ),
    }[key].first()


# (user, page, object, expected status)
MATRIX = [
    ("manager", "dotation_detail", "mine_approved", 200),
    ("manager", "dotation_detail", "mine_proposed", 404),
    ("manager", "dotation_detail", "ara_approved", 404),
    ("manager", "dotation_opinion", "mine_approved", 302),
    ("manager", "dotation_approve", "mine_proposed", 404),
    ("ars_idf", "dotation_detail", "idf_proposed", 200),
    ("ars_idf", "dotation_detail", "ara_proposed", 404),
    ("ars_idf", "dotation_opinion", "idf_proposed", 200),
    ("ars_idf", "dotation_opinion", "ara_proposed", 404),
    ("ars_idf", "dotation_approve", "idf_proposed", 302),
    ("ars_idf", "dotation_propose", "idf_proposed", 302),
    ("ars_ara", "dotation_opinion", "ara_proposed", 200),
    ("ars_ara", "dotation_detail", "idf_proposed", 404),
    ("cnam", "dotation_detail", "ara_proposed", 200),
    ("cnam", "dotation_opinion", "ara_proposed", 302),
    ("cnam", "dotation_approve", "ara_proposed", 302),  # cnam prepared it: four eyes
    ("cnam2", "dotation_approve", "ara_proposed", 200),
    ("cnam2", "dotation_return", "ara_proposed", 200),
]


@pytest.mark.parametrize("who, page, target, expected", MATRIX)
def test_dotation_pages(who, page, target, expected, request):
    manager, cnam, cnam2 = (request.getfixturevalue(f) for f in ("manager", "cnam", "cnam2"))
    build(9, manager=manager, cnam=cnam, cnam2=cnam2)
    dotation = _pick(target, manager)
    assert dotation is not None, target
    response = client_for(request.getfixturevalue(who)).get(reverse(f"dotations:{page}", args=[dotation.pk]))
    assert response.status_code == expected
    if expected == 302:
        assert response.url == reverse("dotations:dotation_detail", args=[dotation.pk])


CAMPAIGN_MATRIX = [
    ("manager", "campaign_list", 404),
    ("manager", "campaign_detail", 404),
    ("ars_idf", "campaign_list", 200),
    ("ars_idf", "campaign_detail", 200),
    ("ars_idf", "campaign_edit", 302),
    ("ars_idf", "bareme_edit", 302),
    ("ars_idf", "campaign_fit", 302),
    ("ars_idf", "campaign_create", 404),
    ("cnam", "campaign_edit", 200),
    # Dotations already proposed: the page previews a coefficient for the computed ones (issue 9), or explains.
    ("cnam", "campaign_fit", 200),
    ("cnam", "bareme_edit", 302),  # the campaign is open: the barème is frozen
    ("cnam", "campaign_create", 200),
]


@pytest.mark.parametrize("who, page, expected", CAMPAIGN_MATRIX)
def test_campaign_pages(who, page, expected, request):
    manager, cnam, cnam2 = (request.getfixturevalue(f) for f in ("manager", "cnam", "cnam2"))
    build(3, manager=manager, cnam=cnam, cnam2=cnam2)
    args = [] if page in ("campaign_list", "campaign_create") else [2026]
    response = client_for(request.getfixturevalue(who)).get(reverse(f"dotations:{page}", args=args))
    assert response.status_code == expected
