"""The structure list, scoped to the user: filters, sortable columns, pagination (design.md §7)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from secpa_portal.core import exports as spreadsheet

from ..exports import STRUCTURE_COLUMNS, structure_rows
from ..filters import DEFAULT_SORT, SORTS, StructureFilter
from ..models import Structure

PAGE_SIZE = 25


def sort_columns(current: str) -> dict:
    """Each sortable column: its label, whether it sorts the list now (``aria-sort``) and its next ``?o=``."""
    columns = {}
    for key, (label, _fields) in SORTS.items():
        if current == key:
            state, following = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, following = "descending", key
        else:
            state, following = "", key
        columns[key] = {"key": key, "label": label, "state": state, "next": following}
    return columns


@require_GET
def structure_list(request):
    user = request.user
    base = Structure.objects.visible_to(user).select_related("departement", "region", "reviewer")
    filterset = StructureFilter(request.GET, queryset=base, user=user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    title = _("Mes structures") if user.is_manager else _("Structures")
    filtered = any(request.GET.get(name) for name in filterset.form.fields if name != "o")
    return render(
        request,
        "structures/list.html",
        {
            "title": title,
            "crumbs": [(title, None)],
            "filter": filterset,
            "page_obj": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "columns": sort_columns(filterset.sort_value() or DEFAULT_SORT),
            "filtered": filtered,
            "staff": user.is_ars_agent or user.is_cnam_agent,
            "ellipsis": Paginator.ELLIPSIS,
        },
    )


@require_GET
def structure_export(request, fmt):
    """The list as filtered on the page, in the user's scope, as CSV or XLSX."""
    rows = structure_rows(request.user, request.GET)
    return spreadsheet.respond(fmt, STRUCTURE_COLUMNS, rows, "structures", _("Structures"))
