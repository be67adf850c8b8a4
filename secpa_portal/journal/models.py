import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JournalImmutableError(Exception):
    """The journal is append-only: its rows are never changed nor removed."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmutableError("Journal events cannot be updated.")

    def delete(self):
        raise JournalImmutableError("Journal events cannot be deleted.")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def for_structure(self, structure_id):
        return self.filter(structure_id=structure_id)


class Event(models.Model):
    """One business event. Each row chains to the previous one by hash (see ``verify_chain``)."""

    created_at = models.DateTimeField(_("date"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("auteur"), max_length=200, blank=True)
    actor_role = models.CharField(_("rôle"), max_length=20, blank=True)
    verb = models.CharField(_("action"), max_length=60)
    summary = models.CharField(_("résumé"), max_length=300)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    # A plain id, not a foreign key: the journal sits below the apps and imports none of them.
    structure_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    # Visible only to the staff (ARS/CNAM), never to the structure.
    internal = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("journal")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise JournalImmutableError("Journal events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmutableError("Journal events cannot be deleted.")

    def content(self):
        """The canonical content the hash covers."""
        return {
            "created_at": self.created_at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "actor_role": self.actor_role,
            "verb": self.verb,
            "summary": self.summary,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "structure_id": self.structure_id,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "reason": self.reason,
            "amount": None if self.amount is None else f"{self.amount:.2f}",
            "payload": self.payload,
            "internal": self.internal,
        }

    def compute_hash(self):
        blob = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256((self.prev_hash + blob).encode()).hexdigest()
