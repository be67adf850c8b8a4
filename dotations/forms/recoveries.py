"""Forms of the recovery-order actions: each carries the version it was rendered from."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RecoveryNotifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RecoveryRecordForm(forms.Form):
    recovered_on = forms.DateField(
        label=_("Recouvré le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indiquez la date du recouvrement."),
            "invalid": _("Saisissez une date valide."),
        },
    )
    reference = forms.CharField(label=_("Référence du titre de recette"), max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RecoveryCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Le motif de l'annulation est obligatoire.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
