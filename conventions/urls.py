from .views.convention_urls import urlpatterns as convention_urlpatterns
from .views.report_urls import urlpatterns as report_urlpatterns

app_name = "conventions"

urlpatterns = [*convention_urlpatterns, *report_urlpatterns]
