"""Files are kept once, named by their SHA-256, and never changed."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase

from beffroi.core.tenancy import current_municipality_id
from beffroi.documents.models import StoredFile
from beffroi.documents.services import UnknownFileKind, file_read, file_store, storage_name_for

PDF = b"%PDF-1.7\n% un petit PDF de test\n%%EOF\n"


class FileStoreTests(TestCase):
    def test_the_same_content_is_stored_once(self) -> None:
        first = file_store(content=PDF)
        second = file_store(content=PDF)
        assert first.pk == second.pk
        assert StoredFile.objects.count() == 1
        assert default_storage.exists(first.storage_name)

    def test_the_sha256_size_and_sniffed_kind_are_recorded(self) -> None:
        stored = file_store(content=PDF)
        assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
        assert stored.size == len(PDF)
        assert stored.kind == "pdf"
        assert stored.sha256 in stored.storage_name
        assert file_read(stored) == PDF

    def test_different_content_gets_its_own_file(self) -> None:
        first = file_store(content=PDF)
        other = file_store(content=PDF + b"\n")
        assert first.pk != other.pk
        assert file_read(other) == PDF + b"\n"

    def test_content_of_an_unknown_kind_is_refused_and_nothing_is_kept(self) -> None:
        content = b"just some text, whatever its name says"
        with pytest.raises(UnknownFileKind):
            file_store(content=content)
        assert not StoredFile.objects.exists()
        # Other tests share the storage folder, so only this content's own
        # name tells whether anything of it was written.
        assert not default_storage.exists(
            storage_name_for(hashlib.sha256(content).hexdigest(), current_municipality_id())
        )

    def test_a_kind_given_by_the_caller_is_kept(self) -> None:
        stored = file_store(content=PDF, kind="pdf")
        assert stored.kind == "pdf"
