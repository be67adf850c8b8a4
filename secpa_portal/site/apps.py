from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The roof above the apps: cross-app dashboards, demo and volume data sets (may import every app)."""

    name = "secpa_portal.site"
    label = "site"
    verbose_name = "Site"
