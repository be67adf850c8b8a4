"""The selection forms of the bulk actions (dotation list and payments list)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .payments import PaymentRecordForm

DOTATION_ACTIONS = [("propose", _("Proposer")), ("approve", _("Approuver"))]


class SelectionForm(forms.Form):
    """Rows picked in the list (only the user's scope is a choice) and whether the agent confirmed."""

    ids = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Sélectionnez au moins une ligne."), "invalid_choice": _("Sélection invalide.")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = queryset


class DotationSelectionForm(SelectionForm):
    action = forms.ChoiceField(label=_("Action"), choices=DOTATION_ACTIONS)


class PaymentSelectionForm(SelectionForm):
    paid_on = PaymentRecordForm.base_fields["paid_on"]
    reference = PaymentRecordForm.base_fields["reference"]
