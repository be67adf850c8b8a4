"""Daily: conventions in force whose end date has passed become « échue » (journal and e-mail to managers)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from conventions.services.conventions import conventions_end_expired
from secpa_portal.core.formats import plural


class Command(BaseCommand):
    help = "Passe à « échue » chaque convention en vigueur dont la date de fin est dépassée (à lancer chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Date du jour à retenir (AAAA-MM-JJ), pour rattraper un jour manqué.")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("Date invalide : format attendu AAAA-MM-JJ.") from error
        ended = conventions_end_expired(today=today)
        for reference in ended:
            self.stdout.write(f"Convention {reference} échue.")
        noun = plural(len(ended), "convention arrivée à échéance", "conventions arrivées à échéance")
        self.stdout.write(self.style.SUCCESS(f"{len(ended)} {noun}."))
