from django.urls import path

from . import public_views, structure_tabs

urlpatterns = [
    path("statistiques/", public_views.public_statistics, name="public_statistics"),
    path("statistiques/donnees/", public_views.open_data_index, name="open_data"),
    path("statistiques/donnees/<slug:slug>.csv", public_views.open_data_file, name="open_data_file"),
    # Tabs of the structure page that read other apps (the others are in structures/views/manage_urls.py).
    path("structures/<int:pk>/convention/", structure_tabs.structure_convention, name="structure_convention"),
    path("structures/<int:pk>/rapports/", structure_tabs.structure_reports, name="structure_reports"),
    path("structures/<int:pk>/financements/", structure_tabs.structure_funding_tab, name="structure_funding"),
]
