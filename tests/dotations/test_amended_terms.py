"""An avenant changes a convention's payment terms for the years that follow, never for a year whose dotation is
approved (issue 9, deliverable 1): the schedule, the e-mail and the funding page use the terms in force for each
year; the print view and the PDF state them with the balance rule and floor."""

import datetime
import io
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from conventions.enums import AmendmentStatus
from conventions.models import Amendment, Convention
from conventions.pdf import render_pdf
from conventions.services import amendments as services
from conventions.text import document_context, with_terms
from dotations.engine import advance_amount
from dotations.enums import BalanceRule, PaymentKind, PaymentStatus
from dotations.models import Payment
from dotations.terms import payment_terms
from secpa_portal.core.errors import ActionRefused, DomainError
from secpa_portal.journal.models import Event
from tests.conftest import client_for
from tests.factories import (
    CampaignFactory,
    DotationFactory,
    FundedConventionFactory,
    FundedStructureFactory,
    approve_dotation,
)
from tests.forms import rendered_form

pytestmark = pytest.mark.django_db

FROM_2027 = {"from_year": 2027, "advance_share": Decimal("0.50"), "advance_due": "01-31", "balance_due": "04-30"}


@pytest.fixture
def convention(manager, cnam):
    """2026 – 2028, signed at 60 % on 31 March (the campaign's defaults)."""
    structure = FundedStructureFactory(manager=manager)
    return FundedConventionFactory(
        structure=structure,
        prepared_by=cnam,
        start_year=2026,
        advance_share=Decimal("0.60"),
        advance_due="03-31",
        balance_due="04-30",
    )


def _sign(amendment, manager, cnam, cnam2):
    services.amendment_send(amendment=amendment, user=cnam)
    services.amendment_sign_structure(
        amendment=amendment, user=manager, signatory_name="Awa Diallo", signatory_capacity="Directrice", consent=True
    )
    return services.amendment_sign_cnam(
        amendment=amendment, user=cnam2, signatory_name="Paul Martin", signatory_capacity="Directeur délégué"
    )


def _amend(convention, manager, cnam, cnam2, terms=FROM_2027):
    amendment = services.amendment_save(
        convention=convention, user=cnam, summary="Avance ramenée à 50 % au 31 janvier.", terms=terms
    )
    return _sign(amendment, manager, cnam, cnam2)


def test_worked_example_50_percent_from_2027_while_2026_stays_at_60(
    convention, manager, cnam, cnam2, django_capture_on_commit_callbacks
):
    amendment = _amend(convention, manager, cnam, cnam2)
    assert amendment.status == AmendmentStatus.ACTIVE
    convention.refresh_from_db()
    assert convention.amended_terms == [
        {"from_year": 2027, "advance_share": "0.50", "advance_due": "01-31", "balance_due": "04-30"}
    ]
    # The signed terms stay as they were: they still govern 2026.
    assert (convention.advance_share, convention.advance_due) == (Decimal("0.60"), "03-31")

    total = Decimal("400000.00")
    dotations = {}
    client = client_for(cnam2)
    for year in (2026, 2027):
        dotation = DotationFactory(
            convention=convention, campaign=CampaignFactory(year=year, bareme=False), total=total, cnam=cnam
        )
        url = reverse("dotations:dotation_approve", args=[dotation.pk])
        page = client.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, rendered_form(page, "approve-form"))
        dotations[year] = dotation
    advance = {
        year: Payment.objects.get(dotation=dotations[year], kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)
        for year in dotations
    }
    balance = {year: Payment.objects.get(dotation=dotations[year], kind=PaymentKind.BALANCE) for year in dotations}
    # 2026: 400,000.00 × 0.60 = 240,000.00 € by 31 March 2026; balance by 30 April 2027.
    assert (advance[2026].amount, advance[2026].due_date) == (Decimal("240000.00"), datetime.date(2026, 3, 31))
    assert balance[2026].due_date == datetime.date(2027, 4, 30)
    # 2027: 400,000.00 × 0.50 = 200,000.00 € by 31 January 2027; balance by 30 April 2028.
    assert (advance[2027].amount, advance[2027].due_date) == (Decimal("200000.00"), datetime.date(2027, 1, 31))
    assert balance[2027].due_date == datetime.date(2028, 4, 30)
    assert advance_amount(total, payment_terms(dotations[2028 - 1]).advance_share) == Decimal("200000.00")
    # 2028 follows the avenant too.
    assert convention.terms_for(2028).advance_share == Decimal("0.50")

    bodies = {m.body for m in mail.outbox if "approuvée" in m.subject}
    assert any("Avance : 60\u00a0% du montant, à verser au plus tard le 31 mars 2026." in body for body in bodies)
    assert any("Avance : 50\u00a0% du montant, à verser au plus tard le 31 janvier 2027." in body for body in bodies)

    funding = unescape(
        client_for(manager).get(reverse("dotations:funding", args=[convention.structure_id])).content.decode()
    )
    assert (
        "Par année, après avenant : 2026 : avance de 60\u00a0% au plus tard le 31 mars de l'année, solde au plus tard "
        "le 30 avril de l'année suivante ; de 2027 à 2028 : avance de 50\u00a0% au plus tard le 31 janvier de "
        "l'année, solde au plus tard le 30 avril de l'année suivante (avenant)."
    ) in funding


def test_the_avenant_page_shows_the_change_and_the_journal_keeps_it(convention, manager, cnam, cnam2):
    amendment = _amend(convention, manager, cnam, cnam2)
    page = client_for(cnam).get(reverse("conventions:amendment_detail", args=[convention.pk, amendment.number]))
    content = unescape(page.content.decode())
    assert "Conditions de versement à partir de 2027" in content
    assert "avance de 60\u00a0% au plus tard le 31 mars" in content
    assert "avance de 50\u00a0% au plus tard le 31 janvier" in content
    event = Event.objects.for_object(convention).get(verb="amendment_active")
    assert event.payload["changes"]["terms"] == {
        "from_year": 2027,
        "advance_share": "0.50",
        "advance_due": "01-31",
        "balance_due": "04-30",
    }
    assert amendment.before == {"terms": []}


@pytest.mark.parametrize(
    ("paid", "why"),
    [
        (False, "la dotation 2026 est approuvée et son échéancier est fixé"),
        (True, "un versement de la dotation 2026 est déjà enregistré"),
    ],
)
def test_an_approved_or_paid_year_keeps_its_terms(convention, manager, cnam, cnam2, paid, why):
    dotation = approve_dotation(
        DotationFactory(convention=convention, campaign=CampaignFactory(year=2026, bareme=False), cnam=cnam), cnam2
    )
    if paid:
        Payment.objects.filter(dotation=dotation, kind=PaymentKind.ADVANCE).update(
            status=PaymentStatus.PAID, paid_on=datetime.date(2026, 3, 20), reference="VIR-1"
        )
    with pytest.raises(ActionRefused) as refused:
        services.amendment_save(
            convention=convention, user=cnam, summary="Avance à 50 %.", terms={**FROM_2027, "from_year": 2026}
        )
    assert refused.value.message == (
        f"Les conditions de versement de 2026 ne peuvent plus changer : {why}. Un avenant ne change les conditions "
        "que des années qui suivent, à partir de 2027."
    )
    assert not Amendment.objects.exists()
    # From 2027 on, it may.
    assert services.amendment_save(convention=convention, user=cnam, summary="Avance à 50 %.", terms=FROM_2027)


def test_a_dotation_approved_after_preparation_stops_the_signature(convention, manager, cnam, cnam2):
    amendment = services.amendment_save(convention=convention, user=cnam, summary="Avance à 50 %.", terms=FROM_2027)
    services.amendment_send(amendment=amendment, user=cnam)
    services.amendment_sign_structure(
        amendment=amendment, user=manager, signatory_name="Awa Diallo", signatory_capacity="Directrice", consent=True
    )
    approve_dotation(
        DotationFactory(convention=convention, campaign=CampaignFactory(year=2027, bareme=False), cnam=cnam), cnam2
    )
    with pytest.raises(DomainError, match="Les conditions de versement de 2027 ne peuvent plus changer"):
        services.amendment_sign_cnam(
            amendment=amendment, user=cnam2, signatory_name="Paul Martin", signatory_capacity="Directeur délégué"
        )
    convention.refresh_from_db()
    assert convention.amended_terms == []
    assert Amendment.objects.get().status == AmendmentStatus.SIGNED_BY_STRUCTURE


def test_terms_that_change_nothing_or_a_year_outside_are_refused(convention, cnam):
    same = {"from_year": 2027, "advance_share": Decimal("0.60"), "advance_due": "03-31", "balance_due": "04-30"}
    with pytest.raises(ActionRefused, match="Cet avenant ne change rien"):
        services.amendment_save(convention=convention, user=cnam, summary="Rien.", terms=same)
    with pytest.raises(ActionRefused, match="une année de la convention \\(2026 à 2028\\)"):
        services.amendment_save(
            convention=convention, user=cnam, summary="Trop tard.", terms={**FROM_2027, "from_year": 2031}
        )


def test_a_later_avenant_replaces_the_terms_from_its_own_year(convention, manager, cnam, cnam2):
    _amend(convention, manager, cnam, cnam2)
    _amend(
        Convention.objects.get(pk=convention.pk),
        manager,
        cnam,
        cnam2,
        terms={"from_year": 2028, "advance_share": Decimal("0.70"), "advance_due": "02-15", "balance_due": "05-31"},
    )
    convention.refresh_from_db()
    assert [(p.first_year, p.last_year, p.terms.advance_share) for p in convention.terms_periods] == [
        (2026, 2026, Decimal("0.60")),
        (2027, 2027, Decimal("0.50")),
        (2028, 2028, Decimal("0.70")),
    ]


def test_the_form_submitted_as_rendered_plans_the_new_terms(convention, cnam, cnam2, manager):
    approve_dotation(
        DotationFactory(convention=convention, campaign=CampaignFactory(year=2026, bareme=False), cnam=cnam), cnam2
    )
    client = client_for(cnam)
    url = reverse("conventions:amendment_create", args=[convention.pk])
    page = client.get(url).content.decode()
    assert "Ne peuvent plus changer : 2026 (la dotation 2026 est approuvée et son échéancier est fixé)" in page
    data = rendered_form(page, "amendment-form")
    # The fields start from the terms in force, as the page renders them (60 %, 31/03, 30/04).
    assert (data["terms_advance_share"], data["terms_advance_due"], data["terms_balance_due"]) == (
        "60",
        "31/03",
        "30/04",
    )
    data.update(summary="Avance ramenée à 50 % au 31 janvier.", terms_from_year="2026", terms_advance_share="50")
    data["terms_advance_due"] = "31/01"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Les conditions de versement de 2026 ne peuvent plus changer" in response.content.decode()
    data["terms_from_year"] = "2027"
    response = client.post(url, data)
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.changes == {
        "terms": {"from_year": 2027, "advance_share": "0.50", "advance_due": "01-31", "balance_due": "04-30"}
    }
    # Its edit page shows what it plans.
    edit = client.get(reverse("conventions:amendment_edit", args=[convention.pk, amendment.number])).content.decode()
    again = rendered_form(edit, "amendment-form")
    assert (again["terms_from_year"], again["terms_advance_share"], again["terms_advance_due"]) == (
        "2027",
        "50",
        "31/01",
    )


def test_the_print_view_and_the_pdf_text_state_the_terms_by_year_and_the_balance_rule(
    convention, manager, cnam, cnam2
):
    CampaignFactory(year=2026, balance_floor=Decimal("0.50"), bareme=False)
    CampaignFactory(year=2027, balance_floor=Decimal("0.40"), balance_rule=BalanceRule.ACI, bareme=False)
    _amend(convention, manager, cnam, cnam2)
    page = unescape(client_for(manager).get(reverse("conventions:print", args=[convention.pk])).content.decode())
    assert "Conditions de versement en vigueur pour chaque année, après avenant : 2026 : avance de 60\u00a0%" in page
    assert "de 2027 à 2028 : avance de 50\u00a0% au plus tard le 31 janvier de l'année" in page
    assert "la règle et le plancher sont fixés chaque année par la campagne nationale" in page
    assert (
        "2026 : le solde est la dotation diminuée de l'avance, multipliée par l'atteinte pondérée des objectifs, "
        "sans descendre sous un plancher de 50\u00a0% ; il n'est jamais négatif."
    ) in page
    assert "2027 : le montant définitif de l'année est la dotation multipliée par l'atteinte pondérée" in page
    assert "plancher de 40\u00a0% de la dotation" in page
    assert "ordre de reversement" in page
    # The PDF renders the same text (spaces and line breaks aside: a PDF wraps lines).
    full = with_terms(Convention.objects.filter(pk=convention.pk)).get()
    assert [year for year, _text in document_context(full)["balance_rules"]] == [2026, 2027]
    pdf = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(render_pdf(full))).pages)
    for words in (
        "de2027à2028:avancede50%auplustardle31janvier",
        "sansdescendresousunplancherde50%;iln'estjamaisnégatif",
        "plancherde40%deladotation",
    ):
        assert words in pdf.replace("\u202f", "").replace("\u00a0", "")
