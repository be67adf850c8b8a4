"""Load the demo data set. Site level: it may import every app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from secpa_portal.accounts.demo import DEMO_PASSWORD, seed_accounts


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
        seeders = []
        for module in (
            "structures.demo",
            "conventions.demo",
            "conventions.demo_reports",
            "dotations.demo",
            "dotations.demo_payments",
        ):
            try:
                imported = __import__(module, fromlist=["seed"])
            except ModuleNotFoundError:
                continue
            seeders.append(imported.seed)
        return seeders
