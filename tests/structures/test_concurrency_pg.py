"""On PostgreSQL: concurrent ARS actions on one file, and the journal's guarantees held by the database."""

import threading

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.db import DatabaseError, connection, connections, transaction
from django.urls import reverse

from secpa_portal.accounts.enums import Role
from secpa_portal.journal.models import Event
from secpa_portal.journal.services import verify_chain
from structures import services
from structures.enums import StructureStatus as S
from structures.models import ReviewNote, Structure
from structures.workflow import TransitionError
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and triggers are tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(workers):
    """Run every worker at the same instant, each on its own connection; return results or exceptions."""
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            outcomes[index] = work()
        except Exception as error:  # noqa: BLE001  (the outcome is the point)
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def colleague(db):
    return make_user(
        "ars.idf2@test.example", role=Role.ARS_AGENT, region_code="11", first_name="Sarah", last_name="Lefèvre"
    )


def test_two_agents_taking_the_same_file_through_the_page_one_wins_the_other_is_told(manager, ars_idf, colleague):
    structure = StructureFactory(manager=manager, submitted=True)
    clients = {agent.pk: client_for(agent) for agent in (ars_idf, colleague)}
    url = reverse("structures:take", args=[structure.pk])

    def take(agent):
        def work():
            response = clients[agent.pk].post(url)
            messages = list(get_messages(response.wsgi_request))
            return agent, response.status_code, messages

        return work

    outcomes = _race([take(ars_idf), take(colleague)])
    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert [status for _agent, status, _messages in outcomes] == [302, 302]
    winners = [agent for agent, _s, messages in outcomes if any(m.level == SUCCESS for m in messages)]
    losers = [(agent, messages) for agent, _s, messages in outcomes if any(m.level == ERROR for m in messages)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    winner = winners[0]
    _loser, messages = losers[0]
    assert [m.message for m in messages] == [f"Ce dossier vient d'être pris en charge par {winner}."]

    structure.refresh_from_db()
    assert (structure.status, structure.reviewer_id) == (S.IN_REVIEW, winner.pk)
    assert Event.objects.for_structure(structure.pk).filter(verb="taken").count() == 1
    intact, _count, message = verify_chain()
    assert intact, message


def test_two_decisions_at_once_only_one_applies(manager, ars_idf, colleague):
    structure = StructureFactory(manager=manager, in_review=True, reviewer=ars_idf)

    def decide(agent, decision, reason):
        return lambda: services.structure_decide(structure=structure, user=agent, decision=decision, reason=reason)

    outcomes = _race(
        [
            decide(ars_idf, "declare_eligible", ""),
            decide(colleague, "request_changes", "Merci de joindre le projet de santé signé."),
        ]
    )
    applied = [o for o in outcomes if isinstance(o, Structure)]
    refused = [o for o in outcomes if isinstance(o, TransitionError)]
    assert len(applied) == 1 and len(refused) == 1, outcomes
    assert refused[0].message.startswith("Action impossible : le dossier est « ")
    assert Structure.objects.get(pk=structure.pk).status == applied[0].status
    decisions = Event.objects.for_structure(structure.pk).filter(verb__in=["eligible", "changes_requested"])
    assert decisions.count() == 1
    assert verify_chain()[0]


def test_concurrent_events_keep_the_journal_chain_intact(manager, ars_idf, colleague):
    structures = [StructureFactory(manager=manager, submitted=True) for _ in range(3)]

    def note(agent, structure, n):
        return lambda: services.review_note_add(structure=structure, user=agent, text=f"Note {n}")

    workers = [note(ars_idf if n % 2 else colleague, structures[n % 3], n) for n in range(8)]
    workers += [lambda s=s: services.structure_take(structure=s, user=ars_idf) for s in structures]
    outcomes = _race(workers)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert ReviewNote.objects.count() == 8
    intact, count, message = verify_chain()
    assert intact, message
    assert count == Event.objects.count()
    hashes = list(Event.objects.order_by("id").values_list("prev_hash", flat=True))
    assert len(set(hashes)) == len(hashes), "no two events chain to the same predecessor"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE journal_event SET reason = 'réécrit' WHERE id = %s",
        "DELETE FROM journal_event WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_journal_rows(sql, manager, ars_idf):
    structure = StructureFactory(manager=manager, in_review=True, reviewer=ars_idf)
    event = Event.objects.for_structure(structure.pk).filter(verb="taken").get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    reloaded = Event.objects.get(pk=event.pk)
    assert reloaded.reason == event.reason
    assert verify_chain()[0]
