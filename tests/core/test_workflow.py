import pytest
from django.db import models

from secpa_portal.core.workflow import Transition, TransitionError, Workflow


class State(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SENT = "sent", "Envoyé"
    DONE = "done", "Terminé"


FLOW = Workflow(
    subject="le test",
    states=State,
    transitions=[
        Transition("send", "Envoyer", frozenset({State.DRAFT}), State.SENT, "manager"),
        Transition("cancel", "Annuler", frozenset({State.DRAFT, State.SENT}), State.DONE, "manager", True),
    ],
)


def test_allows_reads_the_table():
    assert FLOW.allows("send", State.DRAFT)
    assert not FLOW.allows("send", State.SENT)


def test_wrong_state_is_refused_in_french():
    with pytest.raises(TransitionError) as error:
        FLOW.check("send", State.DONE)
    assert error.value.message == (
        "Action impossible : le test est « Terminé », l'action « Envoyer » n'est pas permise à ce stade."
    )


def test_reason_required():
    with pytest.raises(TransitionError, match="motif écrit est obligatoire"):
        FLOW.check("cancel", State.SENT, reason="  ")
    assert FLOW.check("cancel", State.SENT, reason="parce que").target == State.DONE


def test_apply_moves_and_bumps_version():
    class Row:
        status = State.DRAFT
        version = 3
        status_changed_at = None

    row = Row()
    assert FLOW.apply(row, "send") == State.DRAFT
    assert (row.status, row.version) == (State.SENT, 4)
    assert row.status_changed_at is not None


def test_record_writes_the_move_in_the_journal(db, manager):
    from secpa_portal.journal.models import Event

    class Row:
        status = State.DRAFT
        version = 1
        structure_id = 42

    row = Row()
    from_state = FLOW.apply(row, "send")
    event = FLOW.record(row, actor=manager, verb="sent", summary="Envoyé", from_state=from_state, obj=manager)
    assert Event.objects.get() == event
    assert (event.from_state, event.to_state, event.structure_id) == (State.DRAFT, State.SENT, 42)
    assert (event.object_type, event.object_id, event.actor_id) == ("accounts.user", str(manager.pk), manager.pk)
