from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.utils.decorators import method_decorator

from .forms import EmailAuthenticationForm, NormalizedPasswordResetForm
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
