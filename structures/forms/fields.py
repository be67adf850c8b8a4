"""Fields that accept what French users type: « 1 250 », « 0,8 », identifiers with spaces."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.forms import FiniteDecimalField

SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Counts declared by a structure: far above any real figure, far below the database's integer range.
MAX_COUNT = 10_000_000
TEXT_MAX_LENGTH = 5000


class FrenchDecimalField(FiniteDecimalField):
    default_error_messages = {
        "invalid": _("Saisissez un nombre, par exemple 12 ou 12,5."),
        "max_digits": _("Ce nombre est trop grand."),
        "max_whole_digits": _("Ce nombre est trop grand."),
        "max_decimal_places": _("Deux chiffres après la virgule au plus."),
        "min_value": _("La valeur doit être supérieure ou égale à %(limit_value)s."),
        "max_value": _("La valeur doit être inférieure ou égale à %(limit_value)s."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = SPACES.sub("", value).replace("€", "").replace("%", "").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value, "f").replace(".", ",")
        return value


class CountField(forms.IntegerField):
    default_error_messages = {
        "invalid": _("Saisissez un nombre entier, par exemple 120."),
        "min_value": _("La valeur doit être supérieure ou égale à %(limit_value)s."),
        "max_value": _("Ce nombre est trop grand (%(limit_value)s au plus)."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_COUNT)
        super().__init__(*args, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = SPACES.sub("", value)
        return super().to_python(value)


def text(label, *, max_length=200, required=False, help_text="", textarea=False, **extra):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}) if textarea else None,
        error_messages={"max_length": _("%(limit_value)s caractères au plus (vous en avez saisi %(show_value)s).")},
        **extra,
    )
