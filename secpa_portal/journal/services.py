import hmac
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from secpa_portal.core.formats import datetime_fr, plural

from .models import Checkpoint, Event

GENESIS_HASH = "0" * 64


def _lock_chain():
    """Serialise writers so that each event chains to the one committed before it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7301001)")
    # SQLite: transactions are IMMEDIATE (settings), so writers are already serialised.


@transaction.atomic
def record_event(
    *,
    actor,
    verb: str,
    summary: str,
    obj,
    structure_id: int | None = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    amount: Decimal | None = None,
    payload: dict | None = None,
    internal: bool = False,
) -> Event:
    _lock_chain()
    last = Event.objects.order_by("-id").values_list("hash", flat=True).first()
    event = Event(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor else "Système",
        actor_role=getattr(actor, "role", "") if actor else "",
        verb=verb,
        summary=summary[:300],
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        structure_id=structure_id,
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        amount=amount,
        payload=payload or {},
        internal=internal,
        prev_hash=last or GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def _latest_checkpoint() -> Checkpoint | None:
    """The newest checkpoint, from the table or the file copy (``JOURNAL_CHECKPOINT_FILE``), whichever is later."""
    candidates = [Checkpoint.objects.order_by("-last_id", "-id").first()]
    path = settings.JOURNAL_CHECKPOINT_FILE
    if path and Path(path).exists():
        lines = [line for line in Path(path).read_text().splitlines() if line.strip()]
        if lines:
            data = json.loads(lines[-1])
            candidates.append(
                Checkpoint(
                    created_at=parse_datetime(data["created_at"]),
                    last_id=data["last_id"],
                    last_hash=data["last_hash"],
                    count=data["count"],
                    signature=data["signature"],
                )
            )
    candidates = [checkpoint for checkpoint in candidates if checkpoint is not None]
    return max(candidates, key=lambda checkpoint: checkpoint.last_id) if candidates else None


def verify_chain() -> tuple[bool, int, str]:
    """Walk the journal in order, then check it still reaches the latest signed checkpoint.

    Returns (intact, rows checked, a French message).
    """
    previous = GENESIS_HASH
    count = 0
    hashes_by_id = {}
    checkpoint = _latest_checkpoint()
    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != previous:
            return (
                False,
                count,
                f"Chaînage rompu à l'événement n° {event.pk} : le lien vers le précédent ne correspond pas.",
            )
        if not hmac.compare_digest(event.compute_hash(), event.hash):
            return False, count, f"Contenu altéré à l'événement n° {event.pk} : son empreinte ne correspond plus."
        if checkpoint is not None and event.pk == checkpoint.last_id:
            hashes_by_id[event.pk] = (event.hash, count)
        previous = event.hash
    if checkpoint is not None:
        if not checkpoint.is_authentic():
            return False, count, "Point de contrôle du journal falsifié : sa signature ne correspond pas."
        reached = hashes_by_id.get(checkpoint.last_id)
        if reached is None or reached != (checkpoint.last_hash, checkpoint.count):
            return (
                False,
                count,
                f"Fin du journal supprimée ou réécrite : le point de contrôle du "
                f"{datetime_fr(checkpoint.created_at)} attend l'événement "
                f"n° {checkpoint.last_id} en {checkpoint.count}ᵉ position, le journal n'y correspond plus.",
            )
    return True, count, f"Journal intègre : {count} {plural(count, 'événement vérifié', 'événements vérifiés')}."


@transaction.atomic
def write_checkpoint() -> Checkpoint | None:
    """Sign the journal's current head (after verifying it); None when the journal is empty."""
    _lock_chain()
    intact, count, message = verify_chain()
    if not intact:
        raise JournalTampered(message)
    head = Event.objects.order_by("-id").values_list("id", "hash").first()
    if head is None:
        return None
    checkpoint = Checkpoint(created_at=timezone.now(), last_id=head[0], last_hash=head[1], count=count)
    checkpoint.signature = checkpoint.expected_signature()
    checkpoint.save()
    path = settings.JOURNAL_CHECKPOINT_FILE
    if path:
        with Path(path).open("a") as file:
            record = {
                "created_at": checkpoint.created_at.isoformat(),
                "last_id": checkpoint.last_id,
                "last_hash": checkpoint.last_hash,
                "count": checkpoint.count,
                "signature": checkpoint.signature,
            }
            file.write(json.dumps(record) + "\n")
    return checkpoint


class JournalTampered(Exception):
    """``write_checkpoint`` refuses to sign a journal that does not verify."""
