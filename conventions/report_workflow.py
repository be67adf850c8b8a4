"""The annual report workflow: one table of transitions (design.md §4)."""

from django.utils.translation import gettext_lazy as _

from secpa_portal.accounts.enums import Role

from .enums import ReportStatus as R
from .workflow import Transition, TransitionError, _check, _table

__all__ = ["REPORT_TRANSITIONS", "TransitionError", "check_report_transition"]

REPORT_TRANSITIONS = _table(
    Transition("submit", _("Déposer le rapport"), frozenset({R.DRAFT, R.RETURNED}), R.SUBMITTED, Role.MANAGER),
    Transition("validate", _("Valider le rapport"), frozenset({R.SUBMITTED}), R.VALIDATED, Role.ARS_AGENT),
    Transition(
        "return",
        _("Renvoyer le rapport pour compléments"),
        frozenset({R.SUBMITTED}),
        R.RETURNED,
        Role.ARS_AGENT,
        reason_required=True,
    ),
)


def check_report_transition(name: str, current_status: str, reason: str = "") -> Transition:
    return _check(REPORT_TRANSITIONS, R, _("le rapport"), name, current_status, reason)
