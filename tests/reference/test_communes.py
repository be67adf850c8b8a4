"""The communes of the official geographic code (COG): loaded by the migration, checked at the location step."""

import gzip
import json

import pytest
from django.core.management import CommandError, call_command

from secpa_portal.reference.communes import check_commune
from secpa_portal.reference.models import Commune
from structures.forms.registration import LocationForm

pytestmark = pytest.mark.django_db


def test_the_migration_loads_the_committed_file():
    assert Commune.objects.count() > 34_000
    saint_denis = Commune.objects.get(code="93066")
    assert (saint_denis.name, saint_denis.departement_code, saint_denis.region_code) == ("Saint-Denis", "93", "11")
    assert saint_denis.postal_code_list == ["93200", "93210", "93380"]


@pytest.mark.parametrize(
    ("code", "name", "departement", "region"),
    [
        ("2A004", "Ajaccio", "2A", "Corse"),
        ("2b033", "Bastia", "2B", "Corse"),
        ("97101", "Les Abymes", "971", "Guadeloupe"),
        ("97209", "Fort-de-France", "972", "Martinique"),
        ("97302", "Cayenne", "973", "Guyane"),
        ("97411", "Saint-Denis", "974", "La Réunion"),
        ("97611", "Mamoudzou", "976", "Mayotte"),
        ("97701", "Saint-Barthélemy", "977", "Guadeloupe"),
        ("97801", "Saint-Martin", "978", "Guadeloupe"),
        ("75056", "Paris", "75", "Île-de-France"),
        ("75119", "Paris 19e Arrondissement", "75", "Île-de-France"),
        ("69381", "Lyon 1er Arrondissement", "69", "Auvergne-Rhône-Alpes"),
        ("13201", "Marseille 1er Arrondissement", "13", "Provence-Alpes-Côte d'Azur"),
    ],
)
def test_real_commune_codes_are_accepted_with_their_name_and_region(code, name, departement, region):
    form = LocationForm({"commune_code": code})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune_code"] == code.upper()
    assert form.cleaned_data["commune_name"] == name  # the official name fills an empty field
    from structures.services import _locate

    class Located:
        commune_code = code.upper()

    located = Located()
    _locate(located)
    assert (located.departement.code, located.region.name) == (departement, region)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("93200", "93200 est un code postal (Saint-Denis) : le code commune INSEE est 93066."),
        ("97150", "97150 est un code postal (Saint-Martin) : le code commune INSEE est 97801."),
        ("97200", "97200 est un code postal (Fort-de-France) : le code commune INSEE est 97209."),
        ("20000", "20000 est un code postal (Ajaccio) : le code commune INSEE est 2A004."),
        (
            "75011",
            "75011 est un code postal (Paris : 75056 ; Paris 11e Arrondissement : 75111) : "
            "indiquez le code commune INSEE de la commune.",
        ),
        (
            "93999",
            "Aucune commune n'a le code INSEE « 93999 » dans le code officiel géographique : vérifiez le code "
            "(5 caractères, ex. 93066 pour Saint-Denis ; ce n'est pas le code postal).",
        ),
        ("97901", "Le code commune INSEE commence par le code du département ; « 979 » n'en est pas un"),
        ("9306", "Le code commune INSEE comporte 5 caractères"),
    ],
)
def test_postal_codes_and_unknown_codes_are_refused_in_french(typed, message):
    form = LocationForm({"commune_code": typed})
    assert not form.is_valid()
    assert form.errors["commune_code"][0].startswith(message)


def test_saint_pierre_et_miquelon_is_a_commune_but_no_ars_serves_it():
    assert check_commune("97502").name == "Saint-Pierre"
    form = LocationForm({"commune_code": "97502"})
    assert form.errors["commune_code"] == [
        "Saint-Pierre (97502) ne relève d'aucune ARS : le portail ne peut pas instruire le dossier d'une "
        "structure de cette collectivité."
    ]


def test_an_insee_code_that_is_also_a_postal_code_is_accepted_with_a_warning():
    # 13001 is Aix-en-Provence, and the postal code of Marseille's 1st arrondissement.
    form = LocationForm({"commune_code": "13001", "commune_name": "Marseille", "postal_code": "13001"})
    assert form.is_valid(), form.errors
    assert form.warnings == [
        "13001 est le code INSEE de Aix-en-Provence, mais aussi le code postal de Marseille, Marseille 1er "
        "Arrondissement (code commune INSEE 13055, 13201) : vérifiez que c'est bien la commune de la structure.",
        "Le code postal 13001 n'est pas celui de Aix-en-Provence (13080, 13090, 13100, 13290, 13540) : "
        "vérifiez l'un et l'autre.",
        "Le code commune 13001 désigne Aix-en-Provence, et non « Marseille » : vérifiez le code ou le nom.",
    ]


def test_a_matching_name_and_postal_code_raise_no_warning():
    form = LocationForm({"commune_code": "93066", "commune_name": "saint denis", "postal_code": "93200"})
    assert form.is_valid(), form.errors
    assert form.warnings == []


def test_import_communes_replaces_the_table_from_the_package_json(tmp_path):
    path = tmp_path / "communes.json"
    path.write_text(
        json.dumps(
            [
                {
                    "code": "93066",
                    "nom": "Saint-Denis",
                    "departement": "93",
                    "region": "11",
                    "type": "commune-actuelle",
                    "zone": "metro",
                    "codesPostaux": ["93200"],
                },
                {
                    "code": "93066",
                    "nom": "Saint-Denis",
                    "departement": "93",
                    "region": "11",
                    "type": "commune-deleguee",
                    "zone": "metro",
                },
                {
                    "code": "98735",
                    "nom": "Papeete",
                    "departement": "987",
                    "region": "987",
                    "type": "commune-actuelle",
                    "zone": "com",
                },
                {
                    "code": "97801",
                    "nom": "Saint-Martin",
                    "departement": "978",
                    "region": "978",
                    "type": "commune-actuelle",
                    "zone": "com",
                    "codesPostaux": ["97150"],
                },
            ]
        ),
        encoding="utf-8",
    )
    call_command("import_communes", str(path))
    assert list(Commune.objects.values_list("code", flat=True)) == ["93066", "97801"]


def test_import_communes_refuses_another_file(tmp_path):
    path = tmp_path / "regions.json"
    path.write_text('{"code": "11"}', encoding="utf-8")
    with pytest.raises(CommandError, match="n'est pas la liste des communes"):
        call_command("import_communes", str(path))
    assert Commune.objects.count() > 34_000


def test_the_committed_file_is_compact():
    from secpa_portal.reference.communes import DATA_FILE

    assert DATA_FILE.stat().st_size < 500_000
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as fh:
        assert fh.readline().strip() == "code,name,departement,region,postal_codes"
