from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from .models import Event

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


def verify_chain() -> tuple[bool, int, str]:
    """Walk the journal in order. Returns (intact, rows checked, a French message)."""
    previous = GENESIS_HASH
    count = 0
    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != previous:
            return (
                False,
                count,
                f"Chaînage rompu à l'événement n° {event.pk} : le lien vers le précédent ne correspond pas.",
            )
        if event.compute_hash() != event.hash:
            return False, count, f"Contenu altéré à l'événement n° {event.pk} : son empreinte ne correspond plus."
        previous = event.hash
    return True, count, f"Journal intègre : {count} événement(s) vérifié(s)."
