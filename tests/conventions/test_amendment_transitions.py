"""Every transition of the avenant workflow, through the services, like the convention's (test_transitions.py).

For each one (send, the two signatures, abandon, and the deletion of a draft): the allowed actor succeeds, the
journal records it, the e-mails reach the right people and nobody else; every other actor is refused; every other
source state is refused with a French message; a refusal leaves the avenant, the journal and the mailbox as they
were. Both signatures record a signatory's name and capacity, like the convention's.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from conventions.enums import AmendmentStatus as A
from conventions.enums import ConventionStatus
from conventions.models import Amendment, Convention, Indicator, Target
from conventions.services import amendments as services
from conventions.workflow import AMENDMENT_TRANSITIONS, TransitionError
from secpa_portal.accounts.enums import Role
from secpa_portal.core.errors import ActionRefused
from secpa_portal.journal.models import Event
from tests.conftest import client_for, make_user
from tests.factories import ConventionFactory, MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

STRUCTURE_SIGNATORY = {"signatory_name": "Camille Martin", "signatory_capacity": "Directrice"}
CNAM_SIGNATORY = {"signatory_name": "Louis Garnier", "signatory_capacity": "Directeur délégué"}


def _send(amendment, user):
    return services.amendment_send(amendment=amendment, user=user)


def _sign_structure(amendment, user, **signatory):
    return services.amendment_sign_structure(
        amendment=amendment, user=user, consent=True, **(signatory or STRUCTURE_SIGNATORY)
    )


def _sign_cnam(amendment, user, **signatory):
    return services.amendment_sign_cnam(amendment=amendment, user=user, **(signatory or CNAM_SIGNATORY))


def _delete(amendment, user):
    return services.amendment_delete(amendment=amendment, user=user)


ABANDON_REASON = "La dotation 2027 est approuvée : ses conditions de versement ne peuvent plus changer."


def _abandon(amendment, user, reason=ABANDON_REASON):
    return services.amendment_abandon(amendment=amendment, user=user, reason=reason)


# name → (call, its source state, allowed actors, journal verb, who is e-mailed)
CASES = {
    "send": (_send, A.DRAFT, {"cnam", "cnam2"}, "amendment_sent", "managers"),
    "sign_structure": (_sign_structure, A.SENT, {"manager", "co_manager"}, "amendment_signed_by_structure", "cnam"),
    # Four eyes: ``cnam`` prepared the avenant, only ``cnam2`` may sign it for the assurance maladie.
    "sign_cnam": (_sign_cnam, A.SIGNED_BY_STRUCTURE, {"cnam2"}, "amendment_active", "managers"),
    "abandon": (_abandon, A.SIGNED_BY_STRUCTURE, {"cnam", "cnam2"}, "amendment_abandoned", "managers"),
    # Not a row of the table: a draft nobody else has seen is deleted (the journal still says it was abandoned).
    "delete": (_delete, A.DRAFT, {"cnam", "cnam2"}, "amendment_abandoned", None),
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
    # Active managers of the structure only: not the inactive one, not the manager of another structure.
    "managers": {"gestion@test.example", "co.gestion@test.example"},
    # Active CNAM agents only.
    "cnam": {"cnam@test.example", "cnam2@test.example"},
    None: set(),
}


def test_every_transition_of_the_table_is_covered():
    assert set(CASES) - {"delete"} == set(AMENDMENT_TRANSITIONS)


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
    }


def _amendment(people, state, preparer="cnam"):
    """Avenant n° 1, prepared by ``preparer``, to a convention in force, moved to ``state`` (abandoned once sent)."""
    structure = StructureFactory(manager=people["manager"], reviewer=people["ars_idf"], eligible=True)
    MembershipFactory(structure=structure, user=people["co_manager"])
    MembershipFactory(structure=structure, user=people["inactive_manager"])
    StructureFactory(manager=people["other_manager"], reviewer=people["ars_idf"], eligible=True)
    convention = ConventionFactory(
        structure=structure, cnam=people["cnam"], cnam2=people["cnam2"], manager=people["manager"], active=True
    )
    amendment = services.amendment_save(
        convention=convention,
        user=people[preparer],
        summary="Cible 2028 de coordination relevée.",
        targets=[
            {"indicator": Indicator.objects.get(code="coordination_meetings"), "year": 2028, "value": Decimal(30)}
        ],
    )
    signer = "cnam" if preparer == "cnam2" else "cnam2"
    steps = [
        (A.SENT, lambda: _send(amendment, people[preparer])),
        *([(A.ABANDONED, lambda: _abandon(amendment, people[signer]))] if state == A.ABANDONED else []),
        (A.SIGNED_BY_STRUCTURE, lambda: _sign_structure(amendment, people["manager"])),
        (A.ACTIVE, lambda: _sign_cnam(amendment, people[signer])),
    ]
    for reached, step in steps:
        if amendment.status == state:
            break
        step()
        amendment = Amendment.objects.get(pk=amendment.pk)
        assert amendment.status == reached
    assert amendment.status == state
    return Amendment.objects.select_related("convention").get(pk=amendment.pk)


def _events(convention):
    return list(Event.objects.for_object(convention).order_by("id").values_list("pk", flat=True))


def _snapshot(amendment):
    """What a refusal must leave untouched: the avenant's row, the convention's targets, the journal, the mails."""
    row = Amendment.objects.filter(pk=amendment.pk).values().first()
    convention = Convention.objects.get(pk=amendment.convention_id)
    targets = sorted(
        Target.objects.filter(convention_indicator__convention=convention).values_list(
            "convention_indicator__indicator__code", "year", "value"
        )
    )
    return row, convention.version, convention.end_date, targets, Event.objects.count(), list(mail.outbox)


# --- The allowed actor ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("who", ["first", "last"])
def test_allowed_actor_moves_the_avenant_writes_the_journal_and_mails_the_right_people(
    name, who, people, django_capture_on_commit_callbacks
):
    call, source, allowed, verb, audience = CASES[name]
    if who == "last" and len(allowed) == 1:
        pytest.skip("a single allowed actor")
    actor = sorted(allowed)[0 if who == "first" else -1]
    amendment = _amendment(people, source)
    convention = amendment.convention
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call(amendment, people[actor])

    event = Event.objects.for_object(convention).order_by("-id").first()
    assert event.verb == verb
    assert event.actor_id == people[actor].pk
    assert event.structure_id == convention.structure_id
    assert event.payload["amendment"] == 1
    if name == "delete":
        assert not Amendment.objects.filter(pk=amendment.pk).exists()
    else:
        target = AMENDMENT_TRANSITIONS[name].target
        assert Amendment.objects.get(pk=amendment.pk).status == target
        assert (event.from_state, event.to_state) == (source, target)
    recipients = [address for message in mail.outbox for address in message.to]
    assert sorted(recipients) == sorted(AUDIENCE[audience]), "each right person once, nobody else"
    for message in mail.outbox:
        assert message.subject.startswith("SECPA — avenant n° 1 ")
        assert convention.reference in message.subject
        assert f"/conventions/{convention.pk}/" in message.body


# --- Every other actor ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("intruder", PEOPLE)
def test_every_other_actor_is_refused_and_nothing_changes(name, intruder, people, django_capture_on_commit_callbacks):
    call, source, allowed, _verb, _audience = CASES[name]
    if intruder in allowed:
        pytest.skip("an allowed actor")
    amendment = _amendment(people, source)
    mail.outbox.clear()
    before = _snapshot(amendment)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ActionRefused) as refused:
        call(amendment, people[intruder])

    assert refused.value.message.startswith(("Seul", "Vous avez préparé"))
    assert callbacks == []
    assert _snapshot(amendment) == before
    assert mail.outbox == []


def test_the_preparer_cannot_sign_for_the_assurance_maladie_whoever_prepared(people):
    amendment = _amendment(people, A.SIGNED_BY_STRUCTURE, preparer="cnam2")
    before = _snapshot(amendment)
    with pytest.raises(ActionRefused, match="principe des quatre yeux"):
        _sign_cnam(amendment, people["cnam2"])
    assert _snapshot(amendment) == before
    _sign_cnam(amendment, people["cnam"])
    assert Amendment.objects.get(pk=amendment.pk).status == A.ACTIVE


# --- Every other source state --------------------------------------------------------------------------------


def _sources(name):
    return {A.DRAFT} if name == "delete" else AMENDMENT_TRANSITIONS[name].sources


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("state", [s.value for s in A])
def test_every_other_state_is_refused_with_a_french_message(name, state, people, django_capture_on_commit_callbacks):
    call, _source, allowed, _verb, _audience = CASES[name]
    if state in _sources(name):
        pytest.skip("a valid source state")
    amendment = _amendment(people, state)
    mail.outbox.clear()
    before = _snapshot(amendment)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(TransitionError) as refused:
        call(amendment, people[sorted(allowed)[-1]])

    label = A(state).label
    assert refused.value.message.startswith(f"Action impossible : l'avenant est « {label} »")
    if name == "delete":
        assert "seul un avenant en préparation peut être supprimé" in refused.value.message
    else:
        assert "n'est pas permise à ce stade" in refused.value.message
    assert callbacks == []
    assert _snapshot(amendment) == before


@pytest.mark.parametrize("name", ["send", "sign_cnam"])
def test_an_avenant_cannot_be_sent_or_take_effect_once_the_convention_is_no_longer_in_force(name, people):
    call, source, allowed, _verb, _audience = CASES[name]
    amendment = _amendment(people, source)
    Convention.objects.filter(pk=amendment.convention_id).update(status=ConventionStatus.TERMINATED)
    before = _snapshot(amendment)
    with pytest.raises(TransitionError, match="La convention n'est plus en vigueur"):
        call(amendment, people[sorted(allowed)[-1]])
    assert _snapshot(amendment) == before


# --- Signatures: name, capacity, consent ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sign_structure", "sign_cnam"])
@pytest.mark.parametrize(
    ("signatory_name", "signatory_capacity"), [("", "Directrice"), ("   ", "Directrice"), ("Camille Martin", " ")]
)
def test_a_signature_needs_the_signatory_name_and_capacity(
    name, signatory_name, signatory_capacity, people, django_capture_on_commit_callbacks
):
    call, source, allowed, _verb, _audience = CASES[name]
    amendment = _amendment(people, source)
    mail.outbox.clear()
    before = _snapshot(amendment)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError) as refused:
        call(
            amendment,
            people[sorted(allowed)[-1]],
            signatory_name=signatory_name,
            signatory_capacity=signatory_capacity,
        )
    assert refused.value.message == "Indiquez le nom et la qualité du signataire."
    assert _snapshot(amendment) == before


def test_the_structure_signature_needs_explicit_consent(people):
    amendment = _amendment(people, A.SENT)
    before = _snapshot(amendment)
    with pytest.raises(TransitionError, match="Cochez la case par laquelle vous acceptez les termes de l'avenant"):
        services.amendment_sign_structure(
            amendment=amendment, user=people["manager"], consent=False, **STRUCTURE_SIGNATORY
        )
    assert _snapshot(amendment) == before


def test_both_signatures_record_who_signed_and_in_what_capacity(people):
    amendment = _amendment(people, A.SENT)
    _sign_structure(amendment, people["co_manager"], signatory_name="  Aïcha Benali ", signatory_capacity="Présidente")
    _sign_cnam(amendment, people["cnam2"], signatory_name=" Louis Garnier", signatory_capacity="Directeur délégué ")
    amendment = Amendment.objects.get(pk=amendment.pk)
    assert (amendment.structure_signatory_name, amendment.structure_signatory_capacity) == (
        "Aïcha Benali",
        "Présidente",
    )
    assert amendment.structure_signed_by == people["co_manager"] and amendment.structure_signed_at
    assert (amendment.cnam_signatory_name, amendment.cnam_signatory_capacity) == ("Louis Garnier", "Directeur délégué")
    assert amendment.cnam_signed_by == people["cnam2"] and amendment.cnam_signed_at
    summaries = list(
        Event.objects.for_object(amendment.convention)
        .filter(verb__startswith="amendment_signed_by_structure")
        .values_list("summary", flat=True)
    ) + list(
        Event.objects.for_object(amendment.convention)
        .filter(verb="amendment_active")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Avenant n° 1 signé pour la structure par Aïcha Benali",
        "Avenant n° 1 signé pour l'assurance maladie par Louis Garnier (Directeur délégué) : il s'applique",
    ]


# --- Deleting a draft ---------------------------------------------------------------------------------------


def test_deleting_the_draft_journals_it_and_leaves_the_convention_as_it_was(
    people, django_capture_on_commit_callbacks
):
    amendment = _amendment(people, A.DRAFT)
    convention = amendment.convention
    _row, version, end_date, targets, _count, _mails = _snapshot(amendment)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.amendment_delete(amendment=amendment, user=people["cnam2"])

    assert not Amendment.objects.filter(convention=convention).exists()
    event = Event.objects.for_object(convention).order_by("-id").first()
    assert (event.verb, event.actor_id, event.structure_id) == (
        "amendment_abandoned",
        people["cnam2"].pk,
        convention.structure_id,
    )
    assert event.summary == "Avenant n° 1 abandonné avant envoi"
    assert event.payload == {"amendment": 1}
    assert _snapshot(amendment)[1:4] == (version, end_date, targets), "the convention is unchanged"
    assert mail.outbox == []
    # The convention may take a new avenant at once.
    again = services.amendment_save(
        convention=convention,
        user=people["cnam"],
        summary="Autre cible.",
        targets=[
            {"indicator": Indicator.objects.get(code="coordination_meetings"), "year": 2027, "value": Decimal(20)}
        ],
    )
    assert again.status == A.DRAFT


def test_deleting_a_draft_through_the_pages(people):
    amendment = _amendment(people, A.DRAFT)
    convention = amendment.convention
    url = reverse("conventions:amendment_delete", args=[convention.pk, 1])
    manager = client_for(people["manager"])
    response = manager.get(url, follow=True)
    assert "Seul un agent de la CNAM peut abandonner un avenant." in response.content.decode()
    response = manager.post(url, follow=True)
    assert "Seul un agent de la CNAM peut abandonner un avenant." in response.content.decode()
    assert Amendment.objects.filter(pk=amendment.pk).exists()

    cnam = client_for(people["cnam"])
    page = cnam.get(url).content.decode()
    assert "Abandonner l&#x27;avenant" in page or "Abandonner l'avenant" in page
    response = cnam.post(url)
    assert response.status_code == 302 and response.url == reverse("conventions:detail", args=[convention.pk])
    assert not Amendment.objects.filter(pk=amendment.pk).exists()
    assert Event.objects.for_object(convention).filter(verb="amendment_abandoned").count() == 1


def test_a_sent_avenant_cannot_be_deleted_through_the_pages_only_abandoned_with_a_reason(people):
    amendment = _amendment(people, A.SENT)
    url = reverse("conventions:amendment_delete", args=[amendment.convention_id, 1])
    client = client_for(people["cnam"])
    response = client.post(url, follow=True)
    assert (
        "seul un avenant en préparation peut être supprimé. Abandonnez-le en indiquant un motif : il restera dans "
        "l&#x27;historique."
    ) in response.content.decode()
    assert Amendment.objects.get(pk=amendment.pk).status == A.SENT
    # An old link to the deletion leads to the abandonment, which asks for a reason.
    assert client.get(url).url == reverse("conventions:amendment_abandon", args=[amendment.convention_id, 1])


# --- Abandon once sent ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [A.SENT, A.SIGNED_BY_STRUCTURE])
def test_abandon_keeps_the_avenant_with_its_reason_and_changes_nothing(
    source, people, django_capture_on_commit_callbacks
):
    amendment = _amendment(people, source)
    _row, version, end_date, targets, _count, _mails = _snapshot(amendment)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        abandoned = _abandon(amendment, people["cnam"], reason="  Remplacé par un avenant plus complet.  ")

    assert abandoned.status == A.ABANDONED
    assert abandoned.abandon_reason == "Remplacé par un avenant plus complet."
    assert abandoned.abandoned_at is not None
    event = Event.objects.for_object(amendment.convention).order_by("-id").first()
    assert (event.verb, event.from_state, event.to_state, event.reason) == (
        "amendment_abandoned",
        source,
        A.ABANDONED,
        "Remplacé par un avenant plus complet.",
    )
    assert event.summary == "Avenant n° 1 abandonné par l'assurance maladie : il ne change rien à la convention"
    assert _snapshot(amendment)[1:4] == (version, end_date, targets), "the convention is unchanged"
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(AUDIENCE["managers"])
    for message in mail.outbox:
        assert message.subject == f"SECPA — avenant n° 1 abandonné : {amendment.convention.reference}"
        assert "Motif : Remplacé par un avenant plus complet." in message.body
    # Kept, it no longer blocks the next avenant, which takes the next number.
    again = services.amendment_save(
        convention=amendment.convention,
        user=people["cnam"],
        summary="Autre cible.",
        targets=[
            {"indicator": Indicator.objects.get(code="coordination_meetings"), "year": 2027, "value": Decimal(20)}
        ],
    )
    assert again.number == 2


@pytest.mark.parametrize("reason", ["", "   "])
def test_abandon_needs_a_written_reason(reason, people, django_capture_on_commit_callbacks):
    amendment = _amendment(people, A.SIGNED_BY_STRUCTURE)
    mail.outbox.clear()
    before = _snapshot(amendment)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError) as refused:
        _abandon(amendment, people["cnam2"], reason=reason)
    assert refused.value.message == "Un motif écrit est obligatoire pour l'action « Abandonner l'avenant »."
    assert _snapshot(amendment) == before
