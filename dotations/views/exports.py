"""Export downloads; ``fmt`` is csv or xlsx. Scoped like the pages (out of scope: 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from secpa_portal.core.exports import FORMATS, respond

from .. import exports
from ..models import Campaign


def _format(fmt):
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    return fmt


def export_dotations(request, year, fmt):
    fmt = _format(fmt)
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), year=year)
    rows = exports.dotation_rows(request.user, campaign, request.GET)
    return respond(fmt, exports.DOTATION_COLUMNS, rows, f"dotations-{campaign.year}", f"Dotations {campaign.year}")


def export_lines(request, year, fmt):
    fmt = _format(fmt)
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), year=year)
    rows = exports.line_rows(request.user, campaign, request.GET)
    return respond(fmt, exports.LINE_COLUMNS, rows, f"dotations-{campaign.year}-lignes", f"Lignes {campaign.year}")


def export_payments(request, fmt):
    fmt = _format(fmt)
    rows = exports.payment_rows(request.user, request.GET)
    return respond(fmt, exports.PAYMENT_COLUMNS, rows, "versements", "Versements")
