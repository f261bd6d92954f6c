"""Uploads capped in size while they arrive, not after they were stored."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest


class OversizedUpload(UploadedFile[bytes]):
    """Stands for a file that passed the limit: its name and size, no content.

    Forms see it like any upload and refuse it for its ``size``, with the
    message they give for a file too large.
    """

    def __init__(self, *, name: str, size: int, content_type: str | None) -> None:
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)


class SizeCappedUploadHandler(FileUploadHandler):
    """Put first in ``request.upload_handlers``: keeps no byte past ``limit``.

    Below the limit it passes every chunk on to Django's handlers (memory,
    then temporary file). Past it, the rest of the file is read from the
    connection and dropped, and the form receives an ``OversizedUpload``.
    Handlers must be changed before anything reads ``request.POST``: the
    view is ``csrf_exempt`` and checks the token itself afterwards.
    """

    def __init__(self, request: HttpRequest | None = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            return None  # the following handlers get nothing more
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile[bytes] | None:
        if not self.too_large:
            return None  # the following handlers give the file
        return OversizedUpload(
            name=self.file_name or "fichier", size=file_size, content_type=self.content_type
        )
