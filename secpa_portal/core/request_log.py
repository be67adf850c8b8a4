"""A request id on every request (echoed in ``X-Request-ID``) and JSON log lines that carry it."""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.dispatch import receiver

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
HEADER = "X-Request-ID"
# An id given by the reverse proxy is kept when it looks like one (no log injection through it).
ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request_id = given if ACCEPTED.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed: Django logs a request's 4xx/5xx after the middleware returned.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished)
def forget_request_id(sender, **kwargs):
    request_id_var.set("-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and the traceback if any."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
