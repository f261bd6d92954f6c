"""Creating a municipality with its first administrator, suspending and resuming it."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor
from beffroi.accounts.models import User
from beffroi.accounts.services import user_create
from beffroi.audit.services import audit_event_record
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Membership, Municipality
from beffroi.municipality.services import (
    membership_grant,
    municipality_register,
    municipality_registration_check,
    service_upsert,
)
from beffroi.notifications.services import email_queue

# The service every new municipality starts with: its first administrator's.
FIRST_SERVICE_CODE = "administration"


def municipality_create_check(*, slug: str, name: str, hosts: list[str], admin_email: str) -> None:
    """Every wrong input at once, in French (a ValidationError by field)."""
    errors: dict[str, list[str]] = {}
    try:
        municipality_registration_check(slug=slug, name=name, hosts=hosts)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        validate_email(admin_email)
    except ValidationError:
        errors["admin_email"] = [
            _("« %(email)s » n'est pas une adresse électronique valable.") % {"email": admin_email}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def municipality_create(
    *,
    actor: Actor,
    slug: str,
    name: str,
    hosts: list[str],
    admin_email: str,
    admin_first_name: str = "",
    admin_last_name: str = "",
) -> Municipality:
    """A new municipality, its hosts, its first service and its first
    administrator, who receives a link to choose a password.

    Its revisions, counters and cache keys are named after it
    (``municipal_name``, ``cache_key``): they start from nothing.
    """
    admin_email = admin_email.strip()
    municipality_create_check(slug=slug, name=name, hosts=hosts, admin_email=admin_email)
    municipality = municipality_register(actor=actor, slug=slug, name=name, hosts=hosts)
    with municipality_scope(municipality.pk):
        service = service_upsert(
            actor=actor,
            code=FIRST_SERVICE_CODE,
            values={"name": _("Administration communale")},
        )
        # A person has one account on the installation; their seats are per municipality.
        user = User.objects.filter(email__iexact=admin_email).first()
        if user is None:
            user = user_create(
                actor=actor,
                email=admin_email,
                password=None,  # unusable until they choose one through the link
                email_verified=True,  # the cooperative vouches for it; the link proves it
                first_name=admin_first_name,
                last_name=admin_last_name,
            )
        membership_grant(
            actor=actor, user=user, service=service, role=Membership.Role.FUNCTIONAL_ADMIN
        )
        _first_admin_notify(municipality=municipality, user=user)
        audit_event_record(
            actor=actor,
            action="municipality.first_admin_named",
            target=municipality,
            data={"user_id": user.pk, "service": FIRST_SERVICE_CODE},
        )
    return municipality


def _first_admin_notify(*, municipality: Municipality, user: User) -> None:
    host = municipality.hosts.order_by("pk").values_list("host", flat=True).first()
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    base = f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{host}" if host else settings.SITE_URL
    body = render_to_string(
        "cooperative/first_admin_email.txt",
        {"municipality": municipality, "user": user, "url": base + path},
    )
    email_queue(
        to=user.email,
        subject=_("Votre accès à l'e-guichet de %(name)s") % {"name": municipality.name},
        body_text=body,
    )
