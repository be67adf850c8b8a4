"""``manage.py seed_demo``: idempotent, refused in production, a data set that covers every state."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from secpa_portal.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from secpa_portal.accounts.models import User
from secpa_portal.journal.models import Event
from secpa_portal.journal.services import verify_chain
from secpa_portal.reference.identifiers import (
    validate_commune_code,
    validate_finess,
    validate_qpv_code,
    validate_siret,
)
from structures.demo import STRUCTURES
from structures.enums import StructureStatus
from structures.models import Document, Membership, MissionLine, ReviewNote, Structure, TeamLine
from structures.precheck import run_precheck

COUNTED = (User, Structure, Membership, TeamLine, MissionLine, Document, ReviewNote, Event)


def _counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_seeding_twice_changes_nothing(seeded):
    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before
    assert before["Structure"] == 26


def test_every_state_is_present_and_eligible_is_the_largest_group(seeded):
    by_state = {state: Structure.objects.filter(status=state).count() for state in StructureStatus}
    assert all(by_state.values()), by_state
    assert by_state[StructureStatus.ELIGIBLE] == max(by_state.values()) >= 12


def test_at_least_eight_regions_and_region_matches_the_commune(seeded):
    assert Structure.objects.values("region").distinct().count() >= 8
    expected = {demo.finess_et: demo.region for demo in STRUCTURES}
    for structure in Structure.objects.all():
        assert structure.region_id == expected[structure.finess_et]
        assert structure.departement_id == structure.commune_code[:2]


def test_identifiers_are_valid_and_start_with_the_departement(seeded):
    for structure in Structure.objects.all():
        departement = structure.commune_code[:2]
        assert validate_finess(structure.finess_et) == structure.finess_et
        assert validate_finess(structure.finess_ej) == structure.finess_ej
        assert validate_siret(structure.siret) == structure.siret
        assert validate_commune_code(structure.commune_code) == structure.commune_code
        for number in (structure.finess_et, structure.finess_ej, structure.siret):
            assert number.startswith(departement), (structure, number)
        for code in structure.qpv_codes:
            assert validate_qpv_code(code) == code
    assert len({s.siret for s in Structure.objects.all()}) == 26


def test_submitted_files_pass_the_precheck_and_keep_their_journal(seeded):
    for structure in Structure.objects.exclude(submitted_at=None).prefetch_related(
        "team_lines", "mission_lines", "documents"
    ):
        assert all(criterion.passed for criterion in run_precheck(structure)), structure
        verbs = set(Event.objects.filter(structure_id=structure.pk).values_list("verb", flat=True))
        assert {"structure_created", "submitted"} <= verbs
    assert Event.objects.filter(verb="eligible").count() >= 12
    assert verify_chain()[0]


def test_demo_managers_scope(seeded):
    idf = Structure.objects.filter(memberships__user__email="gestion.idf@secpa.example")
    assert idf.count() >= 2
    assert set(idf.values_list("region_id", flat=True)) == {"11"}
    ara = Structure.objects.filter(memberships__user__email="gestion.ara@secpa.example")
    assert set(ara.values_list("region_id", flat=True)) == {"84"}
    assert ara.filter(departement_id="63").exists()


def test_every_region_with_files_has_an_ars_agent(seeded):
    for region in Structure.objects.values_list("region_id", flat=True).distinct():
        assert User.objects.filter(role="ars_agent", region_id=region).exists(), region


def test_refuses_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("seed_demo")
    assert Structure.objects.count() == 0
    call_command("seed_demo", "--force", stdout=StringIO())
    assert Structure.objects.count() == 26


def test_demo_accounts_log_in_with_the_demo_password(seeded, client):
    emails = [account[0] for account in DEMO_ACCOUNTS] + ["ars.hdf@secpa.example", "gestion.paca@secpa.example"]
    for email in emails:
        response = client.post(reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.get(reverse("dashboard")).status_code == 200
        client.post(reverse("accounts:logout"))


def test_the_2027_draft_was_consulted_and_2025_is_settled(seeded, client):
    """Issue 13 §4: a closed consultation on the 2027 draft (mixed ARS opinions, the HAS, managers' comments), the
    HAS demo account, and a settled 2025 campaign beside 2026 on the public statistics."""
    from decimal import Decimal

    from dotations.enums import CampaignStatus, ConsultationStatus, PaymentStatus
    from dotations.models import Campaign, Consultation, Payment
    from secpa_portal.accounts.enums import Role
    from secpa_portal.accounts.models import User

    consultation = Consultation.objects.get(campaign__year=2027)
    assert consultation.status == ConsultationStatus.CLOSED and consultation.campaign.status == CampaignStatus.DRAFT
    verdicts = set(consultation.opinions.values_list("verdict", flat=True))
    assert verdicts == {"favourable", "reservations", "unfavourable"}
    assert consultation.opinions.filter(region__isnull=True).exists()  # the HAS
    assert consultation.comments.count() == 2
    assert "formation" in [c["code"] for c in consultation.bareme["components"]]
    assert User.objects.get(email="has@secpa.example").role == Role.HAS_AGENT
    campaign = Campaign.objects.get(year=2025)
    assert campaign.status == CampaignStatus.CLOSED
    paid = Payment.objects.filter(dotation__campaign=campaign, status=PaymentStatus.PAID)
    assert paid.exists() and all(p.amount > Decimal(0) for p in paid)
    content = client.get("/statistiques/").content.decode()
    assert "2025 — Versé" in content and "2026 — Versé" in content
