from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True)

    def due(self, now=None):
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())


class OutboxMail(models.Model):
    """One e-mail to one address, stored with the change that caused it and kept until the SMTP server took it.

    Written by ``secpa_portal.core.mail.send_templated_mail``; delivered by the ``deliver_mail`` task, retried
    with a growing delay (``next_attempt_at``) until sent. Undelivered mail is listed in the admin.
    """

    template = models.CharField(_("modèle"), max_length=100)
    to = models.CharField(_("destinataire"), max_length=254)
    subject = models.CharField(_("objet"), max_length=998)
    body = models.TextField(_("texte"))
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    objects = OutboxMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels (file d'envoi)")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="core_outbox_pending"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class WorkerHeartbeat(models.Model):
    """Each running task worker (``manage.py worker``) writes its row every few seconds; ``/readyz`` reads them."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("signe de vie d'un worker")
        verbose_name_plural = _("signes de vie des workers")

    def __str__(self):
        return f"{self.worker_id} ({self.seen_at:%Y-%m-%d %H:%M:%S})"


class AggregateCacheEntry(models.Model):
    """The table of the ``aggregates`` cache (Django's database cache, ``core.aggregates``), declared as a model
    so that migrations create it and a test database flush empties it. Only the cache framework writes it."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "core_aggregate_cache"
        verbose_name = "entrée du cache des agrégats"
        verbose_name_plural = "entrées du cache des agrégats"

    def __str__(self):
        return self.cache_key
