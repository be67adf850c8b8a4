"""Durable e-mail: stored with the change, delivered after commit, retried with backoff, visible in the admin."""

import datetime
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from secpa_portal.core.mail import render_mail, retry_delay
from secpa_portal.core.mail_config import mailers_from_url
from secpa_portal.core.models import OutboxMail
from structures import services
from structures.models import Structure
from tests.conftest import client_for, make_user
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{_closed_port()}")


def _submit(manager, django_capture_on_commit_callbacks, **kwargs):
    structure = StructureFactory(manager=manager, complete=True, **kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        services.structure_submit(structure=structure, user=manager)
    return structure


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("smtp://user:p%40ss@mail.example:2525", {"host": "mail.example", "port": 2525, "use_tls": False}),
        ("smtp+tls://user:pass@mail.example:587", {"host": "mail.example", "port": 587, "use_tls": True}),
        ("smtp+ssl://user:pass@mail.example:465", {"host": "mail.example", "port": 465, "use_ssl": True}),
    ],
)
def test_email_url_configures_every_smtp_option(settings, url, options):
    mailers = mailers_from_url(url)
    assert mailers["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert options.items() <= mailers["default"]["OPTIONS"].items()
    assert mailers["default"]["OPTIONS"]["username"] == "user"
    settings.MAILERS = mailers
    backend = mail.mailers["default"]  # the real backend accepts what the URL gave (« OPTIONS must define 'host' »)
    assert (backend.host, backend.port) == (options["host"], options["port"])
    assert backend.password in ("p@ss", "pass")


def test_console_mailer_in_development():
    assert mailers_from_url("consolemail://")["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_a_transition_is_mailed_once_it_commits(manager, ars_idf, django_capture_on_commit_callbacks):
    _submit(manager, django_capture_on_commit_callbacks)
    [row] = OutboxMail.objects.all()
    assert row.to == ars_idf.email and row.sent_at is not None and row.attempts == 1
    assert [m.to for m in mail.outbox] == [[ars_idf.email]]


def test_rolled_back_change_leaves_no_mail(manager, ars_idf, django_capture_on_commit_callbacks):
    structure = StructureFactory(manager=manager, complete=True)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            services.structure_submit(structure=structure, user=manager)
            raise RuntimeError("the request failed after the transition")
    assert not OutboxMail.objects.exists()
    assert mail.outbox == []


def test_smtp_down_keeps_the_transition_and_the_mail_then_retries_with_backoff(
    manager, ars_idf, smtp_down, settings, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(NOW, tick=False)
    structure = _submit(manager, django_capture_on_commit_callbacks)
    assert Structure.objects.get(pk=structure.pk).status == "submitted"
    [row] = OutboxMail.objects.all()
    assert row.sent_at is None and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at == NOW + datetime.timedelta(minutes=1)

    call_command("send_pending_mail")  # not due yet: nothing tried
    row.refresh_from_db()
    assert row.attempts == 1

    time_machine.move_to(NOW + datetime.timedelta(minutes=2), tick=False)
    call_command("send_pending_mail")  # still down: the delay grows
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == NOW + datetime.timedelta(minutes=7)

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    time_machine.move_to(NOW + datetime.timedelta(minutes=8), tick=False)
    call_command("send_pending_mail")
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 3
    assert [m.subject for m in mail.outbox] == [row.subject]


def test_backoff_grows_to_an_hour_and_never_gives_up():
    delays = [retry_delay(attempt) for attempt in range(1, 10)]
    assert delays == sorted(delays)
    assert delays[-1] == datetime.timedelta(hours=1)


def test_admin_lists_undelivered_mail_and_resends_it(
    manager, ars_idf, smtp_down, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _submit(manager, django_capture_on_commit_callbacks)
    _submit(manager, django_capture_on_commit_callbacks)
    admin = make_user("admin@test.example", is_staff=True, is_superuser=True)
    client = client_for(admin)
    url = reverse("admin:core_outboxmail_changelist") + "?envoi=non-envoye"
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert "Non envoyés" in html and "ConnectionRefusedError" in html
    assert html.count(ars_idf.email) >= 2

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    ids = [str(pk) for pk in OutboxMail.objects.values_list("pk", flat=True)]
    response = client.post(url, {"action": "resend", "_selected_action": ids}, follow=True)
    assert "2 courriels envoyés sur 2 en attente." in response.content.decode()
    assert not OutboxMail.objects.pending().exists()
    assert len(mail.outbox) == 2


def test_a_name_with_line_breaks_cannot_split_the_subject_or_start_the_body(
    manager, ars_idf, django_capture_on_commit_callbacks
):
    structure = StructureFactory(manager=manager, complete=True)
    # Stored before names were checked, or typed by a client that skips the form: the mail must hold anyway.
    name = "Centre Alpha\r\nURGENT : votre compte expire, cliquez sur http://faux.example\u2028Fin"
    Structure.objects.filter(pk=structure.pk).update(name=name)
    with django_capture_on_commit_callbacks(execute=True):
        services.structure_submit(structure=Structure.objects.get(pk=structure.pk), user=manager)
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject and "\u2028" not in message.subject
    assert message.subject == (
        "SECPA — nouveau dossier déposé : Centre Alpha URGENT : votre compte expire, cliquez sur "
        "http://faux.example Fin"
    )
    assert message.body.startswith("Bonjour,\n")


def test_render_mail_keeps_templates_whose_first_line_opens_a_block():
    report = {"year": 2026, "pk": 7, "due_date": datetime.date(2027, 3, 31)}
    context = {"report": report, "structure": {"name": "Centre\nBêta"}, "convention": {"reference": "C-1"}}
    subject, body = render_mail("report_overdue", context)
    assert subject == "SECPA — rapport annuel 2026 en retard"
    assert body.startswith("Bonjour,\n")
    assert "/conventions/rapports/7/" in body and "2026" in body
