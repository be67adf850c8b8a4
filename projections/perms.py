"""Who may do what with projection scenarios: CNAM agents write them; the national steering (ministry) reads,
exports and prints them; nobody else sees them (404)."""

from django.utils.translation import gettext_lazy as _

EDIT_REFUSAL = _("Seuls les agents de la CNAM créent, modifient, dupliquent ou recalculent un scénario.")


def can_view(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.sees_national)


def can_edit(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_cnam_agent
