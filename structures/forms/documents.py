"""Uploading a document: PDF, PNG or JPEG recognised by its first bytes, 10 MB at most."""

import os
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import DocumentKind

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
NAME_MAX_LENGTH = 200
# What a file starts with, whatever its name or the browser says: (signature, content type, extensions).
SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
]
ALLOWED_EXTENSIONS = {ext for _signature, _type, extensions in SIGNATURES for ext in extensions}


def detect_content_type(uploaded_file) -> str | None:
    """The content type read from the file's first bytes, or None when it is none of PDF, PNG, JPEG."""
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    for signature, content_type, _extensions in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_file_name(name: str) -> str:
    """The name shown and used on download: no path, no control character, not too long."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    root, ext = os.path.splitext(name)
    return (root[: NAME_MAX_LENGTH - len(ext)] + ext) if root else ""


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
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_DOCUMENT_SIZE:
            raise ValidationError(
                _(
                    "Le fichier pèse %(size)s : 10 Mo au plus sont acceptés. "
                    "Réduisez-le ou scannez-le en moins haute résolution."
                )
                % {"size": filesizeformat(uploaded.size)}
            )
        name = clean_file_name(uploaded.name or "")
        ext = os.path.splitext(name)[1].lower()
        if ext not in ALLOWED_EXTENSIONS:
            raise ValidationError(_("Seuls les fichiers PDF, PNG ou JPEG sont acceptés (.pdf, .png, .jpg)."))
        content_type = detect_content_type(uploaded)
        if content_type is None:
            raise ValidationError(
                _(
                    "Le contenu de ce fichier n'est pas celui d'un PDF, d'un PNG ou d'un JPEG : "
                    "déposez le document dans un de ces formats."
                )
            )
        if ext not in next(extensions for _sig, type_, extensions in SIGNATURES if type_ == content_type):
            raise ValidationError(
                _(
                    "L'extension « %(ext)s » ne correspond pas au contenu du fichier : "
                    "renommez-le ou déposez le bon document."
                )
                % {"ext": ext}
            )
        uploaded.name = name
        uploaded.content_type = content_type
        return uploaded


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
