"""Daily: remind managers of annual reports due within 30 days and of overdue ones (never twice)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from conventions.services.reports import send_reminders


class Command(BaseCommand):
    help = "Relance les gestionnaires : rapports annuels à déposer sous 30 jours et rapports en retard (une fois)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Date du jour à utiliser (AAAA-MM-JJ), pour rattraper une exécution.")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError("Date invalide : utilisez le format AAAA-MM-JJ, par exemple 2027-03-01.") from error
        result = send_reminders(today=today)
        self.stdout.write(
            f"Rapports ouverts : {result['opened']} · relances avant échéance : {result['due_soon']} · "
            f"relances de retard : {result['overdue']}"
        )
