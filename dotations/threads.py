"""A dotation carries a message thread: managers (once approved), the region's ARS agents and CNAM."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.messaging.registry import Dossier, register


def register_threads():
    from .models import Dotation

    register(
        Dossier(
            kind="dotation",
            model=Dotation,
            label=lambda d: (
                _("dotation %(year)s de « %(name)s »") % {"year": d.campaign.year, "name": d.structure.name}
            ),
            url=lambda d: reverse("dotations:dotation_detail", args=[d.pk]),
            structure_id=lambda d: d.structure_id,
            region_id=lambda d: d.region_id,
            agent_roles=frozenset({Role.ARS_AGENT, Role.CNAM_AGENT}),
            select_related=("campaign", "structure"),
        )
    )
