"""A read-only Django admin page: rows are listed and shown, never added, changed or deleted there (every write goes
through the services and the journal). The changelists also give the benchmark its yardstick (issue 14)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
