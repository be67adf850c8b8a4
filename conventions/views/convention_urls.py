from django.urls import path

from . import conventions as views

urlpatterns = [
    path("<int:pk>/", views.convention_detail, name="detail"),
    path("<int:pk>/avenants/<int:number>/", views.amendment_detail, name="amendment_detail"),
]
