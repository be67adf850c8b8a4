"""Give existing payments their FISS and FIR parts (issue 9: funds by period funded, no longer by due date).

Each payment with an amount is split in proportion to the days of its campaign year its convention covers on or
before the campaign's FISS end date and after it; dotations computed before prorating cover their convention's
days of the year. The per-row arithmetic is dotations.prorata's (pure, no model).
"""

import datetime

from django.db import migrations

from dotations import prorata


def fill(apps, schema_editor):
    Payment = apps.get_model("dotations", "Payment")
    payments = Payment.objects.filter(amount__isnull=False, fiss_amount__isnull=True).select_related(
        "dotation__campaign", "dotation__convention"
    )
    changed = []
    for payment in payments.iterator(chunk_size=1000):
        dotation = payment.dotation
        campaign, convention = dotation.campaign, dotation.convention
        first = max(convention.start_date, datetime.date(campaign.year, 1, 1))
        last = convention.end_date
        if convention.terminated_at is not None:
            last = min(last, convention.terminated_at.date())
        if dotation.days_in_force is not None:
            last = first + datetime.timedelta(days=dotation.days_in_force - 1)
        before, after = prorata.split_at(campaign.year, first, last, campaign.fiss_end_date)
        payment.fiss_amount, payment.fir_amount = prorata.split_amount(payment.amount, before, after)
        changed.append(payment)
        if len(changed) >= 1000:
            Payment.objects.bulk_update(changed, ["fiss_amount", "fir_amount"])
            changed = []
    if changed:
        Payment.objects.bulk_update(changed, ["fiss_amount", "fir_amount"])


class Migration(migrations.Migration):
    dependencies = [("dotations", "0007_payment_fund_parts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
