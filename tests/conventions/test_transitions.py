"""Every transition of the convention workflow, through the services (design.md §4).

For each one: the allowed actor succeeds, the journal records it, the e-mails reach the right people and nobody
else; every other actor is refused; every other source state is refused with a French message; reasons are
enforced where the design requires them.
"""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from conventions.enums import ConventionStatus as C
from conventions.models import Convention
from conventions.services import conventions as services
from conventions.workflow import CONVENTION_TRANSITIONS, TransitionError
from secpa_portal.accounts.enums import Role
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from tests.conftest import make_user
from tests.factories import ConventionFactory, MembershipFactory, StructureFactory

REASON = "La structure a cessé son activité de médiation en santé."


def _send(convention, user, reason):
    return services.convention_send(convention=convention, user=user)


def _recall(convention, user, reason):
    return services.convention_recall(convention=convention, user=user, reason=reason)


def _sign_structure(convention, user, reason):
    return services.convention_sign_structure(
        convention=convention,
        user=user,
        signatory_name="Camille Martin",
        signatory_capacity="Directrice",
        consent=True,
    )


def _sign_cnam(convention, user, reason):
    return services.convention_sign_cnam(
        convention=convention, user=user, signatory_name="Louis Garnier", signatory_capacity="Directeur délégué"
    )


def _terminate(convention, user, reason):
    return services.convention_terminate(convention=convention, user=user, reason=reason)


def _end(convention, user, reason):
    return services.conventions_end_expired(today=convention.end_date + datetime.timedelta(days=1))


# name → (call, a source state, allowed actors, journal verb, who is e-mailed)
CASES = {
    "send": (_send, C.DRAFT, {"cnam", "cnam2"}, "convention_sent", "managers"),
    "recall": (_recall, C.SENT, {"cnam", "cnam2"}, "convention_recalled", "managers"),
    "sign_structure": (_sign_structure, C.SENT, {"manager", "co_manager"}, "convention_signed_by_structure", "cnam"),
    "sign_cnam": (_sign_cnam, C.SIGNED_BY_STRUCTURE, {"cnam2"}, "convention_active", "managers"),
    "terminate": (_terminate, C.ACTIVE, {"cnam", "cnam2"}, "convention_terminated", "managers"),
    "end": (_end, C.ACTIVE, {None}, "convention_ended", "managers"),
}
PEOPLE = [
    "manager",
    "co_manager",
    "other_manager",
    "inactive_manager",
    "ars_idf",
    "ars_ara",
    "cnam",
    "cnam2",
    "inactive_cnam",
]
AUDIENCE = {
    "managers": {"gestion@test.example", "co.gestion@test.example"},
    "cnam": {"cnam@test.example", "cnam2@test.example"},
    None: set(),
}


def test_every_transition_of_the_table_is_covered():
    assert set(CASES) == set(CONVENTION_TRANSITIONS)


@pytest.fixture
def people(manager, ars_idf, ars_ara, cnam, cnam2):
    return {
        "manager": manager,
        "co_manager": make_user("co.gestion@test.example"),
        "other_manager": make_user("autre.gestion@test.example"),
        "inactive_manager": make_user("ancien.gestion@test.example", is_active=False),
        "inactive_cnam": make_user("cnam.parti@test.example", role=Role.CNAM_AGENT, is_active=False),
        "ars_idf": ars_idf,
        "ars_ara": ars_ara,
        "cnam": cnam,
        "cnam2": cnam2,
        None: None,
    }


def _convention(people, state):
    structure = StructureFactory(manager=people["manager"], reviewer=people["ars_idf"], eligible=True)
    MembershipFactory(structure=structure, user=people["co_manager"])
    MembershipFactory(structure=structure, user=people["inactive_manager"])
    StructureFactory(manager=people["other_manager"], reviewer=people["ars_idf"], eligible=True)
    return ConventionFactory(
        structure=structure, cnam=people["cnam"], state=state, manager=people["manager"], cnam2=people["cnam2"]
    )


def _last_event(convention):
    return Event.objects.for_object(convention).order_by("-id").first()


@pytest.mark.parametrize("name", list(CASES))
def test_allowed_actor_moves_the_convention_writes_the_journal_and_mails_the_right_people(
    name, people, django_capture_on_commit_callbacks
):
    call, source, allowed, verb, audience = CASES[name]
    actor = sorted(allowed, key=str)[-1]
    convention = _convention(people, source)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call(convention, people[actor], REASON)

    convention.refresh_from_db()
    target = CONVENTION_TRANSITIONS[name].target
    assert convention.status == target
    event = _last_event(convention)
    assert event.verb == verb
    assert (event.from_state, event.to_state) == (source, target)
    assert event.structure_id == convention.structure_id
    assert event.actor_id == (people[actor].pk if actor else None)
    if CONVENTION_TRANSITIONS[name].reason_required:
        assert event.reason == REASON
    recipients = [address for message in mail.outbox for address in message.to]
    assert sorted(recipients) == sorted(AUDIENCE[audience]), "each right person once, nobody else"
    for message in mail.outbox:
        assert convention.reference in message.subject
        assert message.subject.startswith("SECPA")
        if name != "recall":  # back in preparation, the structure cannot open it
            assert f"/conventions/{convention.pk}/" in message.body


@pytest.mark.parametrize("name", [n for n in CASES if n != "end"])
@pytest.mark.parametrize("intruder", PEOPLE)
def test_every_other_actor_is_refused_and_nothing_changes(name, intruder, people, django_capture_on_commit_callbacks):
    call, source, allowed, _verb, _audience = CASES[name]
    if intruder in allowed:
        pytest.skip("an allowed actor")
    convention = _convention(people, source)
    events_before = Event.objects.count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionRefused) as refused:
        call(convention, people[intruder], REASON)

    assert refused.value.message.startswith(("Seul", "Vous avez préparé"))
    assert Convention.objects.get(pk=convention.pk).status == source
    assert Event.objects.count() == events_before
    assert mail.outbox == []


@pytest.mark.parametrize("name", [n for n in CASES if n != "end"])
@pytest.mark.parametrize("state", [s.value for s in C])
def test_every_other_state_is_refused_with_a_french_message(name, state, people):
    call, _source, allowed, _verb, _audience = CASES[name]
    if state in CONVENTION_TRANSITIONS[name].sources:
        pytest.skip("a valid source state")
    convention = _convention(people, state)
    actor = sorted(allowed, key=str)[-1]

    with pytest.raises(TransitionError) as refused:
        call(convention, people[actor], REASON)

    assert refused.value.message.startswith("Action impossible : la convention est « ")
    assert "n'est pas permise à ce stade" in refused.value.message
    assert Convention.objects.get(pk=convention.pk).status == state


@pytest.mark.parametrize("name", [n for n, t in CONVENTION_TRANSITIONS.items() if t.reason_required])
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_written_reason_is_required(name, reason, people):
    call, source, allowed, _verb, _audience = CASES[name]
    convention = _convention(people, source)
    with pytest.raises(TransitionError, match="Un motif écrit est obligatoire"):
        call(convention, people[sorted(allowed)[0]], reason)
    assert Convention.objects.get(pk=convention.pk).status == source


def test_the_preparer_cannot_sign_for_the_assurance_maladie(people):
    convention = _convention(people, C.SIGNED_BY_STRUCTURE)
    with pytest.raises(ActionRefused, match="principe des quatre yeux"):
        _sign_cnam(convention, people["cnam"], "")


def test_structure_signature_needs_explicit_consent_name_and_capacity(people):
    convention = _convention(people, C.SENT)
    with pytest.raises(TransitionError, match="Cochez la case"):
        services.convention_sign_structure(
            convention=convention, user=people["manager"], signatory_name="A", signatory_capacity="B", consent=False
        )
    with pytest.raises(TransitionError, match="nom et la qualité"):
        services.convention_sign_structure(
            convention=convention, user=people["manager"], signatory_name=" ", signatory_capacity="B", consent=True
        )
    assert Convention.objects.get(pk=convention.pk).status == C.SENT


def test_recall_drops_the_structure_signature(people):
    convention = _convention(people, C.SIGNED_BY_STRUCTURE)
    services.convention_recall(convention=convention, user=people["cnam"], reason=REASON)
    convention.refresh_from_db()
    assert convention.status == C.DRAFT
    assert (convention.structure_signed_by, convention.structure_signatory_name) == (None, "")


def test_one_active_convention_per_structure_said_in_french(people):
    first = _convention(people, C.ACTIVE)
    # A renewal is prepared once the first is over; put the first back in force to meet the check.
    services.convention_terminate(convention=first, user=people["cnam"], reason=REASON)
    renewal = ConventionFactory(
        structure=first.structure, cnam=people["cnam"], signed_by_structure=True, manager=people["manager"]
    )
    Convention.objects.filter(pk=first.pk).update(status=C.ACTIVE)
    with pytest.raises(TransitionError, match=r"déjà une convention en vigueur \(SECPA-11-2026-001\)"):
        _sign_cnam(renewal, people["cnam2"], "")
    assert Convention.objects.get(pk=renewal.pk).status == C.SIGNED_BY_STRUCTURE


def test_only_one_convention_in_preparation_per_structure(people):
    convention = _convention(people, C.SENT)
    with pytest.raises(ActionRefused, match="déjà en cours de préparation ou de signature"):
        ConventionFactory(structure=convention.structure, cnam=people["cnam"])


def test_only_eligible_structures_get_a_convention(people):
    from tests.factories import StructureFactory

    structure = StructureFactory(manager=people["manager"], in_review=True, reviewer=people["ars_idf"])
    with pytest.raises(ActionRefused, match="structure éligible"):
        ConventionFactory(structure=structure, cnam=people["cnam"])


def test_send_lists_what_is_missing(people):
    structure = StructureFactory(manager=people["manager"], reviewer=people["ars_idf"], eligible=True)
    from tests.factories import ensure_catalogue, terms

    ensure_catalogue()
    convention = services.convention_prepare(structure=structure, user=people["cnam"], **terms(obligations=[]))
    with pytest.raises(TransitionError) as refused:
        services.convention_send(convention=convention, user=people["cnam"])
    assert "cochez une obligation de coordination" in refused.value.message
    assert "Ajoutez au moins un objectif" in refused.value.message


def test_references_follow_each_other_per_region_and_year(people):
    structure = StructureFactory(manager=people["manager"], reviewer=people["ars_idf"], eligible=True)
    other = StructureFactory(
        manager=people["manager"], reviewer=people["ars_idf"], eligible=True, commune_code="75119"
    )
    lyon = StructureFactory(manager=people["manager"], reviewer=people["ars_ara"], eligible=True, commune_code="69123")
    refs = [ConventionFactory(structure=s, cnam=people["cnam"]).reference for s in (structure, other, lyon)]
    assert refs == ["SECPA-11-2026-001", "SECPA-11-2026-002", "SECPA-84-2026-001"]
    later = ConventionFactory(
        structure=StructureFactory(manager=people["manager"], reviewer=people["ars_idf"], eligible=True),
        cnam=people["cnam"],
        start_date=datetime.date(2027, 3, 1),
    )
    assert later.reference == "SECPA-11-2027-001"


def test_end_conventions_command_ends_only_those_past_their_end(people, django_capture_on_commit_callbacks):
    past = _convention(people, C.ACTIVE)
    Convention.objects.filter(pk=past.pk).update(
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2022, 12, 31)
    )
    current = ConventionFactory(
        structure=StructureFactory(manager=people["manager"], reviewer=people["ars_idf"], eligible=True),
        cnam=people["cnam"],
        active=True,
        manager=people["manager"],
        cnam2=people["cnam2"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("end_conventions")
    assert Convention.objects.get(pk=past.pk).status == C.ENDED
    assert Convention.objects.get(pk=current.pk).status == C.ACTIVE
    events = Event.objects.filter(verb="convention_ended").count()
    call_command("end_conventions")
    assert Event.objects.filter(verb="convention_ended").count() == events == 1


def test_end_conventions_takes_a_date_and_refuses_a_bad_one(people):
    from django.core.management.base import CommandError

    convention = _convention(people, C.ACTIVE)
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("end_conventions", "--date", "31/12/2029")
    call_command("end_conventions", "--date", "2028-12-31")
    assert Convention.objects.get(pk=convention.pk).status == C.ACTIVE
    call_command("end_conventions", "--date", "2029-01-01")
    assert Convention.objects.get(pk=convention.pk).status == C.ENDED
