"""Form pieces every app uses."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

VERSION_MISSING = _(
    "Le formulaire est incomplet (version du dossier absente) : rechargez la page puis saisissez à nouveau."
)


def version_field(*, required: bool = True) -> forms.IntegerField:
    """The hidden ``version`` of the edited row as the page showed it; the service refuses an older one
    (``secpa_portal.core.services.check_version``), so a second agent's save never overwrites the first's."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=required,
        min_value=0,
        max_value=2_000_000_000,
        error_messages={
            "required": VERSION_MISSING,
            "invalid": VERSION_MISSING,
            "min_value": VERSION_MISSING,
            "max_value": VERSION_MISSING,
        },
    )


class VersionedFormMixin:
    """Adds the hidden ``version`` field, set from the edited object (``version_of``); none for a creation."""

    def add_version(self, obj) -> None:
        if obj is None or obj.pk is None:
            return
        self.fields["version"] = version_field()
        self.fields["version"].initial = obj.version

    def full_clean(self):
        super().full_clean()
        # A hidden field's error would show nowhere: it is the form's.
        if self._errors and "version" in self._errors:
            self.add_error(None, self._errors.pop("version"))


class FiniteDecimalField(forms.DecimalField):
    """A decimal field that refuses « NaN », « sNaN » and « Infinity » as soon as it reads them.

    Django refuses non-finite numbers only in ``validate()``; ``has_changed()`` calls ``to_python()`` and
    compares first, and comparing a signalling NaN raises ``InvalidOperation`` (a 500 on ``fte=sNaN``).
    Every French decimal field of the apps derives from this one.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value
