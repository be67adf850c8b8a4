import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.html import elements

PUBLIC_PAGES = ["core:home", "core:accessibility", "core:legal_notice", "core:personal_data", "accounts:login"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_render_in_french_with_skip_links(client, name, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Aller au contenu" in html
    assert len(elements(html, "h1")) == 1
    assert "Accessibilité : partiellement conforme" in html
    assert "— SECPA</title>" in html


def test_healthz_needs_no_login(client):
    assert client.get("/healthz").content == b"ok"


@pytest.mark.django_db
def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_header_shows_role_and_scope(ars_idf):
    response = client_for(ars_idf).get(reverse("dashboard"))
    assert "Agent ARS · Île-de-France" in response.content.decode()


@pytest.mark.django_db
def test_csp_header_has_nonce_and_no_unsafe_inline(client):
    header = client.get(reverse("core:home"))["Content-Security-Policy"]
    assert "'nonce-" in header
    assert "unsafe-inline" not in header


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", [None, "manager", "ars_idf", "cnam"])
def test_skip_links_reach_their_targets_and_the_footer_links_every_public_page(request, client, user_fixture):
    browser = client_for(request.getfixturevalue(user_fixture)) if user_fixture else client
    html = browser.get(reverse("dashboard" if user_fixture else "core:home")).content.decode()
    for label, target in [
        ("Aller au contenu", "contenu"),
        ("Aller au menu", "menu"),
        ("Aller au pied de page", "pied-de-page"),
    ]:
        assert elements(html, "a", href=f"#{target}", text=label)
        assert elements(html, id=target)
    for name, label in [
        ("core:accessibility", "Accessibilité : partiellement conforme"),
        ("core:legal_notice", "Mentions légales"),
        ("core:personal_data", "Données personnelles"),
    ]:
        assert elements(html, "a", href=reverse(name), text=label)
        assert browser.get(reverse(name)).status_code == 200
