from .views.campaign_urls import urlpatterns as campaign_urlpatterns
from .views.payment_urls import urlpatterns as payment_urlpatterns

app_name = "dotations"

urlpatterns = [*campaign_urlpatterns, *payment_urlpatterns]
