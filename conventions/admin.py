"""The superuser's read-only view of conventions and annual reports (writes go through the services)."""

from django.contrib import admin

from secpa_portal.core.readonly_admin import ReadOnlyAdmin

from .models import AnnualReport, Convention


@admin.register(Convention)
class ConventionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "structure", "status", "start_date", "end_date"]
    list_filter = ["status"]
    search_fields = ["reference", "structure__name"]
    list_select_related = ["structure"]


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["convention", "year", "status", "due_date"]
    list_filter = ["status", "year"]
    search_fields = ["convention__reference"]
    list_select_related = ["convention__structure"]
