"""Builders for the consultation tests: a 2027 campaign in preparation (the builders' barème, coordination raised
to 70,000 €), its consultation in a given state, and the HAS account."""

import datetime
from decimal import Decimal

from dotations.enums import CampaignStatus, ConsultationStatus
from dotations.models import BaremeComponent
from dotations.services import consultations as services
from secpa_portal.accounts.enums import Role
from tests.conftest import make_user
from tests.factories import CampaignFactory

TODAY = datetime.datetime(2026, 12, 4, 10, tzinfo=datetime.UTC)
DEADLINE = datetime.date(2027, 1, 15)


def make_has():
    return make_user("has@test.example", role=Role.HAS_AGENT, first_name="Claire", last_name="Fontaine")


def draft_campaign(year=2027):
    campaign = CampaignFactory(year=year, status=CampaignStatus.DRAFT)
    BaremeComponent.objects.filter(campaign=campaign, code="coordination").update(rate=Decimal("70000.00"))
    return campaign


def consultation_in(state, cnam, *, campaign=None, deadline=DEADLINE):
    campaign = campaign or draft_campaign()
    consultation = services.consultation_prepare(
        campaign=campaign, user=cnam, deadline=deadline, message="Relèvement du forfait de coordination."
    )
    if state in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED):
        consultation = services.consultation_open(consultation=consultation, user=cnam)
    if state == ConsultationStatus.CLOSED:
        consultation = services.consultation_close(consultation=consultation, user=cnam, reason="Tous les avis reçus.")
    consultation.refresh_from_db()
    return consultation
