from django.urls import path

from . import public_views

urlpatterns = [
    path("statistiques/", public_views.public_statistics, name="public_statistics"),
    path("statistiques/donnees/", public_views.open_data_index, name="open_data"),
    path("statistiques/donnees/<slug:slug>.csv", public_views.open_data_file, name="open_data_file"),
]
