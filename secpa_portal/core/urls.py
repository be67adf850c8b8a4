from django.urls import path

from . import readiness, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", readiness.readyz, name="readyz"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
]
