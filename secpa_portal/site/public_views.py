"""Public statistics and open data: no login, aggregates only (issue 13 §2)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dotations.charts import PAID, Series, stacked_bars
from dotations.palette import STATUS_COLOURS

from . import open_data, statistics

TO_PAY = Series("to_pay", "Approuvé, restant à verser", STATUS_COLOURS["approved"])


@login_not_required
@require_GET
def public_statistics(request):
    funding = statistics.funding_by_year_and_region()
    chart = stacked_bars(
        [(str(year.year), {"paid": year.paid, "to_pay": year.approved - year.paid}) for year in funding],
        series=[PAID, TO_PAY],
        label_width=80,
    )
    return render(
        request,
        "site/statistics.html",
        {
            "totals": statistics.national_totals(),
            "regions": statistics.structures_by_region(),
            "statuses": statistics.structures_by_status(),
            "staff": statistics.staff_by_category(),
            "funding": funding,
            "funding_chart": chart,
            "activity": statistics.activity_by_year(),
            "small_count": statistics.SMALL_COUNT,
            "datasets": open_data.DATASETS,
        },
    )


@login_not_required
@require_GET
def open_data_index(request):
    crumbs = [("Statistiques publiques", reverse("public_statistics")), ("Données ouvertes", None)]
    return render(request, "site/open_data.html", {"datasets": open_data.DATASETS, "crumbs": crumbs})


@login_not_required
@require_GET
def open_data_file(request, slug):
    dataset = open_data.DATASETS_BY_SLUG.get(slug)
    if dataset is None:
        raise Http404("Jeu de données inconnu.")
    return open_data.csv_response(dataset)
