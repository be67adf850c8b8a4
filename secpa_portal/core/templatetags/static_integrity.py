"""Subresource integrity computed from the static file as it is served.

django-dsfr's ``{% dsfr_css %}`` emits the package's own SRI hashes, but the manifest storage rewrites the
CSS files' ``url(...)`` to hashed names at ``collectstatic``: the served file no longer matches and
browsers refuse the stylesheet. ``{% static_integrity path %}`` hashes the file the storage will serve.
"""

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

register = template.Library()


@lru_cache(maxsize=64)
def _sri(path: str, mtime: float) -> str:
    digest = hashlib.sha384(Path(path).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


def served_file(name: str) -> str | None:
    """The file on disk whose bytes ``{% static name %}`` serves, or None when there is none."""
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        try:
            return staticfiles_storage.path(staticfiles_storage.stored_name(name))
        except ValueError:
            return None
    return finders.find(name)


@register.simple_tag
def static_integrity(name: str) -> str:
    """The ``sha384-…`` digest of the served file, or an empty string (then the attribute is left out)."""
    path = served_file(name)
    if not path:
        return ""
    return _sri(path, Path(path).stat().st_mtime)
