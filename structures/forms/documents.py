"""Uploading a document: PDF, PNG or JPEG recognised by its first bytes, 10 MB at most."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The upload rules live in the core, shared with the message attachments.
from secpa_portal.core.uploads import (  # noqa: E402, F401
    ALLOWED_EXTENSIONS,
    MAX_DOCUMENT_SIZE,
    NAME_MAX_LENGTH,
    SIGNATURES,
    clean_file_name,
    clean_upload,
    detect_content_type,
)

from ..enums import DocumentKind


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Type de pièce"),
        choices=[("", gettext_lazy("Choisissez le type de pièce")), *DocumentKind.choices],
        error_messages={
            "required": gettext_lazy("Choisissez le type de pièce."),
            "invalid_choice": gettext_lazy("Choisissez un des types de pièce proposés."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        help_text=gettext_lazy("Format PDF, PNG ou JPEG, 10 Mo au plus."),
        error_messages={
            "required": gettext_lazy("Choisissez le fichier à déposer."),
            "empty": gettext_lazy("Le fichier est vide."),
            "invalid": gettext_lazy("Le fichier n'a pas été reçu : choisissez-le à nouveau."),
            "missing": gettext_lazy("Le fichier n'a pas été reçu : choisissez-le à nouveau."),
        },
    )

    def clean_file(self):
        return clean_upload(self.cleaned_data["file"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif du retrait"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Il figure dans l'historique du dossier, visible de l'ARS de votre région et de la CNAM."
        ),
        error_messages={
            "required": gettext_lazy("Indiquez pourquoi vous retirez le dossier."),
            "max_length": gettext_lazy("%(limit_value)s caractères au plus (vous en avez saisi %(show_value)s)."),
        },
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Indiquez pourquoi vous retirez le dossier."))
        return reason
