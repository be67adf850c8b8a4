"""The four-eyes rule, in one place: the agent who prepared a decision never approves it himself."""

from django.utils.translation import gettext as _


def four_eyes_refusal(user, preparer_id, *, what: str) -> str:
    """Why ``user`` may not approve what ``preparer_id`` prepared (empty when another agent)."""
    if preparer_id is not None and preparer_id == user.pk:
        return _("Vous avez préparé %(what)s : un autre agent de la CNAM doit l'approuver.") % {"what": what}
    return ""
