"""E-mails are plain text: French names and reasons reach the mailbox as typed, never HTML-escaped."""

import pytest
from django.core import mail

from secpa_portal.core.mail import send_templated_mail
from structures import services
from tests.factories import StructureFactory

NAME = "Centre de santé de l'Arche & Co"
REASON = "l'équipe <incomplète> : il manque un médiateur « salarié »"


@pytest.mark.django_db
def test_a_decision_email_keeps_apostrophes_and_brackets(manager, ars_idf, django_capture_on_commit_callbacks):
    structure = StructureFactory(manager=manager, in_review=True, name=NAME, reviewer=ars_idf)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.structure_decide(structure=structure, user=ars_idf, decision="declare_ineligible", reason=REASON)

    [message] = mail.outbox
    assert NAME in message.subject
    assert f"« {NAME} »" in message.body
    assert f"Motif : {REASON}" in message.body
    assert "&#x27;" not in message.subject + message.body
    assert "&amp;" not in message.subject + message.body
    assert "&lt;" not in message.body


@pytest.mark.django_db
def test_every_template_family_renders_unescaped(manager, ars_idf, django_capture_on_commit_callbacks):
    structure = StructureFactory(manager=manager, name=NAME)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers once the caller commits
        send_templated_mail(
            template="structure_changes_requested",
            context={"structure": structure, "reason": REASON},
            recipients=["a@test.example", "A@test.example".lower(), "b@test.example"],
        )
    assert [m.to for m in mail.outbox] == [["a@test.example"], ["b@test.example"]], "one message per address, once"
    assert all(REASON in m.body and NAME in m.subject for m in mail.outbox)
