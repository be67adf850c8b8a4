"""Typed text refuses invisible and control characters; oversized bodies are refused before being read."""

import io
import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from secpa_portal.core.text import refused_character
from structures.models import Structure
from tests.conftest import client_for
from tests.factories import StructureFactory
from tests.forms import form_holding

HOSTILE = {
    "bidi override": "Centre\u202eFDP",
    "zero-width space": "Alma\u200b",
    "zero-width joiner": "Al\u200dma",
    "BOM": "\ufeffAlma",
    "bidi isolate": "Alma\u2066x\u2069",
    "NUL": "Al\x00ma",
    "escape": "Alma\x1b[31m",
    "C1 control": "Al\x85ma",
    "newline": "Alma\nObjet : urgent",
    "carriage return": "Alma\rX",
    "tab": "Alma\tX",
    "line separator": "Alma\u2028X",
}


class Sample(forms.Form):
    name = forms.CharField()
    email = forms.EmailField(required=False)
    comment = forms.CharField(widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_single_line_fields_refuse_it_in_french(value):
    form = Sample({"name": value})
    assert not form.is_valid()
    [message] = form.errors["name"]
    assert "caractère invisible ou de contrôle" in message or "tient sur une ligne" in message


def test_ordinary_french_text_passes():
    for value in ["Centre de santé « L'Alma » — Saint-Étienne", "Œuvre n° 12 · 50 %", "ＡＢ 東京", "Ñandú 😀"]:
        assert Sample({"name": value}).is_valid(), value


def test_multi_line_fields_keep_line_breaks_but_not_invisible_characters():
    assert Sample({"name": "x", "comment": "Ligne 1\r\nLigne 2\tfin"}).is_valid()
    form = Sample({"name": "x", "comment": "Ligne\u202e1"})
    assert not form.is_valid() and "comment" in form.errors


def test_email_fields_too_and_passwords_untouched():
    assert not Sample({"name": "x", "email": "a\u200b@x.fr"}).is_valid()
    assert Sample({"name": "x", "password": "mot\u200bde\x01passe"}).is_valid()


def test_refused_character():
    assert refused_character("abc") is None
    assert refused_character("a\u202eb") == "\u202e"
    assert refused_character("a\nb", multi_line=True) is None


@pytest.mark.django_db
def test_a_structure_name_with_a_bidi_override_is_refused_through_the_page(manager):
    """The structure's identity step, posted as the page renders it, with a hostile name."""
    structure = StructureFactory(manager=manager)
    client = client_for(manager)
    url = reverse("structures:step", args=[structure.pk, "identite"])
    data = form_holding(client.get(url), "name")
    data["name"] = "Centre\u202eFDP"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "caractère invisible ou de contrôle (U+202E)" in response.content.decode()
    assert Structure.objects.get(pk=structure.pk).name == structure.name


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_from_its_content_length(manager, settings):
    settings.MAX_REQUEST_BODY_SIZE = 1024
    structure = StructureFactory(manager=manager)
    url = reverse("structures:step", args=[structure.pk, "documents"])

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    client = client_for(manager)
    client.get(url)
    response = client.generic(
        "POST",
        url,
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(30 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "Envoi trop volumineux" in html
    assert re.search(r"Votre envoi pèse 30,0\s+Mio", html)
    assert 'lang="fr"' in html


@pytest.mark.django_db
def test_the_limit_leaves_a_ten_megabyte_document_to_the_form(settings):
    assert settings.MAX_REQUEST_BODY_SIZE > 10 * 1024 * 1024
    response = Client().post(reverse("accounts:login"), {"username": "x@x.fr", "password": "y"})
    assert response.status_code == 200
