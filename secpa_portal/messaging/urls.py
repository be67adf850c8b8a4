from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("pieces-jointes/<int:pk>/", views.attachment_download, name="attachment"),
    path("<slug:kind>/<int:pk>/", views.thread, name="thread"),
]
