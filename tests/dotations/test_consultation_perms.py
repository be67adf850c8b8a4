"""The permission matrix of the consultation pages: role × URL × method, on an open consultation (and who sees one
in preparation). The national steering (pilotage) reads what the CNAM reads — every consultation, every opinion and
comment, the outcome and the projected effect — and acts on nothing: its write pages answer a French 403, GET or
POST, and nothing is written.

The URLs are read from the ``dotations`` namespace: a new consultation URL without a row here fails."""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from dotations.enums import ConsultationStatus, Verdict
from dotations.models import Consultation, ConsultationComment, ConsultationOpinion
from dotations.services import consultations as services
from secpa_portal.accounts.enums import Role
from secpa_portal.core.errors import DomainError
from secpa_portal.journal.models import Event
from structures.models import Structure
from tests.conftest import client_for, make_user
from tests.factories import FundedConventionFactory

from .consultation_builders import DEADLINE, TODAY, consultation_in, make_has

pytestmark = pytest.mark.django_db

ROLES = ("cnam", "pilotage", "ars_idf", "has", "manager", "anonymous")


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(TODAY, tick=False)
    return time_machine


@pytest.fixture
def pilotage(db):
    return make_user("dss@test.example", role=Role.PILOTAGE, first_name="Claire", last_name="Ministère")


@pytest.fixture
def world(cnam, pilotage, ars_idf, manager):
    has = make_has()
    FundedConventionFactory(manager=manager, region="11")
    consultation = consultation_in(ConsultationStatus.OPEN, cnam)
    services.opinion_give(
        consultation=consultation, user=ars_idf, verdict=Verdict.RESERVATIONS, comment="Médiation sous-financée."
    )
    return {
        "consultation": consultation,
        "users": {"cnam": cnam, "pilotage": pilotage, "ars_idf": ars_idf, "has": has, "manager": manager},
    }


def _client(world, who):
    return Client() if who == "anonymous" else client_for(world["users"][who])


# URL name → GET status per role, on an open consultation (anonymous: the login page). Out of scope or not one's
# page: 404; in scope without the right: a redirect with a French message (CNAM) or a French 403 (pilotage).
GET_MATRIX = {
    "consultation_list": {"cnam": 200, "pilotage": 200, "ars_idf": 200, "has": 200, "manager": 200},
    "consultation_detail": {"cnam": 200, "pilotage": 200, "ars_idf": 200, "has": 200, "manager": 200},
    "consultation_effect": {"cnam": 200, "pilotage": 200, "ars_idf": 404, "has": 404, "manager": 404},
    "consultation_prepare": {"cnam": 302, "pilotage": 403, "ars_idf": 404, "has": 404, "manager": 404},
    "consultation_open": {"cnam": 302, "pilotage": 403, "ars_idf": 404, "has": 404, "manager": 404},
    "consultation_close": {"cnam": 200, "pilotage": 403, "ars_idf": 404, "has": 404, "manager": 404},
    "consultation_opinion": {"cnam": 404, "pilotage": 403, "ars_idf": 200, "has": 200, "manager": 404},
    "consultation_comment": {"cnam": 404, "pilotage": 403, "ars_idf": 404, "has": 404, "manager": 200},
}
WRITE_URLS = [
    name for name in GET_MATRIX if name not in ("consultation_list", "consultation_detail", "consultation_effect")
]


def _url(name):
    return reverse(f"dotations:{name}", args=[] if name == "consultation_list" else [2027])


def test_every_consultation_url_has_a_matrix_row():
    resolver = get_resolver().namespace_dict["dotations"][1]
    names = {name for name in resolver.reverse_dict if isinstance(name, str) and name.startswith("consultation")}
    assert names == set(GET_MATRIX)


@pytest.mark.parametrize("name", GET_MATRIX)
def test_get_matrix(world, name):
    for who in ROLES:
        response = _client(world, who).get(_url(name))
        expected = 302 if who == "anonymous" else GET_MATRIX[name][who]
        assert response.status_code == expected, (name, who, response.status_code)
        if who == "pilotage" and expected == 403:
            content = response.content.decode().replace("&#x27;", "'")
            assert "Le pilotage national consulte les consultations sur le barème sans y agir" in content


@pytest.mark.parametrize("name", WRITE_URLS)
def test_the_pilotage_posts_nothing(world, name):
    """Whatever it posts, the national steering gets a French 403 and nothing is written."""
    before = (
        Consultation.objects.get().version,
        ConsultationOpinion.objects.count(),
        ConsultationComment.objects.count(),
        Event.objects.count(),
    )
    data = {
        "deadline": "20/01/2027",
        "message": "Piraté",
        "reason": "Piraté",
        "verdict": Verdict.UNFAVOURABLE,
        "comment": "Piraté",
        "text": "Piraté",
        "version": str(world["consultation"].version),
    }
    response = _client(world, "pilotage").post(_url(name), data)
    assert response.status_code == 403
    consultation = Consultation.objects.get()
    assert consultation.status == ConsultationStatus.OPEN and consultation.deadline == DEADLINE
    assert before == (
        consultation.version,
        ConsultationOpinion.objects.count(),
        ConsultationComment.objects.count(),
        Event.objects.count(),
    )


def test_the_pilotage_reads_opinions_and_outcome_without_a_button(world):
    client = _client(world, "pilotage")
    nav = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("dotations:consultation_list")}"' in nav
    listing = client.get(_url("consultation_list")).content.decode()
    assert f'href="{_url("consultation_detail")}"' in listing
    page = client.get(_url("consultation_detail")).content.decode().replace("&#x27;", "'")
    assert "Avis des ARS et de la HAS" in page and "Médiation sous-financée." in page
    assert 'id="consultation-outcome"' in page or "Avis reçus à ce jour" in page
    assert f'href="{_url("consultation_effect")}"' in page  # the projected effect is read
    for name in WRITE_URLS:
        assert f'href="{_url(name)}"' not in page, name
    for label in ("Clore avant la date limite", "Donner l'avis", "Commenter le barème", "Soumettre le barème"):
        assert label not in page, label
    campaign = client.get(reverse("dotations:campaign_detail", args=[2027])).content.decode()
    assert 'id="campaign-consultation"' in campaign and 'id="consultation-outcome"' in campaign
    assert f'href="{_url("consultation_prepare")}"' not in campaign


def test_the_pilotage_sees_a_consultation_in_preparation_and_no_internal_event(cnam, pilotage, ars_idf):
    consultation = consultation_in(ConsultationStatus.DRAFT, cnam, campaign=None)
    assert client_for(ars_idf).get(_url("consultation_detail")).status_code == 404  # not submitted yet
    page = client_for(pilotage).get(_url("consultation_detail")).content.decode().replace("&#x27;", "'")
    assert "En préparation" in page and "Soumettre le barème" not in page
    consultation = services.consultation_open(consultation=consultation, user=cnam)
    services.opinion_give(consultation=consultation, user=ars_idf, verdict=Verdict.FAVOURABLE)
    internal = Event.objects.for_object(consultation).filter(internal=True)
    assert internal.exists()
    response = client_for(pilotage).get(_url("consultation_detail"))
    shown = {event.pk for event in response.context["events"]}
    assert shown and not shown & set(internal.values_list("pk", flat=True))
    assert set(internal.values_list("pk", flat=True)) <= {
        event.pk for event in client_for(cnam).get(_url("consultation_detail")).context["events"]
    }


def test_every_consultation_service_refuses_the_pilotage(world, pilotage):
    consultation = world["consultation"]
    structure = Structure.objects.get()  # the manager's
    for call in (
        lambda: services.consultation_prepare(
            campaign=consultation.campaign, user=pilotage, deadline=DEADLINE, message="Piraté"
        ),
        lambda: services.consultation_open(consultation=consultation, user=pilotage),
        lambda: services.consultation_close(consultation=consultation, user=pilotage, reason="Piraté"),
        lambda: services.opinion_give(
            consultation=consultation, user=pilotage, verdict=Verdict.UNFAVOURABLE, comment="Piraté"
        ),
        lambda: services.comment_post(consultation=consultation, user=pilotage, structure=structure, text="Piraté"),
    ):
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.message
    assert Consultation.objects.get().status == ConsultationStatus.OPEN
