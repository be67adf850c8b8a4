"""Typed text the portal refuses: control, bidirectional-override and zero-width characters.

A name such as « Centre\u202eFDP » displays reversed, « Alma\u200b » looks like « Alma » but differs, and a
newline in a structure's name splits an e-mail's subject or a CSV line. One check, ``validate_text``, runs
in every form's text field (``CharField.validate``, installed by ``CoreConfig.ready``): single-line fields
refuse every such character, multi-line ones (a ``Textarea``) still accept line breaks and tabs.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Format (Cf: bidi controls, zero-width spaces and joiners, the BOM, the soft hyphen…), controls (Cc),
# and the Unicode line and paragraph separators.
REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
MULTI_LINE_ALLOWED = {"\n", "\r", "\t"}


def refused_character(value: str, *, multi_line: bool = False) -> str | None:
    """The first refused character of ``value``, or None."""
    for char in value:
        if unicodedata.category(char) in REFUSED_CATEGORIES and not (multi_line and char in MULTI_LINE_ALLOWED):
            return char
    return None


def validate_text(value, *, multi_line: bool = False) -> None:
    if not isinstance(value, str):
        return
    char = refused_character(value, multi_line=multi_line)
    if char is None:
        return
    if char in "\n\r\t\u2028\u2029":
        message = _("Ce champ tient sur une ligne : retirez le retour à la ligne ou la tabulation.")
    else:
        message = _(
            "Ce champ contient un caractère invisible ou de contrôle (U+%(code)04X) : retirez-le, "
            "par exemple en retapant le texte au lieu de le coller."
        ) % {"code": ord(char)}
    raise ValidationError(message, code="invisible_character")


_field_validate = forms.Field.validate


def char_field_validate(self, value):
    """``forms.CharField.validate``: Django's check, then ``validate_text`` (multi-line for a Textarea)."""
    _field_validate(self, value)
    if isinstance(self.widget, forms.PasswordInput):
        return  # a password is compared, never displayed
    validate_text(value, multi_line=isinstance(self.widget, forms.Textarea))


def install() -> None:
    forms.CharField.validate = char_field_validate
