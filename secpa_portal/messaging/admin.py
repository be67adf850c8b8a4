"""The superuser's read-only view of the messages of every thread: who wrote on which dossier and when, never the
text, which only the thread's participants read (the journal keeps its hash, the e-mails leave it out). Writes go
through the services; a message once sent never changes. Also the benchmark's yardstick for the inbox (issue 14)."""

from django.contrib import admin

from secpa_portal.core.readonly_admin import ReadOnlyAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["dossier_label", "author_label", "side", "created_at"]
    list_filter = ["side", "dossier_kind"]
    search_fields = ["dossier_label"]
    fields = ["dossier_kind", "object_id", "dossier_label", "author_label", "side", "opens_with_reason", "created_at"]
    readonly_fields = fields
