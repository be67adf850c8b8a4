"""Load the demo data set. Site level: it may import every app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conventions import demo as conventions_demo
from conventions import demo_reports as conventions_demo_reports
from dotations import demo as dotations_demo
from dotations import demo_closure as dotations_demo_closure
from dotations import demo_consultation as dotations_demo_consultation
from dotations import demo_history as dotations_demo_history
from dotations import demo_payments as dotations_demo_payments
from dotations import demo_threads as dotations_demo_threads
from projections import demo as projections_demo
from secpa_portal.accounts.demo import DEMO_PASSWORD, seed_accounts
from secpa_portal.reference import demo as reference_demo
from structures import demo as structures_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent). Refuse de tourner hors DEBUG sans --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Autoriser l'exécution quand DEBUG est désactivé.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refus : DEBUG est désactivé, ceci ressemble à une production. "
                "Relancez avec --force si vous êtes certain de vouloir des données de démonstration."
            )
        with transaction.atomic():
            users = seed_accounts()
            for seeder in self.app_seeders():
                seeder(users)
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes (mot de passe : {DEMO_PASSWORD})."))

    def app_seeders(self):
        """Each app's seeder, in dependency order (a structure before its convention, a dotation before its
        payments)."""
        return [
            reference_demo.seed,
            structures_demo.seed,
            conventions_demo.seed,
            conventions_demo_reports.seed,
            dotations_demo.seed,
            dotations_demo_payments.seed,
            dotations_demo_history.seed,  # 2025, settled: after the 2026 payments (they pay two thirds of advances)
            dotations_demo_closure.seed,
            dotations_demo_threads.seed,
            dotations_demo_consultation.seed,  # 2027 in preparation, its barème consulted
            projections_demo.seed,
        ]
