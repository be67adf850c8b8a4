from django.urls import path

from . import national, reports, structure_indicators

urlpatterns = [
    path("rapports/", reports.report_list, name="report_list"),
    path("rapports/export.<str:fmt>", reports.report_export, name="report_export"),
    path("<int:convention_pk>/rapports/<int:year>/ouvrir/", reports.report_open, name="report_open"),
    path("rapports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("rapports/<int:pk>/saisie/", reports.report_edit, name="report_edit"),
    path("rapports/<int:pk>/depot/", reports.report_submit, name="report_submit"),
    path("rapports/<int:pk>/validation/", reports.report_review, name="report_review"),
    path("rapports/<int:pk>/validation/valider/", reports.report_validate, name="report_validate"),
    path(
        "rapports/structure/<int:structure_pk>/indicateurs/",
        structure_indicators.structure_indicators,
        name="structure_indicators",
    ),
    path("rapports/atteinte/", national.national_attainment, name="national_attainment"),
    path("rapports/atteinte/export.<str:fmt>", national.national_export, name="national_export"),
]
