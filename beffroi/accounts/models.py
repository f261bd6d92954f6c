from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from beffroi.municipality.selectors import is_zone_agent, seats_of


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self.db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in: citizens, and agents (who also hold memberships).

    The profile lives here, split the way forms need it, so a procedure can
    prefill it ("tell us once").
    """

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    national_number = models.CharField(_("numéro de registre national"), max_length=11, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    street = models.CharField(_("rue"), max_length=200, blank=True)
    house_number = models.CharField(_("numéro"), max_length=20, blank=True)
    box = models.CharField(_("boîte"), max_length=20, blank=True)
    postcode = models.CharField(_("code postal"), max_length=20, blank=True)
    city = models.CharField(_("localité"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="BE", blank=True)

    is_staff = models.BooleanField(_("accès à l'administration technique"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @cached_property
    def is_agent(self) -> bool:
        """Agents are the users who belong to at least one service."""
        return bool(seats_of(self))

    @cached_property
    def is_zone_agent(self) -> bool:
        """Agents of a partner zone (a police or fire-and-rescue zone serving
        several communes): they see the opinions asked of it, nothing else."""
        return is_zone_agent(self)
