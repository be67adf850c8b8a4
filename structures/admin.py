"""The superuser's view of structures: read-only files (every change goes through the services and the
journal), and the managers of each, so the first manager of a structure can be attached to it."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Structure


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]
    verbose_name = "gestionnaire"


@admin.register(Structure)
class StructureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "finess_et", "commune_name", "region", "status"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name", "finess_et", "commune_name"]
    list_select_related = ["region"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Structure._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
