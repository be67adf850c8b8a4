"""E-mails of the consultation on the draft barème, queued with the change (durable outbox).

Named notifications (one function each, templates in templates/emails/):
- consultation_opened: every active ARS and HAS agent (an opinion is asked) and every active manager of a
  structure under a convention in force (comments are welcome);
- consultation_opinion_given: the CNAM agent who submitted the barème;
- consultation_closed: every active CNAM agent, and the ARS and HAS agents (the outcome is available).
"""

from django.tasks import task

from conventions.models import Convention
from secpa_portal.accounts.enums import Role
from secpa_portal.accounts.models import User
from secpa_portal.core.mail import queue_notification, send_templated_mail

from .models import Consultation, ConsultationOpinion


def _consulted_bodies():
    return User.objects.filter(is_active=True, role__in=[Role.ARS_AGENT, Role.HAS_AGENT]).values_list(
        "email", flat=True
    )


def _managers_under_convention():
    structures = Convention.objects.active().values("structure_id")
    return (
        User.objects.filter(is_active=True, role=Role.MANAGER, memberships__structure_id__in=structures)
        .values_list("email", flat=True)
        .distinct()
    )


def _consultation(consultation_id):
    return Consultation.objects.select_related("campaign").get(pk=consultation_id)


@task
def send_consultation_opened(consultation_id: int) -> int:
    consultation = _consultation(consultation_id)
    return send_templated_mail(
        template="consultation_opened",
        context={"consultation": consultation},
        recipients=[*_consulted_bodies(), *_managers_under_convention()],
    )


@task
def send_consultation_opinion_given(opinion_id: int) -> int:
    opinion = ConsultationOpinion.objects.select_related(
        "consultation__campaign", "consultation__opened_by", "region"
    ).get(pk=opinion_id)
    opener = opinion.consultation.opened_by
    recipients = [opener.email] if opener is not None and opener.is_active else []
    return send_templated_mail(
        template="consultation_opinion_given",
        context={"opinion": opinion, "consultation": opinion.consultation},
        recipients=recipients,
    )


@task
def send_consultation_closed(consultation_id: int) -> int:
    consultation = _consultation(consultation_id)
    cnam = User.objects.filter(is_active=True, role=Role.CNAM_AGENT).values_list("email", flat=True)
    return send_templated_mail(
        template="consultation_closed",
        context={"consultation": consultation, "counts": verdict_counts(consultation)},
        recipients=[*cnam, *_consulted_bodies()],
    )


def verdict_counts(consultation) -> dict:
    from .consultation_selectors import verdict_counts as counts

    return counts(consultation)


def consultation_opened(consultation):
    """To every active ARS and HAS agent and the managers of structures under convention:
    emails/consultation_opened.txt."""
    queue_notification(send_consultation_opened, consultation.pk)


def consultation_opinion_given(opinion):
    """To the CNAM agent who submitted the barème: emails/consultation_opinion_given.txt."""
    queue_notification(send_consultation_opinion_given, opinion.pk)


def consultation_closed(consultation):
    """To every active CNAM, ARS and HAS agent: emails/consultation_closed.txt."""
    queue_notification(send_consultation_closed, consultation.pk)
