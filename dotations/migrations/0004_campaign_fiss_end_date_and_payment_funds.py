"""Which fund pays a payment: the campaign's FISS end date, and the payment's fund from it.

Existing rows: the 2026 campaign gets the 31 October end date of domain.md (FISS, then FIR); other campaigns are
left without one (the FIR pays all their payments). Payments still on the former third value "am" take the fund
their campaign gives their due date; a fund already chosen (FISS or FIR) is kept.
"""

import datetime

from django.db import migrations, models

# domain.md: in 2026 the experiment's fund (FISS) runs to 31 October, then the ARS's regional fund (FIR).
FISS_END = {2026: datetime.date(2026, 10, 31)}


def forwards(apps, schema_editor):
    Campaign = apps.get_model("dotations", "Campaign")
    Payment = apps.get_model("dotations", "Payment")
    for year, end in FISS_END.items():
        Campaign.objects.filter(year=year, fiss_end_date__isnull=True).update(fiss_end_date=end)
    legacy = Payment.objects.filter(fund="am")
    for campaign in Campaign.objects.all():
        payments = legacy.filter(dotation__campaign=campaign)
        if campaign.fiss_end_date is not None:
            payments.filter(due_date__lte=campaign.fiss_end_date).update(fund="fiss")
        payments.update(fund="fir")


def backwards(apps, schema_editor):
    pass  # "fiss" and "fir" were valid before: nothing to undo


class Migration(migrations.Migration):
    dependencies = [
        ("dotations", "0003_payment_guard"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="fiss_end_date",
            field=models.DateField(blank=True, null=True, verbose_name="fin du financement par le FISS"),
        ),
        migrations.AddField(
            model_name="historicalcampaign",
            name="fiss_end_date",
            field=models.DateField(blank=True, null=True, verbose_name="fin du financement par le FISS"),
        ),
        # Choices and a Python default do not reach the database; done as a state change only, because SQLite
        # would rebuild the payment table and lose the triggers of 0003_payment_guard.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="payment",
                    name="fund",
                    field=models.CharField(
                        choices=[
                            ("fiss", "FISS (fonds pour l'innovation du système de santé)"),
                            ("fir", "FIR (fonds d'intervention régional)"),
                        ],
                        default="fir",
                        max_length=5,
                        verbose_name="fonds payeur",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
