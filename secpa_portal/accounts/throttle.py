"""Password-reset requests, throttled per address and per client.

A table rather than the cache: several gunicorn workers on several hosts must share the count, and the
default cache is per process. The page answers the same French message whether or not a mail was sent.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .identity import normalize_email
from .models import PasswordResetRequest

WINDOW = timedelta(hours=1)


def _digest(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), normalize_email(address).encode(), hashlib.sha256).hexdigest()


def client_of(request) -> str:
    """The client's address as the server sees it (the proxy's own behind a proxy that does not rewrite it)."""
    return (request.META.get("REMOTE_ADDR") or "")[:45]


@transaction.atomic
def allow_reset_request(*, address: str, client: str) -> bool:
    """Count this request; False when the address or the client already asked too often within the hour.

    Refused requests are not counted, so the table holds at most the limits' worth of rows per hour.
    """
    now = timezone.now()
    PasswordResetRequest.objects.filter(created_at__lt=now - WINDOW).delete()
    digest = _digest(address)
    recent = PasswordResetRequest.objects.filter(created_at__gte=now - WINDOW)
    allowed = (
        recent.filter(address_digest=digest).count() < settings.PASSWORD_RESET_MAX_PER_ADDRESS
        and recent.filter(client=client).count() < settings.PASSWORD_RESET_MAX_PER_CLIENT
    )
    if allowed:
        PasswordResetRequest.objects.create(address_digest=digest, client=client, created_at=now)
    return allowed
