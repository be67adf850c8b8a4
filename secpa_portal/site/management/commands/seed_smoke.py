"""The production smoke test's data: the demo accounts and one file submitted in Île-de-France, nothing more."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from secpa_portal.accounts.demo import seed_accounts
from structures import demo as structures_demo
from structures.models import Structure


class Command(BaseCommand):
    help = "Comptes de démonstration et un dossier déposé en Île-de-France (test de fumée). --force hors DEBUG."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Autoriser l'exécution quand DEBUG est désactivé.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refus : DEBUG est désactivé. Relancez avec --force sur une base jetable.")
        demo = next(d for d in structures_demo.STRUCTURES if d.region == "11" and d.steps == structures_demo.SUBMITTED)
        with transaction.atomic():
            users = seed_accounts()
            structure = Structure.objects.filter(finess_et=demo.finess_et).first()
            if structure is None:
                structure = structures_demo._register(demo, users["gestion.idf@secpa.example"])
                structures_demo._play(structure, demo.steps, users["gestion.idf@secpa.example"], None)
        self.stdout.write(str(structure.pk))
