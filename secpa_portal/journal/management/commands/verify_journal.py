from django.core.management.base import BaseCommand, CommandError

from secpa_portal.journal.services import verify_chain


class Command(BaseCommand):
    help = "Vérifie que la chaîne d'empreintes du journal est intacte."

    def handle(self, *args, **options):
        intact, _count, message = verify_chain()
        if not intact:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
