"""Helpers every service uses: lock a row, check its version, require a right or a reason."""

from django.db import models
from django.utils.translation import gettext as _

from .errors import ActionRefused, ConflictError

STALE_MESSAGE = (
    "Ce dossier a été modifié par une autre personne depuis que vous l'avez ouvert. "
    "Vos changements n'ont pas été enregistrés : rechargez la page pour voir la version actuelle."
)


def lock(instance: models.Model, *, related: tuple[str, ...] = (), of: tuple[str, ...] = ()) -> models.Model:
    """The row of ``instance`` re-read under ``SELECT … FOR UPDATE`` (a fresh object: the caller's is untouched).

    ``related`` is passed to ``select_related`` (read in the same query); ``of`` limits the lock to those tables
    (``("self",)`` when a joined relation is nullable, which PostgreSQL cannot lock).
    """
    queryset = type(instance)._default_manager.select_for_update(of=of)
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=instance.pk)


def check_version(locked: models.Model, expected_version, message: str | None = None) -> None:
    """Refuse a save based on an older ``version`` of the row (optimistic locking); None skips the check."""
    if expected_version is None or expected_version == "":
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = -1
    if expected != locked.version:
        raise ConflictError(message or _(STALE_MESSAGE))


def require(allowed: bool, message: str) -> None:
    """Refuse the action with ``message`` unless ``allowed``."""
    if not allowed:
        raise ActionRefused(message)


def require_reason(reason: str, message: str | None = None) -> str:
    """A written reason, stripped; refuses an empty one."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(message or _("Un motif écrit est obligatoire."))
    return reason
