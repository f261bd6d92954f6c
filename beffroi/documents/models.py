from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beffroi.core.tenancy import MunicipalManager, municipality_field


class StoredFile(models.Model):
    """A file's content, stored once, named by its SHA-256 and never changed.

    Whoever refers to it (an attachment, an issued document, a mail item)
    keeps its own name for it; two uploads of the same bytes share one row.
    """

    municipality = municipality_field()
    # Content-addressed within a municipality: two cities never share a row.
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    kind = models.CharField(_("type"), max_length=10)
    # Where the bytes are: new files under their municipality's prefix
    # (``m<id>/``); files stored before keep the name they were given.
    storage_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MunicipalManager()
    # The cooperative's view, across its municipalities.
    all_municipalities: models.Manager[StoredFile] = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "sha256"], name="storedfile_sha256_per_municipality"
            )
        ]
        verbose_name = _("fichier")
        verbose_name_plural = _("fichiers")

    def __str__(self) -> str:
        return self.sha256


class IssuedDocument(models.Model):
    """A document the city issued (certificate, permit), publicly verifiable.

    The verification code is printed as a QR code on the document; anyone
    holding it, or the PDF itself, can check on the portal that the city
    issued it and whether it is still valid. The page shows no personal data.
    """

    municipality = municipality_field()
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="issued_documents"
    )
    document_id = models.CharField(max_length=63)
    title = models.CharField(_("titre"), max_length=200)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    # Random and unique across the installation, looked up in the current
    # municipality only.
    verification_code = models.CharField(_("code de vérification"), max_length=32, unique=True)
    service = models.ForeignKey("municipality.Service", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("délivré le"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_reason = models.CharField(_("motif de la révocation"), max_length=300, blank=True)
    # Sealed with the city's seal (PAdES, beffroi.signatures): the stored file
    # is the sealed one. Documents issued before seals existed are not.
    sealed = models.BooleanField(_("scellé"), default=False)

    objects = MunicipalManager()
    all_municipalities: models.Manager[IssuedDocument] = models.Manager()

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("document délivré")
        verbose_name_plural = _("documents délivrés")

    def __str__(self) -> str:
        return f"{self.title} ({self.verification_code})"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
