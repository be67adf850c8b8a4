"""Giving another person access to a structure."""

from django import forms
from django.utils.translation import gettext_lazy


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Adresse électronique de la personne à ajouter"),
        max_length=254,
        help_text=gettext_lazy(
            "Format attendu : nom@domaine.fr. Sans compte sur le portail, elle en reçoit un par courriel."
        ),
        error_messages={
            "required": gettext_lazy("Indiquez l'adresse électronique de la personne à ajouter."),
            "invalid": gettext_lazy("Saisissez une adresse électronique valide, par exemple nom@domaine.fr."),
            "max_length": gettext_lazy("%(limit_value)s caractères au plus (vous en avez saisi %(show_value)s)."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
