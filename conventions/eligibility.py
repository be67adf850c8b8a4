"""A structure whose eligibility ends (declared « non éligible ») or is put back in review while it has a
convention in force: the ARS agent is warned before deciding, and the CNAM agents are told by e-mail after it,
so that they terminate the convention or keep it deliberately. Computing a campaign already skips structures that
are not eligible (dotations.inputs.conventions_for_year). Registered with structures.eligibility_hooks."""

from django.utils.translation import gettext as _

from secpa_portal.core.formats import date_fr

from .enums import ConventionStatus
from .models import Convention
from .notifications import notify_structure_not_eligible


def convention_in_force(structure) -> Convention | None:
    return Convention.objects.filter(structure=structure, status=ConventionStatus.ACTIVE).first()


def warnings(structure) -> list[str]:
    convention = convention_in_force(structure)
    if convention is None:
        return []
    return [
        _(
            "La convention %(ref)s est en vigueur jusqu'au %(end)s. Tant que la structure n'est pas éligible, "
            "le calcul des dotations la laisse de côté : elle ne reçoit plus de nouvelle dotation."
        )
        % {"ref": convention.reference, "end": date_fr(convention.end_date)},
        _(
            "Les agents de la CNAM en seront informés par courriel : ils décideront de résilier la convention "
            "ou de la maintenir."
        ),
    ]


def on_eligibility_withdrawn(sender, structure, user, verb, reason, **kwargs):
    convention = convention_in_force(structure)
    if convention is not None:
        notify_structure_not_eligible(convention, verb, reason)


def connect():
    from structures import eligibility_hooks

    eligibility_hooks.register_warning(warnings)
    eligibility_hooks.eligibility_withdrawn.connect(on_eligibility_withdrawn, dispatch_uid="conventions_eligibility")
