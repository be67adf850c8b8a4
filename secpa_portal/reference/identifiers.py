"""Validators for the identifiers users type: FINESS, SIRET, SIREN, code commune INSEE, QPV code, RPPS.

Each ``validate_*`` function is a Django validator: it accepts what a user typed (spaces, dots and dashes are
ignored, letters may be lower case), raises ``ValidationError`` with a French message saying what is wrong
and what is expected, and returns the normalized value so callers can store it.  ``*_warnings`` functions
return French warnings for numbers that are accepted but could not be fully checked.

The ``make_*`` helpers build valid numbers (check digit included) for tests and demo data.
"""

import re

from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import InvalidChecksum
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

# Spaces (including the non-breaking ones French typography uses), dots and dashes.
_SEPARATORS = re.compile(r"[\s.\-\u2010\u2011\u2012\u2013\u2014\u2212]+")

CORSICA_DEPARTEMENTS = ("2A", "2B")
MAINLAND_DEPARTEMENTS = frozenset(f"{n:02d}" for n in range(1, 96) if n != 20) | frozenset(CORSICA_DEPARTEMENTS)
# Départements et régions d'outre-mer: Guadeloupe, Martinique, Guyane, La Réunion, Mayotte.
OVERSEAS_DEPARTEMENTS = frozenset({"971", "972", "973", "974", "976"})
# Overseas collectivities whose communes have INSEE codes: Saint-Pierre-et-Miquelon, Saint-Barthélemy,
# Saint-Martin.
OVERSEAS_COLLECTIVITIES = frozenset({"975", "977", "978"})

# FINESS overseas prefixes (4 characters) and the département they stand for.
FINESS_OVERSEAS_PREFIXES = {
    "9701": "971",  # Guadeloupe
    "9702": "972",  # Martinique
    "9703": "973",  # Guyane
    "9704": "974",  # La Réunion
    "9805": "976",  # Mayotte
    "9806": "986",  # Wallis-et-Futuna
}

# QPV codes carry the département on 3 characters: 093, 02A, 971.  Saint-Martin (978) has quartiers
# prioritaires in both lists and is covered by the Assurance maladie, so it is accepted too.
QPV_DEPARTEMENTS = frozenset(f"0{code}" for code in MAINLAND_DEPARTEMENTS) | frozenset(
    {"971", "972", "973", "974", "975", "976", "978"}
)
QPV_2015 = "2015"
QPV_2024 = "2024"

LA_POSTE_SIREN = "356000000"

FINESS_EXAMPLE = "930012349"
SIRET_EXAMPLE = "73282932000074"
SIREN_EXAMPLE = "732829320"
RPPS_EXAMPLE = "10003260519"

_FINESS_PREFIXES_HELP = (
    "01 à 95, 2A ou 2B en métropole, 9701 à 9704 pour la Guadeloupe, la Martinique, la Guyane et La Réunion, "
    "9805 pour Mayotte, 9806 pour Wallis-et-Futuna"
)
_COMMUNE_HELP = (
    "Le code commune INSEE comporte 5 caractères (ex. 93066 pour Saint-Denis) ; ce n'est pas le code postal."
)
_QPV_FORMAT_HELP = (
    "QP + département sur 3 caractères + 3 chiffres pour la liste 2015 (ex. QP093028), "
    "QN + département sur 3 caractères + 2 chiffres + la lettre N, M ou I pour la liste 2024 (ex. QN07501M)"
)


def normalize_identifier(value) -> str:
    """Remove spaces, dots and dashes and upper-case the letters: `` 93 001 234-9`` becomes ``930012349``."""
    if value is None:
        return ""
    return _SEPARATORS.sub("", str(value)).upper()


def _saisi(value: str) -> str:
    count = len(value)
    return f"vous en avez saisi {count}"


# --- FINESS -------------------------------------------------------------------------------------------------


def _finess_prefix(number: str) -> str | None:
    """Return the département part of a 9-character FINESS number ('75', '2A', '9701', '9805'), or None."""
    if number[:4] in FINESS_OVERSEAS_PREFIXES:
        return number[:4]
    if number[:2] in MAINLAND_DEPARTEMENTS:
        return number[:2]
    return None


def validate_finess(value) -> str:
    """Check a FINESS number (établissement or entité juridique) and return it normalized.

    Corsican numbers (2A, 2B) are checked for their format only: their key cannot be computed with Luhn;
    ``finess_warnings`` says so.
    """
    number = normalize_identifier(value)
    if len(number) != 9:
        raise ValidationError(
            f"Le numéro FINESS doit comporter 9 caractères (ex. {FINESS_EXAMPLE}) ; {_saisi(number)}.",
            code="finess_length",
        )
    corsican = number[:2] in CORSICA_DEPARTEMENTS
    digits = number[2:] if corsican else number
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(
            "Le numéro FINESS ne contient que des chiffres, hormis 2A ou 2B en tête pour la Corse "
            f"(ex. {FINESS_EXAMPLE}).",
            code="finess_characters",
        )
    if _finess_prefix(number) is None:
        shown = number[:4] if number.startswith(("97", "98")) else number[:2]
        raise ValidationError(
            f"Le numéro FINESS commence par le code du département ; « {shown} » n'en est pas un. "
            f"Codes attendus : {_FINESS_PREFIXES_HELP}.",
            code="finess_departement",
        )
    if not corsican and not luhn.is_valid(number):
        raise ValidationError(
            "La clé de contrôle du numéro FINESS est incorrecte : vérifiez le numéro.",
            code="finess_checksum",
        )
    return number


def finess_warnings(value) -> list[str]:
    """Warnings for a FINESS number that passes ``validate_finess`` but could not be fully checked."""
    number = normalize_identifier(value)
    if len(number) == 9 and number[:2] in CORSICA_DEPARTEMENTS and number[2:].isdigit():
        return [
            "La clé de contrôle des numéros FINESS de Corse (2A, 2B) ne peut pas être vérifiée : "
            "assurez-vous que le numéro est exact."
        ]
    return []


def finess_departement_code(value) -> str:
    """The INSEE code of the département of a FINESS number: '75', '2A', '971' for 9701, '976' for 9805."""
    number = validate_finess(value)
    prefix = _finess_prefix(number)
    return FINESS_OVERSEAS_PREFIXES.get(prefix, prefix)


def make_finess(prefix8: str) -> str:
    """Append the Luhn key to 8 digits to build a valid FINESS number (for tests and demo data)."""
    if len(prefix8) != 8 or not prefix8.isdigit():
        raise ValueError("make_finess expects 8 digits")
    return validate_finess(prefix8 + luhn.calc_check_digit(prefix8))


# --- SIREN, SIRET -------------------------------------------------------------------------------------------


def validate_siren(value) -> str:
    """Check a SIREN (9 digits, Luhn key) and return it normalized."""
    number = normalize_identifier(value)
    if not number.isascii() or not number.isdigit():
        raise ValidationError(
            f"Le numéro SIREN ne contient que des chiffres (9 chiffres, ex. {SIREN_EXAMPLE}).",
            code="siren_characters",
        )
    if len(number) != 9:
        raise ValidationError(
            f"Le numéro SIREN doit comporter 9 chiffres (ex. {SIREN_EXAMPLE}) ; {_saisi(number)}. "
            "Le SIRET, de 14 chiffres, identifie un établissement.",
            code="siren_length",
        )
    if not stdnum_siren.is_valid(number):
        raise ValidationError(
            "La clé de contrôle du numéro SIREN est incorrecte : vérifiez le numéro.",
            code="siren_checksum",
        )
    return number


def validate_siret(value) -> str:
    """Check a SIRET (14 digits: SIREN + NIC, Luhn key or La Poste's rule) and return it normalized."""
    number = normalize_identifier(value)
    if not number.isascii() or not number.isdigit():
        raise ValidationError(
            f"Le numéro SIRET ne contient que des chiffres (14 chiffres, ex. {SIRET_EXAMPLE}).",
            code="siret_characters",
        )
    if len(number) != 14:
        raise ValidationError(
            "Le numéro SIRET doit comporter 14 chiffres : les 9 du SIREN puis les 5 du NIC "
            f"(ex. {SIRET_EXAMPLE}) ; {_saisi(number)}.",
            code="siret_length",
        )
    if not stdnum_siren.is_valid(number[:9]):
        raise ValidationError(
            "Les 9 premiers chiffres du numéro SIRET (le SIREN) sont incorrects : vérifiez le numéro.",
            code="siret_siren_checksum",
        )
    try:
        stdnum_siret.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            "La clé de contrôle du numéro SIRET est incorrecte : vérifiez le numéro.",
            code="siret_checksum",
        ) from None
    return number


def make_siren(prefix8: str) -> str:
    """Append the Luhn key to 8 digits to build a valid SIREN (for tests and demo data)."""
    if len(prefix8) != 8 or not prefix8.isdigit():
        raise ValueError("make_siren expects 8 digits")
    return validate_siren(prefix8 + luhn.calc_check_digit(prefix8))


def make_siret(siren: str, nic4: str) -> str:
    """Build a valid SIRET from a SIREN and the first 4 digits of the NIC (for tests and demo data)."""
    siren = validate_siren(siren)
    if len(nic4) != 4 or not nic4.isdigit():
        raise ValueError("make_siret expects the first 4 digits of the NIC")
    body = siren + nic4
    if siren == LA_POSTE_SIREN:
        # La Poste's establishments: the sum of the 14 digits is a multiple of 5.
        key = str(-sum(map(int, body)) % 5)
    else:
        key = luhn.calc_check_digit(body)
    return validate_siret(body + key)


# --- Code commune INSEE -------------------------------------------------------------------------------------


def validate_commune_code(value) -> str:
    """Check a code commune INSEE (not a postal code) and return it normalized."""
    code = normalize_identifier(value)
    if len(code) != 5:
        raise ValidationError(f"{_COMMUNE_HELP} Vous en avez saisi {len(code)}.", code="commune_length")
    corsican = code[:2] in CORSICA_DEPARTEMENTS
    digits = code[2:] if corsican else code
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(
            "Le code commune INSEE ne contient que des chiffres, hormis 2A ou 2B en tête pour la Corse "
            "(ex. 2A004 pour Ajaccio). " + _COMMUNE_HELP,
            code="commune_characters",
        )
    if code.startswith("20"):
        raise ValidationError(
            f"« {code} » ressemble à un code postal de Corse : le code commune INSEE commence par 2A "
            "(Corse-du-Sud) ou 2B (Haute-Corse), ex. 2A004 pour Ajaccio.",
            code="commune_corsica",
        )
    if code[:2] not in MAINLAND_DEPARTEMENTS and code[:3] not in OVERSEAS_DEPARTEMENTS | OVERSEAS_COLLECTIVITIES:
        shown = code[:3] if code.startswith("97") else code[:2]
        raise ValidationError(
            f"Le code commune INSEE commence par le code du département ; « {shown} » n'en est pas un "
            "(attendu : 01 à 95, 2A, 2B, ou 971 à 978 outre-mer). " + _COMMUNE_HELP,
            code="commune_departement",
        )
    if code.startswith("75") and code != "75056" and not ("75101" <= code <= "75120"):
        # Département 75 has a single commune: Paris (75056), and its arrondissements are 75101 to 75120.
        raise ValidationError(
            f"« {code} » est un code postal : le code commune INSEE de Paris est 75056 "
            "(75101 à 75120 pour ses arrondissements).",
            code="commune_postal_code",
        )
    return code


def commune_departement_code(value) -> str:
    """The INSEE code of the département of a commune: '93', '2A', '971'."""
    code = validate_commune_code(value)
    return code[:3] if code.startswith("97") else code[:2]


# --- QPV ----------------------------------------------------------------------------------------------------


def validate_qpv_code(value) -> str:
    """Check a QPV code of the 2015 list (QP093028) or of the 2024 list (QN07501M) and return it normalized."""
    code = normalize_identifier(value)
    if len(code) != 8:
        raise ValidationError(
            f"Un code QPV comporte 8 caractères : {_QPV_FORMAT_HELP} ; {_saisi(code)}.", code="qpv_length"
        )
    prefix, departement, rest = code[:2], code[2:5], code[5:]
    if prefix not in ("QP", "QN"):
        raise ValidationError(
            "Un code QPV commence par QP (liste 2015) ou QN (liste 2024) : " + _QPV_FORMAT_HELP + ".",
            code="qpv_prefix",
        )
    if departement not in QPV_DEPARTEMENTS:
        raise ValidationError(
            f"Dans un code QPV, les caractères 3 à 5 sont le département sur 3 caractères "
            f"(ex. 093, 02A, 971) ; « {departement} » n'en est pas un.",
            code="qpv_departement",
        )
    if prefix == "QP" and not (rest.isascii() and rest.isdigit()):
        raise ValidationError(
            "Un code QPV de la liste 2015 se termine par 3 chiffres (ex. QP093028).", code="qpv_2015_format"
        )
    if prefix == "QN" and not (rest[:2].isascii() and rest[:2].isdigit() and rest[2] in "NMI"):
        raise ValidationError(
            "Un code QPV de la liste 2024 se termine par 2 chiffres et la lettre N, M ou I (ex. QN07501M).",
            code="qpv_2024_format",
        )
    return code


def qpv_generation(code) -> str:
    """'2015' for a code of the 2015 list (QP…), '2024' for the list in force since 1 January 2024 (QN…)."""
    code = validate_qpv_code(code)
    return QPV_2015 if code.startswith("QP") else QPV_2024


def qpv_departement_code(code) -> str:
    """The INSEE code of the département of a QPV: '93' for QP093028, '2A' for QN02A01M, '971'."""
    departement = validate_qpv_code(code)[2:5]
    return departement[1:] if departement.startswith("0") else departement


def parse_qpv_codes(text) -> list[str]:
    """Split a list of QPV codes typed by a user (commas, semicolons, spaces or new lines between them).

    Returns the normalized codes without duplicates, in the order given.  Raises one ``ValidationError``
    with a message for each invalid code.
    """
    codes: list[str] = []
    errors: list[ValidationError] = []
    for token in re.split(r"[,;\s]+", text or ""):
        code = normalize_identifier(token)
        if not code or code in codes:
            continue
        try:
            validate_qpv_code(code)
        except ValidationError as error:
            errors.append(ValidationError(f"« {token} » : {error.messages[0]}", code=error.code))
        codes.append(code)
    if errors:
        raise ValidationError(errors)
    return codes


# --- RPPS ---------------------------------------------------------------------------------------------------


def validate_rpps(value) -> str:
    """Check the format of an RPPS number (11 digits starting with 10) and return it normalized.

    The key is not enforced: see ``rpps_warnings``.
    """
    number = normalize_identifier(value)
    if not number.isascii() or not number.isdigit():
        raise ValidationError(
            f"Le numéro RPPS ne contient que des chiffres (11 chiffres commençant par 10, ex. {RPPS_EXAMPLE}).",
            code="rpps_characters",
        )
    if len(number) != 11:
        raise ValidationError(
            f"Le numéro RPPS doit comporter 11 chiffres (ex. {RPPS_EXAMPLE}) ; {_saisi(number)}.",
            code="rpps_length",
        )
    if not number.startswith("10"):
        raise ValidationError(
            f"Le numéro RPPS commence par 10 (ex. {RPPS_EXAMPLE}).",
            code="rpps_prefix",
        )
    return number


def rpps_warnings(value) -> list[str]:
    """Warnings for an RPPS number whose format is right but whose Luhn key does not hold."""
    number = normalize_identifier(value)
    if len(number) == 11 and number.startswith("10") and number.isdigit() and not luhn.is_valid(number):
        return [
            "La clé de contrôle du numéro RPPS semble incorrecte : vérifiez le numéro (il est tout de même accepté)."
        ]
    return []
