"""Dashboard aggregates cached per reader's scope (issue 14; docs/decisions.md « Agrégats des tableaux de bord »).

A dashboard's counts and totals scan whole tables: at national scale they were most of its time. Each is kept in
the shared ``aggregates`` cache (a database table: every gunicorn worker sees the same entries) under its name,
the reader's scope and the day, for ``LIFETIME`` seconds at most, tagged with the version current when it was
computed. Every journal event (every workflow move, computation, payment… is journaled) sets a new version in the
same transaction, so an entry computed before a write is never served after it: one place invalidates them all.

Scopes: ``national`` for CNAM agents, the national steering and administrators (who see every row),
``region:<code>`` for an ARS agent; a manager's aggregates run over their own few rows and are not cached (``scope``
is None).
"""

import uuid

from django.core.cache import caches
from django.db.models.signals import post_save
from django.utils import timezone

CACHE = "aggregates"
LIFETIME = 60  # seconds: what a write the journal does not see (the Django admin, a data load) may stay unseen
VERSION_KEY = "aggregates:version"
NATIONAL = "national"


def scope(user) -> str | None:
    """The set of rows ``user``'s dashboard aggregates run over, as a key part (None: not cached)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser or user.sees_national:
        return NATIONAL
    if user.is_ars_agent:
        return f"region:{user.region_id}"
    return None


def cached(name: str, scope: str | None, compute):
    """``compute()``, or its value kept for ``scope`` today if no journaled write happened since (one query)."""
    if scope is None:
        return compute()
    cache = caches[CACHE]
    key = f"aggregates:{name}:{scope}:{timezone.localdate().isoformat()}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = compute()
    cache.set(key, (version, value), LIFETIME)
    return value


def invalidate() -> None:
    """A new version: every entry computed before is stale. In the caller's transaction (the cache is a table of
    the same database), so readers see the new version exactly when they see the write."""
    caches[CACHE].set(VERSION_KEY, uuid.uuid4().hex, None)  # one statement (core/cache.py)


def _journaled(sender, created=False, raw=False, **kwargs):
    if created and not raw:
        invalidate()


# Connected by name: the floor's packages do not import each other (import-linter).
post_save.connect(_journaled, sender="journal.Event", dispatch_uid="aggregates-invalidate-on-journal")
