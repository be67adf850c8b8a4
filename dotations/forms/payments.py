from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import Fund


class PaymentRecordForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Date du virement"),
        help_text=_("Format JJ/MM/AAAA, par exemple 31/03/2026."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Saisissez une date valide au format JJ/MM/AAAA."),
            "required": _("La date du virement est obligatoire."),
        },
    )
    reference = forms.CharField(
        label=_("Référence du virement"),
        max_length=100,
        error_messages={"required": _("La référence du virement est obligatoire.")},
        help_text=_("Telle qu'elle figure sur l'ordre de paiement, par exemple VIR-2026-000123."),
    )
    fund = forms.ChoiceField(label=_("Fonds payeur"), choices=Fund.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("La date du virement ne peut pas être dans le futur."))
        return paid_on

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if not reference:
            raise forms.ValidationError(_("La référence du virement est obligatoire."))
        return reference


class PaymentCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Le motif de l'annulation est obligatoire.")},
        help_text=_("Visible par les gestionnaires de la structure, par exemple « virement rejeté par la banque »."),
    )
    reschedule = forms.BooleanField(
        label=_("Reprogrammer un versement du même montant à la même échéance"), required=False, initial=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Le motif de l'annulation est obligatoire."))
        return reason
