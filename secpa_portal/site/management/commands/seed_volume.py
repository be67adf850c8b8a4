"""Load the volume data set of design.md §8 (the benchmark's). Site level: it may import every app."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from secpa_portal.accounts.demo import DEMO_PASSWORD
from secpa_portal.site import volume


class Command(BaseCommand):
    help = (
        "Charge le jeu de volume (par défaut 5 000 structures, conventions, 5 ans de rapports, une campagne, "
        "ses dotations et versements, une année de messages). Ne fait rien si le jeu est déjà chargé, sauf avec "
        "--reset qui le supprime puis le recharge. Refuse de tourner hors DEBUG sans --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--structures", type=int, default=5000, help="Nombre de structures (5 000 par défaut).")
        parser.add_argument("--reset", action="store_true", help="Supprimer le jeu de volume existant d'abord.")
        parser.add_argument("--force", action="store_true", help="Autoriser l'exécution quand DEBUG est désactivé.")

    def handle(self, *args, structures=5000, reset=False, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refus : DEBUG est désactivé, ceci ressemble à une production. "
                "Relancez avec --force si vous êtes certain de vouloir le jeu de volume."
            )
        if structures < 1:
            raise CommandError("Le nombre de structures doit être au moins 1.")
        started = time.monotonic()
        with transaction.atomic():
            if volume.volume_structures().exists():
                if not reset:
                    self.stdout.write("Le jeu de volume est déjà chargé : rien à faire (--reset pour le remplacer).")
                    return
                removed = volume.clear()
                self.stdout.write(f"Jeu de volume précédent supprimé ({removed} structures).")
            try:
                counts = volume.seed(structures, log=self.stdout.write)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if connection.vendor == "postgresql":
            # Planner statistics and the visibility map, as autovacuum leaves them once the load has settled: without
            # the map a deep page's index-only scan looks dearer than sorting the whole table, and is not chosen.
            # VACUUM cannot run in a transaction (a test's): statistics only there.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Jeu de volume prêt en {elapsed:.0f} s : {counts['structures']} structures, "
                f"{counts['conventions']} conventions, {counts['reports']} rapports, {counts['dotations']} dotations, "
                f"{counts['payments']} versements, {counts['messages']} messages "
                f"(comptes @{volume.VOLUME_DOMAIN}, mot de passe : {DEMO_PASSWORD})."
            )
        )
