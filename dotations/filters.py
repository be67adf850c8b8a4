"""Filters of the dotation list (design.md §7): campaign, region, status, structure, sort order.

The region filter is offered to CNAM agents only: ARS agents and managers already see one scope.
"""

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from secpa_portal.reference.models import Region

from .enums import DotationStatus
from .models import Campaign

STATUS_RANK = Case(
    *[When(status=status, then=Value(rank)) for rank, status in enumerate(DotationStatus.values)],
    output_field=IntegerField(),
)

SORTS = {
    "structure": (_("Structure"), ("structure__name",)),
    "region": (_("Région"), ("region__name", "structure__name")),
    "status": (_("Statut"), ("status_rank", "structure__name")),
    "total": (_("Montant"), ("total", "structure__name")),
}
DEFAULT_SORT = "structure"


class DotationFilter(django_filters.FilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campagne"),
        queryset=Campaign.objects.order_by("-year"),
        empty_label=_("Toutes les campagnes"),
        to_field_name="year",
    )
    structure = django_filters.CharFilter(
        label=_("Structure"),
        field_name="structure__name",
        lookup_expr="icontains",
        help_text=_("Nom ou partie du nom"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"), queryset=Region.objects.all(), empty_label=_("Toutes les régions")
    )
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=DotationStatus.choices, empty_label=_("Tous les statuts")
    )
    anomalies = django_filters.BooleanFilter(
        label=_("Seulement les dotations avec données manquantes"),
        method="filter_anomalies",
        widget=forms.CheckboxInput,
    )
    o = django_filters.ChoiceFilter(
        label=_("Tri"),
        choices=[(value, value) for key in SORTS for value in (key, f"-{key}")],
        method="filter_order",
        widget=forms.HiddenInput,
    )

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if not user.is_cnam_agent:
            del self.filters["region"]
            del self.filters["anomalies"]
        if user.is_manager:
            del self.filters["status"]

    @property
    def qs(self):
        if not hasattr(self, "_sorted_qs"):
            queryset = super().qs
            if not self.sort_value():
                queryset = self.filter_order(queryset, "o", DEFAULT_SORT)
            self._sorted_qs = queryset
        return self._sorted_qs

    def sort_value(self) -> str:
        if not self.is_bound or not self.form.is_valid():
            return ""
        return self.form.cleaned_data.get("o") or ""

    def filter_anomalies(self, queryset, name, value):
        return queryset.exclude(errors=[]) if value else queryset

    def filter_order(self, queryset, name, value):
        descending = value.startswith("-")
        key = value.lstrip("-")
        first, *rest = SORTS.get(key, SORTS[DEFAULT_SORT])[1]
        if key == "status":
            queryset = queryset.annotate(status_rank=STATUS_RANK)
        ordering = F(first).desc() if descending else F(first).asc()
        rest = [f"-{field}" if descending else field for field in rest]
        return queryset.order_by(ordering, *rest, "pk")
