from django.urls import path

from . import views

app_name = "projections"

urlpatterns = [
    path("", views.scenario_list, name="list"),
    path("nouveau/", views.scenario_create, name="create"),
    path("comparer/", views.scenario_compare, name="compare"),
    path("<int:pk>/", views.scenario_detail, name="detail"),
    path("<int:pk>/modifier/", views.scenario_edit, name="edit"),
    path("<int:pk>/dupliquer/", views.scenario_duplicate, name="duplicate"),
    path("<int:pk>/recalculer/", views.scenario_recompute, name="recompute"),
    path("<int:pk>/export.xlsx", views.scenario_export, name="export"),
    path("<int:pk>/note.pdf", views.scenario_note, name="note"),
]
