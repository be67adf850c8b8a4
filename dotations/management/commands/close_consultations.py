"""Daily: open consultations on a draft barème whose deadline has passed are closed (journal and e-mail)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from dotations.services.consultations import consultations_close_expired
from secpa_portal.core.formats import plural


class Command(BaseCommand):
    help = "Clôt chaque consultation sur un barème dont la date limite des avis est passée (à lancer chaque jour)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Date du jour à retenir (AAAA-MM-JJ), pour rattraper un jour manqué.")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError("Date invalide : format attendu AAAA-MM-JJ.") from error
        years = consultations_close_expired(today=today)
        for year in years:
            self.stdout.write(f"Consultation sur le barème {year} close à sa date limite.")
        self.stdout.write(
            self.style.SUCCESS(f"{len(years)} {plural(len(years), 'consultation close', 'consultations closes')}.")
        )
