import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import chain


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
        return chain.content_of(self)

    def compute_hash(self):
        return chain.keyed_hash(self)


class Checkpoint(models.Model):
    """The journal's head as ``verify_journal --checkpoint`` saw it intact, signed with the journal's key.

    Verification checks the chain still reaches this row with this hash, so deleting the last events
    (or the whole journal) is detected. Append-only like the journal (PostgreSQL triggers).
    """

    created_at = models.DateTimeField(_("date"))
    last_id = models.BigIntegerField(_("dernier événement"))
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(_("événements"))
    signature = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("point de contrôle du journal")
        verbose_name_plural = _("points de contrôle du journal")
        ordering = ["id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} n° {self.last_id}"

    def expected_signature(self) -> str:
        return chain.checkpoint_signature(
            last_id=self.last_id, last_hash=self.last_hash, count=self.count, created_at=self.created_at.isoformat()
        )

    def is_authentic(self) -> bool:
        return hmac.compare_digest(self.signature, self.expected_signature())
