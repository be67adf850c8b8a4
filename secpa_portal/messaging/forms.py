from django import forms
from django.utils.translation import gettext_lazy

from secpa_portal.core.uploads import clean_upload

from .services import MAX_MESSAGE_LENGTH


class MessageForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Votre message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Visible des gestionnaires de la structure et des agents qui suivent ce dossier. "
            "Un message envoyé ne peut plus être modifié ni supprimé."
        ),
        error_messages={
            "required": gettext_lazy("Écrivez votre message avant de l'envoyer."),
            "max_length": gettext_lazy("%(limit_value)s caractères au plus (vous en avez saisi %(show_value)s)."),
        },
    )
    file = forms.FileField(
        label=gettext_lazy("Pièce jointe (facultative)"),
        required=False,
        help_text=gettext_lazy("Format PDF, PNG ou JPEG, 10 Mo au plus."),
        error_messages={
            "empty": gettext_lazy("Le fichier est vide."),
            "invalid": gettext_lazy("Le fichier n'a pas été reçu : choisissez-le à nouveau."),
            "missing": gettext_lazy("Le fichier n'a pas été reçu : choisissez-le à nouveau."),
        },
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(gettext_lazy("Écrivez votre message avant de l'envoyer."))
        return text

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        return clean_upload(uploaded) if uploaded else None
