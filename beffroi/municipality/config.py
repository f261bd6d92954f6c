"""What differs from one municipality to the next beyond its identity: the
portal's counter hours and languages, the e-mail sender, the payment
provider and its keys, the seal's signer.

Every value left blank falls back to the installation's setting (a lone
city's installation sets nothing here). Secrets are encrypted at rest
(``core.secrets``). Still to come here (docs/operations.md, « Each
municipality's settings »): the identity providers' clients (issue 20) and
the retention schedule (issue 23).
"""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from beffroi.core.secrets import EncryptedTextField
from beffroi.core.tenancy import MunicipalManager

# The providers the payments app registers (payments.registry.provider_register
# fills it): this app sits below payments and cannot import it.
PAYMENT_PROVIDER_NAMES: dict[str, str] = {}

# Each provider's settings, by the installation setting they stand in for.
# A municipality that sets any of a provider's values uses its own values for
# all of them: never its key with the installation's webhook secret.
PAYMENT_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "mollie": ("MOLLIE_API_KEY",),
    "stripe": ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"),
    "worldline": (
        "WORLDLINE_MERCHANT_ID",
        "WORLDLINE_API_KEY_ID",
        "WORLDLINE_API_SECRET",
        "WORLDLINE_WEBHOOK_KEY_ID",
        "WORLDLINE_WEBHOOK_SECRET",
    ),
}
# The seal's settings: a municipality that names its seal's backend uses its
# own values for all of them, else the installation's seal.
SEAL_SETTINGS = (
    "SEAL_PKCS12_FILE",
    "SEAL_PKCS12_PASSPHRASE",
    "SEAL_PKCS11_MODULE",
    "SEAL_PKCS11_TOKEN_LABEL",
    "SEAL_PKCS11_KEY_LABEL",
    "SEAL_PKCS11_PIN",
    "SEAL_CERTIFICATE_FILE",
)
SECRET_FIELDS = (
    "mollie_api_key",
    "stripe_secret_key",
    "stripe_webhook_secret",
    "worldline_api_secret",
    "worldline_webhook_secret",
    "seal_pkcs12_passphrase",
    "seal_pkcs11_pin",
)


def validate_languages(value: object) -> None:
    offered = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choisissez au moins une langue proposée sur le guichet."))
    unknown = [str(code) for code in value if code not in offered]
    if unknown:
        raise ValidationError(
            _("Langue inconnue : %(codes)s. Langues possibles : %(offered)s.")
            % {"codes": ", ".join(unknown), "offered": ", ".join(sorted(offered))}
        )


def validate_sender(value: str) -> None:
    """« Ville de Tournai <eguichet@tournai.be> » or a bare address."""
    _name, address = parseaddr(value)
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    if not address or "\n" in value or "\r" in value:
        raise ValidationError(
            _(
                "Indiquez l’expéditeur sous la forme « Ville de Tournai "
                "<eguichet@tournai.be> » ou une simple adresse e-mail."
            )
        )


def default_languages() -> list[str]:
    return [settings.LANGUAGE_CODE]


class MunicipalityConfig(models.Model):
    """One municipality's settings; absent or blank: the installation's."""

    municipality = models.OneToOneField(
        "municipality.Municipality", on_delete=models.CASCADE, related_name="config"
    )
    counter_hours = models.TextField(
        _lazy("heures d’ouverture des guichets"),
        blank=True,
        help_text=_lazy("Affichées avec les coordonnées de la commune, sur chaque page."),
    )
    languages = models.JSONField(
        _lazy("langues proposées"), default=default_languages, validators=[validate_languages]
    )
    email_from = models.CharField(
        _lazy("expéditeur des e-mails"),
        max_length=254,
        blank=True,
        validators=[validate_sender],
        help_text=_lazy("Par exemple « Ville de Tournai <eguichet@tournai.be> »."),
    )
    payment_provider = models.CharField(
        _lazy("prestataire de paiement"),
        max_length=40,
        blank=True,
        help_text=_lazy("Vide : celui de l’installation."),
    )
    mollie_api_key = EncryptedTextField(_lazy("Mollie : clé d’API"))
    stripe_secret_key = EncryptedTextField(_lazy("Stripe : clé secrète"))
    stripe_webhook_secret = EncryptedTextField(_lazy("Stripe : secret des notifications"))
    worldline_merchant_id = models.CharField(
        _lazy("Worldline : identifiant du marchand"), max_length=100, blank=True
    )
    worldline_api_key_id = models.CharField(
        _lazy("Worldline : identifiant de la clé d’API"), max_length=200, blank=True
    )
    worldline_api_secret = EncryptedTextField(_lazy("Worldline : secret de la clé d’API"))
    worldline_webhook_key_id = models.CharField(
        _lazy("Worldline : identifiant de la clé des notifications"), max_length=200, blank=True
    )
    worldline_webhook_secret = EncryptedTextField(_lazy("Worldline : secret des notifications"))
    seal_backend = models.CharField(
        _lazy("cachet électronique"),
        max_length=20,
        blank=True,
        choices=[
            ("pkcs12", _lazy("fichier PKCS#12")),
            ("pkcs11", _lazy("jeton ou HSM (PKCS#11)")),
            ("demo", _lazy("démonstration")),
        ],
        help_text=_lazy("Vide : le cachet de l’installation."),
    )
    seal_pkcs12_file = models.CharField(
        _lazy("cachet : chemin du fichier PKCS#12"), max_length=500, blank=True
    )
    seal_pkcs12_passphrase = EncryptedTextField(_lazy("cachet : mot de passe du fichier"))
    seal_pkcs11_module = models.CharField(
        _lazy("cachet : module PKCS#11"), max_length=500, blank=True
    )
    seal_pkcs11_token_label = models.CharField(
        _lazy("cachet : libellé du jeton"), max_length=200, blank=True
    )
    seal_pkcs11_key_label = models.CharField(
        _lazy("cachet : libellé de la clé"), max_length=200, blank=True
    )
    seal_pkcs11_pin = EncryptedTextField(_lazy("cachet : code PIN"))
    seal_certificate_file = models.CharField(
        _lazy("cachet : fichier du certificat (PKCS#11)"), max_length=500, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Scoped like every municipal model: a query that forgets to name its
    # municipality never reads another's keys (core/tests/test_isolation.py).
    objects = MunicipalManager["MunicipalityConfig"]()
    # The cooperative's view (its admin, the rotation of every key).
    all_municipalities = models.Manager["MunicipalityConfig"]()

    class Meta:
        verbose_name = _lazy("paramètres de la commune")
        verbose_name_plural = _lazy("paramètres des communes")

    def __str__(self) -> str:
        return str(_("Paramètres de %(name)s") % {"name": self.municipality})

    def clean(self) -> None:
        if self.payment_provider and self.payment_provider not in PAYMENT_PROVIDER_NAMES:
            raise ValidationError(
                {
                    "payment_provider": _(
                        "Prestataire de paiement inconnu : « %(name)s ». Possibles : %(names)s."
                    )
                    % {
                        "name": self.payment_provider,
                        "names": ", ".join(sorted(PAYMENT_PROVIDER_NAMES)),
                    }
                }
            )
