from django import forms
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.forms import VersionedFormMixin
from structures.enums import ActivityFigure

from ..enums import IndicatorDirection, IndicatorUnit
from ..models import Indicator


class IndicatorForm(VersionedFormMixin, forms.ModelForm):
    activity_figure = forms.ChoiceField(
        label=_("Donnée d'activité utilisée par le barème"),
        choices=[("", _("Aucune : indicateur d'objectif"))] + list(ActivityFigure.choices),
        required=False,
        help_text=_("Une donnée d'activité est suivie par toutes les conventions et déclarée dans chaque rapport."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "label",
            "category",
            "unit",
            "direction",
            "description",
            "activity_figure",
            "order",
            "is_active",
        ]
        help_texts = {
            "code": _(
                "Lettres minuscules, chiffres, tirets et soulignés, ex. reunions_coordination. Non modifiable ensuite."
            ),
            "order": _("Position dans les listes (les plus petits d'abord)."),
        }
        error_messages = {
            "code": {
                "unique": _("Un indicateur porte déjà ce code."),
                "invalid": _(
                    "Le code ne peut contenir que des lettres minuscules sans accent, des chiffres, "
                    "des tirets et des soulignés."
                ),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_version(self.instance)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Le code ne change pas : les rapports et les avenants y font référence.")

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code != code.lower():
            raise forms.ValidationError(_("Le code s'écrit en lettres minuscules."))
        return code

    def clean_activity_figure(self):
        figure = self.cleaned_data["activity_figure"]
        if figure and Indicator.objects.filter(activity_figure=figure).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Un autre indicateur porte déjà cette donnée d'activité."))
        return figure

    def clean(self):
        cleaned = super().clean()
        unit, direction = cleaned.get("unit"), cleaned.get("direction")
        if unit and direction and (unit == IndicatorUnit.YES_NO) != (direction == IndicatorDirection.YES_NO):
            self.add_error(
                "direction",
                _("Un indicateur oui / non a l'unité « Oui / non » et le sens « Oui / non », et eux seuls."),
            )
        return cleaned

    def _post_clean(self):
        # The service validates the model; the form keeps the French field messages.
        self.instance.is_activity = bool(self.cleaned_data.get("activity_figure"))
        super()._post_clean()
