from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .formats import plural
from .mail import deliver
from .models import OutboxMail


class DeliveryFilter(admin.SimpleListFilter):
    title = _("envoi")
    parameter_name = "envoi"

    def lookups(self, request, model_admin):
        return [("non-envoye", _("Non envoyés")), ("envoye", _("Envoyés"))]

    def queryset(self, request, queryset):
        if self.value() == "non-envoye":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "envoye":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """The mail queue, read-only: what was not delivered, why, and « Renvoyer » to try again now."""

    list_display = ["created_at", "to", "subject", "sent_at", "attempts", "next_attempt_at", "last_error"]
    list_filter = [DeliveryFilter, "template"]
    search_fields = ["to", "subject"]
    actions = ["resend"]
    readonly_fields = [field.name for field in OutboxMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Renvoyer les courriels sélectionnés non envoyés"))
    def resend(self, request, queryset):
        pending = queryset.filter(sent_at__isnull=True)
        pending.update(next_attempt_at=timezone.now())
        count = pending.count()
        sent = deliver(pending)
        level = messages.SUCCESS if sent == count else messages.WARNING
        noun = plural(sent, "courriel envoyé", "courriels envoyés")
        self.message_user(request, f"{sent} {noun} sur {count} en attente.", level)
