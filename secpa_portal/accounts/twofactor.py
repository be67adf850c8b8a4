"""Two-factor authentication: a TOTP application (django-otp) and single-use recovery codes.

Required of ARS and CNAM agents and administrators when ``REQUIRE_2FA_FOR_STAFF`` is on (the default when
``DEBUG`` is off); optional for managers, but anyone who enrolled a device is asked for a code at each login.
``TwoFactorMiddleware`` sends a signed-in user who still owes a code to the enrolment or the verification page.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
TOTP_NAME = "Application d'authentification"
STATIC_NAME = "Codes de secours"
OPEN_PATHS = ("accounts:two_factor_verify", "accounts:two_factor_setup", "accounts:logout", "accounts:login")


def required_for(user) -> bool:
    """Whether ``user`` must use a second factor: every role but the managers', and administrators, when the
    setting is on (the HAS account gives opinions that the CNAM weighs: an agent's account like the others)."""
    return settings.REQUIRE_2FA_FOR_STAFF and (
        user.is_ars_agent or user.sees_national or user.is_has_agent or user.is_superuser or user.is_staff
    )


ENROLLED_SESSION_KEY = "secpa_2fa_enrolled"


def owes_code(request) -> bool:
    """Whether the signed-in user must still give a code in this session.

    Whether they enrolled a device is read once per session (at login, or on the first request of a session
    opened before), so that pages do not pay a query for it."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if required_for(user):
        return True
    enrolled = request.session.get(ENROLLED_SESSION_KEY)
    if enrolled is None:
        enrolled = request.session[ENROLLED_SESSION_KEY] = user_has_device(user)
    return enrolled


@receiver(user_logged_in)
def note_enrolment(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = user_has_device(user)


def pending_totp(user) -> TOTPDevice:
    """The user's TOTP device being enrolled (created once, confirmed by a first valid code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def confirm_totp(device: TOTPDevice) -> list[str]:
    """Confirm the device and give the user fresh recovery codes (the previous ones stop working)."""
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=STATIC_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class TwoFactorMiddleware:
    """Hold a signed-in user who owes a second factor on the enrolment or verification page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and owes_code(request):
            if self.open_paths is None:
                self.open_paths = {reverse(name) for name in OPEN_PATHS}
            if request.path not in self.open_paths and not request.path.startswith(
                "/" + settings.STATIC_URL.lstrip("/")
            ):
                name = "accounts:two_factor_verify" if user_has_device(user) else "accounts:two_factor_setup"
                return redirect(f"{reverse(name)}?next={request.get_full_path()}")
        return self.get_response(request)
