"""Forms of the consultation on the draft barème: prepare (deadline, presentation), close early (reason),
the opinion of an ARS or the HAS (verdict, comment, a remark per component) and a manager's comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.forms import VersionedFormMixin

from ..enums import Verdict
from ..services.consultations import TEXT_MAX

DATE_ERRORS = {"invalid": _("Saisissez une date au format JJ/MM/AAAA, par exemple 15/01/2027.")}


def _text(label, *, required=False, help_text="", rows=4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": _("Ce champ est obligatoire."),
            "max_length": _("%(max)s caractères au plus.") % {"max": TEXT_MAX},
        },
    )


class ConsultationForm(VersionedFormMixin, forms.Form):
    deadline = forms.DateField(
        label=_("Date limite des avis"),
        help_text=_(
            "Les avis et commentaires sont reçus jusqu'à ce jour inclus. Format JJ/MM/AAAA, par exemple 15/01/2027."
        ),
        error_messages={**DATE_ERRORS, "required": _("Indiquez la date limite des avis.")},
    )
    message = _text(
        _("Présentation du projet de barème"),
        help_text=_(
            "Ce qui change par rapport à l'an dernier, et les questions posées aux ARS, à la HAS et aux structures."
        ),
        rows=6,
    )

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version(consultation)


class CloseForm(forms.Form):
    reason = _text(
        _("Motif de la clôture anticipée"),
        required=True,
        help_text=_("Il figure à l'historique de la consultation et dans le courriel envoyé aux ARS et à la HAS."),
        rows=3,
    )


class OpinionForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Avis"),
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez un avis."), "invalid_choice": _("Choisissez un avis.")},
    )
    comment = _text(
        _("Commentaire"),
        help_text=_("Obligatoire pour un avis favorable avec réserves ou défavorable."),
        rows=5,
    )

    def __init__(self, *args, components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.components = list(components)
        for component in self.components:
            self.fields[f"remark_{component['code']}"] = _text(
                _("Remarque sur « %(label)s »") % {"label": component["label"]}, rows=2
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("verdict") not in (None, Verdict.FAVOURABLE) and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment", _("Un avis avec réserves ou défavorable doit être motivé : écrivez un commentaire.")
            )
        return cleaned

    @property
    def remark_fields(self):
        return [self[f"remark_{c['code']}"] for c in self.components]

    def remarks(self) -> dict:
        return {c["code"]: self.cleaned_data.get(f"remark_{c['code']}", "") for c in self.components}


class CommentForm(forms.Form):
    structure = forms.TypedChoiceField(
        label=_("Au nom de la structure"),
        coerce=int,
        error_messages={
            "required": _("Choisissez la structure."),
            "invalid_choice": _("Choisissez une de vos structures."),
        },
    )
    component_code = forms.ChoiceField(
        label=_("Sur"),
        required=False,
        error_messages={"invalid_choice": _("Choisissez une composante du barème soumis.")},
    )
    text = _text(_("Commentaire"), required=True, rows=5)

    def __init__(self, *args, structures=(), components=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = [(s.pk, s.name) for s in structures]
        self.fields["component_code"].choices = [("", _("Le barème dans son ensemble"))] + [
            (c["code"], c["label"]) for c in components
        ]
