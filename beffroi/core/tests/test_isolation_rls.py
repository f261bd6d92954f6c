"""The proof of isolation with the application's scoping switched off
(``BEFFROI_TENANCY_APP_SCOPING=False``): row-level security alone, as a
role like the application's (no superuser, no BYPASSRLS, owner of nothing),
still returns no row of B in A's scope, through the models and through
every URL (PostgreSQL only, like test_rls.py).

The fixture is written as the superuser that created the test database
(which bypasses row-level security); each check switches to the role
inside the test's transaction, and reads B's rows back as the superuser.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager, ExitStack
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from beffroi.testing.isolation_checks import (
    IsolationTestCase,
    acting_as,
    app_role_create,
    app_role_drop,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security is PostgreSQL's; SQLite relies on the application's scoping",
)

# Role names are the cluster's, shared by parallel test databases.
APP_ROLE = f"beffroi_test_iso_{uuid.uuid4().hex[:12]}"


# Only while the checks run: the fixture is built by the application's
# services, which scope their reads (``get_or_create`` by a slug...).
RLS_ALONE = override_settings(BEFFROI_RLS=True, BEFFROI_TENANCY_APP_SCOPING=False)


class RowLevelSecurityIsolationTests(IsolationTestCase):
    # A write the policies refuse is what they are for.
    refusals_allowed = True

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        app_role_create(APP_ROLE)

    @classmethod
    def tearDownClass(cls) -> None:
        # The role was created inside the class's transaction: rolled back with it.
        super().tearDownClass()
        app_role_drop(APP_ROLE)

    def acting(self) -> AbstractContextManager[Any]:
        """Row-level security on, the application's scoping off, as the role."""
        stack = ExitStack()
        stack.enter_context(RLS_ALONE)
        stack.enter_context(acting_as(APP_ROLE))
        return stack

    def test_the_checks_run_without_the_application_scoping_as_a_role_bound_by_rls(
        self,
    ) -> None:
        with self.acting(), connection.cursor() as cursor:
            assert settings.BEFFROI_TENANCY_APP_SCOPING is False
            assert settings.BEFFROI_RLS is True
            cursor.execute(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
            assert cursor.fetchone() == (False, False)

    def test_row_level_security_alone_hides_every_row_of_b_in_as_scope(self) -> None:
        # Every tenant model, those with an unscoped manager included.
        self.check_models()

    def test_row_level_security_alone_finds_nothing_by_bs_codes_and_hashes(self) -> None:
        self.check_identifiers()

    def test_row_level_security_alone_keeps_every_url_from_bs_objects(self) -> None:
        self.check_urls()

    def test_row_level_security_alone_keeps_every_list_and_search_from_bs_rows(self) -> None:
        self.check_lists_and_searches()

    def test_row_level_security_alone_keeps_as_tracking_code_from_bs_portal(self) -> None:
        self.check_tracking_code_is_unknown_on_the_others_portal()

    def test_row_level_security_alone_keeps_as_documents_from_bs_portal(self) -> None:
        self.check_verification_code_and_file_are_unknown_on_the_others_portal()
