"""Refresh the communes of the official geographic code (COG) from the ``@etalab/decoupage-administratif`` package.

``FILE`` is the package's ``data/communes.json`` (get it with ``npm pack @etalab/decoupage-administratif`` and
unpack the archive).  The table is replaced in one transaction.  ``--write-csv`` also rewrites the committed
file the data migration loads (``secpa_portal/reference/data/communes.csv.gz``).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from secpa_portal.reference.communes import DATA_FILE, replace_all, rows_from_package, write_csv
from secpa_portal.reference.models import Commune


class Command(BaseCommand):
    help = (
        "Remplace les communes du code officiel géographique par celles du fichier data/communes.json du paquet "
        "@etalab/decoupage-administratif (communes actuelles, arrondissements de Paris, Lyon et Marseille, "
        "outre-mer dont Saint-Pierre-et-Miquelon, Saint-Barthélemy et Saint-Martin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("json_file", help="chemin de data/communes.json")
        parser.add_argument(
            "--write-csv",
            action="store_true",
            dest="write_committed_csv",
            help=f"réécrire aussi le fichier versionné {DATA_FILE.name}",
        )

    def handle(self, *args, json_file, write_committed_csv=False, **options):
        path = Path(json_file)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {path}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"Le fichier {path} n'est pas un JSON UTF-8 valide : {error}") from None
        if not isinstance(data, list) or not all(isinstance(item, dict) and "code" in item for item in data):
            raise CommandError(f"Le fichier {path} n'est pas la liste des communes du paquet (data/communes.json).")
        try:
            rows = rows_from_package(data)
        except KeyError as error:
            raise CommandError(f"Champ {error} absent d'une commune : est-ce bien data/communes.json ?") from None
        if not rows:
            raise CommandError(f"Le fichier {path} ne contient aucune commune actuelle.")
        with transaction.atomic():
            count = replace_all(Commune, rows)
        if write_committed_csv:
            write_csv(rows, DATA_FILE)
        self.stdout.write(self.style.SUCCESS(f"{count} communes importées."))
