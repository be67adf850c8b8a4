"""Forms of the ARS review: the decision, the reopening, a private note. Reasons are checked here so that the
agent sees the error beside the field; the services check them again."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REASON_MAX_LENGTH = 5000


class DecisionForm(forms.Form):
    DECISIONS = [
        ("declare_eligible", gettext_lazy("Éligible")),
        ("request_changes", gettext_lazy("À compléter : demander des compléments à la structure")),
        ("declare_ineligible", gettext_lazy("Non éligible")),
    ]

    decision = forms.ChoiceField(
        label=gettext_lazy("Décision"),
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choisissez une décision."),
            "invalid_choice": gettext_lazy("Choisissez une décision parmi celles proposées."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Obligatoire pour demander des compléments ou déclarer la structure non éligible, et pour la "
            "déclarer éligible quand un critère du pré-contrôle n'est pas rempli. Il est communiqué à la structure."
        ),
    )

    def __init__(self, *args, failing=(), **kwargs):
        self.failing = list(failing)
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        reason = (cleaned.get("reason") or "").strip()
        cleaned["reason"] = reason
        if decision == "request_changes" and not reason:
            self.add_error(
                "reason", _("Indiquez les compléments attendus : le motif est obligatoire pour cette décision.")
            )
        elif decision == "declare_ineligible" and not reason:
            self.add_error("reason", _("Indiquez le motif du refus : il est obligatoire pour cette décision."))
        elif decision == "declare_eligible" and self.failing and not reason:
            self.add_error(
                "reason",
                _("Des critères du pré-contrôle ne sont pas remplis (%(list)s) : motivez la décision d'éligibilité.")
                % {"list": ", ".join(c.label for c in self.failing)},
            )
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif de la réouverture"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Obligatoire. Il est communiqué à la structure."),
        error_messages={"required": gettext_lazy("Indiquez pourquoi l'instruction est rouverte.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Indiquez pourquoi l'instruction est rouverte."))
        return reason


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Nouvelle note"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Visible des agents de l'ARS et de la CNAM, jamais de la structure."),
        error_messages={"required": gettext_lazy("La note est vide.")},
    )
