"""Number fields that accept what French users type: « 14 000 000 », « 0,6 », « 45,50 € »."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.forms import FiniteDecimalField

SPACES = re.compile(r"[\s\u00a0\u202f]+")
HUNDRED = Decimal("100")


class FrenchDecimalField(FiniteDecimalField):
    default_error_messages = {
        "invalid": _("Saisissez un nombre, par exemple 1 250 ou 12,5."),
        "max_digits": _("Ce nombre est trop grand."),
        "max_whole_digits": _("Ce nombre est trop grand."),
        "max_decimal_places": _("Trop de chiffres après la virgule (%(max)s au plus)."),
        "min_value": _("La valeur doit être supérieure ou égale à %(limit_value)s."),
        "max_value": _("La valeur doit être inférieure ou égale à %(limit_value)s."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = SPACES.sub("", value).replace("€", "").replace("%", "").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
            return text.replace(".", ",")
        return value


def money(label, **kwargs):
    return FrenchDecimalField(label=label, min_value=Decimal("0"), **kwargs)


def percent(label, **kwargs):
    return FrenchDecimalField(label=label, min_value=Decimal("0"), max_value=HUNDRED, decimal_places=2, **kwargs)


class FrenchIntegerField(forms.IntegerField):
    """An integer typed with spaces between thousands: « 4 000 »."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = SPACES.sub("", value)
        return super().to_python(value)
