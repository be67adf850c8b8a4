"""The demo data set: message threads on several dossiers, and a resubmitted file with visible changes."""

import pytest
from django.urls import reverse

from conventions import demo as conventions_demo
from dotations import demo_threads
from secpa_portal.accounts.demo import seed_accounts
from secpa_portal.journal.models import Event
from secpa_portal.messaging.models import Message
from structures import demo as structures_demo
from structures.changes import changes_since_send_back
from structures.enums import StructureStatus
from structures.models import Structure
from tests.conftest import client_for


@pytest.fixture
def users(db):
    users = seed_accounts()
    structures_demo.seed(users)
    conventions_demo.seed(users)
    demo_threads.seed(users)
    return users


def test_threads_on_several_dossiers(users):
    kinds = set(Message.objects.values_list("dossier_kind", "object_id").distinct())
    assert len(kinds) >= 3
    assert {"structure", "convention"} <= {kind for kind, _pk in kinds}
    assert Message.objects.filter(side="structure").exists() and Message.objects.filter(side="agency").exists()
    before = Message.objects.count()
    demo_threads.seed(users)
    assert Message.objects.count() == before  # idempotent


def test_a_resubmitted_file_shows_its_changes_to_its_reviewer(users):
    structure = Structure.objects.get(name="Centre de santé communautaire Le Bel-Air")
    agent = users["ars.idf@secpa.example"]
    assert (structure.status, structure.reviewer) == (StructureStatus.IN_REVIEW, agent)
    timeline = list(Event.objects.for_structure(structure.pk).order_by("-created_at", "-id"))
    labels = {change.label for change in changes_since_send_back(structure, timeline)}
    assert {"forme juridique", "code postal", "Médiateur ou médiatrice en santé", "Statuts"} <= labels
    assert structure.postal_code == "93100"  # the postal-code mistake the reviewer sees corrected
    html = client_for(agent).get(reverse("structures:review", args=[structure.pk])).content.decode()
    assert "Modifications depuis la demande de compléments" in html and "statuts-signes.pdf" in html
    thread = Message.objects.of("structure", structure.pk)
    assert thread.first().opens_with_reason == "changes_requested"
    assert thread.filter(attachments__original_name="statuts-signes.pdf").exists()
