from django.core.management.base import BaseCommand, CommandError

from secpa_portal.journal.services import JournalTampered, verify_chain, write_checkpoint


class Command(BaseCommand):
    help = (
        "Vérifie que la chaîne d'empreintes du journal est intacte et atteint le dernier point de contrôle ; "
        "avec --checkpoint, signe ensuite la tête du journal."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="Après vérification, enregistre un point de contrôle signé (dernier événement et son empreinte).",
        )

    def handle(self, *args, **options):
        intact, _count, message = verify_chain()
        if not intact:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
        if options["checkpoint"]:
            try:
                checkpoint = write_checkpoint()
            except JournalTampered as error:
                raise CommandError(str(error)) from error
            if checkpoint is None:
                self.stdout.write("Journal vide : aucun point de contrôle enregistré.")
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"Point de contrôle enregistré à l'événement n° {checkpoint.last_id}.")
                )
