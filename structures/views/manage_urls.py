"""URLs of the structure page and the manager's side, merged into the ``structures`` namespace (structures/urls.py)."""

from django.urls import path

from . import detail, documents_zip, manage, members, wizard

urlpatterns = [
    path("nouvelle/", wizard.structure_create, name="create"),
    path("<int:pk>/", detail.structure_detail, name="detail"),
    path("<int:pk>/equipe/", detail.structure_team, name="team"),
    path("<int:pk>/missions/", detail.structure_missions, name="missions"),
    path("<int:pk>/documents/", detail.structure_documents, name="documents"),
    path("<int:pk>/historique/", detail.structure_history, name="history"),
    path("<int:pk>/saisie/<slug:step>/", wizard.structure_step, name="step"),
    path("<int:pk>/depot/", manage.structure_submit, name="submit"),
    path("<int:pk>/retrait/", manage.structure_withdraw, name="withdraw"),
    path("<int:pk>/reouverture/", manage.structure_reopen_withdrawn, name="reopen_withdrawn"),
    path("<int:pk>/pieces/<int:document_pk>/", manage.document_download, name="document_download"),
    path("<int:pk>/pieces.zip", documents_zip.documents_zip, name="documents_zip"),
    path("<int:pk>/pieces/<int:document_pk>/suppression/", manage.document_delete, name="document_delete"),
    path("<int:pk>/gestionnaires/", members.structure_managers, name="managers"),
    path("<int:pk>/gestionnaires/<int:user_pk>/retrait/", members.structure_manager_remove, name="manager_remove"),
]
