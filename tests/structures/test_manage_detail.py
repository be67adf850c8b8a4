"""The structure page: the whole file for every role in scope, its pre-check and timeline, bounded queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from structures import services
from structures.enums import DocumentKind, ProfessionalCategory
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory, pdf_upload

pytestmark = pytest.mark.django_db


def detail(user, structure):
    return client_for(user).get(reverse("structures:detail", args=[structure.pk]))


@pytest.fixture
def submitted(manager):
    return StructureFactory(manager=manager, submitted=True, name="Centre de santé du Franc-Moisin")


# Each tab of the structure page (its URL name) and the sections it shows.
TABS = {
    "structures:detail": ("Identité", "Localisation et territoire", "Attestations", "Pré-contrôle", "Gestionnaires"),
    "structures:team": ("Équipe et activité",),
    "structures:missions": ("Missions",),
    "structures:documents": ("Pièces justificatives",),
    "structures:history": ("Historique",),
}


def tab(user, structure, name):
    return client_for(user).get(reverse(name, args=[structure.pk]))


@pytest.mark.parametrize("role", ["manager", "ars_idf", "cnam"])
def test_every_role_in_scope_sees_the_whole_file_tab_by_tab(request, submitted, role):
    user = request.getfixturevalue(role)
    pages = {}
    for name, headings in TABS.items():
        response = tab(user, submitted, name)
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<h1 class="fr-mb-1w">{submitted.name}</h1>' in html  # the header is on every tab
        assert f'FINESS <span class="secpa-nowrap">{submitted.finess_et}</span>' in html
        assert "Déposé" in html  # the status badge
        assert f'href="{reverse(name, args=[submitted.pk])}" aria-current="page"' in html  # the current tab
        for heading in headings:
            assert f">{heading}</h2>" in html
        pages[name] = html
    assert "Interprétariat professionnel" in pages["structures:missions"]
    assert "Médecin généraliste" in pages["structures:team"]
    assert "Dossier déposé auprès de l&#x27;ARS" in pages["structures:history"]  # the timeline
    synthese = pages["structures:detail"]
    assert "Rempli" in synthese and "Les sept missions sont décrites avec leur mode de réalisation." in synthese


def test_the_precheck_says_what_fails_and_why(manager):
    draft = StructureFactory(manager=manager)
    html = detail(manager, draft).content.decode()
    assert "Non rempli" in html
    assert "Le type de structure (CDS ou MSP) n&#x27;est pas renseigné." in html
    assert "« Exercice de proximité » non décrite" in html


def test_staff_get_the_review_link_and_managers_do_not(manager, ars_idf, cnam, submitted):
    review = reverse("structures:review", args=[submitted.pk])
    assert review in detail(ars_idf, submitted).content.decode()
    assert review in detail(cnam, submitted).content.decode()
    assert review not in detail(manager, submitted).content.decode()


def test_internal_events_are_hidden_from_managers(manager, ars_idf, cnam, submitted):
    services.review_note_add(structure=submitted, user=ars_idf, text="Appeler la directrice.")
    assert "Note d&#x27;instruction ajoutée" in tab(ars_idf, submitted, "structures:history").content.decode()
    assert "Note d&#x27;instruction ajoutée" in tab(cnam, submitted, "structures:history").content.decode()
    html = tab(manager, submitted, "structures:history").content.decode()
    assert "Note d&#x27;instruction ajoutée" not in html
    assert "Appeler la directrice." not in html


def test_a_decision_and_its_reason_are_shown(manager, ars_idf):
    structure = StructureFactory(manager=manager, ineligible=True, reviewer=ars_idf)
    html = detail(manager, structure).content.decode()
    assert "Non éligible" in html
    assert "Le territoire desservi ne relève pas du dispositif." in html
    assert "Reprendre la saisie" not in html and "Retirer le dossier" not in html


@pytest.mark.parametrize("name", [*TABS, "structure_convention", "structure_reports", "structure_funding"])
def test_every_tab_out_of_scope_is_404(manager, ars_ara, ars_idf, cnam, submitted, name):
    assert tab(ars_ara, submitted, name).status_code == 404
    assert tab(make_user("autre@test.example"), submitted, name).status_code == 404
    draft = StructureFactory(manager=manager)
    assert tab(ars_idf, draft, name).status_code == 404
    assert tab(cnam, draft, name).status_code == 404
    assert tab(manager, draft, name).status_code == 200


def test_out_of_scope_is_404(manager, ars_ara, ars_idf, cnam, submitted):
    assert detail(ars_ara, submitted).status_code == 404
    assert detail(make_user("autre@test.example"), submitted).status_code == 404
    draft = StructureFactory(manager=manager)
    assert detail(ars_idf, draft).status_code == 404
    assert detail(cnam, draft).status_code == 404
    assert client_for(manager).get(reverse("structures:detail", args=[999999])).status_code == 404


# --- Bounded queries ---------------------------------------------------------------------------------------

# 10 since the pre-check checks the QPV codes against the reference list (one query, whatever the rows).
QUERY_BOUND = 10


def _file_with(manager, ars_idf, rows):
    """A submitted file with ``rows`` documents and internal events, and up to ``rows`` team lines."""
    structure = StructureFactory(manager=manager, complete=True)
    categories = list(ProfessionalCategory)[: max(2, min(rows, len(ProfessionalCategory)))]
    services.team_replace(
        structure=structure,
        user=manager,
        lines=[{"category": c, "headcount": 2, "fte": Decimal("1.5")} for c in categories],
    )
    for index in range(rows):
        services.document_add(
            structure=structure, user=manager, kind=DocumentKind.OTHER, uploaded_file=pdf_upload(f"annexe-{index}.pdf")
        )
    services.structure_submit(structure=structure, user=manager)
    for index in range(rows):
        services.review_note_add(structure=structure, user=ars_idf, text=f"Note {index}")
    return structure


@pytest.mark.parametrize("rows", [2, 30])
@pytest.mark.parametrize("role", ["manager", "ars_idf", "cnam"])
@pytest.mark.parametrize("name", list(TABS))
def test_every_tab_costs_the_same_queries_with_2_or_30_rows(
    request, manager, ars_idf, django_assert_max_num_queries, rows, role, name
):
    structure = _file_with(manager, ars_idf, rows)
    client = client_for(request.getfixturevalue(role))
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(reverse(name, args=[structure.pk]))
    assert response.status_code == 200
    if name == "structures:documents":
        assert f"annexe-{rows - 1}.pdf" in response.content.decode()
    if name == "structures:history" and role != "manager":
        assert "Note d&#x27;instruction ajoutée" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 30])
@pytest.mark.parametrize("slug", ["identite", "equipe", "missions", "documents", "recapitulatif"])
def test_the_steps_cost_the_same_queries_with_2_or_30_rows(manager, django_assert_max_num_queries, rows, slug):
    structure = StructureFactory(manager=manager, complete=True)
    for index in range(rows):
        services.document_add(
            structure=structure, user=manager, kind=DocumentKind.OTHER, uploaded_file=pdf_upload(f"annexe-{index}.pdf")
        )
    client = client_for(manager)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(reverse("structures:step", args=[structure.pk, slug]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 30])
@pytest.mark.parametrize("name", ["submit", "withdraw"])
def test_confirmation_pages_cost_the_same_queries_with_2_or_30_rows(
    manager, ars_idf, django_assert_max_num_queries, rows, name
):
    structure = _file_with(manager, ars_idf, rows)
    if name == "submit":
        services.structure_take(structure=structure, user=ars_idf)
        services.structure_decide(structure=structure, user=ars_idf, decision="request_changes", reason="Statuts")
    client = client_for(manager)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(reverse(f"structures:{name}", args=[structure.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 30])
def test_the_create_page_costs_the_same_queries_however_many_structures(manager, django_assert_max_num_queries, rows):
    for _index in range(rows):
        StructureFactory(manager=manager)
    client = client_for(manager)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(reverse("structures:create"))
    assert response.status_code == 200
