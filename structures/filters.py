"""Filters of the structure list (design.md §7): status, région, département, kind, text (sorting: the list mechanism).

The choices offered never leave the user's scope: an ARS agent picks among the départements of their
region and sees no région filter; a value outside the scope is not a choice, so the form ignores it.
"""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.lists import Listing, Sort
from secpa_portal.reference.choices import departement_choices, region_choices
from secpa_portal.reference.identifiers import normalize_identifier
from secpa_portal.reference.models import Departement

from .enums import StructureKind, StructureStatus
from .selectors import late_q

# Workflow order, so that sorting by status reads like the process and not like the alphabet.
STATUS_RANK = Case(
    *[When(status=status, then=Value(rank)) for rank, status in enumerate(StructureStatus.values)],
    output_field=IntegerField(),
)

# ?o= value → sortable column; a minus sign in front of the value reverses it. Never-submitted drafts (in a
# manager's list) go last in both directions.
LISTING = Listing(
    sorts={
        "name": Sort(_("Structure"), ("name",)),
        "commune": Sort(_("Commune"), ("commune_name", "name")),
        "status": Sort(_("Statut"), ("status_rank", "name"), annotations={"status_rank": STATUS_RANK}),
        "submitted": Sort(_("Déposé le"), ("submitted_at", "name"), nulls_last=True),
    },
    default="name",
    row_fields=(
        *("name", "finess_et", "kind", "commune_name", "status", "submitted_at"),
        *("departement", "region"),  # named from the reference cache (views/listing.py)
        *("reviewer__first_name", "reviewer__last_name", "reviewer__email"),
    ),
)


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_text",
        help_text=_("Nom, numéro FINESS, commune ou code commune INSEE"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=StructureStatus.choices, empty_label=_("Tous les statuts")
    )
    # Choices from the per-process reference cache (issue 14): no query, no model instances per request.
    region = django_filters.ChoiceFilter(
        label=_("Région"), choices=region_choices, empty_label=_("Toutes les régions")
    )
    departement = django_filters.ChoiceFilter(
        label=_("Département"), choices=(), empty_label=_("Tous les départements")
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=StructureKind.choices, empty_label=_("Tous les types"))
    mine = django_filters.BooleanFilter(
        label=_("Seulement les dossiers que j'instruis"), method="filter_mine", widget=forms.CheckboxInput
    )
    late = django_filters.BooleanFilter(
        label=_("En retard (déposés depuis plus de 30 jours, sans décision)"),
        method="filter_late",
        widget=forms.CheckboxInput,
    )

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        self.user = user
        super().__init__(data, queryset, **kwargs)
        departement = self.filters["departement"]
        if user.sees_national:
            departement.extra["choices"] = departement_choices
        else:
            del self.filters["region"]
            if user.is_ars_agent:
                departement.extra["choices"] = departement_choices(region_id=user.region_id)
            else:
                ids = Departement.objects.filter(structures__memberships__user=user).values_list("pk", flat=True)
                departement.extra["choices"] = departement_choices(ids=ids)
                # Managers follow their own files: neither « mine » nor « late » mean anything to them.
                del self.filters["late"]
        if not user.is_ars_agent:
            del self.filters["mine"]

    def filter_text(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        query = Q(name__icontains=text) | Q(commune_name__icontains=text)
        compact = normalize_identifier(text)
        if compact.isdigit() or (len(compact) >= 2 and compact[:2] in ("2A", "2B")):
            query |= (
                Q(finess_et__startswith=compact)
                | Q(finess_ej__startswith=compact)
                | Q(commune_code__startswith=compact)
            )
        return queryset.filter(query)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(reviewer=self.user) if value else queryset

    def filter_late(self, queryset, name, value):
        return queryset.filter(late_q()) if value else queryset
