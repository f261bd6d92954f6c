"""All of one municipality's data in one ZIP, for a commune that leaves."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from beffroi.audit.services import audit_event_record
from beffroi.cooperative.municipal import municipal_models, rows_of
from beffroi.core.actors import AnyActor
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality, MunicipalityHost

# Read and written in pieces: an archive may hold gigabytes of files.
CHUNK = 1024 * 1024


def _stored_file_model() -> type[models.Model] | None:
    try:
        return apps.get_model("documents", "StoredFile")
    except LookupError:
        return None


class _Archive:
    """A ZIP being written, with the SHA-256 of each member for the manifest."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.sha256: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def add_rows(self, label: str, queryset: models.QuerySet[Any]) -> None:
        name = f"data/{label}.json"
        digest = hashlib.sha256()
        count = 0
        with self.archive.open(name, "w") as raw:
            # One row in memory at a time; the digest sees what the ZIP gets.
            stream = io.TextIOWrapper(cast(Any, _Hashing(raw, digest)), encoding="utf-8")
            rows = queryset.iterator(chunk_size=500)

            def counted() -> Any:
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            serializers.serialize("json", counted(), stream=stream, indent=1)
            stream.flush()
            stream.detach()
        self.sha256[name] = digest.hexdigest()
        self.counts[label] = count

    def add_file(self, storage: Any, storage_name: str) -> None:
        name = f"files/{storage_name}"
        if name in self.sha256 or not storage_name:
            return
        digest = hashlib.sha256()
        with storage.open(storage_name, "rb") as source, self.archive.open(name, "w") as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                target.write(chunk)
        self.sha256[name] = digest.hexdigest()

    def add_json(self, name: str, value: Any) -> None:
        content = json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True).encode()
        self.archive.writestr(name, content)


class _Hashing(io.RawIOBase):
    """A binary stream that hashes what passes through it."""

    def __init__(self, target: Any, digest: Any) -> None:
        self.target = target
        self.digest = digest

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.digest.update(data)
        self.target.write(data)
        return len(data)


def municipality_export(
    *, municipality_id: int, output: Path | None = None, actor: AnyActor = None
) -> Path:
    """Write the ZIP (to ``output``, or a temporary file) and return its path.

    One JSON file per municipal model (Django's serialisation, by pk) with
    this municipality's rows only, its own row and hosts, the files its rows
    name (FileFields and ``documents.StoredFile``) under ``files/``, and
    ``manifest.json`` (rows per model, SHA-256 of every member).
    """
    municipality = Municipality.objects.get(pk=municipality_id)
    if output is None:
        with tempfile.NamedTemporaryFile(
            prefix=f"export-{municipality.slug or municipality.pk}-", suffix=".zip", delete=False
        ) as handle:
            output = Path(handle.name)
    stored_file = _stored_file_model()
    stored_ids: set[int] = set()
    with (
        zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zipped,
        municipality_scope(municipality_id),
    ):
        archive = _Archive(zipped)
        archive.add_rows(
            "municipality.municipality", Municipality.objects.filter(pk=municipality_id)
        )
        archive.add_rows(
            "municipality.municipalityhost",
            MunicipalityHost.objects.filter(municipality_id=municipality_id).order_by("pk"),
        )
        if municipality.logo:
            archive.add_file(municipality.logo.storage, municipality.logo.name or "")
        for model in municipal_models():
            if model is MunicipalityHost:  # written above, with the municipality
                continue
            rows = rows_of(model, municipality_id)
            archive.add_rows(model._meta.label_lower, rows)
            file_fields = [
                f for f in model._meta.concrete_fields if isinstance(f, models.FileField)
            ]
            stored_links = [
                f.attname
                for f in model._meta.concrete_fields
                if f.is_relation and stored_file is not None and f.related_model is stored_file
            ]
            if file_fields or stored_links or model is stored_file:
                for row in rows.iterator(chunk_size=500):
                    for field in file_fields:
                        value = getattr(row, field.attname)
                        if value:
                            archive.add_file(field.storage, value.name)
                    stored_ids.update(
                        link for link in (getattr(row, name) for name in stored_links) if link
                    )
                    if model is stored_file:
                        archive.add_file(default_storage, row.storage_name)
        if stored_file is not None and stored_file not in municipal_models() and stored_ids:
            # Files stored once for the installation, named by this municipality's rows.
            referenced = stored_file.objects.filter(pk__in=stored_ids).order_by("pk")  # type: ignore[attr-defined]
            archive.add_rows(stored_file._meta.label_lower, referenced)
            for name in referenced.values_list("storage_name", flat=True):
                archive.add_file(default_storage, name)
        archive.add_json(
            "manifest.json",
            {
                "municipality": {
                    "id": municipality.pk,
                    "slug": municipality.slug,
                    "name": municipality.name,
                },
                "generated_at": timezone.now().isoformat(),
                "format": "django-json",
                "rows": archive.counts,
                "sha256": archive.sha256,
            },
        )
        audit_event_record(
            actor=actor,
            action="municipality.exported",
            target=municipality,
            data={"rows": sum(archive.counts.values()), "files": len(archive.sha256)},
        )
    return output
