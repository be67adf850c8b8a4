"""Receivers of conventions.signals and dotations.signals, connected in DotationsConfig.ready()."""

from django.dispatch import receiver

from conventions.signals import convention_terminated, report_validated

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
