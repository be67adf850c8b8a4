"""One spelling per e-mail address: the key the accounts are stored, looked up and locked out under."""

import unicodedata


def normalize_email(value: str | None) -> str:
    """The address as the portal stores and compares it: NFKC-normalised, trimmed and case-folded.

    Storing and comparing this one form (never ``__iexact``, whose PostgreSQL ``UPPER()`` folds « ſ » to « S »
    and « ı » to « I » while Python's ``lower()`` does not) makes the login, the lockout counter and the
    password reset agree on which account an address names.
    """
    if not value:
        return ""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold()).strip()
