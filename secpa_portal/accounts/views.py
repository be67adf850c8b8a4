import base64

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from .forms import EmailAuthenticationForm, NormalizedPasswordResetForm, TokenForm
from .throttle import allow_reset_request, client_of


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """« Mot de passe oublié », throttled per address and per client; the answer is the same either way."""

    form_class = NormalizedPasswordResetForm

    def form_valid(self, form):
        if not allow_reset_request(address=form.cleaned_data["email"], client=client_of(self.request)):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def two_factor_setup(request):
    """Enrol an authentication application: the secret (and its otpauth link), then a first code confirms it."""
    from django_otp import login as otp_login

    from . import twofactor

    device = twofactor.pending_totp(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = twofactor.confirm_totp(device)
            otp_login(request, device)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": twofactor.safe_next(request, reverse("dashboard"))},
            )
        form.add_error("token", _("Ce code ne correspond pas : vérifiez l'heure de votre téléphone et réessayez."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "config_url": device.config_url,
            "required": twofactor.required_for(request.user),
            "next": twofactor.safe_next(request, ""),
        },
    )


def two_factor_verify(request):
    """The second step of the login: a code from the application or a recovery code (used once)."""
    from django_otp import login as otp_login
    from django_otp import match_token, user_has_device

    from . import twofactor

    if not user_has_device(request.user):
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(twofactor.safe_next(request, reverse("dashboard")))
        form.add_error(
            "token", _("Ce code n'est pas valable (ou a déjà servi) : saisissez le code affiché maintenant.")
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": twofactor.safe_next(request, "")})
