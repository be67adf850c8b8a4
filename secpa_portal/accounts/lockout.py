"""How django-axes names the account it counts failed logins against."""

from django.conf import settings

from .identity import normalize_email


def lockout_username(request, credentials: dict | None) -> str | None:
    """The e-mail as the login matches it: ``identity.normalize_email`` (NFKC, case-folded, trimmed).

    The login looks the account up by exactly this key, so every spelling that reaches an account
    (« Gestion@… », « geſtion@… ») is counted against that one account and none can clear its lock.
    """
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return normalize_email(username) if isinstance(username, str) else username
