"""A directory page's logo and photos: proposed with a request, shown once approved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from beffroi.agenda.mapping import IMAGE_FIELDS
from beffroi.agenda.models import DirectoryEntry, DirectoryImage
from beffroi.cases.models import Attachment, Case
from beffroi.core.tenancy import current_municipality_id

# Shown as images on a public page: what the upload checks let through
# for these questions (the form accepts png, jpeg and webp only).
IMAGE_KINDS = {"png", "jpeg", "webp"}
KIND_OF_KEY = {"logo": DirectoryImage.Kind.LOGO, "photos": DirectoryImage.Kind.PHOTO}
MOST = {"logo": 1, "photos": 5}


def images_proposed(
    case: Case, mapping: Mapping[str, Any], *, shown: set[str] | None = None
) -> dict[str, list[int]]:
    """The attachments a request proposes per image key ({"logo": [ids]}).

    A key the request left empty is absent: a change keeps the images the
    page already shows.
    """
    proposal: dict[str, list[int]] = {}
    for key in IMAGE_FIELDS:
        field_id = mapping.get(key)
        if not field_id or (shown is not None and field_id not in shown):
            continue
        # A file question's answer holds its attachments' ids (which, when
        # the request is being submitted, still belong to its draft).
        answer = case.answers.get(str(field_id))
        wanted = [pk for pk in answer if isinstance(pk, int)] if isinstance(answer, list) else []
        ids = list(
            Attachment.objects.filter(pk__in=wanted, file__kind__in=IMAGE_KINDS)
            .order_by("uploaded_at", "id")
            .values_list("pk", flat=True)[: MOST[key]]
        )
        if ids:
            proposal[key] = ids
    return proposal


def images_publish(entry: DirectoryEntry, proposal: Mapping[str, Any], *, case_id: int) -> None:
    """Replace the page's images of each proposed kind by the request's."""
    for key, ids in proposal.items():
        if key not in KIND_OF_KEY or not isinstance(ids, list):
            continue
        attachments = {
            attachment.pk: attachment
            for attachment in Attachment.objects.filter(case_id=case_id, pk__in=ids)
        }
        kind = KIND_OF_KEY[key]
        entry.images.filter(kind=kind).delete()
        DirectoryImage.objects.bulk_create(
            DirectoryImage(
                municipality_id=current_municipality_id(),
                entry=entry,
                kind=kind,
                file_id=attachments[pk].file_id,
                position=position,
            )
            for position, pk in enumerate(pk for pk in ids if pk in attachments)
        )
