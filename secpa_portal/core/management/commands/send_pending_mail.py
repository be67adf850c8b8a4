from django.core.management.base import BaseCommand

from secpa_portal.core.formats import plural
from secpa_portal.core.mail import deliver_due
from secpa_portal.core.models import OutboxMail


class Command(BaseCommand):
    help = "Envoie les courriels en attente dont la prochaine tentative est échue (à lancer toutes les 5 minutes)."

    def handle(self, *args, **options):
        sent = deliver_due()
        left = OutboxMail.objects.pending().count()
        self.stdout.write(f"{sent} {plural(sent, 'courriel envoyé', 'courriels envoyés')}, {left} en attente.")
