import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.lists import Listing, Sort
from secpa_portal.reference.choices import region_choices

from .enums import ConventionStatus, ReportStatus
from .models import AnnualReport, Convention

LISTING = Listing(
    sorts={
        "reference": Sort(_("Référence"), ("reference",)),
        "structure": Sort(_("Structure"), ("structure__name",)),
        "start": Sort(_("Début"), ("start_date",)),
        "end": Sort(_("Fin"), ("end_date",)),
    },
    default="-start",
    sort_param="tri",
    row_fields=("reference", "status", "start_date", "end_date", "structure__name", "structure__region__name"),
)


class ConventionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"), method="search", help_text=_("Référence, nom de la structure ou commune")
    )
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=ConventionStatus.choices, empty_label=_("Tous les statuts")
    )
    # Choices from the per-process reference cache (issue 14).
    region = django_filters.ChoiceFilter(
        label=_("Région"),
        field_name="structure__region",
        choices=region_choices,
        empty_label=_("Toutes les régions"),
    )

    class Meta:
        model = Convention
        fields = ["q", "status", "region"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None or not user.sees_national:
            del self.filters["region"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(structure__name__icontains=value)
            | Q(structure__commune_name__icontains=value)
        )


class ReportFilter(django_filters.FilterSet):
    """The annual report list's filters: status, year, overdue only."""

    statut = django_filters.ChoiceFilter(
        field_name="status", label=_("Statut"), choices=ReportStatus.choices, empty_label=_("Tous les statuts")
    )
    annee = django_filters.NumberFilter(
        field_name="year", label=_("Année"), help_text=_("4 chiffres, ex. 2026"), min_value=2000, max_value=2100
    )
    en_retard = django_filters.BooleanFilter(
        label=_("Seulement les rapports en retard"), method="filter_late", widget=forms.CheckboxInput
    )

    class Meta:
        model = AnnualReport
        fields = []

    def filter_late(self, queryset, name, value):
        return queryset.overdue() if value else queryset


REPORT_LISTING = Listing(
    sorts={
        "annee": Sort(_("Année"), ("year",), then=("convention__structure__name",), few_values=True),
        "structure": Sort(_("Structure"), ("convention__structure__name",), then=("year",)),
        "echeance": Sort(_("Date limite"), ("due_date",), then=("convention__structure__name",)),
    },
    default="-annee",
    sort_param="tri",
    sizes_name="reports.sizes",
    row_fields=(
        *("year", "status", "due_date", "weighted_attainment"),
        *("convention__reference", "convention__structure__name", "convention__structure__region__name"),
    ),
)
