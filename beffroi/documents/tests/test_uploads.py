"""An upload past the limit is dropped while it arrives, not after it was stored."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.test import RequestFactory, SimpleTestCase

from beffroi.documents.uploads import OversizedUpload, SizeCappedUploadHandler


class RecordingHandler(MemoryFileUploadHandler):
    """Django's in-memory handler, counting the bytes it was given."""

    received = 0

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        super().handle_raw_input(*args, **kwargs)
        self.activated = True

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        RecordingHandler.received += len(raw_data)
        super().receive_data_chunk(raw_data, start)


class SizeCappedUploadTests(SimpleTestCase):
    def _files(self, content: bytes, limit: int) -> Any:
        request = RequestFactory().post(
            "/", {"document": _named(content), "note": "bonjour"}, format="multipart"
        )
        RecordingHandler.received = 0
        request.upload_handlers = [
            SizeCappedUploadHandler(request, limit=limit),
            RecordingHandler(request),
        ]
        return request.POST, request.FILES

    def test_a_file_within_the_limit_is_received_whole(self) -> None:
        post, files = self._files(b"x" * 1000, limit=1000)
        assert files["document"].read() == b"x" * 1000
        assert post["note"] == "bonjour"

    def test_a_file_past_the_limit_stands_as_its_name_and_size_only(self) -> None:
        content = b"y" * (200 * 1024)
        post, files = self._files(content, limit=64 * 1024)
        upload = files["document"]
        assert isinstance(upload, OversizedUpload)
        assert upload.size == len(content)
        assert upload.name == "certificat.pdf"
        assert upload.read() == b""
        # Django's own handler got no more than the limit (give or take a chunk).
        assert RecordingHandler.received <= 64 * 1024
        assert post["note"] == "bonjour"


def _named(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("certificat.pdf", content, content_type="application/pdf")
