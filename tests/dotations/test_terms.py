"""The convention's signed terms govern its money (issue 9, deliverable 1): a convention signed with a 50 %
advance due 31 January is paid 50 % on 31 January, whatever the campaign's 60 % on 31 March; the approval page,
the « dotation approuvée » e-mail and the funding page say so."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from dotations.enums import PaymentKind, PaymentStatus
from dotations.models import Payment
from dotations.terms import campaign_defaults, convention_terms
from tests.conftest import client_for
from tests.factories import CampaignFactory, DotationFactory, FundedConventionFactory, FundedStructureFactory
from tests.forms import rendered_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_at_50(manager, cnam):
    campaign = CampaignFactory(bareme=False)  # the campaign's defaults: 60 %, 31 March, 30 April N + 1
    structure = FundedStructureFactory(manager=manager)
    convention = FundedConventionFactory(
        structure=structure, prepared_by=cnam, advance_share=Decimal("0.50"), advance_due="01-31", start_year=2026
    )
    return DotationFactory(convention=convention, campaign=campaign, total=Decimal("400000.00"), cnam=cnam)


def test_the_schedule_email_and_pages_follow_the_convention(
    signed_at_50, manager, cnam2, django_capture_on_commit_callbacks
):
    dotation = signed_at_50
    client = client_for(cnam2)
    page = client.get(reverse("dotations:dotation_approve", args=[dotation.pk]))
    content = page.content.decode()
    assert "50\u00a0% du montant, au plus tard le 31 janvier 2026" in content
    assert "60\u00a0%" not in content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dotations:dotation_approve", args=[dotation.pk]), rendered_form(content, "approve-form"))
    advance = Payment.objects.get(dotation=dotation, kind=PaymentKind.ADVANCE, status=PaymentStatus.SCHEDULED)
    # 400,000.00 × 0.50 = 200,000.00 €, due 31 January 2026 (the campaign says 60 % on 31 March).
    assert (advance.amount, advance.due_date) == (Decimal("200000.00"), datetime.date(2026, 1, 31))
    balance = Payment.objects.get(dotation=dotation, kind=PaymentKind.BALANCE)
    assert balance.due_date == datetime.date(2027, 4, 30)
    [message] = [m for m in mail.outbox if "approuvée" in m.subject]
    assert "Avance : 50\u00a0% du montant, à verser au plus tard le 31 janvier 2026." in message.body
    funding = client_for(manager).get(reverse("dotations:funding", args=[dotation.structure_id])).content.decode()
    assert "avance de 50\u00a0% de la dotation au plus tard le 31 janvier de l'année" in funding


def test_terms_by_hand():
    class Convention:
        advance_share = Decimal("0.50")
        advance_due = "02-29"
        balance_due = "02-29"
        amended_terms = []

    # 29 February falls back to 28 February outside leap years (2026), is kept in 2028, and the balance is due
    # the year after.
    terms = convention_terms(Convention, 2027)
    assert (terms.advance_due_date, terms.balance_due_date) == (datetime.date(2027, 2, 28), datetime.date(2028, 2, 29))


def test_a_convention_prepared_for_a_campaign_starts_with_its_terms():
    campaign = CampaignFactory(
        bareme=False, advance_share=Decimal("0.55"), advance_due_date=datetime.date(2026, 2, 15)
    )
    assert campaign_defaults(campaign) == {
        "advance_share": Decimal("0.55"),
        "advance_due": "02-15",
        "balance_due": "04-30",
    }


def test_the_prepare_form_starts_with_the_campaigns_terms_and_keeps_what_the_agent_types(cnam):
    from conventions.models import Convention

    CampaignFactory(
        year=timezone_year(),
        bareme=False,
        advance_share=Decimal("0.50"),
        advance_due_date=datetime.date(timezone_year(), 1, 31),
    )
    structure = FundedStructureFactory()
    client = client_for(cnam)
    url = reverse("conventions:prepare", args=[structure.pk])
    page = client.get(url).content.decode()
    data = rendered_form(page, "terms-form")
    assert (data["advance_share"], data["advance_due"], data["balance_due"]) == ("50", "31/01", "30/04")
    data.update(start_date="01/07/2026", advance_due="15/02")
    client.post(url, data)
    convention = Convention.objects.get(structure=structure)
    assert (convention.advance_share, convention.advance_due, convention.balance_due) == (
        Decimal("0.50"),
        "02-15",
        "04-30",
    )


def timezone_year():
    from django.utils import timezone

    return timezone.localdate().year
