"""Filters of the dotation list (design.md §7): campaign, region, status, structure (sorting: the list mechanism).

The region filter is offered to CNAM agents only: ARS agents and managers already see one scope.
"""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.lists import Listing, Sort
from secpa_portal.reference.choices import region_choices

from .enums import DotationStatus
from .models import Campaign

STATUS_RANK = Case(
    *[When(status=status, then=Value(rank)) for rank, status in enumerate(DotationStatus.values)],
    output_field=IntegerField(),
)

LISTING = Listing(
    sorts={
        "structure": Sort(_("Structure"), ("structure__name",)),
        "region": Sort(_("Région"), ("region_id", "structure__name")),  # regions in their official order
        "status": Sort(_("Statut"), ("status_rank", "structure__name"), annotations={"status_rank": STATUS_RANK}),
        "total": Sort(_("Montant"), ("total", "structure__name")),
    },
    default="structure",
    # Without ``campaign`` the list shows the current campaign: removing its tag asks for every campaign.
    empty_means_all=frozenset({"campaign"}),
    row_fields=("status", "total", "errors", "structure__name", "region", "campaign__year"),  # région: cache
)


def campaign_year_choices():
    """The campaigns' years, newest first, as choices: values, so that the filter form's rendering is cached
    (``core.lists.render_filter_fields`` never caches a queryset's choices)."""
    return [(str(year), str(year)) for year in Campaign.objects.order_by("-year").values_list("year", flat=True)]


class DotationFilter(django_filters.FilterSet):
    campaign = django_filters.ChoiceFilter(
        label=_("Campagne"),
        field_name="campaign__year",
        choices=campaign_year_choices,
        empty_label=_("Toutes les campagnes"),
    )
    structure = django_filters.CharFilter(
        label=_("Structure"),
        field_name="structure__name",
        lookup_expr="icontains",
        help_text=_("Nom ou partie du nom"),
    )
    # Choices from the per-process reference cache (issue 14).
    region = django_filters.ChoiceFilter(
        label=_("Région"), choices=region_choices, empty_label=_("Toutes les régions")
    )
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=DotationStatus.choices, empty_label=_("Tous les statuts")
    )
    anomalies = django_filters.BooleanFilter(
        label=_("Seulement les dotations avec données manquantes"),
        method="filter_anomalies",
        widget=forms.CheckboxInput,
    )

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Read once: a callable is read again by the validation and by the rendering (two queries).
        self.filters["campaign"].extra["choices"] = campaign_year_choices()
        if not user.sees_national:
            del self.filters["region"]
            del self.filters["anomalies"]
        if user.is_manager:
            del self.filters["status"]

    def filter_anomalies(self, queryset, name, value):
        return queryset.exclude(errors=[]) if value else queryset
