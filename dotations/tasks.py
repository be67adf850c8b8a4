"""Background work of the dotations app (django.tasks: Immediate backend in dev, django-tasks-db in production)."""

from django.tasks import task


@task
def compute_campaign(campaign_id: int, user_id: int) -> dict:
    """Compute every dotation of a campaign, batch after batch, storing the progress on the campaign."""
    from .services.compute import run_compute

    return run_compute(campaign_id=campaign_id, user_id=user_id)
