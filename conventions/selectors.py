"""Reads that span models."""


def dashboard_context(user) -> dict:
    """What this app adds to the signed-in user's dashboard (rendered by templates/<app>/_dashboard.html)."""
    return {}
