"""The convention as a document: the PDF generated on demand, the PDFs stored at each signature, and the
print view's margin line."""

from django.http import Http404, HttpResponse

from ..models import SignedPdf
from ..pdf import render_pdf
from .conventions import get_convention


def convention_pdf(request, pk):
    """The convention's text as it stands now (a draft says so on its first page)."""
    convention = get_convention(request, pk, full=True)
    response = HttpResponse(render_pdf(convention), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-{convention.reference}.pdf"'
    return response


def signed_pdf(request, pk, pdf_pk):
    """A PDF stored at a signature, served only to whoever sees the convention."""
    convention = get_convention(request, pk)
    stored = SignedPdf.objects.filter(convention=convention, pk=pdf_pk).first()
    if stored is None:
        raise Http404
    with stored.file.open("rb") as file:  # a few hundred kilobytes: read whole, so no handle outlives the request
        response = HttpResponse(file.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-{convention.reference}-signee.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def print_margin_css(request, pk):
    """The print view's page margin carries the reference (a stylesheet of our own origin, as the CSP asks)."""
    convention = get_convention(request, pk)
    text = f"Convention {convention.reference}".replace("\\", "").replace('"', "")
    css = '@page { @bottom-left { content: "' + text + '"; font-size: 9pt; color: #3a3a3a; } }\n'
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
