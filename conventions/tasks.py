"""Background work of the conventions app (django.tasks: Immediate backend in dev, django-tasks-db in production)."""

from django.tasks import task


@task
def store_signed_pdf(convention_id: int, signature: str) -> str:
    """Generate and store the signed convention's PDF; returns its SHA-256."""
    from .pdf import store_signed_pdf as store

    return store(convention_id=convention_id, signature=signature).sha256
