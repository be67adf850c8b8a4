"""Forms of the dotation workflow: propose (optional adjustment), return (reason), ARS opinion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .fields import FrenchDecimalField


class ConfirmForm(forms.Form):
    """A confirmation without fields (approval): the page recalls what will happen."""


class ProposeForm(forms.Form):
    adjustment = FrenchDecimalField(
        label=_("Ajustement (€)"),
        required=False,
        help_text=_("Facultatif. Positif ou négatif, par exemple -12 500. Vide : le montant calculé est proposé."),
    )
    reason = forms.CharField(
        label=_("Motif de l'ajustement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire si vous ajustez le montant ; il figure au journal de la dotation."),
    )

    def __init__(self, *args, computed_total=None, **kwargs):
        self.computed_total = computed_total
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        adjustment = data.get("adjustment")
        if adjustment and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Indiquez le motif de l'ajustement."))
        if adjustment and self.computed_total is not None and self.computed_total + adjustment < 0:
            self.add_error("adjustment", _("L'ajustement ne peut pas rendre la dotation négative."))
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du retour"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui doit être revu avant une nouvelle proposition."),
        error_messages={"required": _("Indiquez le motif du retour.")},
    )


class OpinionForm(forms.Form):
    favourable = forms.TypedChoiceField(
        label=_("Avis de l'ARS"),
        choices=[("1", _("Favorable")), ("0", _("Défavorable"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un avis favorable ou défavorable.")},
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un avis défavorable. Visible de la CNAM et de l'ARS, pas de la structure."),
    )

    def clean(self):
        data = super().clean()
        if data.get("favourable") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Un commentaire est obligatoire pour un avis défavorable."))
        return data
