"""Two-factor authentication: TOTP and recovery codes, required of agents when REQUIRE_2FA_FOR_STAFF is on."""

import datetime
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from secpa_portal.accounts.enums import Role
from tests.conftest import make_user
from tests.forms import form_holding
from tests.html import elements

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA_FOR_STAFF = True


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def code_for(device, at):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at.timestamp()
    return f"{totp.token():0{device.digits}d}"


def login(client, email):
    response = client.post(reverse("accounts:login"), {"username": email, "password": "secpa-test-2026"})
    assert response.status_code == 302
    return response


def enrol(client, clock, at=START):
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    assert secret.replace(" ", "") and "otpauth://totp/" in page.content.decode()
    data = form_holding(page, "token")
    data["token"] = code_for(device, at)
    return client.post(reverse("accounts:two_factor_setup"), data)


def test_an_agent_must_enrol_then_gets_recovery_codes(client, cnam, required, clock):
    login(client, cnam.email)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_setup"))
    assert client.get(reverse("dotations:campaign_list")).status_code == 302, "no page before the second factor"

    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert "Ce code ne correspond pas" in wrong.content.decode()
    later = START + datetime.timedelta(seconds=10)  # past the throttle a failed code sets
    clock.move_to(later, tick=False)
    done = enrol(client, clock, later)
    assert done.status_code == 200
    html = done.content.decode()
    assert "Double authentification activée" in html
    codes = {code.text for code in elements(html, "code") if re.fullmatch(r"[a-z0-9]+", code.text)}
    assert len([item for item in elements(html, "li") if item.text in codes]) == len(codes) == 10
    assert client.get(reverse("dashboard")).status_code == 200


def test_each_login_then_asks_for_a_code_and_a_recovery_code_works_once(client, ars_idf, required, clock):
    login(client, ars_idf.email)
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", enrol(client, clock).content.decode())
    device = TOTPDevice.objects.get(user=ars_idf, confirmed=True)
    client.post(reverse("accounts:logout"))

    login(client, ars_idf.email)
    response = client.get(reverse("dashboard"))
    assert response.url.startswith(reverse("accounts:two_factor_verify"))
    page = client.get(response.url)
    assert "Code de connexion" in page.content.decode()
    data = form_holding(page, "token")
    data["token"] = "123456"
    refused = client.post(response.url, data)
    assert "Ce code n&#x27;est pas valable" in refused.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    later = START + datetime.timedelta(minutes=5)
    clock.move_to(later, tick=False)
    data["token"] = code_for(device, later)
    verified = client.post(response.url, data)
    assert verified.status_code == 302 and verified.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200

    client.post(reverse("accounts:logout"))
    login(client, ars_idf.email)
    assert client.post(reverse("accounts:two_factor_verify"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))
    login(client, ars_idf.email)
    again = client.post(reverse("accounts:two_factor_verify"), {"token": codes[0]})
    assert again.status_code == 200, "a recovery code serves once"


@pytest.mark.parametrize("role", [Role.ARS_AGENT, Role.CNAM_AGENT, Role.HAS_AGENT, Role.PILOTAGE])
def test_every_agent_role_must_enrol(client, role, required, clock):
    agent = make_user(f"{role}@test.example", role=role, region_code="11" if role == Role.ARS_AGENT else None)
    login(client, agent.email)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_setup"))


def test_the_admin_needs_it_too(client, required, clock):
    admin = make_user("admin@test.example", is_staff=True, is_superuser=True)
    login(client, admin.email)
    assert client.get("/admin/").url.startswith(reverse("accounts:two_factor_setup"))


def test_optional_for_managers_but_asked_once_enrolled(client, manager, required, clock):
    login(client, manager.email)
    assert client.get(reverse("dashboard")).status_code == 200
    assert enrol(client, clock).status_code == 200
    client.post(reverse("accounts:logout"))
    login(client, manager.email)
    assert client.get(reverse("dashboard")).url.startswith(reverse("accounts:two_factor_verify"))


def test_off_in_tests_and_demo_unless_set(client, cnam, settings):
    assert settings.REQUIRE_2FA_FOR_STAFF is False
    login(client, cnam.email)
    assert client.get(reverse("dashboard")).status_code == 200


def test_next_is_kept_and_never_leaves_the_site(client, cnam, required, clock):
    login(client, cnam.email)
    target = reverse("dotations:campaign_list")
    redirect_url = client.get(target).url
    assert redirect_url == f"{reverse('accounts:two_factor_setup')}?next={target}"
    page = client.get(redirect_url)
    data = form_holding(page, "token")
    assert data["next"] == target
    data["next"] = "https://ailleurs.example/"
    device = TOTPDevice.objects.get(user=cnam)
    data["token"] = code_for(device, START)
    html = client.post(reverse("accounts:two_factor_setup"), data).content.decode()
    assert 'href="/tableau-de-bord/"' in html and "ailleurs.example" not in html


def test_the_two_factor_pages_query_counts(client, cnam, required, clock, django_assert_max_num_queries):
    login(client, cnam.email)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    enrol(client, clock)
    client.post(reverse("accounts:logout"))
    login(client, cnam.email)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:two_factor_verify")).status_code == 200
