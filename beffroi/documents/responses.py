"""Streaming a stored file to the person allowed to see it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.cache import patch_cache_control

from beffroi.documents.models import StoredFile
from beffroi.documents.sniff import content_type

# A file is never a page: it runs no script and loads nothing. Chrome shows
# PDFs through an embedded viewer, which ``object-src 'none'`` would block.
FILE_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; object-src 'self'; img-src 'self' data:; "
    "style-src 'unsafe-inline'; frame-ancestors 'self'"
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|;]+")


def safe_filename(filename: str, *, default: str = "document") -> str:
    """A name a browser can save as is: no path, no control or quoting character."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/")
    name = PurePosixPath(name).name
    name = _UNSAFE.sub("_", name).strip(" ._")
    return name[:150] or default


def file_response(
    stored: StoredFile, filename: str, *, inline: bool = False, public: bool = False
) -> FileResponse:
    """Stream ``stored`` under ``filename``, downloaded (or shown, with ``inline``).

    The content type comes from the sniffed kind, never from the name; the
    response is private to the person who asked for it, unless ``public``
    (an image of a published page: the same for everyone, never changed,
    since a stored file's content is its name).
    """
    handle = default_storage.open(stored.storage_name, "rb")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=safe_filename(filename),
        content_type=content_type(stored.kind),
    )
    response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    if public:
        patch_cache_control(response, public=True, max_age=86400)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
