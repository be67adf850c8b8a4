from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .identity import normalize_email


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("Format attendu : nom@domaine.fr"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Après 5 essais, le compte est bloqué une heure."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self):
        return normalize_email(self.cleaned_data.get("username"))


class NormalizedPasswordResetForm(PasswordResetForm):
    """The reset finds the account by its normalised address, exactly as the login does."""

    def clean_email(self):
        return normalize_email(self.cleaned_data.get("email"))

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email=normalize_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())


class TokenForm(forms.Form):
    """A code from the authentication application, or a recovery code."""

    token = forms.CharField(
        label=_("Code à usage unique"),
        max_length=16,
        help_text=_("Les 6 chiffres affichés par votre application, ou un de vos codes de secours."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": _("Saisissez le code affiché par votre application.")},
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())
