"""The Convention, Rapports and Financements tabs of the structure page (site level: they read three apps).

Each tab has its own URL, shows the structure's header and tab bar (``structures.views.detail.tab_context``:
the structure in the user's scope, else 404) and a short, scoped summary with links to the full pages
(the convention, each annual report, the funding page). Bounded queries whatever the number of rows."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from conventions.models import AnnualReport, Convention
from dotations.payment_selectors import structure_funding
from structures.views.detail import tab_context


@require_GET
def structure_convention(request, pk):
    context = tab_context(request, pk, "convention")
    context["conventions"] = list(
        Convention.objects.visible_to(request.user)
        .filter(structure=context["structure"])
        .order_by("-start_date", "pk")
    )
    return render(request, "site/structure_convention.html", context)


@require_GET
def structure_reports(request, pk):
    context = tab_context(request, pk, "rapports")
    context["reports"] = list(
        AnnualReport.objects.visible_to(request.user)
        .filter(convention__structure=context["structure"])
        .select_related("convention")
        .order_by("-year", "pk")
    )
    return render(request, "site/structure_reports.html", context)


@require_GET
def structure_funding_tab(request, pk):
    context = tab_context(request, pk, "financements")
    context.update(structure_funding(request.user, context["structure"]))
    return render(request, "site/structure_funding.html", context)
