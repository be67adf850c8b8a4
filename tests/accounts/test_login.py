import re

import pytest
from django.core import mail
from django.urls import reverse

from secpa_portal.reference.models import Departement, Region


@pytest.mark.django_db
def test_reference_data_loaded():
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 103  # 101 départements, then Saint-Barthélemy (977) and Saint-Martin (978)
    assert Departement.objects.get(code="63").region.name == "Auvergne-Rhône-Alpes"
    assert Departement.objects.get(code="2A").region_id == "94"


@pytest.mark.django_db
def test_login_with_email_then_logout(client, manager):
    response = client.post(
        reverse("accounts:login"), {"username": "GESTION@test.example", "password": "secpa-test-2026"}
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_says_so_in_french_and_keeps_email(client, manager):
    response = client.post(reverse("accounts:login"), {"username": "gestion@test.example", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert 'value="gestion@test.example"' in html


@pytest.mark.django_db
def test_lockout_after_five_failures(client, manager):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "gestion@test.example", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "gestion@test.example", "password": "secpa-test-2026"}
    )
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()


@pytest.mark.django_db
def test_session_lasts_eight_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


@pytest.mark.django_db
def test_password_reset_sends_a_french_email(client, manager):
    response = client.post(reverse("accounts:password_reset"), {"email": "gestion@test.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "réinitialisation" in mail.outbox[0].subject
    assert "/compte/mot-de-passe/nouveau/" in mail.outbox[0].body


@pytest.mark.django_db
def test_lockout_counts_every_spelling_of_the_address_as_one_account(client, manager):
    for spelling in ["gestion@test.example", "Gestion@test.example", " GESTION@test.example", "gEsTiOn@TEST.example"]:
        client.post(reverse("accounts:login"), {"username": spelling, "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "GESTION@TEST.EXAMPLE", "password": "wrong"})

    response = client.post(
        reverse("accounts:login"), {"username": "GeStIoN@test.example", "password": "secpa-test-2026"}
    )
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()


@pytest.mark.django_db
def test_a_success_resets_the_count_for_every_spelling(client, manager):
    for _ in range(4):
        client.post(reverse("accounts:login"), {"username": "Gestion@test.example", "password": "wrong"})
    assert (
        client.post(
            reverse("accounts:login"), {"username": "gestion@test.example", "password": "secpa-test-2026"}
        ).status_code
        == 302
    )
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        client.post(reverse("accounts:login"), {"username": "GESTION@test.example", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "gestion@test.example", "password": "secpa-test-2026"}
    )
    assert response.status_code == 302, "four failures after a success do not lock the account"


@pytest.mark.django_db
def test_password_reset_link_sets_a_new_password_that_logs_in(client, manager):
    client.post(reverse("accounts:password_reset"), {"email": "gestion@test.example"})
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    weak = client.post(set_password_url, {"new_password1": "abc", "new_password2": "abd"})
    assert weak.status_code == 200
    assert "Les deux mots de passe ne correspondent pas" in weak.content.decode()

    done = client.post(
        set_password_url, {"new_password1": "Nouveau-mot-de-passe-2026", "new_password2": "Nouveau-mot-de-passe-2026"}
    )
    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    assert (
        client.post(
            reverse("accounts:login"), {"username": "gestion@test.example", "password": "Nouveau-mot-de-passe-2026"}
        ).status_code
        == 302
    )
    assert client.get(link, follow=True).context["validlink"] is False, "the link works once"


@pytest.mark.django_db
def test_password_reset_says_nothing_about_unknown_addresses(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@test.example"})
    assert response.status_code == 302
    assert mail.outbox == []
