from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from secpa_portal.reference.models import QPV

GOOD_CSV = """code,name,commune_code,generation
QP093028,Franc-Moisin Bel-Air,93066,2015
QN07501M,Porte de la Chapelle,75056,2024
"""


def write(tmp_path, content, encoding="utf-8", name="qpv.csv"):
    path = tmp_path / name
    path.write_text(content, encoding=encoding)
    return str(path)


def run_import(path):
    out = StringIO()
    call_command("import_qpv", path, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_creates_qpvs(tmp_path):
    output = run_import(write(tmp_path, GOOD_CSV))
    assert "2 QPV importés (2 créés, 0 mis à jour)." in output
    assert QPV.objects.get(code="QP093028").name == "Franc-Moisin Bel-Air"
    chapelle = QPV.objects.get(code="QN07501M")
    assert (chapelle.commune_code, chapelle.generation) == ("75056", QPV.Generation.G2024)


@pytest.mark.django_db
def test_reimport_updates_and_is_idempotent(tmp_path):
    path = write(tmp_path, GOOD_CSV)
    run_import(path)
    assert "2 QPV importés (0 créé, 2 mis à jour)." in run_import(path)
    assert QPV.objects.count() == 2

    changed = GOOD_CSV.replace("Franc-Moisin Bel-Air", "Franc-Moisin") + "QN09301N,Cosmonautes,93066,\n"
    output = run_import(write(tmp_path, changed, name="qpv-2.csv"))
    assert "3 QPV importés (1 créé, 2 mis à jour)." in output
    assert QPV.objects.get(code="QP093028").name == "Franc-Moisin"
    assert QPV.objects.count() == 3


@pytest.mark.django_db
def test_a_bad_row_imports_nothing_and_lists_every_error(tmp_path):
    content = (
        "code,name,commune_code,generation\n"
        "QP093028,Franc-Moisin Bel-Air,93066,2015\n"
        "QP93028,Cité des 4000,93027,2015\n"
        "\n"
        "QN07501M,,75001,2015\n"
        "QN09301N,Cosmonautes,20000,2030\n"
        "qp093028,Franc-Moisin,93066,\n"
    )
    with pytest.raises(CommandError) as excinfo:
        run_import(write(tmp_path, content))
    message = str(excinfo.value)
    assert message.startswith("Aucun QPV importé : le fichier contient 7 erreurs.")
    assert "Ligne 3 : code QPV « QP93028 » invalide. Un code QPV comporte 8 caractères" in message
    assert "Ligne 5 : le nom du quartier est vide." in message
    assert "Ligne 5 : code commune « 75001 » invalide." in message
    assert "Ligne 5 : la génération « 2015 » ne correspond pas au code QN07501M, qui est de la liste 2024." in message
    assert "Ligne 6 : code commune « 20000 » invalide." in message
    assert "Ligne 6 : génération « 2030 » inconnue" in message
    assert "Ligne 7 : code QP093028 en double (déjà ligne 2)" in message
    assert "Ligne 2 :" not in message
    assert not QPV.objects.exists()


@pytest.mark.django_db
def test_a_bad_row_leaves_existing_data_untouched(tmp_path):
    run_import(write(tmp_path, GOOD_CSV))
    content = GOOD_CSV.replace("Franc-Moisin Bel-Air", "Renommé") + "QX000000,Inconnu,,\n"
    with pytest.raises(CommandError, match="Ligne 4 : code QPV « QX000000 » invalide"):
        run_import(write(tmp_path, content, name="qpv-2.csv"))
    assert QPV.objects.get(code="QP093028").name == "Franc-Moisin Bel-Air"
    assert QPV.objects.count() == 2


@pytest.mark.django_db
def test_semicolon_separator_and_names_with_commas(tmp_path):
    content = (
        "code;name;commune_code;generation\nQN09301N;Cosmonautes, Floréal;93 066;\nQP02A001;Les Cannes;2a004;2015\n"
    )
    assert "2 QPV importés (2 créés, 0 mis à jour)." in run_import(write(tmp_path, content))
    cosmonautes = QPV.objects.get(code="QN09301N")
    assert cosmonautes.name == "Cosmonautes, Floréal"
    assert cosmonautes.commune_code == "93066"
    assert cosmonautes.generation == "2024"
    assert QPV.objects.get(code="QP02A001").commune_code == "2A004"


@pytest.mark.django_db
def test_utf8_with_bom_and_optional_columns(tmp_path):
    content = "code,name\r\nQP093028,Franc-Moisin Bel-Air\r\nQN07501M,Porte de la Chapelle – Charles Hermite\r\n"
    output = run_import(write(tmp_path, content, encoding="utf-8-sig"))
    assert "2 QPV importés (2 créés, 0 mis à jour)." in output
    assert QPV.objects.get(code="QP093028").generation == "2015"
    chapelle = QPV.objects.get(code="QN07501M")
    assert chapelle.generation == "2024"
    assert chapelle.name == "Porte de la Chapelle – Charles Hermite"
    assert chapelle.commune_code == ""


@pytest.mark.django_db
def test_unquoted_separator_in_a_name_is_reported(tmp_path):
    content = "code,name,commune_code,generation\nQN09301N,Cosmonautes, Floréal,93066,2024\n"
    with pytest.raises(CommandError, match="Ligne 2 : 1 valeur de trop"):
        run_import(write(tmp_path, content))
    assert not QPV.objects.exists()


@pytest.mark.django_db
def test_missing_column(tmp_path):
    with pytest.raises(CommandError, match="Colonne manquante : name"):
        run_import(write(tmp_path, "code,nom\nQP093028,Franc-Moisin\n"))


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["", "code,name,commune_code,generation\n\n"])
def test_empty_file(tmp_path, content):
    with pytest.raises(CommandError):
        run_import(write(tmp_path, content))


def test_file_not_utf8(tmp_path):
    path = write(tmp_path, "code,name\nQN07501M,Chapelle Évangile\n", encoding="latin-1")
    with pytest.raises(CommandError, match="UTF-8"):
        run_import(path)


def test_file_not_found(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run_import(str(tmp_path / "absent.csv"))


@pytest.mark.django_db
def test_the_official_files_column_names_are_read(tmp_path):
    content = "code_qp;lib_qp;insee_com;lib_com\nQN09301M;Franc-Moisin;93066;Saint-Denis\n"
    assert "1 QPV importé (1 créé, 0 mis à jour)." in run_import(write(tmp_path, content))
    franc_moisin = QPV.objects.get(code="QN09301M")
    assert (franc_moisin.name, franc_moisin.commune_code, franc_moisin.generation) == ("Franc-Moisin", "93066", "2024")
