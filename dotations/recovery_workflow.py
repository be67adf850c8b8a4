"""The recovery-order workflow (design.md §4): issued → notified → recovered, or cancelled with a reason."""

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role
from secpa_portal.core.workflow import Transition, Workflow

from .enums import RecoveryStatus as R

RECOVERY_WORKFLOW = Workflow(
    subject=_("l'ordre de reversement"),
    states=R,
    transitions=[
        # Four eyes: never the agent who issued the order (perms/recoveries.py, perms/four_eyes.py).
        Transition("notify", _("Notifier l'ordre à la structure"), frozenset({R.ISSUED}), R.NOTIFIED, Role.CNAM_AGENT),
        Transition("recover", _("Constater le recouvrement"), frozenset({R.NOTIFIED}), R.RECOVERED, Role.CNAM_AGENT),
        Transition(
            "cancel",
            _("Annuler l'ordre de reversement"),
            frozenset({R.ISSUED, R.NOTIFIED}),
            R.CANCELLED,
            Role.CNAM_AGENT,
            reason_required=True,
        ),
    ],
)
