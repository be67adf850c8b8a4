"""Request guards that must run before the body is read."""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared ``Content-Length`` exceeds ``MAX_REQUEST_BODY_SIZE`` with a French 413.

    It answers before anything reads the body (the CSRF check reads the form in ``process_view``, later), so a
    30 Mo upload is refused without being received in full. Smaller bodies reach the forms, whose own limits
    (10 Mo per document) answer in the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BODY_SIZE
        if length > limit:
            return render(
                request,
                "core/request_too_large.html",
                {"size": filesizeformat(length), "limit": filesizeformat(limit)},
                status=413,
            )
        return self.get_response(request)
