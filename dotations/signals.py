"""Signals inside dotations, so that the approval workflow and the payment schedule stay in separate modules."""

from django.dispatch import Signal

# Sent inside the approval transaction: sender=Dotation, dotation=<Dotation>, user=<User>.
# dotations/receivers.py schedules the advance and the balance.
dotation_approved = Signal()
