"""Which fund pays a payment (domain.md): the campaign's FISS end date says it, scheduling applies it, the pages
show it, the campaign form edits and copies it, and migration 0004 gives existing rows a sensible fund."""

import datetime
import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from dotations import demo_payments
from dotations.enums import CampaignStatus, Fund, PaymentKind, PaymentStatus
from dotations.models import Campaign, Payment, RegionalEnvelope
from dotations.payment_workflow import PaymentTransitionError
from dotations.services import campaigns as campaign_services
from dotations.services.payments import payment_cancel, payment_record
from secpa_portal.accounts.demo import seed_accounts
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from tests.conftest import client_for
from tests.factories import BANDS, COMPONENTS, CampaignFactory, DotationFactory
from tests.html import elements

pytestmark = pytest.mark.django_db
OCT_31 = datetime.date(2026, 10, 31)
PAID_ON = datetime.date(2026, 3, 30)


def _live(dotation):
    return {p.kind: p for p in dotation.payments.exclude(status=PaymentStatus.CANCELLED)}


# --- The rule ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fiss_end, due, fund",
    [
        (OCT_31, datetime.date(2026, 3, 31), Fund.FISS),
        (OCT_31, OCT_31, Fund.FISS),  # on the end date: still the FISS
        (OCT_31, datetime.date(2026, 11, 1), Fund.FIR),
        (OCT_31, datetime.date(2027, 4, 30), Fund.FIR),
        (None, datetime.date(2026, 3, 31), Fund.FIR),  # no FISS end date: the FIR pays every payment
        (datetime.date(2026, 12, 31), datetime.date(2026, 12, 31), Fund.FISS),
    ],
)
def test_the_campaign_says_which_fund_pays_when(fiss_end, due, fund):
    assert Campaign(year=2026, fiss_end_date=fiss_end).fund_for(due) == fund


def test_am_is_no_longer_a_fund():
    assert set(Fund.values) == {"fiss", "fir"}
    assert Payment._meta.get_field("fund").default == Fund.FIR


# --- Scheduling --------------------------------------------------------------------------------------------------


def test_approval_schedules_a_fiss_advance_and_a_fir_balance(manager, cnam, cnam2):
    dotation = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31
    )
    payments = _live(dotation)
    assert payments[PaymentKind.ADVANCE].fund == Fund.FISS  # due 31 March 2026
    assert payments[PaymentKind.BALANCE].fund == Fund.FIR  # due 30 April 2027
    event = Event.objects.for_object(dotation).get(verb="payments_scheduled")
    assert event.payload["funds"] == ["fiss", "fir"]


def test_without_a_fiss_end_date_the_fir_pays_the_whole_schedule(manager, cnam, cnam2):
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    assert {p.fund for p in dotation.payments.all()} == {Fund.FIR}


def test_a_rescheduled_payment_takes_its_fund_from_the_campaign(manager, cnam, cnam2):
    dotation = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31
    )
    advance = _live(dotation)[PaymentKind.ADVANCE]
    # The agent recorded the transfer as paid by the FIR (a correction on the record form)…
    paid = payment_record(payment=advance, user=cnam, paid_on=PAID_ON, reference="VIR-1", fund=Fund.FIR)
    assert paid.fund == Fund.FIR
    # … the bank sent it back: the new advance is due on 31 March, so the campaign gives it the FISS again.
    payment_cancel(payment=paid, user=cnam, reason="Virement rejeté par la banque", reschedule=True)
    replacement = _live(dotation)[PaymentKind.ADVANCE]
    assert replacement.pk != paid.pk
    assert (replacement.status, replacement.fund) == (PaymentStatus.SCHEDULED, Fund.FISS)


def test_recording_keeps_the_scheduled_fund_unless_corrected(manager, cnam, cnam2):
    first = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31)
    second = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    advance = payment_record(payment=_live(first)[PaymentKind.ADVANCE], user=cnam, paid_on=PAID_ON, reference="V")
    assert advance.fund == Fund.FISS
    with pytest.raises(PaymentTransitionError, match="Fonds payeur inconnu"):
        payment_record(
            payment=_live(second)[PaymentKind.ADVANCE], user=cnam, paid_on=PAID_ON, reference="V", fund="am"
        )


def test_moving_the_fiss_end_date_moves_scheduled_payments_not_paid_ones(manager, cnam, cnam2):
    first = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31)
    second = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    paid = payment_record(payment=_live(first)[PaymentKind.ADVANCE], user=cnam, paid_on=PAID_ON, reference="V")
    campaign = Campaign.objects.get(pk=first.campaign_id)
    # The FISS now stops on 28 February: every scheduled payment of the campaign falls after it.
    campaign_services.campaign_update(
        campaign=campaign, user=cnam, fields={"fiss_end_date": datetime.date(2026, 2, 28)}
    )
    paid.refresh_from_db()
    assert paid.fund == Fund.FISS  # paid: what was recorded stays
    assert {p.fund for p in Payment.objects.filter(status=PaymentStatus.SCHEDULED)} == {Fund.FIR}
    # Back to the whole year on the FISS (31 December): the advances move, the balances (due 2027) do not.
    campaign_services.campaign_update(
        campaign=campaign, user=cnam, fields={"fiss_end_date": datetime.date(2026, 12, 31)}
    )
    assert _live(second)[PaymentKind.ADVANCE].fund == Fund.FISS
    assert _live(second)[PaymentKind.BALANCE].fund == Fund.FIR
    event = Event.objects.for_object(campaign).filter(verb="campaign_updated").latest("pk")
    assert event.payload == {"fiss_end_date": "2026-12-31", "payments_with_new_fund": 1}
    assert "FISS pour les échéances jusqu'au 31 décembre 2026, FIR ensuite" in event.summary


def test_the_service_refuses_a_fiss_end_date_outside_the_campaign_year(cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, bareme=False)
    with pytest.raises(ActionRefused, match="doit tomber dans l'année 2026"):
        campaign_services.campaign_update(
            campaign=campaign, user=cnam, fields={"fiss_end_date": datetime.date(2027, 10, 31)}
        )
    campaign.refresh_from_db()
    assert campaign.fiss_end_date is None


# --- The campaign form -------------------------------------------------------------------------------------------

FORM = {
    "year": "2027",
    "envelope": "14 000 000",
    "advance_share": "60",
    "advance_due_date": "31/03/2027",
    "balance_due_date": "30/04/2028",
    "balance_floor": "50",
}


def test_the_form_creates_a_campaign_with_its_fiss_end_date(cnam):
    client = client_for(cnam)
    page = client.get(reverse("dotations:campaign_create")).content.decode()
    assert "Fin du financement par le FISS" in page
    response = client.post(reverse("dotations:campaign_create"), {**FORM, "fiss_end_date": "31/10/2027"})
    assert response.status_code == 302
    assert Campaign.objects.get(year=2027).fiss_end_date == datetime.date(2027, 10, 31)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("31/10/2026", "La fin du financement par le FISS doit tomber dans l&#x27;année de la campagne (2027)."),
        ("31/13/2027", "Saisissez une date au format JJ/MM/AAAA"),
    ],
)
def test_the_form_refuses_a_fiss_end_date_outside_the_year_in_french(cnam, typed, message):
    response = client_for(cnam).post(reverse("dotations:campaign_create"), {**FORM, "fiss_end_date": typed})
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert elements(content, value=typed)
    assert not Campaign.objects.filter(year=2027).exists()


def test_the_edit_form_starts_on_the_fiss_end_date_and_checks_the_year(cnam):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT, bareme=False, fiss_end_date=OCT_31)
    client = client_for(cnam)
    url = reverse("dotations:campaign_edit", args=[2026])
    assert elements(client.get(url).content.decode(), value="31/10/2026")
    data = {**FORM, "advance_due_date": "31/03/2026", "balance_due_date": "30/04/2027", "version": campaign.version}
    data.pop("year")
    bad = client.post(url, {**data, "fiss_end_date": "30/11/2025"})
    assert "doit tomber dans l&#x27;année de la campagne (2026)" in bad.content.decode()
    assert client.post(url, {**data, "fiss_end_date": ""}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.fiss_end_date is None


def test_copy_previous_through_the_form_copies_the_bareme_envelopes_and_fiss_end_date(cnam):
    source = CampaignFactory(fiss_end_date=OCT_31, reference_patients=3500, is_demonstration=True)
    RegionalEnvelope.objects.create(campaign=source, region_id="11", amount=Decimal("4200000"))
    RegionalEnvelope.objects.create(campaign=source, region_id="84", amount=Decimal("2100000"))
    client = client_for(cnam)
    response = client.post(reverse("dotations:campaign_create"), {**FORM, "copy_previous": "on"})
    assert response.status_code == 302
    campaign = Campaign.objects.get(year=2027)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.fiss_end_date == datetime.date(2027, 10, 31)  # the same day, in the new year
    assert (campaign.reference_patients, campaign.is_demonstration) == (3500, True)
    assert [c.code for c in campaign.components.all()] == [c["code"] for c in COMPONENTS]
    assert [b.coefficient for b in campaign.precarity_bands.all()] == [b["coefficient"] for b in BANDS]
    assert dict(campaign.regional_envelopes.values_list("region_id", "amount")) == {
        "11": Decimal("4200000.00"),
        "84": Decimal("2100000.00"),
    }
    follow = client.get(response["Location"]).content.decode()
    assert "Campagne 2027 créée à partir de la campagne 2026" in follow
    assert "jusqu&#x27;au 31 octobre 2027" in follow or "jusqu'au 31 octobre 2027" in follow


def test_copy_previous_keeps_what_is_typed(cnam):
    CampaignFactory(fiss_end_date=OCT_31)
    response = client_for(cnam).post(
        reverse("dotations:campaign_create"),
        {**FORM, "copy_previous": "on", "fiss_end_date": "30/06/2027", "region_11": "1 000 000"},
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(year=2027)
    assert campaign.fiss_end_date == datetime.date(2027, 6, 30)
    assert dict(campaign.regional_envelopes.values_list("region_id", "amount")) == {"11": Decimal("1000000.00")}


def test_copy_previous_without_an_earlier_campaign_is_refused_in_the_form(cnam):
    response = client_for(cnam).post(reverse("dotations:campaign_create"), {**FORM, "copy_previous": "on"})
    assert response.status_code == 200
    assert "Aucune campagne antérieure à 2027 à recopier." in response.content.decode()


def test_copying_a_29_february_end_date_into_a_common_year(cnam):
    CampaignFactory(year=2028, fiss_end_date=datetime.date(2028, 2, 29), bareme=False)
    campaign = campaign_services.campaign_create(
        user=cnam,
        year=2029,
        fields={
            "envelope": Decimal("1000000"),
            "advance_due_date": datetime.date(2029, 3, 31),
            "balance_due_date": datetime.date(2030, 4, 30),
        },
        copy_previous=True,
    )
    assert campaign.fiss_end_date == datetime.date(2029, 2, 28)


# --- The pages ---------------------------------------------------------------------------------------------------


def test_the_record_form_starts_on_the_payments_fund(manager, cnam, cnam2, ars_idf):
    from tests.factories import ValidatedReportFactory

    dotation = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31
    )
    ValidatedReportFactory(
        convention=dotation.convention,
        year=2026,
        validated_by=ars_idf,
        send_signal=True,
        weighted_attainment=Decimal("0.8"),
    )
    client = client_for(cnam)
    for kind, fund in ((PaymentKind.ADVANCE, "fiss"), (PaymentKind.BALANCE, "fir")):
        payment = _live(dotation)[kind]
        content = client.get(reverse("dotations:payment_record", args=[payment.pk])).content.decode()
        selected = re.findall(r'<option value="(\w+)"[^>]*selected', content)
        assert selected == [fund], kind
        assert "payé par le " + ("FISS" if fund == "fiss" else "FIR") in content


def test_the_fund_shows_on_the_payments_list_the_schedule_and_the_funding_page(manager, cnam, cnam2):
    dotation = DotationFactory(
        manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31
    )
    fiss = '<abbr title="FISS (fonds pour l&#x27;innovation du système de santé)">FISS</abbr>'
    fir = '<abbr title="FIR (fonds d&#x27;intervention régional)">FIR</abbr>'
    pages = [
        (cnam, reverse("dotations:payments")),
        (cnam, reverse("dotations:dotation_detail", args=[dotation.pk])),
        (manager, reverse("dotations:funding", args=[dotation.structure_id])),
        (manager, reverse("dotations:payments")),
    ]
    for user, url in pages:
        content = client_for(user).get(url).content.decode()
        assert "Fonds payeur</th>" in content, url
        assert content.count(fiss) == 1 and content.count(fir) == 1, url


def test_the_campaign_page_says_which_fund_pays_when(cnam, ars_idf):
    campaign = CampaignFactory(fiss_end_date=OCT_31)
    url = reverse("dotations:campaign_detail", args=[2026])
    content = client_for(ars_idf).get(url).content.decode()
    assert "pour les échéances jusqu&#x27;au 31 octobre 2026 inclus, puis le" in content or (
        "pour les échéances jusqu'au 31 octobre 2026 inclus, puis le" in content
    )
    Campaign.objects.filter(pk=campaign.pk).update(fiss_end_date=None)
    content = client_for(cnam).get(url).content.decode()
    assert "FIR</abbr> pour toutes les échéances" in content


# --- Demo data and migration -------------------------------------------------------------------------------------


def test_demo_payments_use_the_campaigns_funds():
    users = seed_accounts()
    manager, cnam, cnam2 = (
        users[e] for e in ("gestion.idf@secpa.example", "cnam@secpa.example", "cnam.validation@secpa.example")
    )
    for _ in range(3):
        DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__fiss_end_date=OCT_31)
    demo_payments.seed(users)
    advances = Payment.objects.filter(kind=PaymentKind.ADVANCE)
    assert {p.fund for p in advances} == {Fund.FISS}
    assert advances.filter(status=PaymentStatus.PAID).exists()
    assert {p.fund for p in Payment.objects.filter(kind=PaymentKind.BALANCE)} == {Fund.FIR}


def test_the_demo_campaign_has_the_2026_fiss_end_date():
    from dotations import demo

    demo.seed(seed_accounts())
    assert Campaign.objects.get(year=2026).fiss_end_date == OCT_31


def test_the_migration_gives_legacy_payments_their_campaigns_fund(manager, cnam, cnam2):
    migration = importlib.import_module("dotations.migrations.0004_campaign_fiss_end_date_and_payment_funds")
    dotation = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True)
    other = DotationFactory(manager=manager, cnam=cnam, approver=cnam2, approved=True, campaign__year=2027)
    Campaign.objects.update(fiss_end_date=None)
    Payment.objects.update(fund="am")
    paid = _live(other)[PaymentKind.ADVANCE]
    Payment.objects.filter(pk=paid.pk).update(fund=Fund.FISS)  # a fund chosen at recording is kept
    migration.forwards(apps, None)
    assert Campaign.objects.get(year=2026).fiss_end_date == OCT_31
    assert Campaign.objects.get(year=2027).fiss_end_date is None
    assert _live(dotation)[PaymentKind.ADVANCE].fund == Fund.FISS
    assert _live(dotation)[PaymentKind.BALANCE].fund == Fund.FIR
    assert _live(other)[PaymentKind.BALANCE].fund == Fund.FIR
    assert Payment.objects.get(pk=paid.pk).fund == Fund.FISS
    assert not Payment.objects.filter(fund="am").exists()
