from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from secpa_portal.journal.models import Event, JournalImmutableError
from secpa_portal.journal.services import record_event, verify_chain


@pytest.mark.django_db
def test_chain_verifies_and_detects_tampering(manager, capsys):
    for i in range(3):
        record_event(actor=manager, verb="test", summary=f"Événement {i}", obj=manager, amount=Decimal("10.50"))
    assert verify_chain()[0]
    call_command("verify_journal")
    assert "3 événements vérifiés" in capsys.readouterr().out
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE journal_event SET reason = 'falsifié' WHERE id = (SELECT MIN(id) FROM journal_event)"
            )
        with pytest.raises(CommandError, match="Contenu altéré"):
            call_command("verify_journal")


@pytest.mark.django_db
def test_application_cannot_change_or_delete_events(manager):
    event = record_event(actor=manager, verb="test", summary="x", obj=manager)
    with pytest.raises(JournalImmutableError):
        event.save()
    with pytest.raises(JournalImmutableError):
        event.delete()
    with pytest.raises(JournalImmutableError):
        Event.objects.filter(pk=event.pk).update(reason="y")
    with pytest.raises(JournalImmutableError):
        Event.objects.all().delete()
