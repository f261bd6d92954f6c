"""An export asked for in the admin: written into the storage, its link emailed."""

from __future__ import annotations

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.models import User
from beffroi.cooperative.export import municipality_export
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality
from beffroi.notifications.services import email_queue

# Where the storage keeps exports (never under a public URL; the admin streams them).
EXPORTS_DIR = "cooperative-exports"


def export_deliver(*, municipality_id: int, requested_by_id: int) -> str:
    """Export, store, email the link; returns the storage name."""
    municipality = Municipality.objects.get(pk=municipality_id)
    requester = User.objects.get(pk=requested_by_id)
    path = municipality_export(municipality_id=municipality_id, actor=requester)
    try:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        with path.open("rb") as handle:
            name = default_storage.save(
                f"{EXPORTS_DIR}/{municipality.slug or municipality.pk}-{stamp}.zip", File(handle)
            )
    finally:
        path.unlink(missing_ok=True)
    url = settings.SITE_URL + reverse(
        "admin:municipality_municipality_export_download", args=[name.rsplit("/", 1)[-1]]
    )
    with municipality_scope(municipality_id):
        email_queue(
            to=requester.email,
            subject=_("Export des données de %(name)s") % {"name": municipality.name},
            body_text=_(
                "L'export des données de %(name)s est prêt. Téléchargez-le ici "
                "(réservé aux administrateurs de la coopérative) :\n%(url)s\n"
            )
            % {"name": municipality.name, "url": url},
        )
    return name
