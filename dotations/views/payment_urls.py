from django.urls import path

from . import bulk, exports, funding, payments, recoveries

urlpatterns = [
    path("versements/", payments.payment_list, name="payments"),
    path("versements/enregistrer/", bulk.payment_bulk_record, name="payment_bulk_record"),
    path("dotations/actions-groupees/", bulk.dotation_bulk, name="dotation_bulk"),
    path("versements/<int:pk>/enregistrer/", payments.payment_record, name="payment_record"),
    path("versements/<int:pk>/annuler/", payments.payment_cancel, name="payment_cancel"),
    path("reversements/<int:pk>/<str:action>/", recoveries.recovery_action, name="recovery_action"),
    path("mes-financements/", funding.my_funding, name="my_funding"),
    path("structures/<int:structure_pk>/", funding.funding, name="funding"),
    path("exports/campagnes/<int:year>/dotations.<str:fmt>", exports.export_dotations, name="export_dotations"),
    path("exports/campagnes/<int:year>/lignes.<str:fmt>", exports.export_lines, name="export_lines"),
    path("exports/versements.<str:fmt>", exports.export_payments, name="export_payments"),
]
