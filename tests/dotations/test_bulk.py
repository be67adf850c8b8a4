"""Bulk actions of CNAM agents (issue 12 §11): the selection form posted as the list renders it, a confirmation
page, a summary of what was done and what was refused and why (PostgreSQL races: ``test_bulk_postgres.py``)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dotations.enums import DotationStatus, PaymentStatus
from dotations.models import Dotation, Payment
from dotations.services import compute
from tests.conftest import client_for, ids_past_a_thousand
from tests.factories import CampaignFactory, FundedConventionFactory
from tests.forms import page_forms


def post_form(client, html, url, **choices):
    """Post the page's form to ``url`` with the values it renders; ``choices`` pick among rendered options."""
    (form,) = [form for form in page_forms(html) if form.method == "post" and form.action == url]
    fields = form.items(tick_all=True)  # every row ticked: the agent's selection
    rendered = {name for name, _value in fields}
    assert set(choices) <= rendered | {"paid_on", "reference"}
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data = {name: values if name == "ids" else values[0] for name, values in data.items()}
    data.update(choices)
    return client.post(url, data)


def _campaign(n, cnam, envelope=Decimal("14000000")):
    ids_past_a_thousand("dotations_dotation", "dotations_payment")
    campaign = CampaignFactory(envelope=envelope)
    for index in range(n):
        FundedConventionFactory(region="11" if index % 2 else "84")
    compute.run_compute(campaign_id=campaign.pk, user_id=cnam.pk)
    return campaign


@pytest.mark.django_db
def test_propose_approve_and_record_a_selection_through_the_pages(cnam, cnam2):
    _campaign(3, cnam)
    bulk = reverse("dotations:dotation_bulk")
    # The preparer proposes the whole page.
    client = client_for(cnam)
    confirm = post_form(client, client.get(reverse("dotations:dotation_list")).content.decode(), bulk)
    assert confirm.status_code == 200
    assert "3 dotations sélectionnées" in confirm.content.decode()
    assert min(Dotation.objects.values_list("pk", flat=True)) > 5000
    summary = post_form(client, confirm.content.decode(), bulk).content.decode()
    assert "3 sur 3 dotations proposées" in summary
    assert set(Dotation.objects.values_list("status", flat=True)) == {DotationStatus.PROPOSED}
    # The preparer may not approve them: each is refused with its reason, nothing changes.
    page = client.get(reverse("dotations:dotation_list")).content.decode()
    confirm = post_form(client, page, bulk, action="approve")
    summary = post_form(client, confirm.content.decode(), bulk).content.decode()
    assert "0 sur 3 dotations approuvées ; 3 refusées" in summary
    assert summary.count("préparée") >= 3 or summary.count("préparé") >= 3, summary
    assert not Dotation.objects.filter(status=DotationStatus.APPROVED).exists()
    # Another agent approves them.
    other = client_for(cnam2)
    confirm = post_form(other, other.get(reverse("dotations:dotation_list")).content.decode(), bulk, action="approve")
    summary = post_form(other, confirm.content.decode(), bulk).content.decode()
    assert "3 sur 3 dotations approuvées" in summary
    assert set(Dotation.objects.values_list("approved_by", flat=True)) == {cnam2.pk}
    # The payments list: the scheduled payments with an amount are ticked and recorded at once.
    record = reverse("dotations:payment_bulk_record")
    recordable = set(
        Payment.objects.filter(status=PaymentStatus.SCHEDULED, amount__isnull=False).values_list("pk", flat=True)
    )
    assert recordable
    confirm = post_form(other, other.get(reverse("dotations:payments")).content.decode(), record)
    assert "Date du virement" in confirm.content.decode()
    # Without a date, the confirmation page says so in French and nothing is recorded.
    again = post_form(other, confirm.content.decode(), record)
    assert "La date du virement est obligatoire." in again.content.decode()
    summary = post_form(
        other, confirm.content.decode(), record, paid_on="15/03/2026", reference="VIR-2026-000001"
    ).content.decode()
    assert f"{len(recordable)} sur {len(recordable)} versement" in summary
    paid = Payment.objects.filter(pk__in=recordable)
    assert {p.status for p in paid} == {PaymentStatus.PAID}
    assert {(p.paid_on, p.reference) for p in paid} == {(datetime.date(2026, 3, 15), "VIR-2026-000001")}


@pytest.mark.django_db
def test_only_cnam_agents_have_bulk_actions_and_only_in_their_scope(cnam, ars_idf, manager):
    _campaign(2, cnam)
    assert 'name="ids"' not in client_for(ars_idf).get(reverse("dotations:dotation_list")).content.decode()
    pk = Dotation.objects.first().pk
    response = client_for(ars_idf).post(reverse("dotations:dotation_bulk"), {"ids": [pk], "action": "propose"})
    assert response.status_code == 404
    response = client_for(cnam).post(reverse("dotations:dotation_bulk"), {"ids": [999999], "action": "propose"})
    assert response.status_code == 302
    assert not Dotation.objects.filter(status=DotationStatus.PROPOSED).exists()
