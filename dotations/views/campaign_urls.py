from django.urls import path

from . import campaigns, commitments, dotations

urlpatterns = [
    path("campagnes/", campaigns.campaign_list, name="campaign_list"),
    path("campagnes/engagements/", commitments.commitments, name="commitments"),
    path("campagnes/nouvelle/", campaigns.campaign_create, name="campaign_create"),
    path("campagnes/<int:year>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campagnes/<int:year>/modifier/", campaigns.campaign_edit, name="campaign_edit"),
    path("campagnes/<int:year>/bareme/", campaigns.bareme_edit, name="bareme_edit"),
    path("campagnes/<int:year>/ouvrir/", campaigns.campaign_open, name="campaign_open"),
    path("campagnes/<int:year>/clore/", campaigns.campaign_close, name="campaign_close"),
    path("campagnes/<int:year>/calculer/", campaigns.campaign_compute, name="campaign_compute"),
    path("campagnes/<int:year>/avancement/", campaigns.campaign_progress, name="campaign_progress"),
    path("campagnes/<int:year>/ajuster/", campaigns.campaign_fit, name="campaign_fit"),
    path("dotations/", dotations.dotation_list, name="dotation_list"),
    path("dotations/<int:pk>/", dotations.dotation_detail, name="dotation_detail"),
    path("dotations/<int:pk>/proposer/", dotations.dotation_propose, name="dotation_propose"),
    path("dotations/<int:pk>/approuver/", dotations.dotation_approve, name="dotation_approve"),
    path("dotations/<int:pk>/retourner/", dotations.dotation_return, name="dotation_return"),
    path("dotations/<int:pk>/avis/", dotations.dotation_opinion, name="dotation_opinion"),
]

from . import consultations  # noqa: E402

urlpatterns += [
    path("consultations/", consultations.consultation_list, name="consultation_list"),
    path("campagnes/<int:year>/consultation/", consultations.consultation_detail, name="consultation_detail"),
    path(
        "campagnes/<int:year>/consultation/preparer/", consultations.consultation_prepare, name="consultation_prepare"
    ),
    path("campagnes/<int:year>/consultation/soumettre/", consultations.consultation_open, name="consultation_open"),
    path("campagnes/<int:year>/consultation/clore/", consultations.consultation_close, name="consultation_close"),
    path("campagnes/<int:year>/consultation/avis/", consultations.opinion_give, name="consultation_opinion"),
    path("campagnes/<int:year>/consultation/commenter/", consultations.comment_post, name="consultation_comment"),
    path("campagnes/<int:year>/consultation/effet/", consultations.consultation_effect, name="consultation_effect"),
]
