"""A shop's logo and photos: sent with its page, shown once approved, replaced by a change."""

from __future__ import annotations

import io

from django.core.files.storage import default_storage
from PIL import Image

from beffroi.agenda.models import DirectoryEntry, DirectoryImage
from beffroi.agenda.tests.helpers import AgendaTestCase


def picture(colour: str, kind: str = "png") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG" if kind == "png" else "JPEG")
    return buffer.getvalue()


LOGO = picture("navy")
PHOTOS = [picture("orange", "jpeg"), picture("green", "jpeg")]


class DirectoryImageTests(AgendaTestCase):
    def file_with_images(self) -> DirectoryEntry:
        self.case = self.file_business(
            uploads={
                "logo": [(LOGO, "logo.png", "png")],
                "photos": [
                    (content, f"vitrine-{n}.jpg", "jpeg") for n, content in enumerate(PHOTOS)
                ],
            }
        )
        return DirectoryEntry.objects.get()

    def test_images_wait_for_approval_then_appear_on_the_public_page(self) -> None:
        entry = self.file_with_images()
        assert not DirectoryImage.objects.exists()  # nothing public before review
        self.approve(self.case)
        assert entry.images.filter(kind="logo").count() == 1
        assert entry.images.filter(kind="photo").count() == 2
        page = self.client.get(f"/annuaire/{entry.pk}/")
        html = page.content.decode()
        logo = entry.images.get(kind="logo")
        assert f'src="/annuaire/{entry.pk}/images/{logo.pk}/"' in html
        assert 'alt="Logo de Boulangerie Lefebvre"' in html
        assert 'alt="Photo 2 de Boulangerie Lefebvre"' in html

    def test_an_image_is_served_as_an_image_to_anyone(self) -> None:
        entry = self.file_with_images()
        self.approve(self.case)
        logo = entry.images.get(kind="logo")
        response = self.client.get(f"/annuaire/{entry.pk}/images/{logo.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == LOGO  # type: ignore[attr-defined]
        assert "public" in response["Cache-Control"]
        assert self.client.head(f"/annuaire/{entry.pk}/images/{logo.pk}/").status_code == 200

    def test_no_image_of_a_page_not_yet_published_or_withdrawn_is_served(self) -> None:
        entry = self.file_with_images()
        self.approve(self.case)
        logo = entry.images.get(kind="logo")
        entry.status = DirectoryEntry.Status.WITHDRAWN
        entry.save(update_fields=["status"])
        assert self.client.get(f"/annuaire/{entry.pk}/images/{logo.pk}/").status_code == 404
        other = DirectoryEntry.objects.create(name="Autre", status=DirectoryEntry.Status.PUBLISHED)
        assert self.client.get(f"/annuaire/{other.pk}/images/{logo.pk}/").status_code == 404

    def test_a_change_replaces_the_photos_and_keeps_the_logo(self) -> None:
        entry = self.file_with_images()
        self.approve(self.case)
        new_photo = picture("red", "jpeg")
        change = self.file_change(
            changes=["images"],
            images_consent=["accepted"],
            uploads={"photos": [(new_photo, "nouvelle.jpg", "jpeg")]},
        )
        assert entry.images.filter(kind="photo").count() == 2  # until approved
        self.approve(change)
        photos = list(entry.images.filter(kind="photo"))
        assert len(photos) == 1
        assert default_storage.open(photos[0].file.storage_name).read() == new_photo
        assert entry.images.filter(kind="logo").count() == 1

    def test_a_page_without_images_shows_none(self) -> None:
        self.approve(self.file_business())
        entry = DirectoryEntry.objects.get()
        html = self.client.get(f"/annuaire/{entry.pk}/").content.decode()
        assert "<img" not in html.split("<main", 1)[-1]
