from .views.manage_urls import urlpatterns as manage_urlpatterns
from .views.review_urls import urlpatterns as review_urlpatterns

app_name = "structures"

urlpatterns = [*manage_urlpatterns, *review_urlpatterns]
