"""How a journal row's hash and a checkpoint's signature are computed.

Each row's hash is an HMAC-SHA256, keyed with ``settings.JOURNAL_HMAC_KEY``, of the previous row's hash and
the row's canonical content: without the key, rewritten rows cannot be given hashes that verify. The
functions take plain values so that migrations (historical models) compute exactly what the model does.
"""

import hashlib
import hmac
import json

from django.conf import settings


def journal_key() -> bytes:
    return settings.JOURNAL_HMAC_KEY.encode()


def content_of(event) -> dict:
    """The canonical content the hash covers."""
    return {
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "actor_role": event.actor_role,
        "verb": event.verb,
        "summary": event.summary,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "structure_id": event.structure_id,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "amount": None if event.amount is None else f"{event.amount:.2f}",
        "payload": event.payload,
        "internal": event.internal,
    }


def _blob(event) -> bytes:
    return (event.prev_hash + json.dumps(content_of(event), sort_keys=True, ensure_ascii=False, default=str)).encode()


def keyed_hash(event, key: bytes | None = None) -> str:
    """The row's hash: HMAC-SHA256 of the previous hash and the content."""
    return hmac.new(key or journal_key(), _blob(event), hashlib.sha256).hexdigest()


def legacy_hash(event) -> str:
    """The unkeyed SHA-256 rows carried before migration ``journal.0003`` re-keyed them."""
    return hashlib.sha256(_blob(event)).hexdigest()


def checkpoint_signature(*, last_id: int, last_hash: str, count: int, created_at: str) -> str:
    message = f"secpa-journal-checkpoint|{last_id}|{last_hash}|{count}|{created_at}".encode()
    return hmac.new(journal_key(), message, hashlib.sha256).hexdigest()
