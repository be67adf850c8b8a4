"""French DSFR error pages (400, 403, 404, 500 and the CSRF failure), each with a way back.

The 500 page is rendered without the request's context processors: whatever failed (the database, the
session) must not fail the error page too.
"""

import logging

from django.contrib.auth.models import AnonymousUser
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.middleware.csp import get_nonce
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

PAGES = {
    400: (
        "Requête incorrecte",
        "La demande envoyée au portail n'a pas pu être comprise.",
        "Revenez à la page précédente et recommencez ; si le problème persiste, contactez l'assistance.",
    ),
    403: (
        "Accès refusé",
        "Vous n'avez pas le droit d'effectuer cette action.",
        "Si vous pensez que c'est une erreur, contactez l'administrateur de votre structure ou de votre service.",
    ),
    404: (
        "Page non trouvée",
        "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.",
        "Si vous avez tapé l'adresse web dans le navigateur, vérifiez qu'elle est correcte. La page n'est peut-être "
        "plus disponible, ou vous n'y avez pas accès.",
    ),
    500: (
        "Erreur inattendue",
        "Désolé, le service rencontre un problème, nous travaillons pour le résoudre le plus rapidement possible.",
        "Essayez de rafraîchir la page ou bien réessayez plus tard. Ce que vous faisiez n'a pas été enregistré "
        "si la page ne l'a pas confirmé.",
    ),
    "csrf": (
        "Session expirée",
        "Le formulaire n'a pas pu être vérifié : la page était ouverte depuis trop longtemps, ou les cookies sont "
        "bloqués.",
        "Revenez à la page précédente, rechargez-la, puis envoyez à nouveau le formulaire. Le portail a besoin des "
        "cookies pour vous garder connecté.",
    ),
}


def _context(key, status_code):
    title, lead, help_text = PAGES[key]
    return {"error_title": title, "error_lead": lead, "error_help": help_text, "status_code": status_code}


def _render(request, template_name, key, status_code, response_class):
    template = loader.get_template(template_name)
    return response_class(template.render(_context(key, status_code), request))


@requires_csrf_token
def bad_request(request, exception=None):
    return _render(request, "400.html", 400, 400, HttpResponseBadRequest)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _render(request, "403.html", 403, 403, HttpResponseForbidden)


def forbidden(request, lead):
    """The French 403 page saying why: a user in scope without the right (e.g. the national steering, which reads
    and acts on nothing) asked for a write page or posted to it."""
    context = {**_context(403, 403), "error_lead": lead}
    return HttpResponseForbidden(loader.get_template("403.html").render(context, request))


@requires_csrf_token
def page_not_found(request, exception=None):
    return _render(request, "404.html", 404, 404, HttpResponseNotFound)


def csrf_failure(request, reason=""):
    return _render(request, "403_csrf.html", "csrf", 403, HttpResponseForbidden)


def server_error(request):
    """No context processor, no session, no database: only what the layout needs, given explicitly."""
    try:
        nonce = str(get_nonce(request) or "")
    except Exception:  # noqa: BLE001 — the page must render whatever broke
        nonce = ""
    context = {**_context(500, 500), "user": AnonymousUser(), "messages": (), "csp_nonce": nonce, "request": None}
    return HttpResponseServerError(loader.get_template("500.html").render(context))
