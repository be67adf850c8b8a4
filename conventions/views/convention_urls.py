from django.urls import path

from . import actions, amendments, conventions, documents, indicators

urlpatterns = [
    path("", conventions.convention_list, name="list"),
    path("export.<str:fmt>", conventions.convention_export, name="export"),
    path("a-preparer/", conventions.structures_to_prepare, name="to_prepare"),
    path("preparer/<int:structure_pk>/", conventions.convention_prepare, name="prepare"),
    path("<int:pk>/", conventions.convention_detail, name="detail"),
    path("<int:pk>/imprimer/", conventions.convention_print, name="print"),
    path("<int:pk>/imprimer/marges.css", documents.print_margin_css, name="print_margin_css"),
    path("<int:pk>/convention.pdf", documents.convention_pdf, name="pdf"),
    path("<int:pk>/signee/<int:pdf_pk>.pdf", documents.signed_pdf, name="signed_pdf"),
    path("<int:pk>/modifier/", conventions.convention_edit, name="edit"),
    path("<int:pk>/objectifs/nouveau/", conventions.objective_edit, name="objective_add"),
    path("<int:pk>/objectifs/<int:objective_pk>/", conventions.objective_edit, name="objective_edit"),
    path("<int:pk>/objectifs/<int:objective_pk>/supprimer/", conventions.objective_delete, name="objective_delete"),
    path("<int:pk>/envoyer/", actions.convention_send, name="send"),
    path("<int:pk>/reprendre/", actions.convention_recall, name="recall"),
    path("<int:pk>/signer/", actions.convention_sign_structure, name="sign_structure"),
    path("<int:pk>/signer-assurance-maladie/", actions.convention_sign_cnam, name="sign_cnam"),
    path("<int:pk>/resilier/", actions.convention_terminate, name="terminate"),
    path("<int:pk>/avenants/nouveau/", amendments.amendment_form, name="amendment_create"),
    path("<int:pk>/avenants/<int:number>/", amendments.amendment_detail, name="amendment_detail"),
    path("<int:pk>/avenants/<int:number>/modifier/", amendments.amendment_form, name="amendment_edit"),
    path("<int:pk>/avenants/<int:number>/abandonner/", amendments.amendment_delete, name="amendment_delete"),
    path(
        "<int:pk>/avenants/<int:number>/abandonner-avec-motif/",
        amendments.amendment_abandon,
        name="amendment_abandon",
    ),
    path("<int:pk>/avenants/<int:number>/envoyer/", amendments.amendment_send, name="amendment_send"),
    path(
        "<int:pk>/avenants/<int:number>/signer/", amendments.amendment_sign_structure, name="amendment_sign_structure"
    ),
    path(
        "<int:pk>/avenants/<int:number>/signer-assurance-maladie/",
        amendments.amendment_sign_cnam,
        name="amendment_sign_cnam",
    ),
    path("indicateurs/", indicators.indicator_list, name="indicator_list"),
    path("indicateurs/nouveau/", indicators.indicator_form, name="indicator_create"),
    path("indicateurs/<int:pk>/modifier/", indicators.indicator_form, name="indicator_edit"),
]
