"""How django-axes names the account it counts failed logins against."""

from django.conf import settings


def lockout_username(request, credentials: dict | None) -> str | None:
    """The e-mail as the login matches it: trimmed and case-folded.

    Login is case-insensitive (``email__iexact``), so counting « Gestion@… » and « gestion@… » apart would
    let anyone try five passwords per spelling of the address.
    """
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return username.strip().lower() if isinstance(username, str) else username
