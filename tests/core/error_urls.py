"""The portal's URLs plus views that fail on purpose, to render each error page through its handler."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from secpa_portal.urls import *  # noqa: F403 — the handlers under test
from secpa_portal.urls import urlpatterns as portal_urlpatterns


@login_not_required
def bad_request(request):
    raise SuspiciousOperation("forged")


@login_not_required
def forbidden(request):
    raise PermissionDenied


@login_not_required
def broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    *portal_urlpatterns,
    path("test/400", bad_request),
    path("test/403", forbidden),
    path("test/500", broken),
]
