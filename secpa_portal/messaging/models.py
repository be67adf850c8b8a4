"""Messages between a structure's managers and the agents on one dossier: written once, never changed."""

import os
import re
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from secpa_portal.core.errors import ActionRefused


class Side(models.TextChoices):
    STRUCTURE = "structure", _("Structure")
    AGENCY = "agency", _("Administration")


class MessageQuerySet(models.QuerySet):
    def of(self, kind: str, object_id: int):
        return self.filter(dossier_kind=kind, object_id=object_id)


class Message(models.Model):
    # The dossier is (kind, id) from the registry: a generic relation that names no app's model.
    dossier_kind = models.CharField(_("type de dossier"), max_length=20)
    object_id = models.PositiveBigIntegerField()
    structure_id = models.PositiveBigIntegerField(db_index=True)  # scoping, like the journal's
    dossier_label = models.CharField(_("dossier"), max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=300)
    side = models.CharField(_("côté"), max_length=10, choices=Side.choices)
    text = models.TextField(_("message"))
    opens_with_reason = models.CharField(max_length=40, blank=True)  # the send-back that opened the thread
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["dossier_kind", "object_id", "created_at"], name="message_thread_order")]

    def __str__(self):
        return f"Message n° {self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ActionRefused(_("Un message envoyé ne peut pas être modifié."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ActionRefused(_("Un message envoyé ne peut pas être supprimé."))


def attachment_upload_to(instance, filename):
    # A random stored name: the user's file name (kept in ``original_name``) never becomes a path.
    extension = os.path.splitext(filename)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", extension):
        extension = ""
    return f"messages/{instance.message.structure_id}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("fichier"), upload_to=attachment_upload_to)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["id"]

    def __str__(self):
        return self.original_name

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ActionRefused(_("Une pièce jointe envoyée ne peut pas être modifiée."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ActionRefused(_("Une pièce jointe envoyée ne peut pas être supprimée."))


class Unread(models.Model):
    """One row per message and participant who has not opened its thread since: the header counts them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "message"], name="unique_unread")]

    def __str__(self):
        return f"{self.user_id} → {self.message_id}"
