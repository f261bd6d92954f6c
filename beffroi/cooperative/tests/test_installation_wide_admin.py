"""The installation-wide models other apps put in the admin (every account's
e-mail addresses, groups, the jobs' results) are the cooperative's: a
municipality's staff, given every permission, still cannot read them."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django_tasks_db.models import DBTaskResult

from beffroi.accounts.models import User
from beffroi.accounts.services import user_create
from beffroi.cooperative.admin_installation import installation_wide_registered
from beffroi.core.tenancy import municipality_scope
from beffroi.municipality.models import Municipality
from beffroi.testing.personas import PASSWORD, PersonaTestCase

PAGES = (
    "/admin/account/emailaddress/",
    "/admin/auth/group/",
    "/admin/django_tasks_database/dbtaskresult/",
)


class InstallationWideAdminTests(PersonaTestCase):
    def staff(self, *, superuser: bool) -> User:
        user = user_create(
            actor=None,
            email=f"{'coop' if superuser else 'staff'}@example-coop.be",
            password=PASSWORD,
            email_verified=True,
            is_staff=True,
            is_superuser=superuser,
        )
        user.user_permissions.set(Permission.objects.all())
        with municipality_scope(Municipality.objects.order_by("pk").first().pk):  # type: ignore[union-attr]
            self.client.force_login(user)
        return user

    def test_the_models_restricted_are_the_installation_wide_ones(self) -> None:
        restricted = set(installation_wide_registered())
        assert {EmailAddress, DBTaskResult} <= restricted
        assert not any(model.__module__.startswith("beffroi.") for model in restricted)

    def test_a_municipality_s_staff_with_every_permission_is_refused(self) -> None:
        self.staff(superuser=False)
        for page in PAGES:
            assert self.client.get(page).status_code == 403, page
        index = self.client.get("/admin/").content.decode()
        assert "emailaddress" not in index
        address = EmailAddress.objects.filter(
            user=self.citizen
        ).first() or EmailAddress.objects.create(user=self.citizen, email=self.citizen.email)
        detail = f"/admin/account/emailaddress/{address.pk}/change/"
        response = self.client.get(detail)
        assert response.status_code in (302, 403)
        assert self.citizen.email not in response.content.decode()

    def test_the_cooperative_s_administrator_reads_them(self) -> None:
        self.staff(superuser=True)
        for page in PAGES:
            assert self.client.get(page).status_code == 200, page
