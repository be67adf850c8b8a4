"""The structure page's Convention, Rapports and Financements tabs (secpa_portal/site/structure_tabs.py): each its own
URL, for every role in scope, with links to the full pages and bounded queries; and the one history component on
every dossier (issue 12 §4). The structures app's own tabs are tested in tests/structures/test_manage_detail.py."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport
from dotations.enums import PaymentKind
from tests.conftest import client_for
from tests.factories import CampaignFactory, DotationFactory, FundedConventionFactory, FundedStructureFactory

pytestmark = pytest.mark.django_db

ROLES = ["manager", "ars_idf", "cnam"]


def _get(user, name, structure_id):
    response = client_for(user).get(reverse(name, args=[structure_id]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def funded(manager, cnam, cnam2):
    """An approved 2026 dotation of a structure in Île-de-France, with its active convention and a 2026 report."""
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    report = AnnualReport.objects.create(
        convention=dotation.convention,
        year=2026,
        status=ReportStatus.DRAFT,
        due_date=AnnualReport.default_due_date(2026),
    )
    return {"dotation": dotation, "convention": dotation.convention, "report": report}


@pytest.mark.parametrize("role", ROLES)
def test_the_convention_tab_links_to_the_convention(request, funded, role):
    html = _get(request.getfixturevalue(role), "structure_convention", funded["dotation"].structure_id)
    convention = funded["convention"]
    assert f'href="{reverse("structure_convention", args=[convention.structure_id])}" aria-current="page"' in html
    assert (
        f'<a href="{reverse("conventions:detail", args=[convention.pk])}">Convention {convention.reference}</a>'
        in html
    )
    assert "En vigueur" in html


@pytest.mark.parametrize("role", ROLES)
def test_the_reports_tab_lists_the_reports(request, funded, role):
    html = _get(request.getfixturevalue(role), "structure_reports", funded["dotation"].structure_id)
    assert f'href="{reverse("conventions:report_detail", args=[funded["report"].pk])}">Rapport 2026</a>' in html
    assert "31 mars 2027" in html


@pytest.mark.parametrize("role", ROLES)
def test_the_funding_tab_states_the_year_and_links_to_the_funding_page(request, funded, role):
    structure_id = funded["dotation"].structure_id
    html = _get(request.getfixturevalue(role), "structure_funding", structure_id)
    assert 'id="funding-years"' in html and "400\u202f000,00\u00a0€" in html
    assert f'href="{reverse("dotations:funding", args=[structure_id])}"' in html


def test_a_manager_never_sees_a_draft_convention_in_the_tab(manager, cnam):
    structure = FundedStructureFactory(manager=manager)
    draft = FundedConventionFactory(structure=structure, prepared_by=cnam, start_year=2026)
    draft.__class__.objects.filter(pk=draft.pk).update(status=ConventionStatus.DRAFT)
    html = _get(manager, "structure_convention", structure.pk)
    assert draft.reference not in html and 'id="convention-empty"' in html
    assert draft.reference in _get(cnam, "structure_convention", structure.pk)
    assert 'id="funding-empty"' in _get(manager, "structure_funding", structure.pk)
    assert 'id="reports-empty"' in _get(manager, "structure_reports", structure.pk)


QUERY_BOUND = 14


def _more_years(funded, cnam, years):
    """``years`` more approved dotations (2027…) and reports on the same convention."""
    convention = funded["convention"]
    for offset in range(1, years + 1):
        year = 2026 + offset
        campaign = CampaignFactory(year=year, bareme=False)
        DotationFactory(convention=convention, campaign=campaign, total=Decimal("100000.00"), cnam=cnam)
        AnnualReport.objects.create(
            convention=convention, year=year, status=ReportStatus.DRAFT, due_date=datetime.date(year + 1, 3, 31)
        )


@pytest.mark.parametrize("many", [False, True])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["structure_convention", "structure_reports", "structure_funding"])
def test_each_tab_costs_the_same_queries_with_few_or_many_rows(
    request, funded, cnam, django_assert_max_num_queries, role, name, many
):
    if many:
        _more_years(funded, cnam, 4)
    client = client_for(request.getfixturevalue(role))
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(reverse(name, args=[funded["dotation"].structure_id]))
    assert response.status_code == 200


# --- One history component -------------------------------------------------------------------------------------------


def test_every_dossier_renders_its_history_the_same_way(funded, manager, cnam):
    dotation = funded["dotation"]
    pages = [
        reverse("structures:history", args=[dotation.structure_id]),
        reverse("conventions:detail", args=[funded["convention"].pk]),
        reverse("conventions:report_detail", args=[funded["report"].pk]),
        reverse("dotations:dotation_detail", args=[dotation.pk]),
    ]
    for url in pages:
        response = client_for(cnam).get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<section class="fr-mb-6w secpa-history" aria-labelledby="historique">' in html, url
        assert '<h2 class="fr-h4" id="historique">Historique</h2>' in html, url
    dotation_page = client_for(cnam).get(reverse("dotations:dotation_detail", args=[dotation.pk])).content.decode()
    assert '<ol class="fr-raw-list secpa-timeline" id="historique-evenements">' in dotation_page
    assert dotation.payments.filter(kind=PaymentKind.ADVANCE).exists()


def test_a_recovery_order_shows_its_own_history_with_the_same_component(funded, cnam, cnam2):
    from dotations.services.payments import payment_record
    from dotations.services.recoveries import issue_recovery

    dotation = funded["dotation"]
    advance = dotation.payments.get(kind=PaymentKind.ADVANCE)
    payment_record(payment=advance, user=cnam, paid_on=datetime.date(2026, 3, 30), reference="VIR-1")
    order = issue_recovery(dotation=dotation, amount=Decimal("1000.00"), reason="Trop-perçu constaté.", user=cnam)
    html = _get_url(cnam2, reverse("dotations:recovery_action", args=[order.pk, "notify"]))
    history = html.split('<section class="fr-mb-6w secpa-history" aria-labelledby="historique">', 1)[1]
    assert "Historique de l'ordre de reversement" in history
    assert "Trop-perçu constaté." in history and "Par " in history


def _get_url(user, url):
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()
