"""Signals other apps listen to, so that conventions never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that validates an annual report: sender=AnnualReport, report=<AnnualReport>, user=<User>.
# Dotations listens to set the balance of that year's dotation (dotations/receivers.py).
report_validated = Signal()

# Sent inside the transaction that terminates a convention: sender=Convention, convention=<Convention>, user=<User>.
# Dotations listens to settle its dotations for the days covered (dotations/receivers.py).
convention_terminated = Signal()
