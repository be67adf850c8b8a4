"""The structure's file carries a message thread (secpa_portal.messaging): managers and the region's ARS agents."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.messaging.registry import Dossier, register


def register_threads():
    from .models import Structure

    register(
        Dossier(
            kind="structure",
            model=Structure,
            label=lambda s: _("dossier d'éligibilité de « %(name)s »") % {"name": s.name},
            url=lambda s: reverse("structures:detail", args=[s.pk]),
            structure_id=lambda s: s.pk,
            region_id=lambda s: s.region_id,
            agent_roles=frozenset({Role.ARS_AGENT}),
        )
    )
