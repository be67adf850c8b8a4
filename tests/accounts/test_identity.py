"""Login identity: one normalised address per account, the same key for the login, the lockout and the reset."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse

from secpa_portal.accounts.identity import normalize_email
from secpa_portal.accounts.models import User
from tests.conftest import make_user

LONG_S = "ge\u017ftion.pdl@secpa.example"  # « geſtion »: U+017F LATIN SMALL LETTER LONG S


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_normalize_email_folds_case_compatibility_and_spaces():
    assert normalize_email("  Gestion.PDL@Secpa.Example ") == "gestion.pdl@secpa.example"
    assert normalize_email(LONG_S) == "gestion.pdl@secpa.example"
    assert normalize_email("ＡＢ@x.fr") == "ab@x.fr"
    assert normalize_email(None) == ""


@pytest.mark.django_db
def test_addresses_are_stored_normalised(manager):
    user = make_user(" Geſtion.PDL@Secpa.Example ")
    assert User.objects.get(pk=user.pk).email == "gestion.pdl@secpa.example"
    user.email = "AUTRE@Secpa.Example"
    user.save()
    assert User.objects.get(pk=user.pk).email == "autre@secpa.example"


@pytest.mark.django_db
def test_the_data_migration_normalises_existing_rows(manager):
    User.objects.filter(pk=manager.pk).update(email="GESTION@Test.Example")
    importlib.import_module("secpa_portal.accounts.migrations.0003_normalise_emails").normalise(apps, None)
    assert User.objects.get(pk=manager.pk).email == "gestion@test.example"


@pytest.mark.django_db
def test_the_data_migration_stops_on_two_spellings_of_one_address(manager):
    other = make_user("autre@test.example")
    User.objects.filter(pk=other.pk).update(email="GESTION@test.example")
    with pytest.raises(RuntimeError, match="fusionner"):
        importlib.import_module("secpa_portal.accounts.migrations.0003_normalise_emails").normalise(apps, None)


@pytest.mark.django_db
def test_long_s_neither_bypasses_nor_clears_the_lockout(client):
    """The attack of issue 10 — on PostgreSQL, ``email__iexact`` matched « geſtion » and axes counted it apart."""
    make_user("gestion.pdl@secpa.example")
    for _ in range(5):
        login(client, "gestion.pdl@secpa.example", "wrong")

    response = login(client, LONG_S, "secpa-test-2026")
    assert response.status_code == 429, f"{connection.vendor}: the long s logged in past the lockout"
    assert login(client, "gestion.pdl@secpa.example", "secpa-test-2026").status_code == 429, "the lock stayed"


@pytest.mark.django_db
def test_long_s_failures_count_against_the_account(client):
    make_user("gestion.pdl@secpa.example")
    for _ in range(5):
        login(client, LONG_S, "wrong")
    assert login(client, "gestion.pdl@secpa.example", "secpa-test-2026").status_code == 429


@pytest.mark.django_db
def test_login_matches_the_normalised_address_exactly(client):
    make_user("gestion.pdl@secpa.example")
    # PostgreSQL's UPPER() folds the dotless ı to I: with __iexact « ınfo » reached « info ».
    make_user("info@secpa.example")
    assert login(client, "\u0131nfo@secpa.example", "secpa-test-2026").status_code == 200
    assert login(client, " GESTION.pdl@secpa.example ", "secpa-test-2026").status_code == 302


@pytest.mark.django_db
def test_password_reset_finds_the_account_by_its_normalised_address(client, manager):
    client.post(reverse("accounts:password_reset"), {"email": "Geſtion@test.example"})
    assert [message.to for message in mail.outbox] == [["gestion@test.example"]]


@pytest.mark.django_db
def test_password_reset_is_throttled_per_address(client, manager, settings):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 3
    answers = [
        client.post(reverse("accounts:password_reset"), {"email": spelling}, follow=True)
        for spelling in [
            "gestion@test.example",
            "GESTION@test.example",
            " gestion@test.example",
            "geſtion@test.example",
        ]
    ]
    assert len(mail.outbox) == 3
    pages = {
        (tuple(answer.redirect_chain), re.sub(r'nonce="[^"]*"', "", answer.content.decode())) for answer in answers
    }
    assert len(pages) == 1, "the page answers the same whether sent or not"
    assert "Si un compte correspond à cette adresse" in answers[-1].content.decode()


@pytest.mark.django_db
def test_password_reset_is_throttled_per_client(client, manager, settings):
    settings.PASSWORD_RESET_MAX_PER_CLIENT = 2
    others = [make_user(f"gestion{i}@test.example") for i in range(3)]
    for user in others:
        response = client.post(reverse("accounts:password_reset"), {"email": user.email})
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    # Another client still may.
    from django.test import Client

    Client(REMOTE_ADDR="10.0.0.9").post(reverse("accounts:password_reset"), {"email": "gestion@test.example"})
    assert len(mail.outbox) == 3
