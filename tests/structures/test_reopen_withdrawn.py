"""A withdrawn file is not a dead end: its managers reopen it as a draft within ``WITHDRAWN_REOPEN_DAYS``."""

import datetime

import pytest
from django.contrib.messages import ERROR, SUCCESS
from django.urls import reverse
from django.utils import timezone

from secpa_portal.core.errors import DomainError
from secpa_portal.journal.models import Event
from structures import services
from structures.enums import StructureStatus
from structures.models import Structure
from structures.workflow import TransitionError
from tests.conftest import client_for
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def withdrawn(manager, days_ago=0):
    structure = StructureFactory(manager=manager, withdrawn=True)
    Structure.objects.filter(pk=structure.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return Structure.objects.get(pk=structure.pk)


def flashes(response, level):
    return [m.message for m in response.wsgi_request._messages if m.level == level]


def test_the_detail_page_offers_reopening_and_the_button_works(manager, ars_idf, settings):
    settings.WITHDRAWN_REOPEN_DAYS = 90
    structure = withdrawn(manager, days_ago=10)
    client = client_for(manager)
    html = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Rouvrir le dossier" in html and "jusqu'au" in html
    action = reverse("structures:reopen_withdrawn", args=[structure.pk])
    assert f'action="{action}"' in html
    response = client.post(action)
    assert response.status_code == 302
    assert flashes(response, SUCCESS) and "rouvert en brouillon" in flashes(response, SUCCESS)[0]
    structure.refresh_from_db()
    assert (structure.status, structure.reviewer) == (StructureStatus.DRAFT, None)
    event = Event.objects.for_structure(structure.pk).order_by("-id").first()
    assert (event.verb, event.from_state, event.to_state, event.actor) == (
        "withdrawn_reopened",
        "withdrawn",
        "draft",
        manager,
    )
    # Back to draft: it can be submitted again, to the region's agents.
    services.structure_submit(structure=structure, user=manager)
    assert Structure.objects.get(pk=structure.pk).status == StructureStatus.SUBMITTED


def test_past_the_delay_the_file_stays_withdrawn_with_a_french_reason(manager, settings):
    settings.WITHDRAWN_REOPEN_DAYS = 30
    structure = withdrawn(manager, days_ago=31)
    html = client_for(manager).get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Rouvrir le dossier" not in html
    with pytest.raises(TransitionError) as refused:
        services.structure_reopen_withdrawn(structure=structure, user=manager)
    assert "plus de 30 jours" in refused.value.message
    response = client_for(manager).post(reverse("structures:reopen_withdrawn", args=[structure.pk]))
    assert "plus de 30 jours" in flashes(response, ERROR)[0]
    assert Structure.objects.get(pk=structure.pk).status == StructureStatus.WITHDRAWN


def test_the_delay_comes_from_the_settings(manager, settings):
    structure = withdrawn(manager, days_ago=31)
    settings.WITHDRAWN_REOPEN_DAYS = 90
    services.structure_reopen_withdrawn(structure=structure, user=manager)
    assert Structure.objects.get(pk=structure.pk).status == StructureStatus.DRAFT


def test_agents_cannot_reopen_a_withdrawn_file(manager, ars_idf, cnam):
    structure = withdrawn(manager)
    for user in (ars_idf, cnam):
        with pytest.raises(DomainError):
            services.structure_reopen_withdrawn(structure=structure, user=user)
        response = client_for(user).post(reverse("structures:reopen_withdrawn", args=[structure.pk]))
        assert response.status_code == 302 and flashes(response, ERROR)
        assert (
            "Rouvrir le dossier"
            not in client_for(user).get(reverse("structures:detail", args=[structure.pk])).content.decode()
        )
    assert Structure.objects.get(pk=structure.pk).status == StructureStatus.WITHDRAWN


def test_another_managers_post_is_404(manager, db):
    from tests.conftest import make_user

    structure = withdrawn(manager)
    outsider = make_user("autre@test.example")
    assert client_for(outsider).post(reverse("structures:reopen_withdrawn", args=[structure.pk])).status_code == 404
