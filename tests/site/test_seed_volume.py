"""``manage.py seed_volume``: refused in production, counts that follow the requested size, rows that pass the
models' own validation, message threads that keep the messaging rules (participants, unread rows and counters), a
second run that changes nothing, --reset, and pages that still render at volume."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.urls import reverse

from conventions.enums import ConventionStatus, ReportStatus
from conventions.models import AnnualReport, Convention, ConventionIndicator, ReportValue, Target
from dotations.enums import DotationStatus, PaymentKind
from dotations.models import Campaign, Dotation, DotationLine, Payment
from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User
from secpa_portal.messaging.models import Message, Side, Unread
from secpa_portal.reference.identifiers import validate_commune_code, validate_finess, validate_siret
from secpa_portal.site import volume
from structures.enums import StructureStatus
from structures.models import Membership, MissionLine, Structure, TeamLine
from tests.conftest import client_for

SIZE = 20


def _seed(**options):
    out = StringIO()
    call_command("seed_volume", structures=SIZE, force=True, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    _seed()


def test_refused_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_volume", structures=SIZE, stdout=StringIO())
    assert not Structure.objects.exists()


def test_counts_follow_the_requested_size(seeded):
    structures = volume.volume_structures()
    assert structures.count() == SIZE
    eligible = structures.filter(status=StructureStatus.ELIGIBLE).count()
    assert eligible == 16
    assert structures.values("departement").distinct().count() == SIZE  # one per département, in order
    assert Membership.objects.filter(structure__in=structures).count() == SIZE
    assert TeamLine.objects.filter(structure__in=structures).count() == SIZE * len(volume.TEAM)
    assert MissionLine.objects.filter(structure__in=structures).count() == SIZE * 7
    assert Convention.objects.filter(status=ConventionStatus.ACTIVE).count() == eligible
    assert AnnualReport.objects.count() == eligible * 5
    assert AnnualReport.objects.filter(status=ReportStatus.VALIDATED).count() >= eligible * 3
    assert Dotation.objects.count() == eligible
    assert set(Dotation.objects.values_list("status", flat=True)) == set(DotationStatus.values)
    approved = Dotation.objects.filter(status=DotationStatus.APPROVED).count()
    assert Payment.objects.filter(kind=PaymentKind.ADVANCE).count() == approved
    assert Campaign.objects.get(year=volume.YEAR).envelope >= sum(Dotation.objects.values_list("total", flat=True))


def test_every_convention_follows_three_objective_indicators_with_targets_and_reports_have_values(seeded):
    for convention in Convention.objects.all():
        with_objective = ConventionIndicator.objects.filter(convention=convention, objective__isnull=False)
        assert with_objective.count() >= 3
        assert Target.objects.filter(convention_indicator__in=with_objective).count() == with_objective.count() * 5
        followed = ConventionIndicator.objects.filter(convention=convention).count()
        for report in convention.reports.all():
            assert ReportValue.objects.filter(report=report).count() == followed


def test_rows_pass_model_validation_and_identifiers_are_valid(seeded):
    for structure in volume.volume_structures():
        structure.full_clean()
        validate_finess(structure.finess_et)
        validate_siret(structure.siret)
        assert validate_commune_code(structure.commune_code).startswith(structure.departement_id[:2])
    for model in (Convention, AnnualReport, Dotation, Payment):
        for row in model.objects.all():
            row.full_clean()
    for dotation in Dotation.objects.prefetch_related("lines"):
        assert dotation.total == sum(line.amount for line in dotation.lines.all())


def _threads():
    """Every thread's messages as written (their dossier's id aside, which a reset renews), in a stable order."""
    return sorted(Message.objects.values_list("side", "text", "created_at", "opens_with_reason", "author__email"))


def _counters():
    return dict(User.objects.filter(unread_messages__gt=0).values_list("email", "unread_messages"))


def test_threads_between_each_structure_and_its_region_keep_the_messaging_rules(seeded):
    structures = {s.pk: s for s in volume.volume_structures().prefetch_related("memberships__user")}
    messages = list(Message.objects.select_related("author"))
    threads = {m.object_id for m in messages}
    submitted = [s for s in structures.values() if s.submitted_at is not None]
    assert 0.3 * len(submitted) <= len(threads) <= 0.8 * len(submitted)
    for message in messages:
        structure = structures[message.object_id]
        assert (message.dossier_kind, message.structure_id) == ("structure", structure.pk)
        assert structure.submitted_at is not None  # a draft is seen by no agent
        author = message.author
        if message.side == Side.STRUCTURE:
            assert author in [m.user for m in structure.memberships.all()] and author.role == Role.MANAGER
        else:
            assert (author.role, author.region_id) == (Role.ARS_AGENT, structure.region_id)
        assert message.author_label == str(author)
    # A send-back opens its file's thread with its reason, as structures.services does.
    sent_back = [s for s in structures.values() if s.status == StructureStatus.CHANGES_REQUESTED]
    assert sent_back
    for structure in sent_back:
        first = Message.objects.of("structure", structure.pk).first()
        assert first.opens_with_reason == "changes_requested" and first.author == structure.reviewer
        assert first.text == structure.last_decision_reason
    # Unread rows: never the author's, some left; every counter equals its rows (the header reads the counter).
    assert Unread.objects.exists()
    assert not Unread.objects.filter(message__author=F("user")).exists()
    rows = Unread.objects.values("user__email").annotate(n=Count("pk")).values_list("user__email", "n")
    assert _counters() == dict(rows)


def test_an_agent_reads_the_inbox_and_opening_a_thread_clears_it(seeded):
    agent = User.objects.filter(role=Role.ARS_AGENT, unread_messages__gt=0).order_by("-unread_messages").first()
    client = client_for(agent)
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert f"Messages ({agent.unread_messages} non lu" in inbox
    assert inbox.count("#message-") == min(agent.unread_messages, 25)
    message = Unread.objects.filter(user=agent).select_related("message").first().message
    assert client.get(reverse("messaging:thread", args=["structure", message.object_id])).status_code == 200
    agent.refresh_from_db()
    assert agent.unread_messages == Unread.objects.filter(user=agent).count()
    assert not Unread.objects.filter(user=agent, message__object_id=message.object_id).exists()


def test_second_run_changes_nothing_and_reset_replaces(seeded):
    before = (Structure.objects.count(), DotationLine.objects.count(), ReportValue.objects.count())
    threads, counters = _threads(), _counters()
    assert "déjà chargé" in _seed()
    assert (Structure.objects.count(), DotationLine.objects.count(), ReportValue.objects.count()) == before
    _seed(reset=True)
    assert (Structure.objects.count(), DotationLine.objects.count(), ReportValue.objects.count()) == before
    assert (_threads(), _counters()) == (threads, counters)  # the same threads, the counters recounted


def test_clear_removes_the_threads_and_recounts(seeded):
    volume.clear()
    assert not Message.objects.exists() and not Unread.objects.exists()
    assert _counters() == {}


@pytest.mark.parametrize(
    "url",
    [
        reverse("structures:list"),
        reverse("conventions:list"),
        reverse("conventions:report_list"),
        reverse("dotations:dotation_list"),
        reverse("dotations:payments"),
        reverse("dotations:campaign_detail", args=[volume.YEAR]),
        reverse("dashboard"),
    ],
)
def test_pages_render_for_a_cnam_agent(seeded, cnam, url):
    response = client_for(cnam).get(url)
    assert response.status_code == 200


def test_indicator_export_streams_every_value_of_the_year(seeded, cnam):
    year = volume.YEAR - 2
    response = client_for(cnam).get(reverse("conventions:national_export", args=["csv"]), {"annee": year})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) - 1 == ReportValue.objects.filter(report__year=year).count()
