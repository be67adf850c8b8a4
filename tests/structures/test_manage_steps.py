"""The registration form, step by step: each step saves through the services, keeps what was typed when
invalid and says what is wrong in French; a draft is resumed where it was left; a stale version is refused."""

from decimal import Decimal

import pytest
from django.contrib.messages import ERROR, SUCCESS, WARNING, get_messages
from django.urls import reverse

from secpa_portal.journal.models import Event
from secpa_portal.reference.identifiers import make_finess, make_siret
from structures import services
from structures.enums import DeliveryMode, Mission, ProfessionalCategory, StructureStatus
from structures.models import Membership, Structure
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory
from tests.forms import rendered_form
from tests.html import elements
from tests.structures import wizard_data

pytestmark = pytest.mark.django_db


def step_url(structure, slug):
    return reverse("structures:step", args=[structure.pk, slug])


def post_step(client, structure, slug, data, action="next", version=None):
    structure.refresh_from_db()
    payload = {**data, "action": action, "version": structure.version if version is None else version}
    return client.post(step_url(structure, slug), payload)


def messages_of(response, level):
    return [m.message for m in get_messages(response.wsgi_request) if m.level == level]


@pytest.fixture
def draft(manager):
    return StructureFactory(manager=manager, name="Centre de santé du Franc-Moisin")


@pytest.fixture
def client(manager):
    return client_for(manager)


# --- Creating the draft (step 1) ---------------------------------------------------------------------------


def test_create_page_is_step_one_of_seven(client):
    response = client.get(reverse("structures:create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Étape 1 sur 7" in html
    assert "Nom de la structure" in html
    assert "Numéro FINESS de l&#x27;établissement" in html
    assert "Enregistrer et continuer" in html


def test_create_saves_the_draft_and_goes_to_step_two(client, manager):
    data = wizard_data.identity()
    response = client.post(reverse("structures:create"), {**data, "action": "next"})
    structure = Structure.objects.get(name=data["name"])
    assert response.status_code == 302
    assert response["Location"] == step_url(structure, "localisation")
    assert structure.status == StructureStatus.DRAFT
    assert structure.finess_et == data["finess_et"]
    assert structure.siret == data["siret"]
    assert structure.kind == "cds"
    assert Membership.objects.filter(structure=structure, user=manager).exists()
    assert Event.objects.for_structure(structure.pk).filter(verb="structure_created").exists()


def test_create_refuses_without_a_name_and_keeps_what_was_typed(client):
    data = wizard_data.identity(name="  ", finess_et="93 00 123", siret="1234")
    response = client.post(reverse("structures:create"), {**data, "action": "next"})
    html = response.content.decode()
    assert response.status_code == 200
    assert not Structure.objects.exists()
    assert "Indiquez le nom de la structure." in html
    assert "Le numéro FINESS doit comporter 9 caractères" in html
    assert "Le numéro SIRET doit comporter 14 chiffres" in html
    assert elements(html, value="93 00 123")
    assert elements(html, value="1234")
    assert data["finess_ej"] in html
    assert "Le formulaire contient 3 erreurs" in html


def test_create_for_staff_explains_who_registers(ars_idf, cnam):
    for user in (ars_idf, cnam):
        client = client_for(user)
        response = client.get(reverse("structures:create"))
        assert response.status_code == 200
        assert "Seuls les gestionnaires de structure" in response.content.decode()
        client.post(reverse("structures:create"), wizard_data.identity())
    assert not Structure.objects.exists()


# --- Identity ----------------------------------------------------------------------------------------------


def test_identity_step_saves(client, draft):
    data = wizard_data.identity(name="Centre de santé Pierre-Sémard", legal_form="SCIC")
    response = post_step(client, draft, "identite", data)
    assert response["Location"] == step_url(draft, "localisation")
    draft.refresh_from_db()
    assert (draft.name, draft.legal_form, draft.finess_ej) == (
        "Centre de santé Pierre-Sémard",
        "SCIC",
        data["finess_ej"],
    )
    # What was saved is shown again.
    html = client.get(step_url(draft, "identite")).content.decode()
    assert elements(html, value="Centre de santé Pierre-Sémard")


def test_identity_step_normalises_spaces_in_identifiers(client, draft):
    data = wizard_data.identity()
    spaced = " ".join([data["siret"][:3], data["siret"][3:6], data["siret"][6:9], data["siret"][9:]])
    post_step(client, draft, "identite", {**data, "siret": spaced})
    draft.refresh_from_db()
    assert draft.siret == data["siret"]


def test_identity_step_refuses_bad_keys_in_french_and_keeps_typed_values(client, draft):
    data = wizard_data.identity(finess_et="930012345", siret="73282932000075", kind="hopital")
    response = post_step(client, draft, "identite", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "La clé de contrôle du numéro FINESS est incorrecte" in html
    assert "La clé de contrôle du numéro SIRET est incorrecte" in html
    assert "Choisissez centre de santé ou maison de santé pluriprofessionnelle." in html
    assert elements(html, value="930012345") and elements(html, value="73282932000075")
    draft.refresh_from_db()
    assert draft.finess_et == ""


def test_identity_step_accepts_la_poste_siret(client, draft):
    siret = make_siret("356000000", "0042")
    post_step(client, draft, "identite", wizard_data.identity(siret=siret))
    draft.refresh_from_db()
    assert draft.siret == siret


def test_identity_step_accepts_corsican_finess_with_a_warning(client, draft):
    response = post_step(client, draft, "identite", wizard_data.identity(finess_et="2A0001234"), action="save")
    draft.refresh_from_db()
    assert draft.finess_et == "2A0001234"
    assert any("Corse" in message for message in messages_of(response, WARNING))


def test_identity_step_refuses_a_finess_already_registered(client, draft, manager):
    other = StructureFactory(manager=make_user("autre@test.example"), complete=True)
    response = post_step(client, draft, "identite", wizard_data.identity(finess_et=other.finess_et))
    assert response.status_code == 200
    assert "Une structure est déjà enregistrée avec ce numéro FINESS." in response.content.decode()


# --- Location ----------------------------------------------------------------------------------------------


def test_location_step_saves_and_derives_the_region(client, draft):
    response = post_step(
        client, draft, "localisation", wizard_data.location(qpv_codes="qn09301m ; QP093028\nQN09301M")
    )
    assert response["Location"] == step_url(draft, "equipe")
    draft.refresh_from_db()
    assert draft.commune_code == "93066"
    assert draft.departement_id == "93" and draft.region_id == "11"
    assert draft.qpv_codes == ["QN09301M", "QP093028"]
    html = client.get(step_url(draft, "localisation")).content.decode()
    assert "QN09301M, QP093028" in html
    assert "Seine-Saint-Denis" in html


def test_location_step_refuses_a_postal_code_as_commune_code_and_bad_qpv_codes(client, draft):
    data = wizard_data.location(commune_code="75019", postal_code="7501", qpv_codes="QN09301M, QP93028")
    response = post_step(client, draft, "localisation", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "75019 est un code postal (Paris : 75056 ; Paris 19e Arrondissement : 75119) : "
        "indiquez le code commune INSEE de la commune." in html.replace("&#x27;", "'")
    )
    assert "Le code postal comporte 5 chiffres" in html
    assert "« QP93028 »" in html
    assert "QN09301M, QP93028" in html  # kept as typed
    draft.refresh_from_db()
    assert draft.commune_code == "" and draft.qpv_codes == []


def test_location_step_checks_qpv_codes_against_the_reference_list_when_loaded(client, draft):
    from secpa_portal.reference.models import QPV

    QPV.objects.create(code="QN09301M", name="Franc-Moisin", commune_code="93066", generation="2024")
    response = post_step(client, draft, "localisation", wizard_data.location(qpv_codes="QN09301M, QN09399M"))
    assert "QN09399M ne figure pas dans la liste 2024 des quartiers prioritaires (QPV)." in response.content.decode()
    response = post_step(client, draft, "localisation", wizard_data.location(qpv_codes="QN09301M"))
    assert response.status_code == 302


# --- Team and activity -------------------------------------------------------------------------------------


def test_team_step_saves_lines_and_declared_figures(client, draft):
    response = post_step(client, draft, "equipe", wizard_data.team())
    assert response["Location"] == step_url(draft, "missions")
    draft.refresh_from_db()
    lines = {line.category: (line.headcount, line.fte) for line in draft.team_lines.all()}
    assert lines == {
        ProfessionalCategory.GENERAL_PRACTITIONER: (3, Decimal("2.50")),
        ProfessionalCategory.NURSE: (2, Decimal("1.80")),
        ProfessionalCategory.PSYCHOLOGIST: (1, Decimal("0.80")),
    }
    assert draft.declared_file_active == 3200
    assert draft.declared_precarity_share == Decimal("42.50")
    assert draft.other_funding_amount == Decimal("73500")
    html = client.get(step_url(draft, "equipe")).content.decode()
    assert elements(html, value="2,50") and elements(html, value="42,50")


def test_team_step_replaces_the_lines(client, draft):
    post_step(client, draft, "equipe", wizard_data.team())
    post_step(client, draft, "equipe", wizard_data.team({ProfessionalCategory.NURSE: ("1", "1")}))
    assert [line.category for line in draft.team_lines.all()] == [ProfessionalCategory.NURSE]


def test_team_step_refuses_inconsistent_lines_in_french_and_keeps_them(client, draft):
    lines = {
        ProfessionalCategory.GENERAL_PRACTITIONER: ("2", ""),
        ProfessionalCategory.NURSE: ("1", "1,5"),
        ProfessionalCategory.MIDWIFE: ("deux", "1"),
    }
    response = post_step(client, draft, "equipe", wizard_data.team(lines, declared_precarity_share="142"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez les équivalents temps plein de ces 2 personnes." in html
    assert "Les ETP ne peuvent dépasser l&#x27;effectif" in html
    assert "Saisissez un nombre entier" in html
    assert "La valeur doit être inférieure ou égale à 100." in html
    assert elements(html, value="deux") and elements(html, value="1,5") and elements(html, value="142")
    assert not draft.team_lines.exists()


# --- Missions ----------------------------------------------------------------------------------------------


def test_missions_step_saves_the_described_missions(client, draft):
    lines = {
        Mission.PROXIMITY: {"delivery_mode": "in_house", "in_house_fte": "1,5", "description": "Consultations."},
        Mission.INTERPRETING: {
            "delivery_mode": "partner",
            "in_house_fte": "2",
            "partner_name": "ISM Interprétariat",
            "description": "Interprétariat par téléphone et sur place.",
        },
        Mission.PREVENTION: {
            "delivery_mode": "both",
            "in_house_fte": "0,2",
            "partner_name": "Ville de Saint-Denis",
            "description": "Ateliers.",
        },
    }
    response = post_step(client, draft, "missions", wizard_data.missions(lines))
    assert response["Location"] == step_url(draft, "attestations")
    saved = {line.mission: line for line in draft.mission_lines.all()}
    assert set(saved) == {Mission.PROXIMITY, Mission.INTERPRETING, Mission.PREVENTION}
    assert saved[Mission.PROXIMITY].in_house_fte == Decimal("1.50")
    assert saved[Mission.INTERPRETING].in_house_fte is None  # a partner's mission has no in-house FTE
    assert saved[Mission.INTERPRETING].partner_name == "ISM Interprétariat"
    assert saved[Mission.PREVENTION].delivery_mode == DeliveryMode.BOTH
    html = client.get(step_url(draft, "missions")).content.decode()
    assert "ISM Interprétariat" in html and "Ateliers." in html


def test_missions_step_refuses_incomplete_missions_and_keeps_them(client, draft):
    lines = {
        Mission.PROXIMITY: {"delivery_mode": "partner", "description": "Consultations avec la ville."},
        Mission.SOCIAL_SUPPORT: {"delivery_mode": "in_house", "in_house_fte": "0", "description": "Permanence."},
        Mission.HEALTH_MEDIATION: {"partner_name": "Association Aurore"},
    }
    response = post_step(client, draft, "missions", wizard_data.missions(lines))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nommez le partenaire qui réalise la mission." in html
    assert "Indiquez les ETP salariés consacrés à la mission (plus de 0)." in html
    assert "Indiquez comment la mission est réalisée, ou videz ses champs" in html
    assert "Décrivez comment la mission est réalisée." in html
    assert "Consultations avec la ville." in html and "Association Aurore" in html
    assert not draft.mission_lines.exists()


# --- Attestations ------------------------------------------------------------------------------------------


def test_attestations_step_saves_checked_and_unchecked_boxes(client, draft):
    post_step(client, draft, "attestations", wizard_data.attestations())
    draft.refresh_from_db()
    assert draft.attests_tiers_payant and draft.attests_no_overbilling and draft.attests_open_to_all
    post_step(client, draft, "attestations", {"attests_tiers_payant": "on"})
    draft.refresh_from_db()
    assert draft.attests_tiers_payant and not draft.attests_no_overbilling


# --- Buttons -----------------------------------------------------------------------------------------------


def test_save_button_stays_on_the_step_and_previous_goes_back(client, draft):
    response = post_step(client, draft, "localisation", wizard_data.location(), action="save")
    assert response["Location"] == step_url(draft, "localisation")
    assert messages_of(response, SUCCESS)
    response = post_step(client, draft, "localisation", wizard_data.location(), action="previous")
    assert response["Location"] == step_url(draft, "identite")


def test_every_step_shows_the_stepper(client, draft):
    for number, slug in enumerate(
        ["identite", "localisation", "equipe", "missions", "attestations", "documents", "recapitulatif"], start=1
    ):
        response = client.get(step_url(draft, slug))
        assert response.status_code == 200
        assert f"Étape {number} sur 7" in response.content.decode()


# --- Optimistic concurrency --------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_the_typed_values_are_kept(client, draft, manager):
    draft.refresh_from_db()
    opened = draft.version
    # Someone else saves in between.
    services.structure_update(structure=draft, user=manager, fields={"legal_form": "SCIC"})
    data = wizard_data.identity(name="Nom saisi pendant ce temps", legal_form="Association")
    response = post_step(client, draft, "identite", data, version=opened)
    html = response.content.decode()
    assert response.status_code == 200
    assert "modifié par une autre personne" in html
    assert elements(html, value="Nom saisi pendant ce temps")
    draft.refresh_from_db()
    assert draft.legal_form == "SCIC" and draft.name != "Nom saisi pendant ce temps"


def test_a_stale_version_on_the_team_step_changes_nothing(client, draft, manager):
    draft.refresh_from_db()
    opened = draft.version
    services.structure_update(structure=draft, user=manager, fields={"legal_form": "SCIC"})
    response = post_step(client, draft, "equipe", wizard_data.team(), version=opened)
    assert "modifié par une autre personne" in response.content.decode()
    assert not draft.team_lines.exists()


def test_a_missing_version_is_refused(client, draft):
    response = client.post(step_url(draft, "attestations"), {**wizard_data.attestations(), "version": ""})
    assert response.status_code == 200
    assert "version du dossier absente" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.attests_tiers_payant


# --- Resuming a draft --------------------------------------------------------------------------------------


def _resume_link(client, structure):
    html = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    return html


def test_the_structure_page_resumes_at_the_first_incomplete_step(client, draft):
    html = _resume_link(client, draft)
    assert "Reprendre la saisie" in html
    assert elements(html, "a", href=step_url(draft, "identite"), text_starts="Reprendre la saisie")
    post_step(client, draft, "identite", wizard_data.identity())
    html = _resume_link(client, draft)
    assert elements(html, "a", href=step_url(draft, "localisation"), text_starts="Reprendre la saisie")
    post_step(client, draft, "localisation", wizard_data.location())
    post_step(client, draft, "equipe", wizard_data.team())
    html = _resume_link(client, draft)
    assert elements(html, "a", href=step_url(draft, "missions"), text_starts="Reprendre la saisie")


def test_a_complete_draft_offers_to_check_and_submit(client, manager):
    structure = StructureFactory(manager=manager, complete=True)
    html = _resume_link(client, structure)
    assert elements(html, "a", href=step_url(structure, "recapitulatif"), text_starts="Vérifier et déposer")
    assert "Reprendre la saisie" not in html


# --- Who may edit ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "in_review", "eligible", "withdrawn"])
def test_a_file_past_the_draft_cannot_be_edited(manager, ars_idf, state):
    structure = StructureFactory(manager=manager, state=state, reviewer=ars_idf)
    client = client_for(manager)
    response = client.post(step_url(structure, "attestations"), {"version": structure.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:detail", args=[structure.pk])
    assert messages_of(response, ERROR)
    assert client.get(step_url(structure, "identite")).status_code == 302


def test_a_file_sent_back_can_be_edited_again(manager, ars_idf):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    client = client_for(manager)
    assert client.get(step_url(structure, "identite")).status_code == 200
    response = post_step(client, structure, "identite", {**wizard_data.identity(), "finess_et": structure.finess_et})
    assert response.status_code == 302


def test_staff_in_scope_are_sent_back_to_the_structure_page(manager, ars_idf, cnam):
    structure = StructureFactory(manager=manager, changes_requested=True, reviewer=ars_idf)
    for user in (ars_idf, cnam):
        response = client_for(user).get(step_url(structure, "identite"))
        assert response.status_code == 302
        assert messages_of(response, ERROR)


def test_out_of_scope_and_unknown_steps_are_404(manager, draft, ars_idf):
    other = make_user("autre@test.example")
    assert client_for(other).get(step_url(draft, "identite")).status_code == 404
    assert client_for(ars_idf).get(step_url(draft, "identite")).status_code == 404  # a draft is not the ARS's
    assert client_for(manager).get(step_url(draft, "inconnue")).status_code == 404


def test_a_new_finess_in_the_form_of_another_departement_is_still_a_valid_number(client, draft):
    number = make_finess("69000123")
    post_step(client, draft, "identite", wizard_data.identity(finess_et=number))
    draft.refresh_from_db()
    assert draft.finess_et == number


def test_a_mission_can_be_left_out_again(client, draft):
    described = {Mission.PREVENTION: {"delivery_mode": "in_house", "in_house_fte": "0,2", "description": "Ateliers."}}
    post_step(client, draft, "missions", wizard_data.missions(described))
    assert draft.mission_lines.filter(mission=Mission.PREVENTION).exists()
    html = client.get(step_url(draft, "missions")).content.decode()
    assert "Non renseignée pour l&#x27;instant" in html
    cleared = {Mission.PREVENTION: {"delivery_mode": ""}}
    response = post_step(client, draft, "missions", {**wizard_data.missions(cleared), "missions-7-delivery_mode": ""})
    assert response.status_code == 302
    assert not draft.mission_lines.exists()


def test_a_finess_of_another_departement_than_the_commune_is_flagged(client, draft):
    post_step(client, draft, "identite", wizard_data.identity(finess_et=make_finess("75000123")))
    # Without the default's 2015 QPV code, which has a warning of its own.
    response = post_step(client, draft, "localisation", wizard_data.location(qpv_codes=wizard_data.QPV_SAINT_DENIS))
    assert response.status_code == 302  # a warning, not an error
    [warning] = messages_of(response, WARNING)
    assert "désigne le département 75, mais la commune est dans le département 93" in warning
    client.get(step_url(draft, "equipe"))  # shows, and so clears, the warning
    response = post_step(client, draft, "identite", wizard_data.identity(finess_et=make_finess("93000123")))
    assert not messages_of(response, WARNING)


# --- Leaving a step through the side menu never loses what was typed (issue 12 §5) --------------------------


def _goto(client, structure, step, target, **changes):
    url = reverse("structures:step", args=[structure.pk, step])
    data = rendered_form(client.get(url).content.decode(), "data-secpa-step-form")
    data.update(changes)
    data["action"] = f"goto:{target}"  # what static/js/portal.js adds when a side-menu step is clicked
    return client.post(url, data)


@pytest.mark.django_db
def test_a_side_menu_step_clicked_with_changes_saves_them_then_opens_that_step(manager):
    structure = StructureFactory(manager=manager)
    client = client_for(manager)
    response = _goto(client, structure, "identite", "missions", name="Centre de santé renommé")
    assert response.status_code == 302
    assert response["Location"] == reverse("structures:step", args=[structure.pk, "missions"])
    assert Structure.objects.get(pk=structure.pk).name == "Centre de santé renommé"


@pytest.mark.django_db
def test_a_side_menu_step_clicked_without_changes_saves_nothing(manager):
    structure = StructureFactory(manager=manager)
    version = Structure.objects.get(pk=structure.pk).version
    events = Event.objects.count()
    client = client_for(manager)
    response = _goto(client, structure, "localisation", "equipe")
    assert response["Location"] == reverse("structures:step", args=[structure.pk, "equipe"])
    assert Structure.objects.get(pk=structure.pk).version == version
    assert Event.objects.count() == events
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_side_menu_step_clicked_with_a_mistake_keeps_the_step_and_what_was_typed(manager):
    structure = StructureFactory(manager=manager)
    response = _goto(client_for(manager), structure, "identite", "equipe", name="Centre corrigé", siret="123")
    assert response.status_code == 200
    html = response.content.decode()
    assert elements(html, value="Centre corrigé") and elements(html, value="123")
    assert "SIRET" in html
    assert Structure.objects.get(pk=structure.pk).name != "Centre corrigé"
