import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn

from secpa_portal.reference.identifiers import (
    commune_departement_code,
    finess_departement_code,
    finess_warnings,
    make_finess,
    make_siren,
    make_siret,
    normalize_identifier,
    parse_qpv_codes,
    qpv_departement_code,
    qpv_generation,
    rpps_warnings,
    validate_commune_code,
    validate_finess,
    validate_qpv_code,
    validate_rpps,
    validate_siren,
    validate_siret,
)


def error_of(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        (" 93 001.234-9 ", "930012349"),
        ("2a004", "2A004"),
        ("930\u202f012\u00a0349", "930012349"),
        ("qn 075–01m", "QN07501M"),
        (None, ""),
        (930012349, "930012349"),
    ],
)
def test_normalize_identifier(typed, normalized):
    assert normalize_identifier(typed) == normalized


# --- FINESS ---------------------------------------------------------------------------------------------------


def test_make_finess_appends_the_luhn_key():
    assert make_finess("93001234") == "930012349"
    assert luhn.is_valid(make_finess("75000001"))
    with pytest.raises(ValueError):
        make_finess("9300123")


@pytest.mark.parametrize(
    ("number", "departement"),
    [
        (make_finess("93001234"), "93"),
        (make_finess("01000012"), "01"),
        (make_finess("95000042"), "95"),
        (make_finess("97010001"), "971"),  # Guadeloupe
        (make_finess("97020001"), "972"),  # Martinique
        (make_finess("97030001"), "973"),  # Guyane
        (make_finess("97040001"), "974"),  # La Réunion
        (make_finess("98050001"), "976"),  # Mayotte
        (make_finess("98060001"), "986"),  # Wallis-et-Futuna
    ],
)
def test_valid_finess(number, departement):
    assert validate_finess(number) == number
    assert finess_warnings(number) == []
    assert finess_departement_code(number) == departement


def test_finess_typed_with_spaces_is_accepted_and_normalized():
    assert validate_finess("93 001 234 9") == "930012349"


def test_every_flipped_digit_of_a_finess_is_detected():
    number = make_finess("93001234")
    for position in range(2, 9):
        flipped = str((int(number[position]) + 1) % 10)
        wrong = number[:position] + flipped + number[position + 1 :]
        error = error_of(validate_finess, wrong)
        assert error.code == "finess_checksum"
        assert error.messages == ["La clé de contrôle du numéro FINESS est incorrecte : vérifiez le numéro."]


@pytest.mark.parametrize("number", ["2A0001234", "2b0001235", "2A0001230"])
def test_corsican_finess_is_accepted_with_a_warning_whatever_its_key(number):
    assert validate_finess(number) == number.upper()
    [warning] = finess_warnings(number)
    assert "Corse" in warning
    assert "ne peut pas être vérifiée" in warning
    assert finess_departement_code(number) == number[:2].upper()


def test_finess_of_wrong_length():
    error = error_of(validate_finess, "93001234")
    assert error.code == "finess_length"
    assert "9 caractères" in error.messages[0]
    assert "vous en avez saisi 8" in error.messages[0]


@pytest.mark.parametrize("number", ["93001A234", "2C0001234", "2A00012B4", "9300123_4"])
def test_finess_with_bad_characters(number):
    error = error_of(validate_finess, number)
    assert error.code == "finess_characters"
    assert "que des chiffres" in error.messages[0]
    assert "2A ou 2B" in error.messages[0]


@pytest.mark.parametrize(
    ("prefix8", "shown"),
    [
        ("00001234", "00"),
        ("20001234", "20"),
        ("96001234", "96"),
        ("97100001", "9710"),  # the overseas form is 97 + 0 + digit
        ("97050001", "9705"),
        ("98040001", "9804"),
        ("99000001", "99"),
    ],
)
def test_finess_with_unknown_departement_prefix(prefix8, shown):
    error = error_of(validate_finess, make_finess_unchecked(prefix8))
    assert error.code == "finess_departement"
    assert f"« {shown} » n'en est pas un" in error.messages[0]
    assert "9805 pour Mayotte" in error.messages[0]


def make_finess_unchecked(prefix8):
    return prefix8 + luhn.calc_check_digit(prefix8)


def test_finess_warnings_are_empty_for_invalid_input():
    assert finess_warnings("2A01") == []
    assert finess_warnings("") == []


# --- SIREN, SIRET ---------------------------------------------------------------------------------------------


def test_valid_siren():
    assert validate_siren("732 829 320") == "732829320"
    assert validate_siren(make_siren("12345678")) == "123456782"


def test_siren_errors():
    assert error_of(validate_siren, "732829321").messages == [
        "La clé de contrôle du numéro SIREN est incorrecte : vérifiez le numéro."
    ]
    length = error_of(validate_siren, "73282932000074")
    assert length.code == "siren_length"
    assert "9 chiffres" in length.messages[0]
    assert "SIRET" in length.messages[0]
    assert error_of(validate_siren, "73282932A").code == "siren_characters"


@pytest.mark.parametrize(
    "number",
    [
        "73282932000074",
        "732 829 320 00074",
        "35600000000048",  # La Poste, head office (Luhn holds)
        "35600000049837",  # La Poste establishment: digit sum multiple of 5, Luhn does not hold
    ],
)
def test_valid_siret(number):
    assert validate_siret(number) == normalize_identifier(number)


def test_la_poste_rule_is_applied_instead_of_luhn():
    assert not luhn.is_valid("35600000049837")
    assert error_of(validate_siret, "35600000049838").code == "siret_checksum"


def test_siret_with_wrong_key():
    error = error_of(validate_siret, "73282932000075")
    assert error.code == "siret_checksum"
    assert error.messages == ["La clé de contrôle du numéro SIRET est incorrecte : vérifiez le numéro."]


def test_siret_whose_siren_part_is_wrong():
    error = error_of(validate_siret, "73282932100074")
    assert error.code == "siret_siren_checksum"
    assert "9 premiers chiffres" in error.messages[0]


def test_siret_of_wrong_length_or_characters():
    length = error_of(validate_siret, "732829320")
    assert length.code == "siret_length"
    assert "14 chiffres" in length.messages[0]
    assert "vous en avez saisi 9" in length.messages[0]
    assert error_of(validate_siret, "7328293200007A").code == "siret_characters"


def test_make_siret():
    siren = make_siren("12345678")
    siret = make_siret(siren, "0001")
    assert siret.startswith(siren + "0001")
    assert validate_siret(siret) == siret
    la_poste = make_siret("356000000", "4983")
    assert validate_siret(la_poste) == la_poste
    with pytest.raises(ValidationError):
        make_siret("123456789", "0001")
    with pytest.raises(ValueError):
        make_siret(siren, "01")


# --- Code commune INSEE ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "departement"),
    [
        ("93066", "93"),
        ("01053", "01"),
        ("95127", "95"),
        ("2A004", "2A"),
        ("2b033", "2B"),
        ("75056", "75"),
        ("75101", "75"),
        ("75120", "75"),
        ("13055", "13"),
        ("69001", "69"),  # a real commune (Affoux), even though it looks like a Lyon postal code
        ("97101", "971"),
        ("97411", "974"),
        ("97611", "976"),
        # Overseas collectivities: Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin.
        ("97502", "975"),
        ("97701", "977"),
        ("97801", "978"),
    ],
)
def test_valid_commune_code(code, departement):
    assert validate_commune_code(code) == code.upper()
    assert commune_departement_code(code) == departement


@pytest.mark.parametrize("code", ["1234", "123456", ""])
def test_commune_code_of_wrong_length_says_it_is_not_the_postal_code(code):
    error = error_of(validate_commune_code, code)
    assert error.code == "commune_length"
    assert error.messages[0].startswith(
        "Le code commune INSEE comporte 5 caractères (ex. 93066 pour Saint-Denis) ; ce n'est pas le code postal."
    )


@pytest.mark.parametrize("code", ["ABCDE", "9306A", "2C004"])
def test_commune_code_with_bad_characters(code):
    error = error_of(validate_commune_code, code)
    assert error.code == "commune_characters"
    assert "ce n'est pas le code postal" in error.messages[0]


def test_corsican_postal_code_is_refused():
    error = error_of(validate_commune_code, "20000")
    assert error.code == "commune_corsica"
    assert "2A" in error.messages[0] and "2B" in error.messages[0]


@pytest.mark.parametrize(("code", "shown"), [("97900", "979"), ("97001", "970"), ("96001", "96"), ("00123", "00")])
def test_commune_code_with_unknown_departement(code, shown):
    error = error_of(validate_commune_code, code)
    assert error.code == "commune_departement"
    assert f"« {shown} » n'en est pas un" in error.messages[0]


@pytest.mark.parametrize("code", ["75001", "75020", "75000", "75121"])
def test_paris_postal_code_is_refused(code):
    error = error_of(validate_commune_code, code)
    assert error.code == "commune_postal_code"
    assert "75056" in error.messages[0]


# --- QPV ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "generation", "departement"),
    [
        ("QP093028", "2015", "93"),
        ("qp 093 028", "2015", "93"),
        ("QP02A001", "2015", "2A"),
        ("QP971002", "2015", "971"),
        ("QP976001", "2015", "976"),
        ("QN07501M", "2024", "75"),
        ("QN09301N", "2024", "93"),
        ("QN02B01I", "2024", "2B"),
        ("QN97401M", "2024", "974"),
    ],
)
def test_valid_qpv_code(code, generation, departement):
    assert validate_qpv_code(code) == normalize_identifier(code)
    assert qpv_generation(code) == generation
    assert qpv_departement_code(code) == departement


@pytest.mark.parametrize(
    ("code", "error_code", "fragment"),
    [
        ("QP93028", "qpv_length", "8 caractères"),
        ("QN0750M", "qpv_length", "QN07501M"),
        ("QX093028", "qpv_prefix", "commence par QP (liste 2015) ou QN (liste 2024)"),
        ("93028QPX", "qpv_prefix", "QP"),
        ("QP096001", "qpv_departement", "« 096 »"),
        ("QP020001", "qpv_departement", "« 020 »"),
        ("QP93A028", "qpv_departement", "« 93A »"),
        ("QN97701M", "qpv_departement", "« 977 »"),
        ("QP09302A", "qpv_2015_format", "3 chiffres"),
        ("QP07501M", "qpv_2015_format", "liste 2015"),
        ("QN07501X", "qpv_2024_format", "N, M ou I"),
        ("QN0750MM", "qpv_2024_format", "liste 2024"),
        ("QN093028", "qpv_2024_format", "2 chiffres et la lettre"),
    ],
)
def test_invalid_qpv_code(code, error_code, fragment):
    error = error_of(validate_qpv_code, code)
    assert error.code == error_code
    assert fragment in error.messages[0]


def test_parse_qpv_codes_splits_normalizes_and_dedupes():
    text = "QP093028, qn07501m;QP093028\n  QN09301N\tqp093028 ;;"
    assert parse_qpv_codes(text) == ["QP093028", "QN07501M", "QN09301N"]


@pytest.mark.parametrize("text", ["", "  \n ", None, " ; , "])
def test_parse_qpv_codes_of_empty_text(text):
    assert parse_qpv_codes(text) == []


def test_parse_qpv_codes_lists_every_bad_code():
    error = error_of(parse_qpv_codes, "QP093028, QX1; qp09302a\nQN07501M QX1")
    assert len(error.messages) == 2
    assert error.messages[0].startswith("« QX1 » : Un code QPV comporte 8 caractères")
    assert error.messages[1].startswith("« qp09302a » : Un code QPV de la liste 2015")


# --- RPPS -----------------------------------------------------------------------------------------------------


def test_valid_rpps_without_warning():
    assert validate_rpps("100 0326 0519") == "10003260519"
    assert rpps_warnings("10003260519") == []


def test_rpps_with_wrong_key_is_accepted_with_a_warning():
    assert not luhn.is_valid("10003260518")
    assert validate_rpps("10003260518") == "10003260518"
    [warning] = rpps_warnings("10003260518")
    assert "clé de contrôle du numéro RPPS semble incorrecte" in warning


@pytest.mark.parametrize(
    ("number", "error_code", "fragment"),
    [
        ("1000326051", "rpps_length", "11 chiffres"),
        ("100032605190", "rpps_length", "vous en avez saisi 12"),
        ("20003260519", "rpps_prefix", "commence par 10"),
        ("1000326051A", "rpps_characters", "que des chiffres"),
    ],
)
def test_invalid_rpps(number, error_code, fragment):
    error = error_of(validate_rpps, number)
    assert error.code == error_code
    assert fragment in error.messages[0]
    assert rpps_warnings(number) == []
