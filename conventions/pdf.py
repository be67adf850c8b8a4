"""The convention as a PDF generated on the server (WeasyPrint), stored at each signature with its SHA-256."""

import hashlib

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from secpa_portal.journal.services import record_event

from .models import Convention, SignedPdf
from .text import document_context, with_terms


def render_pdf(convention: Convention) -> bytes:
    """The convention's text on A4 pages, its reference and page numbers in every page's margin."""
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which the web pages never need

    html = render_to_string("conventions/pdf.html", document_context(convention))
    stylesheet = CSS(filename=finders.find("css/convention-pdf.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


@transaction.atomic
def store_signed_pdf(*, convention_id: int, signature: str) -> SignedPdf:
    """Generate the PDF of the convention as it stands after ``signature``, store it, journal its hash."""
    convention = with_terms(Convention.objects.filter(pk=convention_id)).get()
    content = render_pdf(convention)
    digest = hashlib.sha256(content).hexdigest()
    signed = SignedPdf(convention=convention, signature=signature, sha256=digest, size=len(content))
    signed.file.save(f"{convention.reference}.pdf", ContentFile(content), save=False)
    signed.save()
    record_event(
        actor=None,
        verb="convention_pdf_stored",
        summary=_("Convention signée enregistrée en PDF (%(signature)s)") % {"signature": signature},
        obj=signed,
        structure_id=convention.structure_id,
        payload={"sha256": digest, "size": len(content), "signature": signature, "convention_id": convention.pk},
    )
    return signed


def latest_signed_pdf(convention: Convention) -> SignedPdf | None:
    return SignedPdf.objects.filter(convention=convention).order_by("-created_at", "-id").first()


def queue_signed_pdf(convention: Convention, signature: str) -> None:
    """Once the signature is committed, have a worker generate and store the PDF (a failed render never undoes
    a signature: the task can be run again)."""
    from .tasks import store_signed_pdf as task

    pk = convention.pk
    transaction.on_commit(lambda: task.enqueue(pk, signature))
