from django.contrib import admin
from django.urls import include, path

from secpa_portal.site.dashboards import dashboard

urlpatterns = [
    path("", include("secpa_portal.core.urls")),
    path("tableau-de-bord/", dashboard, name="dashboard"),
    path("", include("secpa_portal.site.urls")),
    path("compte/", include("secpa_portal.accounts.urls")),
    path("structures/", include("structures.urls")),
    path("conventions/", include("conventions.urls")),
    path("financements/", include("dotations.urls")),
    path("projections/", include("projections.urls")),
    path("messages/", include("secpa_portal.messaging.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "secpa_portal.core.error_views.bad_request"
handler403 = "secpa_portal.core.error_views.permission_denied"
handler404 = "secpa_portal.core.error_views.page_not_found"
handler500 = "secpa_portal.core.error_views.server_error"
