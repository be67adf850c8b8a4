"""The structure list, scoped to the user: filters, sortable columns, pagination (design.md §7), through the
core's list mechanism (``secpa_portal.core.lists``)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from secpa_portal.core import exports as spreadsheet
from secpa_portal.core import lists
from secpa_portal.reference.choices import departement_names, region_names

from ..enums import StructureStatus
from ..exports import STRUCTURE_COLUMNS, structure_rows
from ..filters import LISTING, StructureFilter
from ..models import Structure


@require_GET
def structure_list(request):
    user = request.user
    base = Structure.objects.visible_to(user).select_related("reviewer")
    filterset = StructureFilter(request.GET, queryset=base, user=user)
    title = _("Mes structures") if user.is_manager else _("Structures")
    count = LISTING.totals("structures.visible", user, filterset, request.GET, filterset.qs.count)
    context = LISTING.context(request, filterset, LISTING.order(filterset.qs, request.GET), count=count)
    context.update(
        {
            "title": title,
            "crumbs": [(title, None)],
            "staff": user.is_ars_agent or user.sees_national,
            "status_labels": lists.labels(StructureStatus),
            "region_names": region_names(),
            "departement_names": departement_names(),
            "urls": {
                "detail": lists.url_pattern("structures:detail"),
                "review": lists.url_pattern("structures:review"),
            },
        }
    )
    return lists.remember(request, render(request, "structures/list.html", context))


@require_GET
def structure_export(request, fmt):
    """The list as filtered on the page, in the user's scope, as CSV or XLSX."""
    rows = structure_rows(request.user, request.GET)
    return spreadsheet.respond(fmt, STRUCTURE_COLUMNS, rows, "structures", _("Structures"))
