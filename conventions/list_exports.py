"""The convention and annual report lists as spreadsheets: the page's scope, filters and order, one row each
(issue 12 §8). Labels, never internal codes."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from secpa_portal.core.exports import Column

from .enums import ConventionStatus, ReportStatus
from .filters import LISTING, REPORT_LISTING, ConventionFilter, ReportFilter
from .models import AnnualReport, Convention

CHUNK = 2000


def _date(value):
    return value.date() if hasattr(value, "date") and value is not None else value


def _label(choices):
    labels = {key: str(label) for key, label in choices}
    return lambda value: labels.get(value, value)


_convention_status = _label(ConventionStatus.choices)
_report_status = _label(ReportStatus.choices)

CONVENTION_COLUMNS = [
    Column(_("Référence"), lambda c: c.reference, width=20),
    Column(_("Structure"), lambda c: c.structure.name, width=40),
    Column(_("FINESS"), lambda c: c.structure.finess_et),
    Column(_("Région"), lambda c: c.structure.region.name if c.structure.region_id else "", width=24),
    Column(_("Statut"), lambda c: _convention_status(c.status), width=20),
    Column(_("Début"), lambda c: c.start_date),
    Column(_("Fin"), lambda c: c.end_date),
    Column(_("Durée (ans)"), lambda c: c.duration_years),
    Column(_("Avance (%)"), lambda c: (c.advance_share or Decimal(0)) * 100, places=0),
    Column(_("Signée par la structure le"), lambda c: _date(c.structure_signed_at), width=16),
    Column(_("Signée par l'assurance maladie le"), lambda c: _date(c.cnam_signed_at), width=16),
    Column(_("Résiliée le"), lambda c: _date(c.terminated_at)),
]

REPORT_COLUMNS = [
    Column(_("Structure"), lambda r: r.convention.structure.name, width=40),
    Column(_("Région"), lambda r: r.convention.structure.region.name if r.convention.structure.region_id else ""),
    Column(_("Convention"), lambda r: r.convention.reference, width=20),
    Column(_("Année"), lambda r: r.year),
    Column(_("Statut"), lambda r: _report_status(r.status), width=18),
    Column(_("Échéance"), lambda r: r.due_date),
    Column(_("Déposé le"), lambda r: _date(r.submitted_at)),
    Column(_("Validé le"), lambda r: _date(r.validated_at)),
    Column(_("Atteinte pondérée (%)"), lambda r: _percent(r.weighted_attainment), places=1),
]


def _percent(value):
    return None if value is None else value * 100


def convention_rows(user, params):
    queryset = Convention.objects.visible_to(user).select_related("structure__region")
    filterset = ConventionFilter(params, queryset=queryset, user=user)
    return LISTING.order(filterset.qs, params).iterator(chunk_size=CHUNK)


def report_rows(user, params):
    queryset = AnnualReport.objects.visible_to(user).select_related("convention__structure__region")
    filterset = ReportFilter(params, queryset=queryset)
    return REPORT_LISTING.order(filterset.qs, params).iterator(chunk_size=CHUNK)
