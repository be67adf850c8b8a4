"""Import or update the reference list of quartiers prioritaires (QPV) from a CSV file.

The file is UTF-8 (with or without BOM), separated by commas or semicolons, with the header
``code,name,commune_code,generation``; ``commune_code`` and ``generation`` may be left out.  Nothing is
imported unless every row is valid.

The official file: the list of the QPV in force since 1 January 2024 (the 2024 list, codes ``QN…``), published
by the Agence nationale de la cohésion des territoires (ANCT) on its SIG Ville site and on data.gouv.fr as
« Quartiers prioritaires de la politique de la ville (QPV) 2024 », export CSV of the table of quartiers.  Its
columns ``code_qp`` (code), ``lib_qp`` (name) and ``insee_com`` (the main commune) are read under these names
too, so the file can be imported as downloaded, once saved in UTF-8.  A quartier spanning several communes
keeps its main one.  The demo loads an invented sample in the same format (``data/qpv_demo_sample.csv``).
"""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from secpa_portal.core.formats import plural
from secpa_portal.reference.identifiers import qpv_generation, validate_commune_code, validate_qpv_code
from secpa_portal.reference.models import QPV

EXPECTED_HEADER = "code,name,commune_code,generation"
REQUIRED_COLUMNS = ("code", "name")
# The official file's column names (ANCT, 2024 list).
COLUMN_ALIASES = {"code_qp": "code", "lib_qp": "name", "insee_com": "commune_code"}
NAME_MAX_LENGTH = QPV._meta.get_field("name").max_length


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count <= 1 else plural}"


def _detect_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


class Command(BaseCommand):
    help = (
        "Importe ou met à jour la liste des quartiers prioritaires (QPV) depuis un fichier CSV UTF-8 "
        f"d'en-tête « {EXPECTED_HEADER} » (séparateur virgule ou point-virgule), ou le fichier officiel de la "
        "liste 2024 publié par l'ANCT (colonnes code_qp, lib_qp, insee_com). "
        "Rien n'est importé si une ligne est invalide."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", help="chemin du fichier CSV")

    def handle(self, *args, csv_file, **options):
        rows = self.read_rows(Path(csv_file))
        created, updated = self.save(rows)
        message = (
            f"{_plural(created + updated, 'QPV importé', 'QPV importés')} "
            f"({_plural(created, 'créé', 'créés')}, {updated} mis à jour)."
        )
        self.stdout.write(self.style.SUCCESS(message))

    def read_rows(self, path: Path) -> list[QPV]:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"Le fichier {path} n'est pas encodé en UTF-8 : enregistrez-le en UTF-8.") from None
        except OSError as error:
            raise CommandError(f"Impossible de lire le fichier {path} : {error.strerror}") from None

        lines = text.splitlines()
        if not lines:
            raise CommandError(f"Le fichier {path} est vide : en-tête attendu « {EXPECTED_HEADER} ».")
        reader = csv.DictReader(lines, delimiter=_detect_delimiter(lines[0]))
        columns = [(name or "").strip().lower() for name in reader.fieldnames or []]
        columns = [COLUMN_ALIASES.get(name, name) for name in columns]
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        if missing:
            raise CommandError(
                f"{plural(len(missing), 'Colonne manquante', 'Colonnes manquantes')} : {', '.join(missing)}. "
                f"En-tête attendu : « {EXPECTED_HEADER} »."
            )
        reader.fieldnames = columns

        qpvs: list[QPV] = []
        errors: list[str] = []
        first_line: dict[str, int] = {}
        for row in reader:
            values = {key: (value or "").strip() for key, value in row.items() if key}
            if not any(values.values()):
                continue
            line = reader.line_num
            qpv, reasons = self.parse_row(values)
            if None in row:
                reasons.append(
                    f"{len(row[None])} {plural(len(row[None]), 'valeur', 'valeurs')} de trop : mettez entre "
                    "guillemets un nom qui contient le séparateur."
                )
            if qpv is not None:
                if qpv.code in first_line:
                    reasons.append(f"code {qpv.code} en double (déjà ligne {first_line[qpv.code]})")
                else:
                    first_line[qpv.code] = line
            if reasons:
                errors.extend(f"Ligne {line} : {reason}" for reason in reasons)
            else:
                qpvs.append(qpv)

        if errors:
            raise CommandError(
                f"Aucun QPV importé : le fichier contient {_plural(len(errors), 'erreur', 'erreurs')}.\n"
                + "\n".join(errors)
            )
        if not qpvs:
            raise CommandError(f"Le fichier {path} ne contient aucun QPV.")
        return qpvs

    def parse_row(self, values: dict[str, str]) -> tuple[QPV | None, list[str]]:
        reasons: list[str] = []
        code = generation = None
        try:
            code = validate_qpv_code(values.get("code", ""))
            generation = qpv_generation(code)
        except ValidationError as error:
            reasons.append(f"code QPV « {values.get('code', '')} » invalide. {error.messages[0]}")

        name = values.get("name", "")
        if not name:
            reasons.append("le nom du quartier est vide.")
        elif len(name) > NAME_MAX_LENGTH:
            reasons.append(f"le nom du quartier dépasse {NAME_MAX_LENGTH} caractères.")

        commune_code = values.get("commune_code", "")
        if commune_code:
            try:
                commune_code = validate_commune_code(commune_code)
            except ValidationError as error:
                reasons.append(f"code commune « {commune_code} » invalide. {error.messages[0]}")

        declared = values.get("generation", "")
        if declared and declared not in QPV.Generation.values:
            reasons.append(f"génération « {declared} » inconnue : attendu 2015 ou 2024, ou laisser vide.")
        elif declared and generation and declared != generation:
            reasons.append(
                f"la génération « {declared} » ne correspond pas au code {code}, qui est de la liste {generation}."
            )

        if code is None:
            return None, reasons
        return QPV(code=code, name=name, commune_code=commune_code, generation=generation), reasons

    @transaction.atomic
    def save(self, qpvs: list[QPV]) -> tuple[int, int]:
        codes = [qpv.code for qpv in qpvs]
        existing = set(QPV.objects.select_for_update().filter(code__in=codes).values_list("code", flat=True))
        to_create = [qpv for qpv in qpvs if qpv.code not in existing]
        to_update = [qpv for qpv in qpvs if qpv.code in existing]
        QPV.objects.bulk_create(to_create)
        QPV.objects.bulk_update(to_update, ["name", "commune_code", "generation"])
        return len(to_create), len(to_update)
