"""Submitting and withdrawing a file from the manager's pages: a confirmation page, then the service."""

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.urls import reverse

from secpa_portal.journal.models import Event
from structures import services
from structures.enums import StructureStatus
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def messages_of(response, level):
    return [m.message for m in get_messages(response.wsgi_request) if m.level == level]


def status(structure):
    return Structure.objects.get(pk=structure.pk).status


# --- Summary step ------------------------------------------------------------------------------------------


def test_the_summary_lists_what_blocks_and_offers_no_submit_button(manager):
    draft = StructureFactory(manager=manager)
    html = client_for(manager).get(reverse("structures:step", args=[draft.pk, "recapitulatif"])).content.decode()
    assert "Étape 7 sur 7" in html
    assert "Le dossier ne peut pas encore être déposé" in html
    assert "Pièces manquantes : Statuts, Projet de santé." in html
    assert "Non rempli" in html
    assert "Déposer le dossier</a>" not in html


def test_the_summary_of_a_complete_file_links_each_section_and_the_submission(manager):
    draft = StructureFactory(manager=manager, complete=True)
    html = client_for(manager).get(reverse("structures:step", args=[draft.pk, "recapitulatif"])).content.decode()
    assert "Le dossier est complet" in html
    assert f'href="{reverse("structures:submit", args=[draft.pk])}">Déposer le dossier</a>' in html
    for slug in ("identite", "localisation", "equipe", "missions", "attestations", "documents"):
        assert reverse("structures:step", args=[draft.pk, slug]) + '">Modifier' in html


# --- Submit ------------------------------------------------------------------------------------------------


def test_the_confirmation_says_what_happens_and_to_whom(manager):
    draft = StructureFactory(manager=manager, complete=True)
    response = client_for(manager).get(reverse("structures:submit", args=[draft.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "ARS Île-de-France" in html
    assert "Confirmer le dépôt" in html
    assert status(draft) == StructureStatus.DRAFT


def test_submitting_a_complete_file(manager):
    draft = StructureFactory(manager=manager, complete=True)
    response = client_for(manager).post(reverse("structures:submit", args=[draft.pk]))
    assert response["Location"] == reverse("structures:detail", args=[draft.pk])
    assert status(draft) == StructureStatus.SUBMITTED
    assert any("transmis à l'ARS Île-de-France" in m for m in messages_of(response, SUCCESS))
    assert Event.objects.for_structure(draft.pk).filter(verb="submitted", to_state="submitted").exists()


def test_submitting_an_incomplete_file_is_refused_with_the_blockers(manager):
    draft = StructureFactory(manager=manager)
    client = client_for(manager)
    html = client.get(reverse("structures:submit", args=[draft.pk])).content.decode()
    assert "Le dossier ne peut pas encore être déposé" in html
    assert "Confirmer le dépôt" not in html
    response = client.post(reverse("structures:submit", args=[draft.pk]))
    assert response["Location"] == reverse("structures:step", args=[draft.pk, "recapitulatif"])
    [error] = messages_of(response, ERROR)
    assert error.startswith("Le dossier ne peut pas encore être déposé")
    assert "Pièces manquantes" in error and "Les sept missions obligatoires" in error
    assert status(draft) == StructureStatus.DRAFT


def test_a_file_sent_back_is_submitted_again(manager, ars_idf):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    html = client_for(manager).get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Compléments demandés par l'ARS" in html
    assert "Merci de joindre les statuts signés." in html
    client_for(manager).post(reverse("structures:submit", args=[structure.pk]))
    assert status(structure) == StructureStatus.IN_REVIEW  # back to the agent who sent it back


def test_submitting_twice_says_why_in_french(manager):
    structure = StructureFactory(manager=manager, submitted=True)
    response = client_for(manager).post(reverse("structures:submit", args=[structure.pk]))
    assert response.status_code == 302
    assert messages_of(response, ERROR)


def test_staff_cannot_submit(manager, ars_idf, cnam):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    for user in (ars_idf, cnam):
        response = client_for(user).post(reverse("structures:submit", args=[structure.pk]))
        assert messages_of(response, ERROR)
    assert status(structure) == StructureStatus.CHANGES_REQUESTED


# --- Withdraw ----------------------------------------------------------------------------------------------


def test_withdraw_asks_for_a_reason_and_keeps_what_was_typed(manager):
    structure = StructureFactory(manager=manager, submitted=True)
    client = client_for(manager)
    html = client.get(reverse("structures:withdraw", args=[structure.pk])).content.decode()
    assert "Confirmer le retrait" in html and "ARS Île-de-France" in html
    response = client.post(reverse("structures:withdraw", args=[structure.pk]), {"reason": "   "})
    assert response.status_code == 200
    assert "Indiquez pourquoi vous retirez le dossier." in response.content.decode()
    response = client.post(reverse("structures:withdraw", args=[structure.pk]), {"reason": "x" * 5001})
    assert "5000 caractères au plus" in response.content.decode()
    assert status(structure) == StructureStatus.SUBMITTED


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested"])
def test_a_manager_withdraws_before_any_decision(manager, ars_idf, state):
    structure = StructureFactory(manager=manager, state=state, reviewer=ars_idf)
    response = client_for(manager).post(
        reverse("structures:withdraw", args=[structure.pk]), {"reason": "La structure ferme ses portes."}
    )
    assert response["Location"] == reverse("structures:detail", args=[structure.pk])
    assert status(structure) == StructureStatus.WITHDRAWN
    event = Event.objects.for_structure(structure.pk).get(verb="withdrawn")
    assert event.reason == "La structure ferme ses portes."


@pytest.mark.parametrize("state", ["in_review", "eligible", "withdrawn"])
def test_no_withdrawal_after_review_started(manager, ars_idf, state):
    structure = StructureFactory(manager=manager, state=state, reviewer=ars_idf)
    client = client_for(manager)
    assert "Retirer le dossier" not in client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    response = client.post(reverse("structures:withdraw", args=[structure.pk]), {"reason": "Essai"})
    assert messages_of(response, ERROR)
    assert status(structure) == state


def test_a_withdrawal_racing_a_take_gets_the_service_s_message(manager, ars_idf):
    structure = StructureFactory(manager=manager, submitted=True)
    client = client_for(manager)
    client.get(reverse("structures:withdraw", args=[structure.pk]))
    services.structure_take(structure=structure, user=ars_idf)
    response = client.post(reverse("structures:withdraw", args=[structure.pk]), {"reason": "Trop tard"})
    assert messages_of(response, ERROR)
    assert status(structure) == StructureStatus.IN_REVIEW
