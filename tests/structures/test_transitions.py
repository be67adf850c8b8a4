"""Every transition of the eligibility workflow, through the services (design.md §4).

For each one: the allowed actor succeeds, the journal records it, the e-mails reach the right people and
nobody else; every other actor is refused; every other source state is refused with a French message;
reasons are enforced where the design requires them.
"""

import pytest
from django.core import mail

from secpa_portal.core.errors import ActionRefused, DomainError
from secpa_portal.journal.models import Event
from structures import services
from structures.enums import StructureStatus as S
from structures.models import Structure
from structures.workflow import TRANSITIONS, TransitionError
from tests.factories import StructureFactory
from tests.structures.conftest import with_managers


def _take(structure, user, reason):
    return services.structure_take(structure=structure, user=user)


def _decide(decision):
    def call(structure, user, reason):
        return services.structure_decide(structure=structure, user=user, decision=decision, reason=reason)

    return call


def _reopen(structure, user, reason):
    return services.structure_reopen(structure=structure, user=user, reason=reason)


def _submit(structure, user, reason):
    return services.structure_submit(structure=structure, user=user)


def _withdraw(structure, user, reason):
    return services.structure_withdraw(structure=structure, user=user, reason=reason)


def _reopen_withdrawn(structure, user, reason):
    return services.structure_reopen_withdrawn(structure=structure, user=user)


# name → (service call, a source state, the allowed actor fixture, journal verb, who is e-mailed)
CASES = {
    # A first submission waits for the region's agents; a file sent back returns to its reviewer
    # (tests/structures/test_changes.py).
    "submit": (_submit, S.DRAFT, "manager", "submitted", "region_agents"),
    "take": (_take, S.SUBMITTED, "ars_idf", "taken", "managers"),
    "declare_eligible": (_decide("declare_eligible"), S.IN_REVIEW, "ars_idf", "eligible", "managers"),
    "declare_ineligible": (_decide("declare_ineligible"), S.IN_REVIEW, "ars_idf", "ineligible", "managers"),
    "request_changes": (_decide("request_changes"), S.IN_REVIEW, "ars_idf", "changes_requested", "managers"),
    "reopen": (_reopen, S.ELIGIBLE, "ars_idf", "reopened", "managers"),
    "withdraw": (_withdraw, S.SUBMITTED, "manager", "withdrawn", None),
    "reopen_withdrawn": (_reopen_withdrawn, S.WITHDRAWN, "manager", "withdrawn_reopened", None),
}
REASON = "Motif détaillé : l'équipe ne compte pas encore de médiateur en santé salarié."
# Everyone who is neither the allowed actor nor out of scope by the queryset: each is refused by the service.
INTRUDERS = ["manager", "co_manager", "other_manager", "ars_idf", "ars_idf2", "ars_ara", "cnam"]


def test_every_transition_of_the_table_is_covered():
    assert set(CASES) == set(TRANSITIONS)


@pytest.fixture
def people(manager, co_manager, ars_idf, ars_idf2, bystanders):
    return {"manager": manager, "co_manager": co_manager, "ars_idf": ars_idf, "ars_idf2": ars_idf2, **bystanders}


def _structure(people, state):
    structure = StructureFactory(manager=people["manager"], state=state, reviewer=people["ars_idf"], complete=True)
    return with_managers(structure, people["co_manager"], people["inactive_manager"])


def _last_event(structure):
    return Event.objects.for_structure(structure.pk).order_by("-id").first()


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_allowed_actor_moves_the_file_writes_the_journal_and_mails_the_right_people(
    name, people, django_capture_on_commit_callbacks
):
    call, source, actor, verb, audience = CASES[name]
    structure = _structure(people, source)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call(structure, people[actor], REASON)

    structure.refresh_from_db()
    assert structure.status == TRANSITIONS[name].target
    event = _last_event(structure)
    assert event.verb == verb
    assert (event.from_state, event.to_state) == (source, TRANSITIONS[name].target)
    assert event.actor_id == people[actor].pk
    if TRANSITIONS[name].reason_required:
        assert event.reason == REASON
    expected = {
        "managers": {"gestion@test.example", "co.gestion@test.example"},
        "region_agents": {"ars.idf@test.example", "ars.idf2@test.example"},
        None: set(),
    }[audience]
    recipients = [address for message in mail.outbox for address in message.to]
    assert sorted(recipients) == sorted(expected), "each right person once, nobody else"
    for message in mail.outbox:
        assert structure.name in message.subject
        assert message.subject.startswith("SECPA")


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("intruder", INTRUDERS)
def test_every_other_actor_is_refused_and_nothing_changes(name, intruder, people, django_capture_on_commit_callbacks):
    call, source, actor, _verb, _audience = CASES[name]
    allowed = {actor, "co_manager"} if actor == "manager" else {actor, "ars_idf2"}
    if intruder in allowed:
        pytest.skip("an allowed actor (co-managers and the region's other agents may act too)")
    structure = _structure(people, source)
    events_before = Event.objects.count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionRefused) as refused:
        call(structure, people[intruder], REASON)

    assert refused.value.message.startswith("Seul")
    assert Structure.objects.get(pk=structure.pk).status == source
    assert Event.objects.count() == events_before
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["take", "declare_eligible", "reopen", "submit"])
def test_the_regions_other_agent_and_a_co_manager_may_act_too(name, people):
    call, source, actor, _verb, _audience = CASES[name]
    structure = _structure(people, source)
    call(structure, people["co_manager" if actor == "manager" else "ars_idf2"], REASON)
    assert Structure.objects.get(pk=structure.pk).status == TRANSITIONS[name].target


WRONG_SOURCES = [
    (name, state)
    for name, transition in TRANSITIONS.items()
    for state in S
    if state not in transition.sources and state != S.DRAFT
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "state"), WRONG_SOURCES)
def test_a_wrong_source_state_is_refused_in_french(name, state, people, django_capture_on_commit_callbacks):
    call, _source, actor, _verb, _audience = CASES[name]
    structure = _structure(people, state)
    events_before = Event.objects.count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError) as refused:
        call(structure, people[actor], REASON)

    assert refused.value.message.startswith("Action impossible : le dossier est « ")
    assert f"« {S(state).label} »" in refused.value.message
    assert Structure.objects.get(pk=structure.pk).status == state
    assert Event.objects.count() == events_before
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["declare_eligible", "declare_ineligible", "request_changes", "reopen"])
def test_decisions_on_a_draft_are_refused(name, people):
    call, _source, actor, _verb, _audience = CASES[name]
    structure = StructureFactory(manager=people["manager"])
    with pytest.raises(DomainError):
        call(structure, people[actor], REASON)
    assert Structure.objects.get(pk=structure.pk).status == S.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["declare_ineligible", "request_changes", "reopen"])
@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_refusal_send_back_and_reopening_need_a_written_reason(name, reason, people):
    call, source, actor, _verb, _audience = CASES[name]
    structure = _structure(people, source)
    with pytest.raises(TransitionError) as refused:
        call(structure, people[actor], reason)
    assert "motif écrit est obligatoire" in refused.value.message
    assert Structure.objects.get(pk=structure.pk).status == source


@pytest.mark.django_db
def test_eligible_with_a_failing_criterion_needs_an_override_reason(people):
    structure = _structure(people, S.IN_REVIEW)
    # The file changed under the reviewer's feet (an attestation withdrawn): the pre-check now fails.
    Structure.objects.filter(pk=structure.pk).update(attests_open_to_all=False)

    with pytest.raises(TransitionError) as refused:
        services.structure_decide(structure=structure, user=people["ars_idf"], decision="declare_eligible")
    assert "Ouverte à toute personne" in refused.value.message
    assert "motivez" in refused.value.message
    assert Structure.objects.get(pk=structure.pk).status == S.IN_REVIEW

    services.structure_decide(
        structure=structure,
        user=people["ars_idf"],
        decision="declare_eligible",
        reason="Accueil inconditionnel vérifié sur place.",
    )
    event = _last_event(structure)
    assert event.verb == "eligible"
    assert event.payload == {"overridden_criteria": ["open_to_all"]}
    assert event.reason == "Accueil inconditionnel vérifié sur place."


@pytest.mark.django_db
def test_eligible_with_every_criterion_met_needs_no_reason(people):
    structure = _structure(people, S.IN_REVIEW)
    services.structure_decide(structure=structure, user=people["ars_idf"], decision="declare_eligible")
    assert Structure.objects.get(pk=structure.pk).status == S.ELIGIBLE
    assert _last_event(structure).payload == {"overridden_criteria": []}


@pytest.mark.django_db
def test_taking_a_file_another_agent_already_took_names_that_agent(people):
    structure = _structure(people, S.IN_REVIEW)  # taken by ars_idf
    with pytest.raises(TransitionError) as refused:
        services.structure_take(structure=structure, user=people["ars_idf2"])
    assert refused.value.message == "Ce dossier vient d'être pris en charge par Inès Bernard."


@pytest.mark.django_db
def test_reopening_makes_the_reopener_the_reviewer(people):
    structure = _structure(people, S.INELIGIBLE)
    services.structure_reopen(structure=structure, user=people["ars_idf2"], reason=REASON)
    structure.refresh_from_db()
    assert structure.status == S.IN_REVIEW
    assert structure.reviewer == people["ars_idf2"]
    assert structure.last_decision_reason == REASON


@pytest.mark.django_db
def test_private_notes_are_internal_journal_events_and_only_the_regions_agents_write_them(people):
    structure = _structure(people, S.IN_REVIEW)
    note = services.review_note_add(structure=structure, user=people["ars_idf2"], text="  Appel prévu lundi.  ")
    assert note.text == "Appel prévu lundi."
    event = _last_event(structure)
    assert (event.verb, event.internal) == ("note_added", True)
    assert "lundi" not in event.summary, "the note's text stays out of the journal summary"
    for intruder in ("manager", "ars_ara", "cnam"):
        with pytest.raises(ActionRefused):
            services.review_note_add(structure=structure, user=people[intruder], text="Note")
    with pytest.raises(ActionRefused, match="La note est vide"):
        services.review_note_add(structure=structure, user=people["ars_idf"], text="   ")
