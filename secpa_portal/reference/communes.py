"""The official geographic code (COG) as reference data: reading it, loading it, checking a typed code.

The committed file ``data/communes.csv.gz`` (columns ``code,name,departement,region,postal_codes``, postal
codes separated by spaces) is extracted from the JSON of the ``@etalab/decoupage-administratif`` package by
``manage.py import_communes FILE --write-csv``; see docs/decisions.md for its version and date.
"""

import csv
import gzip
import io
from pathlib import Path

from django.core.exceptions import ValidationError

from .identifiers import normalize_identifier, validate_commune_code

DATA_FILE = Path(__file__).resolve().parent / "data" / "communes.csv.gz"
CSV_COLUMNS = ("code", "name", "departement", "region", "postal_codes")
BATCH_SIZE = 2000

# The package's communes the portal keeps: current communes and the municipal arrondissements of Paris, Lyon
# and Marseille, in mainland France, the overseas départements and the overseas collectivities of
# Saint-Pierre-et-Miquelon (975), Saint-Barthélemy (977) and Saint-Martin (978).  Wallis-et-Futuna, Polynesia,
# New Caledonia and the southern lands (984 – 989) have their own health systems.
KEPT_TYPES = ("commune-actuelle", "arrondissement-municipal")
KEPT_COLLECTIVITIES = ("975", "977", "978")


def rows_from_package(communes: list[dict]) -> list[dict]:
    """The rows of the committed file, from the package's ``data/communes.json`` (already parsed)."""
    rows = []
    for commune in communes:
        if commune.get("type") not in KEPT_TYPES:
            continue
        if commune.get("zone") == "com" and commune.get("departement") not in KEPT_COLLECTIVITIES:
            continue
        rows.append(
            {
                "code": commune["code"],
                "name": commune["nom"],
                "departement": commune["departement"],
                "region": commune.get("region", ""),
                "postal_codes": " ".join(sorted(set(commune.get("codesPostaux") or []))),
            }
        )
    return sorted(rows, key=lambda row: row["code"])


def write_csv(rows: list[dict], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # mtime=0: regenerating the same data gives the same bytes, so git sees no change.
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))


def read_csv(path: Path = DATA_FILE) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def replace_all(commune_model, rows: list[dict]) -> int:
    """Replace the table's content with ``rows`` (about 35,000 communes). Returns the count.

    Takes the model as an argument so that the data migration can pass its historical model.  One
    ``executemany`` per batch, without building model instances: every test database loads the table, so
    this is kept fast (about 0.3 s on SQLite against 4 s for ``bulk_create``).
    """
    from django.db import connections, router

    alias = router.db_for_write(commune_model)
    meta = commune_model._meta
    table = connections[alias].ops.quote_name(meta.db_table)
    columns = ", ".join(
        connections[alias].ops.quote_name(meta.get_field(name).column)
        for name in ("code", "name", "departement_code", "region_code", "postal_codes")
    )
    values = [(row["code"], row["name"], row["departement"], row["region"], row["postal_codes"]) for row in rows]
    commune_model.objects.using(alias).all().delete()
    with connections[alias].cursor() as cursor:
        for start in range(0, len(values), BATCH_SIZE):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)", values[start : start + BATCH_SIZE]
            )
    return len(rows)


# --- Checking what a user typed -----------------------------------------------------------------------------


def _names(communes) -> str:
    return ", ".join(commune.name for commune in communes)


def communes_with_postal_code(postal_code: str) -> list:
    from .models import Commune

    # ``contains`` over ~35,000 short strings, then an exact check on the split list.
    candidates = Commune.objects.filter(postal_codes__contains=postal_code).order_by("code")
    return [commune for commune in candidates if postal_code in commune.postal_code_list]


def _postal_code_message(code: str, communes: list) -> str:
    if len(communes) == 1:
        return f"{code} est un code postal ({communes[0].name}) : le code commune INSEE est {communes[0].code}."
    listed = " ; ".join(f"{commune.name} : {commune.code}" for commune in communes[:10])
    more = " ; …" if len(communes) > 10 else ""
    return f"{code} est un code postal ({listed}{more}) : indiquez le code commune INSEE de la commune."


def check_commune(value):
    """The ``Commune`` a typed code commune INSEE designates, or a ``ValidationError`` in French.

    A postal code typed instead is recognised and the matching commune code(s) given.
    """
    from .models import Commune

    code = normalize_identifier(value)
    commune = Commune.objects.filter(code=code).first()
    if commune is not None:
        return commune
    if len(code) == 5 and code.isdigit() and (communes := communes_with_postal_code(code)):
        raise ValidationError(_postal_code_message(code, communes), code="commune_postal_code")
    validate_commune_code(code)  # format errors first: length, characters, Corsica, département
    raise ValidationError(
        f"Aucune commune n'a le code INSEE « {code} » dans le code officiel géographique : vérifiez le code "
        "(5 caractères, ex. 93066 pour Saint-Denis ; ce n'est pas le code postal).",
        code="commune_unknown",
    )


def commune_warnings(commune, *, typed_name: str = "", postal_code: str = "") -> list[str]:
    """Warnings for an existing commune code that may still be a mistake."""
    warnings = []
    # 13001 is Aix-en-Provence's INSEE code and the postal code of Marseille's 1st arrondissement.
    others = [other for other in communes_with_postal_code(commune.code) if other.code != commune.code]
    if others:
        warnings.append(
            f"{commune.code} est le code INSEE de {commune.name}, mais aussi le code postal de {_names(others)} "
            f"(code commune INSEE {', '.join(other.code for other in others)}) : vérifiez que c'est bien la "
            "commune de la structure."
        )
    if postal_code and commune.postal_codes and postal_code not in commune.postal_code_list:
        warnings.append(
            f"Le code postal {postal_code} n'est pas celui de {commune.name} "
            f"({', '.join(commune.postal_code_list)}) : vérifiez l'un et l'autre."
        )
    typed, official = _fold(typed_name), _fold(commune.name)
    # « Paris » for « Paris 11e Arrondissement » is not a mistake.
    if typed and not (official.startswith(typed) or typed.startswith(official)):
        warnings.append(
            f"Le code commune {commune.code} désigne {commune.name}, et non « {typed_name} » : "
            "vérifiez le code ou le nom."
        )
    return warnings


def _fold(name: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(char for char in decomposed if char.isalnum())
    return letters.replace("saint", "st")
