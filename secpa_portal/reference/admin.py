from django.contrib import admin

from .models import QPV, Departement, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "ars_name"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]


@admin.register(QPV)
class QPVAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "commune_code", "generation"]
    list_filter = ["generation"]
    search_fields = ["code", "name", "commune_code"]
