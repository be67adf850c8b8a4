"""The DSFR stylesheets and scripts, and the portal's scripts, carry the integrity of the file actually served,
after collectstatic too."""

import base64
import hashlib
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from dsfr.checksums import INTEGRITY_CSS

TAG = re.compile(r'<(?:link rel="stylesheet"|script[^>]*?)\s+(?:href|src)="([^"]+)"\s+integrity="([^"]+)"')


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def _integrities(client):
    html = client.get(reverse("core:home")).content.decode()
    found = TAG.findall(html)
    assert len(found) == 6, found  # two DSFR stylesheets, two DSFR scripts, the portal's and the confirmation's
    return found


@pytest.mark.django_db
def test_integrity_matches_the_files_collectstatic_wrote(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        # Django's manifest storage rewrites url(...) like whitenoise's; the compression would only slow the test.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    for url, integrity in _integrities(client):
        name = url.removeprefix(settings.STATIC_URL).removeprefix("/")
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", name), name  # the manifest's hashed copy
        served = (settings.STATIC_ROOT / name).read_bytes()
        assert integrity == _sri(served), name
    # The package's hash is for the file before collectstatic rewrote its url(...): it would be refused.
    assert INTEGRITY_CSS not in [integrity for _, integrity in _integrities(client)]


@pytest.mark.django_db
def test_integrity_in_development_is_that_of_the_found_file(client, settings):
    from django.contrib.staticfiles import finders

    for url, integrity in _integrities(client):
        path = finders.find(url.removeprefix(settings.STATIC_URL).removeprefix("/"))
        with open(path, "rb") as handle:
            assert integrity == _sri(handle.read())
