"""The structure list as a spreadsheet: the same scope and filters as the page, one row per structure."""

from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.exports import Column

from .enums import MANDATORY_MISSIONS
from .filters import LISTING, StructureFilter
from .models import MissionLine, Structure, TeamLine

CHUNK = 2000


def _fte_total():
    lines = TeamLine.objects.filter(structure=OuterRef("pk")).values("structure").annotate(total=Sum("fte"))
    return Coalesce(Subquery(lines.values("total")), Value(Decimal("0")), output_field=DecimalField())


def _missions_described():
    lines = (
        MissionLine.objects.filter(structure=OuterRef("pk"), mission__in=MANDATORY_MISSIONS)
        .values("structure")
        .annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(lines.values("n")), Value(0))


def structure_rows(user, params):
    """The rows of the filtered list in its order, streamed in chunks."""
    base = Structure.objects.visible_to(user).select_related("departement", "region", "reviewer")
    queryset = LISTING.order(StructureFilter(params, queryset=base, user=user).qs, params)
    queryset = queryset.annotate(fte_total=_fte_total(), missions_described=_missions_described())
    return queryset.iterator(chunk_size=CHUNK)


def _date(value):
    return value.date() if value else None


STRUCTURE_COLUMNS = [
    Column(_("Structure"), lambda s: s.name),
    Column(_("Type"), lambda s: s.get_kind_display()),
    Column(_("FINESS établissement"), lambda s: s.finess_et),
    Column(_("FINESS entité juridique"), lambda s: s.finess_ej),
    Column(_("SIRET"), lambda s: s.siret),
    Column(_("Forme juridique"), lambda s: s.legal_form),
    Column(_("Adresse"), lambda s: s.address),
    Column(_("Code postal"), lambda s: s.postal_code),
    Column(_("Commune"), lambda s: s.commune_name),
    Column(_("Code commune INSEE"), lambda s: s.commune_code),
    Column(_("Département"), lambda s: s.departement.code if s.departement_id else ""),
    Column(_("Région"), lambda s: s.region.name if s.region_id else ""),
    Column(_("Territoire desservi"), lambda s: s.get_territory_type_display()),
    Column(_("Codes QPV"), lambda s: " ".join(s.qpv_codes or [])),
    Column(_("Statut"), lambda s: s.get_status_display()),
    Column(_("Déposé le"), lambda s: _date(s.submitted_at)),
    Column(_("Statut modifié le"), lambda s: _date(s.status_changed_at)),
    Column(_("Agent instructeur"), lambda s: str(s.reviewer) if s.reviewer_id else ""),
    Column(_("Missions obligatoires décrites (sur 7)"), lambda s: s.missions_described),
    Column(_("ETP de l'équipe"), lambda s: s.fte_total, places=2),
    Column(_("File active déclarée"), lambda s: s.declared_file_active),
    Column(_("Patientèle médecin traitant déclarée"), lambda s: s.declared_patientele_mt),
    Column(_("Part C2S + AME déclarée (%)"), lambda s: s.declared_precarity_share),
    Column(_("Autres financements (€/an)"), lambda s: s.other_funding_amount, money=True),
]
