"""French DSFR error pages with a way back; no special number gives a 500."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from structures.forms.team import CATEGORIES
from tests.conftest import client_for
from tests.factories import StructureFactory
from tests.forms import rendered_form
from tests.html import elements
from tests.structures import wizard_data

pytestmark = pytest.mark.django_db

WAY_BACK = '<a class="fr-btn" href="/">Retour à l\'accueil</a>'


def _assert_french_page(response, status, title):
    html = response.content.decode()
    assert response.status_code == status
    assertInHTML(f"<h1>{title}</h1>", html)
    assert f"Erreur {status}" in html
    assertInHTML(WAY_BACK, html)
    assert '<html lang="fr"' in html and "— SECPA</title>" in html
    assert "Not Found" not in html and "Server Error" not in html and "Forbidden" not in html
    return html


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"


def test_unknown_address_is_the_french_404(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/nope")
    _assert_french_page(response, 404, "Page non trouvée")


def test_out_of_scope_object_is_the_french_404_with_the_dashboard_link(manager, ars_ara):
    structure = StructureFactory(manager=manager)
    response = client_for(ars_ara).get(reverse("structures:detail", args=[structure.pk]))
    html = _assert_french_page(response, 404, "Page non trouvée")
    assert elements(html, "a", href="/tableau-de-bord/", text="Tableau de bord")


def test_400_and_403_are_french(client, error_urls):
    _assert_french_page(client.get("/test/400"), 400, "Requête incorrecte")
    _assert_french_page(client.get("/test/403"), 403, "Accès refusé")


def test_500_is_french_and_needs_no_context_processor(error_urls, monkeypatch, manager):
    def broken_processor(request):
        raise RuntimeError("the database is down")

    monkeypatch.setattr("secpa_portal.core.context_processors.portal", broken_processor)
    client = client_for(manager)
    client.raise_request_exception = False
    response = client.get("/test/500")
    html = _assert_french_page(response, 500, "Erreur inattendue")
    assert "Se connecter" in html  # rendered as for a visitor: the session was not read


def test_csrf_failure_is_french_with_a_way_back(manager):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": manager.email, "password": "x"})
    _assert_french_page(response, 403, "Session expirée")


SPECIAL_NUMBERS = ["sNaN", "-sNaN", "NaN", "-NaN", "Infinity", "-Infinity", "inf", "1e999", "-1e999"]


@pytest.mark.parametrize("value", SPECIAL_NUMBERS)
def test_team_step_refuses_special_numbers_in_french(manager, value):
    structure = StructureFactory(manager=manager)
    client = client_for(manager)
    url = reverse("structures:step", args=[structure.pk, "equipe"])
    # With saved lines, the formset compares the typed value to the saved one: a signalling NaN raised there.
    client.post(url, {**wizard_data.team(), "action": "save", "version": structure.version})
    saved = list(structure.team_lines.values_list("category", "fte"))
    assert saved
    data = rendered_form(client.get(url).content.decode(), "data-secpa-step-form")
    assert "equipe-0-fte" in data
    assert len(CATEGORIES) > 1
    data.update({"equipe-0-fte": value, "action": "next"})
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saisissez un nombre, par exemple 12 ou 12,5." in html or "Ce nombre est trop grand." in html
    assert list(structure.team_lines.values_list("category", "fte")) == saved


def test_unknown_address_for_a_signed_in_user_keeps_the_menu(manager):
    html = _assert_french_page(client_for(manager).get("/nope"), 404, "Page non trouvée")
    assert elements(html, "a", href="/tableau-de-bord/", text="Tableau de bord")
