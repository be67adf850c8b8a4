import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from secpa_portal.reference.models import Region

from .enums import ConventionStatus
from .models import Convention

SORTS = {
    "reference": "reference",
    "-reference": "-reference",
    "structure": "structure__name",
    "-structure": "-structure__name",
    "start": "start_date",
    "-start": "-start_date",
    "end": "end_date",
    "-end": "-end_date",
}


class ConventionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"), method="search", help_text=_("Référence, nom de la structure ou commune")
    )
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=ConventionStatus.choices, empty_label=_("Tous les statuts")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"),
        field_name="structure__region",
        queryset=Region.objects.order_by("name"),
        empty_label=_("Toutes les régions"),
    )

    class Meta:
        model = Convention
        fields = ["q", "status", "region"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None or not user.is_cnam_agent:
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
