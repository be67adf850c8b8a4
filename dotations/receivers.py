"""Receivers of conventions.signals and dotations.signals, connected in DotationsConfig.ready()."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from conventions.signals import convention_terminated, report_validated
from structures.models import Structure

from .models import Payment
from .services import payments, recoveries
from .signals import dotation_approved


@receiver(dotation_approved, dispatch_uid="dotations.schedule_payments")
def schedule_payments_on_approval(sender, dotation, user, **kwargs):
    payments.schedule_payments(dotation=dotation, user=user)


@receiver(report_validated, dispatch_uid="dotations.set_balance")
def set_balance_on_report_validation(sender, report, user, **kwargs):
    payments.set_balance_from_report(report=report, user=user)


@receiver(convention_terminated, dispatch_uid="dotations.settle_termination")
def settle_on_termination(sender, convention, user, **kwargs):
    recoveries.settle_termination(convention=convention, user=user)


@receiver(post_save, sender=Structure, dispatch_uid="dotations.follow_structure_name")
def follow_structure_name(sender, instance, created=False, raw=False, **kwargs):
    """A renamed structure's payments sort under its new name (``Payment.structure_name``)."""
    if created or raw or getattr(instance, "name_as_read", None) == instance.name:
        return
    Payment.objects.filter(dotation__structure_id=instance.pk).exclude(structure_name=instance.name).update(
        structure_name=instance.name
    )
    instance.name_as_read = instance.name
