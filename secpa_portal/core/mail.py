"""Plain-text French e-mails rendered from ``templates/emails/<name>.txt`` (first line: the subject).

Every e-mail goes through the outbox (``OutboxMail``): ``send_templated_mail`` stores one row per recipient in
the caller's transaction, and the ``deliver_mail`` task sends them once it commits. A failed send leaves the
row pending with a growing delay before the next try (``manage.py send_pending_mail`` and the worker retry
it); it never undoes the change that caused it and is never lost. Undelivered mail is listed in the admin.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import default_task_backend, task
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from .models import OutboxMail

logger = logging.getLogger(__name__)

# Marks, in the template's source, where its first line (the subject) ends.
SUBJECT_END = "\x00SECPA-SUBJECT-END\x00"
# Every character that str.splitlines() or a mail reader takes for the end of a line, with the spaces around it.
LINE_BREAKS = re.compile(r"[ \t]*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+[ \t]*")
RETRY_DELAYS = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a text template without HTML escaping: « l'équipe » must not reach a mailbox as « l&#x27;équipe »."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def render_mail(template_name: str, context: dict) -> tuple[str, str]:
    """(subject, body) of ``emails/<template_name>.txt``.

    The subject is what the template's first line renders, on one line whatever the values hold: a structure
    name with a line break cannot cut the subject and start the body with its own text. The body is what the
    rest renders, so user text only ever appears where the template puts it, after the template's first words.
    """
    template = get_template(f"emails/{template_name}.txt").template
    source = template.source
    first, newline, rest = source.partition("\n")
    marked = template.engine.from_string(first + SUBJECT_END + newline + rest)
    rendered = marked.render(Context({"site_url": settings.SITE_URL, **context}, autoescape=False))
    subject, _, body = rendered.partition(SUBJECT_END)
    return LINE_BREAKS.sub(" ", subject).strip(), body.strip() + "\n"


def send_templated_mail(*, template: str, context: dict, recipients: list[str]) -> int:
    """Queue one message per recipient (nobody sees the others' addresses); returns how many were queued.

    The rows belong to the caller's transaction: they are delivered once it commits, and vanish if it rolls back.
    """
    subject, body = render_mail(template, context)
    rows = OutboxMail.objects.bulk_create(
        [OutboxMail(template=template, to=address, subject=subject, body=body) for address in sorted(set(recipients))]
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: deliver_mail.enqueue(ids))
    return len(ids)


def queue_notification(notification_task, *args) -> None:
    """Enqueue a notification task in the current transaction, so that it commits or rolls back with the change.

    With the database task backend the task's row is written with the change; with the immediate backend
    (development, tests) the task runs now and its outbox rows join the transaction. Either way nothing is
    sent before the change commits.
    """
    with transaction.atomic():
        notification_task.enqueue(*args)


def retry_delay(attempts: int) -> timedelta:
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1] if attempts else timedelta(0)


def _schedule_retry(mail: OutboxMail) -> None:
    if default_task_backend.supports_defer:
        deliver_mail.using(run_after=mail.next_attempt_at).enqueue([mail.pk])
    # Otherwise the periodic ``send_pending_mail`` picks it up when it is due.


def deliver(pending) -> int:
    """Try each pending row once (locked, so that two workers never send the same one). Returns how many left."""
    sent = 0
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            mail = OutboxMail.objects.select_for_update(skip_locked=True).pending().filter(pk=pk).first()
            if mail is None:
                continue
            mail.attempts += 1
            try:
                EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send()
            except Exception as error:  # noqa: BLE001 — any failure of the mail server is retried later
                mail.last_error = f"{type(error).__name__}: {error}"[:2000]
                mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
                mail.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                logger.warning("mail %s to %s not sent (attempt %s): %s", mail.pk, mail.to, mail.attempts, error)
                _schedule_retry(mail)
            else:
                mail.sent_at = timezone.now()
                mail.save(update_fields=["attempts", "sent_at"])
                sent += 1
    return sent


@task
def deliver_mail(ids: list[int]) -> int:
    """Send the given outbox rows that are still pending."""
    return deliver(OutboxMail.objects.pending().filter(pk__in=ids))


def deliver_due() -> int:
    """Send every pending row whose next attempt is due (``manage.py send_pending_mail``)."""
    return deliver(OutboxMail.objects.due())
