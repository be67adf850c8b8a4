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
from contextlib import contextmanager
from contextvars import ContextVar

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
    """``compute()``, or its value kept for ``scope`` today if no journaled write happened since (one query, or
    none within ``read_together``)."""
    if scope is None:
        return compute()
    cache = caches[CACHE]
    key = f"aggregates:{name}:{scope}:{timezone.localdate().isoformat()}"
    batch = _batch.get()
    if batch is not None and batch.scope == scope:
        found = batch.read(cache, key)
    else:
        found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = compute()
    cache.set(key, (version, value), LIFETIME)
    if batch is not None and batch.scope == scope and batch.found is not None:
        batch.found[key] = (version, value)
    return value


# --- Reading a page's entries together --------------------------------------------------------------------------


class _Batch:
    """The entries of one page for one scope. Its first read fetches the version with every key this process has
    seen that page read for that scope: one query instead of one per aggregate and fragment. A key this process has
    not seen yet for the page is computed and stored, as a miss is (once per process, scope and day)."""

    MAX_KEYS = 64  # a page's names × the days a process lives: forgotten past this

    def __init__(self, page: str, scope: str):
        self.scope = scope
        self.known = _known.setdefault((page, scope), set())
        self.found: dict | None = None

    def read(self, cache, key) -> dict:
        if self.found is None:
            if len(self.known) > self.MAX_KEYS:
                self.known.clear()
            self.found = cache.get_many([VERSION_KEY, key, *self.known])
        self.known.add(key)
        return self.found


_known: dict[tuple[str, str], set] = {}
_batch: ContextVar[_Batch | None] = ContextVar("aggregates_batch", default=None)


def forget_known() -> None:
    """Forget which keys each page read (tests: a rollback empties the cache table behind the process's back)."""
    _known.clear()


@contextmanager
def read_together(page: str, user):
    """Within the block, ``page``'s aggregates for ``user``'s scope are read in one query (the national dashboard
    read nine entries one by one). The version is read once: the block sees the entries as they were at its first
    read, as a page rendered a moment earlier would."""
    scope_ = scope(user)
    token = _batch.set(_Batch(page, scope_) if scope_ is not None else None)
    try:
        yield
    finally:
        _batch.reset(token)


def invalidate() -> None:
    """A new version: every entry computed before is stale. In the caller's transaction (the cache is a table of
    the same database), so readers see the new version exactly when they see the write."""
    caches[CACHE].set(VERSION_KEY, uuid.uuid4().hex, None)  # one statement (core/cache.py)
    batch = _batch.get()
    if batch is not None:
        batch.found = None  # a write within ``read_together``: what it read before is stale


def _journaled(sender, created=False, raw=False, **kwargs):
    if created and not raw:
        invalidate()


# Connected by name: the floor's packages do not import each other (import-linter).
post_save.connect(_journaled, sender="journal.Event", dispatch_uid="aggregates-invalidate-on-journal")
