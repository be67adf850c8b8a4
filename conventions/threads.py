"""Conventions (managers, the region's ARS agents, CNAM) and annual reports (managers, ARS) carry a thread."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.messaging.registry import Dossier, register


def register_threads():
    from .models import AnnualReport, Convention

    register(
        Dossier(
            kind="convention",
            model=Convention,
            label=lambda c: _("convention %(reference)s") % {"reference": c.reference},
            url=lambda c: reverse("conventions:detail", args=[c.pk]),
            structure_id=lambda c: c.structure_id,
            region_id=lambda c: c.structure.region_id,
            agent_roles=frozenset({Role.ARS_AGENT, Role.CNAM_AGENT}),
            select_related=("structure",),
        )
    )
    register(
        Dossier(
            kind="rapport",
            model=AnnualReport,
            label=lambda r: (
                _("rapport annuel %(year)s de la convention %(reference)s")
                % {"year": r.year, "reference": r.convention.reference}
            ),
            url=lambda r: reverse("conventions:report_detail", args=[r.pk]),
            structure_id=lambda r: r.convention.structure_id,
            region_id=lambda r: r.convention.structure.region_id,
            agent_roles=frozenset({Role.ARS_AGENT}),
            select_related=("convention__structure",),
        )
    )
