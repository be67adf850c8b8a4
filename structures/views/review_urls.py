"""URLs of the list and the ARS side, merged into the ``structures`` namespace (structures/urls.py)."""

from django.urls import path

from . import listing, review

urlpatterns = [
    path("", listing.structure_list, name="list"),
    path("export/<str:fmt>/", listing.structure_export, name="export"),
    path("<int:pk>/instruction/", review.structure_review, name="review"),
    path("<int:pk>/instruction/prise-en-charge/", review.structure_take, name="take"),
    path("<int:pk>/instruction/decision/", review.structure_decide, name="decide"),
    path("<int:pk>/instruction/reouverture/", review.structure_reopen, name="reopen"),
    path("<int:pk>/instruction/notes/", review.review_note_add, name="note_add"),
]
