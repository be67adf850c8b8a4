"""A file's documents in one ZIP, for the ARS agent who reviews it (and whoever else sees the file)."""

import re
import tempfile
import zipfile

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from ..models import Structure


def _entry_name(number: int, kind_label: str, original: str) -> str:
    """« 01 - Statuts - statuts signés.pdf »: numbered (two pieces may share a name), never a path."""
    original = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", original).strip(". ") or "piece"
    return f"{number:02d} - {kind_label} - {original}"


@require_GET
def documents_zip(request, pk):
    structure = get_object_or_404(Structure.objects.visible_to(request.user).prefetch_related("documents"), pk=pk)
    documents = sorted(structure.documents.all(), key=lambda d: (d.kind, d.uploaded_at, d.pk))
    if not documents:
        raise Http404("Aucune pièce dans ce dossier.")
    # Spooled: a few documents stay in memory, a large file goes to disk (10 MB per document at most).
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, document in enumerate(documents, start=1):
            try:
                with document.file.open("rb") as handle:
                    archive.writestr(
                        _entry_name(number, str(document.get_kind_display()), document.original_name), handle.read()
                    )
            except (FileNotFoundError, ValueError):
                continue
    spool.seek(0)
    name = f"pieces-{slugify(structure.name)[:60] or structure.pk}.zip"
    response = FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response
