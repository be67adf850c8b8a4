"""The registration forms on real-format identifiers, in French."""

from decimal import Decimal

import pytest

from secpa_portal.reference.identifiers import make_siret
from structures.enums import ProfessionalCategory
from structures.forms import IdentityForm, LocationForm
from structures.forms.documents import clean_file_name
from structures.forms.fields import CountField, FrenchDecimalField
from structures.forms.team import TeamLineForm
from structures.models import Document, document_upload_to

pytestmark = pytest.mark.django_db


def identity(**data):
    form = IdentityForm({"name": "Centre de santé", **data})
    form.is_valid()
    return form


def test_a_corsican_finess_is_accepted_with_a_warning():
    form = identity(finess_et="2B 000 1234")
    assert form.is_valid()
    assert form.cleaned_data["finess_et"] == "2B0001234"
    assert form.warnings == [
        "Numéro FINESS de l'établissement : La clé de contrôle des numéros FINESS de Corse (2A, 2B) ne peut pas "
        "être vérifiée : assurez-vous que le numéro est exact."
    ]


@pytest.mark.parametrize(
    ("finess", "message"),
    [
        ("93001234", "Le numéro FINESS doit comporter 9 caractères (ex. 930012349) ; vous en avez saisi 8."),
        ("960012345", "« 96 » n'en est pas un"),
        ("930012345", "La clé de contrôle du numéro FINESS est incorrecte : vérifiez le numéro."),
        ("93OO12349", "Le numéro FINESS ne contient que des chiffres"),
    ],
)
def test_bad_finess_numbers_are_explained(finess, message):
    form = identity(finess_ej=finess)
    assert any(message in error for error in form.errors["finess_ej"])


def test_la_poste_sirets_follow_their_own_rule():
    good = make_siret("356000000", "0123")
    assert identity(siret=good).is_valid()
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert (
        "La clé de contrôle du numéro SIRET est incorrecte : vérifiez le numéro."
        in identity(siret=bad).errors["siret"]
    )


def test_qpv_codes_of_both_lists_are_parsed():
    form = LocationForm({"qpv_codes": "QP093028\nqn07501m; QN02A01I, QP093028", "commune_code": "2A004"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["qpv_codes"] == ["QP093028", "QN07501M", "QN02A01I"]
    assert form.cleaned_data["commune_code"] == "2A004"


def test_each_bad_qpv_code_gets_its_message():
    form = LocationForm({"qpv_codes": "QN07501X, QP09302, ZZ093028"})
    assert not form.is_valid()
    errors = form.errors["qpv_codes"]
    assert len(errors) == 3
    assert errors[0].startswith("« QN07501X » : Un code QPV de la liste 2024 se termine par 2 chiffres")


def test_a_corsican_postal_code_is_not_a_commune_code():
    form = LocationForm({"commune_code": "20000"})
    assert form.errors["commune_code"] == ["20000 est un code postal (Ajaccio) : le code commune INSEE est 2A004."]
    # A code of the old département 20 that is no postal code either: the format check explains 2A / 2B.
    form = LocationForm({"commune_code": "20999"})
    assert "ressemble à un code postal de Corse" in form.errors["commune_code"][0]


def test_french_numbers_are_read_as_typed():
    assert FrenchDecimalField().clean("1 250,5") == Decimal("1250.5")
    assert FrenchDecimalField().clean("73\u202f500 €") == Decimal("73500")
    assert CountField().clean("3 200") == 3200


def test_a_blank_or_empty_team_line_is_no_line():
    for data in ({}, {"headcount": "0", "fte": "0"}):
        form = TeamLineForm(data, category=ProfessionalCategory.NURSE)
        assert form.is_valid()
        assert form.line() is None


def test_file_names_are_cleaned():
    assert clean_file_name("C:\\Users\\moi\\statuts.pdf") == "statuts.pdf"
    assert clean_file_name("../../etc/passwd") == "passwd"
    assert clean_file_name("\x00\x1f") == ""
    assert len(clean_file_name("a" * 400 + ".pdf")) == 200


def test_stored_names_are_random_with_a_sane_extension():
    document = Document(structure_id=7, kind="statutes")
    first = document_upload_to(document, "Statuts signés.PDF")
    assert first.startswith("structures/7/statutes/") and first.endswith(".pdf")
    assert first != document_upload_to(document, "Statuts signés.PDF")
    assert "." not in document_upload_to(document, "statuts.p$f").rsplit("/", 1)[1]
