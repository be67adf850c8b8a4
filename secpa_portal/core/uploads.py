"""Upload rules shared by every evidence file (documents, message attachments): PDF, PNG or JPEG recognised by
their first bytes, a matching extension, 10 MB at most, a clean display name."""

import os
import unicodedata

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
NAME_MAX_LENGTH = 200
# What a file starts with, whatever its name or the browser says: (signature, content type, extensions).
SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
]
ALLOWED_EXTENSIONS = {ext for _signature, _type, extensions in SIGNATURES for ext in extensions}


def detect_content_type(uploaded_file) -> str | None:
    """The content type read from the file's first bytes, or None when it is none of PDF, PNG, JPEG."""
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    for signature, content_type, _extensions in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_file_name(name: str) -> str:
    """The name shown and used on download: no path, no control character, not too long."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    root, ext = os.path.splitext(name)
    return (root[: NAME_MAX_LENGTH - len(ext)] + ext) if root else ""


def clean_upload(uploaded):
    """The upload, renamed and typed from its content, or a French ``ValidationError``."""
    if uploaded.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _(
                "Le fichier pèse %(size)s : 10 Mo au plus sont acceptés. "
                "Réduisez-le ou scannez-le en moins haute résolution."
            )
            % {"size": filesizeformat(uploaded.size)}
        )
    name = clean_file_name(uploaded.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(_("Seuls les fichiers PDF, PNG ou JPEG sont acceptés (.pdf, .png, .jpg)."))
    content_type = detect_content_type(uploaded)
    if content_type is None:
        raise ValidationError(
            _(
                "Le contenu de ce fichier n'est pas celui d'un PDF, d'un PNG ou d'un JPEG : "
                "déposez le document dans un de ces formats."
            )
        )
    if ext not in next(extensions for _sig, type_, extensions in SIGNATURES if type_ == content_type):
        raise ValidationError(
            _(
                "L'extension « %(ext)s » ne correspond pas au contenu du fichier : "
                "renommez-le ou déposez le bon document."
            )
            % {"ext": ext}
        )
    uploaded.name = name
    uploaded.content_type = content_type
    return uploaded


def serve_file(field_file, *, filename: str, content_type: str):
    """A stored file as a download (attachment, ``nosniff``); 404 when the file is gone."""
    from django.http import FileResponse, Http404

    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
