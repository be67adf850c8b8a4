"""The superuser's read-only view of dotations and payments (writes go through the services)."""

from django.contrib import admin

from secpa_portal.core.readonly_admin import ReadOnlyAdmin

from .models import Dotation, Payment


@admin.register(Dotation)
class DotationAdmin(ReadOnlyAdmin):
    list_display = ["structure", "campaign", "region", "status", "total"]
    list_filter = ["status", "campaign", "region"]
    search_fields = ["structure__name"]
    list_select_related = ["structure", "campaign", "region"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["dotation", "kind", "status", "amount", "due_date"]
    list_filter = ["status", "kind"]
    list_select_related = ["dotation__structure", "dotation__campaign"]
