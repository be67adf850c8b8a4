"""The ARS review page and its actions, through the test client (design.md §4, §7; ux.md « ARS agent »)."""

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from structures import services
from structures.enums import StructureStatus as S
from structures.models import ReviewNote, Structure
from structures.precheck import run_precheck
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory
from tests.html import elements

NOTE = "Appel à la directrice prévu lundi : vérifier le contrat du médiateur."


def _url(name, structure):
    return reverse(f"structures:{name}", args=[structure.pk])


def _messages(response, level):
    return [m.message for m in get_messages(response.wsgi_request) if m.level == level]


def _status(structure):
    return Structure.objects.get(pk=structure.pk).status


@pytest.fixture
def submitted(manager):
    return StructureFactory(manager=manager, submitted=True, name="Centre de santé des Francs-Moisins")


@pytest.fixture
def in_review(manager, ars_idf):
    structure = StructureFactory(manager=manager, in_review=True, reviewer=ars_idf, name="Centre de santé Pleyel")
    services.review_note_add(structure=structure, user=ars_idf, text=NOTE)
    return structure


# --- Who sees the page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_regions_agent_sees_the_pre_check_and_can_take_the_file(submitted, ars_idf):
    response = client_for(ars_idf).get(_url("review", submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Instruction — Centre de santé des Francs-Moisins — SECPA</title>" in html
    assert len(elements(html, "h1")) == 1
    assert "Pré-contrôle automatique" in html
    assert "Les sept missions obligatoires" in html
    assert f"Les {len(run_precheck(submitted))} critères sont remplis." in html
    assert "Prendre en charge" in html
    assert _url("take", submitted) in html
    assert _url("decide", submitted) not in html
    assert elements(html, "a", href=_url("detail", submitted))
    for document in submitted.documents.all():
        download = reverse("structures:document_download", args=[submitted.pk, document.pk])
        assertInHTML(f'<a href="{download}">{document.original_name}</a>', html)


@pytest.mark.django_db
def test_a_failing_criterion_is_shown_with_its_reason(in_review, ars_idf):
    Structure.objects.filter(pk=in_review.pk).update(attests_tiers_payant=False)
    html = client_for(ars_idf).get(_url("review", in_review)).content.decode()
    assert f"1 critère sur {len(run_precheck(in_review))} non rempli." in html
    # Tiers payant and no dépassement are two criteria: only the first fails.
    assert "L&#x27;attestation de tiers payant manque : les patients ne doivent rien avancer." in html
    assert "Aucun dépassement d&#x27;honoraires, attesté." in html
    assert "Une décision d'éligibilité doit alors être motivée." in html


@pytest.mark.django_db
def test_cnam_reads_the_review_page_without_any_action(in_review, cnam):
    html = client_for(cnam).get(_url("review", in_review)).content.decode()
    assert "Consultation : l'instruction relève de l'" in html
    assert NOTE.replace("'", "&#x27;") in html
    for action in ("take", "decide", "reopen", "note_add"):
        assert _url(action, in_review) not in html


@pytest.mark.django_db
def test_a_manager_of_the_structure_gets_a_french_403_without_the_notes(in_review, manager):
    response = client_for(manager).get(_url("review", in_review))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès réservé aux agents instructeurs" in html
    assert "lundi" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["review", "take", "decide", "reopen", "note_add"])
def test_out_of_scope_is_a_404_for_every_url(name, in_review, ars_ara):
    other_manager = make_user("autre.gestion@test.example")
    method = "get" if name == "review" else "post"
    for user in (ars_ara, other_manager):
        response = getattr(client_for(user), method)(_url(name, in_review), {"reason": "x", "text": "x"})
        assert response.status_code == 404, user
    assert _status(in_review) == S.IN_REVIEW
    assert ReviewNote.objects.filter(structure=in_review).count() == 1


@pytest.mark.django_db
def test_a_draft_never_submitted_is_invisible_to_the_ars_and_the_cnam(manager, ars_idf, cnam):
    draft = StructureFactory(manager=manager, complete=True)
    for user in (ars_idf, cnam):
        assert client_for(user).get(_url("review", draft)).status_code == 404
        assert client_for(user).post(_url("take", draft)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("notes", [2, 30])
def test_review_page_query_count_does_not_grow(notes, manager, ars_idf, django_assert_max_num_queries):
    structure = StructureFactory(manager=manager, in_review=True, reviewer=ars_idf)
    for n in range(notes):
        services.review_note_add(structure=structure, user=ars_idf, text=f"Note n° {n}")
    client = client_for(ars_idf)
    with django_assert_max_num_queries(12):
        response = client.get(_url("review", structure))
    assert response.content.decode().count("Note n° ") == notes


# --- Take ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_taking_a_file(submitted, ars_idf):
    response = client_for(ars_idf).post(_url("take", submitted))
    assert response.status_code == 302
    assert response["Location"] == _url("review", submitted)
    assert _messages(response, SUCCESS) == [
        "Vous instruisez désormais ce dossier. Les gestionnaires de la structure en sont informés par courriel."
    ]
    structure = Structure.objects.get(pk=submitted.pk)
    assert (structure.status, structure.reviewer) == (S.IN_REVIEW, ars_idf)


@pytest.mark.django_db
def test_taking_a_file_someone_just_took_says_who(in_review, ars_idf):
    colleague = make_user("ars.idf2@test.example", role="ars_agent", region_code="11")
    response = client_for(colleague).post(_url("take", in_review))
    assert _messages(response, ERROR) == ["Ce dossier vient d'être pris en charge par Inès Bernard."]
    assert Structure.objects.get(pk=in_review.pk).reviewer == ars_idf


@pytest.mark.django_db
def test_cnam_cannot_take_and_is_told_why(submitted, cnam):
    response = client_for(cnam).post(_url("take", submitted))
    assert response.status_code == 302
    assert _messages(response, ERROR) == ["Seul un agent de l'ARS de la région peut prendre ce dossier en charge."]
    assert _status(submitted) == S.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["take", "decide", "reopen", "note_add"])
def test_a_manager_posting_an_ars_action_gets_a_french_403(name, in_review, manager):
    response = client_for(manager).post(_url(name, in_review), {"decision": "declare_eligible", "confirm": "1"})
    assert response.status_code == 403
    assert _status(in_review) == S.IN_REVIEW


# --- Decide -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_decision_goes_through_a_confirmation_page_that_names_the_recipients(in_review, ars_idf):
    client = client_for(ars_idf)
    data = {"decision": "request_changes", "reason": "Joindre les statuts signés."}
    response = client.post(_url("decide", in_review), data)
    assert response.status_code == 200
    html = response.content.decode()
    assertInHTML("<h1>Confirmer la décision</h1>", html)
    assert "gestion@test.example" in html
    assert "Joindre les statuts signés." in html
    assertInHTML('<input type="hidden" name="decision" value="request_changes">', html)
    assert _status(in_review) == S.IN_REVIEW, "nothing happens before the confirmation"

    response = client.post(_url("decide", in_review), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert _status(in_review) == S.CHANGES_REQUESTED
    assert _messages(response, SUCCESS)[0].startswith("Des compléments sont demandés à la structure")
    assert Structure.objects.get(pk=in_review.pk).last_decision_reason == "Joindre les statuts signés."


@pytest.mark.django_db
def test_modifier_on_the_confirmation_page_brings_back_what_was_typed(in_review, ars_idf):
    data = {"decision": "declare_ineligible", "reason": "Territoire hors dispositif.", "edit": "1"}
    response = client_for(ars_idf).post(_url("decide", in_review), data)
    html = response.content.decode()
    (reason,) = elements(html, "textarea", name="reason")
    assert reason.text == "Territoire hors dispositif."
    assert elements(html, "input", name="decision", value="declare_ineligible", id="id_decision_2", checked=True)
    assert _status(in_review) == S.IN_REVIEW


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "error"),
    [
        ("declare_ineligible", "Indiquez le motif du refus : il est obligatoire pour cette décision."),
        ("request_changes", "Indiquez les compléments attendus : le motif est obligatoire pour cette décision."),
    ],
)
def test_refusal_and_send_back_need_a_reason_even_with_confirm(decision, error, in_review, ars_idf):
    response = client_for(ars_idf).post(
        _url("decide", in_review), {"decision": decision, "reason": "  ", "confirm": "1"}
    )
    assert response.status_code == 200
    assert error.replace("'", "&#x27;") in response.content.decode()
    assert _status(in_review) == S.IN_REVIEW


@pytest.mark.django_db
def test_eligible_against_the_pre_check_needs_a_reason_and_the_confirmation_warns(in_review, ars_idf):
    Structure.objects.filter(pk=in_review.pk).update(attests_general_medicine=False)
    client = client_for(ars_idf)
    response = client.post(_url("decide", in_review), {"decision": "declare_eligible", "reason": ""})
    html = response.content.decode()
    assert "Des critères du pré-contrôle ne sont pas remplis (Médecine générale comme activité principale)" in html
    assert _status(in_review) == S.IN_REVIEW

    data = {"decision": "declare_eligible", "reason": "Activité de médecine générale vérifiée."}
    html = client.post(_url("decide", in_review), data).content.decode()
    assert "Décision contraire au pré-contrôle" in html
    client.post(_url("decide", in_review), {**data, "confirm": "1"})
    assert _status(in_review) == S.ELIGIBLE


@pytest.mark.django_db
def test_a_decision_on_a_file_not_in_review_is_refused_in_french(submitted, ars_idf):
    data = {"decision": "declare_eligible", "reason": "", "confirm": "1"}
    response = client_for(ars_idf).post(_url("decide", submitted), data)
    assert response.status_code == 302
    assert _messages(response, ERROR) == [
        "Action impossible : le dossier est « Déposé », l'action « Déclarer éligible » n'est pas permise à ce stade."
    ]
    assert _status(submitted) == S.SUBMITTED


@pytest.mark.django_db
def test_cnam_cannot_decide(in_review, cnam):
    response = client_for(cnam).post(_url("decide", in_review), {"decision": "declare_eligible", "confirm": "1"})
    assert _messages(response, ERROR) == ["Seul un agent de l'ARS de la région peut statuer sur ce dossier."]
    assert _status(in_review) == S.IN_REVIEW


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"decision": "approve"},
        {"decision": ["declare_eligible", "declare_ineligible"]},
        {"decision": "declare_ineligible", "reason": "x" * 6000, "confirm": "1"},
        {"decision": "\x00", "reason": "\x00"},
        {"decision": "request_changes", "reason": "<script>alert(1)</script>"},
    ],
)
def test_odd_input_never_gives_a_500(data, in_review, ars_idf):
    response = client_for(ars_idf).post(_url("decide", in_review), data)
    assert response.status_code in (200, 302)
    assert "<script>alert" not in response.content.decode()


# --- Reopen -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reopening_needs_a_reason_then_a_confirmation(manager, ars_idf):
    structure = StructureFactory(manager=manager, ineligible=True, reviewer=ars_idf)
    client = client_for(ars_idf)
    page = client.get(_url("review", structure)).content.decode()
    assert _url("reopen", structure) in page
    response = client.post(_url("reopen", structure), {"reason": "   "})
    assert "Indiquez pourquoi l&#x27;instruction est rouverte." in response.content.decode()

    data = {"reason": "La structure a recruté un médiateur."}
    html = client.post(_url("reopen", structure), data).content.decode()
    assertInHTML("<h1>Confirmer la réouverture de l'instruction</h1>", html)
    assert _status(structure) == S.INELIGIBLE
    response = client.post(_url("reopen", structure), {**data, "confirm": "1"})
    assert _status(structure) == S.IN_REVIEW
    assert _messages(response, SUCCESS)[0].startswith("L'instruction est rouverte")


@pytest.mark.django_db
def test_reopening_a_file_in_review_is_refused_in_french(in_review, ars_idf):
    response = client_for(ars_idf).post(_url("reopen", in_review), {"reason": "Motif", "confirm": "1"})
    assert _messages(response, ERROR) == [
        "Action impossible : le dossier est « En instruction », "
        "l'action « Rouvrir l'instruction » n'est pas permise à ce stade."
    ]


# --- Notes --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_agent_adds_a_private_note(in_review, ars_idf):
    client = client_for(ars_idf)
    response = client.post(_url("note_add", in_review), {"text": "Visite sur place le 3 décembre."})
    assert response["Location"] == _url("review", in_review) + "#notes"
    html = client.get(_url("review", in_review)).content.decode()
    assert "Visite sur place le 3 décembre." in html


@pytest.mark.django_db
def test_an_empty_note_is_refused_in_french(in_review, ars_idf):
    response = client_for(ars_idf).post(_url("note_add", in_review), {"text": ""})
    assert response.status_code == 200
    assert "La note est vide." in response.content.decode()
    assert ReviewNote.objects.filter(structure=in_review).count() == 1


@pytest.mark.django_db
def test_cnam_cannot_write_notes(in_review, cnam):
    response = client_for(cnam).post(_url("note_add", in_review), {"text": "Note CNAM"})
    assert _messages(response, ERROR) == ["Seuls les agents de l'ARS de la région peuvent annoter ce dossier."]
    assert ReviewNote.objects.filter(structure=in_review).count() == 1


@pytest.mark.django_db
def test_notes_never_reach_the_managers_pages(in_review, manager):
    client = client_for(manager)
    for url in (reverse("structures:list"), reverse("dashboard")):
        html = client.get(url).content.decode()
        assert "lundi" not in html
        assert "Note d&#x27;instruction" not in html
