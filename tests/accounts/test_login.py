import pytest
from django.core import mail
from django.urls import reverse

from secpa_portal.reference.models import Departement, Region


@pytest.mark.django_db
def test_reference_data_loaded():
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
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
