"""Row-level security keeps municipalities apart even when the application's
scoping is switched off (PostgreSQL only; CI's PostgreSQL pass runs this).

The tests connect as the superuser that created the test database, which
bypasses row-level security whatever the policies say; each test that
proves the policies switches, inside its transaction, to a role like the
application's: no superuser, no BYPASSRLS, owner of nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from beffroi.core import rls
from beffroi.core.checks import rls_role_check
from beffroi.core.tenancy import RLS_SETTING, municipality_scope
from beffroi.municipality.models import Municipality, MunicipalityHost
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.models import ReceiptTemplate

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security is PostgreSQL's; SQLite relies on the application's scoping",
)

# Role names are the cluster's, shared by parallel test databases.
APP_ROLE = f"beffroi_test_app_{uuid.uuid4().hex[:12]}"
RLS_ON = override_settings(BEFFROI_RLS=True, BEFFROI_TENANCY_APP_SCOPING=False)


def _create_app_role() -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {quote(APP_ROLE)} NOLOGIN NOSUPERUSER NOBYPASSRLS")
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(APP_ROLE)}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quote(schema)} "
            f"TO {quote(APP_ROLE)}"
        )
        cursor.execute(
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(APP_ROLE)}"
        )


def _drop_app_role() -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {quote(APP_ROLE)}")
        cursor.execute(f"DROP ROLE {quote(APP_ROLE)}")


@contextmanager
def as_application() -> Iterator[None]:
    """The enclosed queries run as the application's kind of role."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(APP_ROLE)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _charge(municipality: Municipality, reference: str) -> DemoCharge:
    return DemoCharge.all_municipalities.create(
        municipality=municipality,
        reference=reference,
        idempotency_key=uuid.uuid4(),
        amount_cents=1500,
        description="Carte d'identité",
        return_url="https://a.rls.test/retour",
    )


class RowLevelSecurityTests(TestCase):
    tournai: Municipality
    ath: Municipality

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        _create_app_role()

    @classmethod
    def tearDownClass(cls) -> None:
        # The role was created inside the class's transaction: rolled back with it.
        super().tearDownClass()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
            if cursor.fetchone():
                _drop_app_role()

    @classmethod
    def setUpTestData(cls) -> None:
        cls.tournai = Municipality.objects.create(name="Ville de Tournai", slug="tournai")
        cls.ath = Municipality.objects.create(name="Ville d'Ath", slug="ath")
        MunicipalityHost.objects.create(municipality=cls.tournai, host="a.rls.test")
        MunicipalityHost.objects.create(municipality=cls.ath, host="b.rls.test")
        for municipality, prefix in ((cls.tournai, "T"), (cls.ath, "A")):
            ReceiptTemplate.all_municipalities.create(
                municipality=municipality, body=f"Reçu {prefix}"
            )
            _charge(municipality, f"{prefix}-1")
            _charge(municipality, f"{prefix}-2")

    def test_every_tenant_table_has_row_level_security_forced_with_its_policy(self) -> None:
        tables = {model._meta.db_table for model in rls.tenant_models()}
        assert {"payments_receipttemplate", "payments_demo_democharge"} <= tables
        assert "municipality_municipality" not in tables
        assert "municipality_municipalityhost" not in tables
        states = {state.table: state for state in rls.table_states(connection)}
        for table in tables:
            state = states[table]
            assert state.enabled, table
            assert state.forced, table
            assert state.policy, table

    def test_the_orm_sees_only_the_scoped_municipality_without_the_application_scoping(
        self,
    ) -> None:
        with RLS_ON, as_application(), municipality_scope(self.tournai.pk):
            for model in rls.tenant_models():
                manager = model._meta.default_manager
                assert manager is not None
                seen = set(manager.values_list("municipality_id", flat=True))
                assert seen <= {self.tournai.pk}, model._meta.label
            # Not vacuous: Tournai's own rows are there.
            assert DemoCharge.objects.count() == 2
            assert list(ReceiptTemplate.objects.values_list("body", flat=True)) == ["Reçu T"]
        with RLS_ON, as_application(), municipality_scope(self.ath.pk):
            assert sorted(DemoCharge.objects.values_list("reference", flat=True)) == [
                "A-1",
                "A-2",
            ]

    def test_without_a_municipality_every_tenant_table_is_empty(self) -> None:
        quote = connection.ops.quote_name
        with as_application(), connection.cursor() as cursor:
            for table in rls.tenant_tables():
                cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 - our names
                assert cursor.fetchone() == (0,), table

    def test_writing_another_municipalitys_row_is_refused(self) -> None:
        with RLS_ON, as_application(), municipality_scope(self.tournai.pk):
            with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
                _charge(self.ath, "A-3")
            with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
                DemoCharge.objects.filter(reference="T-1").update(municipality=self.ath)
            # Another municipality's rows are not there to update nor delete.
            assert DemoCharge.objects.filter(reference="A-1").update(amount_cents=1) == 0
            assert DemoCharge.objects.filter(reference="A-1").delete()[0] == 0
            # Its own, yes.
            assert DemoCharge.objects.filter(reference="T-1").update(amount_cents=1) == 1
        assert DemoCharge.all_municipalities.get(reference="A-1").amount_cents == 1500

    def test_a_request_runs_its_queries_with_its_hosts_municipality_set(self) -> None:
        with (
            override_settings(BEFFROI_RLS=True, ALLOWED_HOSTS=["a.rls.test", "b.rls.test"]),
            CaptureQueriesContext(connection) as queries,
        ):
            response = self.client.get("/", HTTP_HOST="b.rls.test")
        assert response.status_code == 200
        statements = [query["sql"] for query in queries.captured_queries]
        scope = [i for i, sql in enumerate(statements) if "set_config" in sql]
        assert scope, statements
        assert f"'{self.ath.pk}'" in statements[scope[0]]
        # Before it, only the host's resolution (the directory of municipalities).
        for sql in statements[: scope[0]]:
            assert "municipality_municipality" in sql or "SAVEPOINT" in sql, sql
        assert len(statements) > scope[0] + 1

    def test_installing_again_is_one_query_and_restores_what_is_missing(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            assert rls.rls_install(connection) == []
        assert len(queries.captured_queries) == 1
        # A table this test wrote no row in: ALTER TABLE waits for none of its triggers.
        with connection.cursor() as cursor:
            cursor.execute("DROP POLICY beffroi_municipality ON payments_refund")
            cursor.execute("ALTER TABLE payments_refund NO FORCE ROW LEVEL SECURITY")
        assert len(rls.rls_install(connection)) == 2
        states = {state.table: state for state in rls.table_states(connection)}
        assert states["payments_refund"].protected

    def test_installing_grants_the_application_role_its_rights(self) -> None:
        with override_settings(DATABASE_APP_ROLE=APP_ROLE):
            statements = rls.rls_install(connection)
        assert any("ON ALL TABLES" in statement for statement in statements)
        with (
            override_settings(DATABASE_APP_ROLE="beffroi_no_such_role"),
            pytest.raises(ImproperlyConfigured, match="does not exist"),
        ):
            rls.rls_install(connection)

    def test_the_deploy_check_warns_when_the_application_bypasses_row_level_security(
        self,
    ) -> None:
        with override_settings(BEFFROI_RLS=True):
            warnings = rls_role_check(None, databases=["default"])
            assert [warning.id for warning in warnings] == ["beffroi.W040"]
            assert "superuser" in warnings[0].msg
            with as_application():
                assert rls_role_check(None, databases=["default"]) == []
            # Django runs database checks only when asked for a database.
            assert rls_role_check(None, databases=None) == []

    def test_the_status_command_lists_every_tenant_table(self) -> None:
        out = StringIO()
        call_command("rls_status", stdout=out)
        text = out.getvalue()
        for table in rls.tenant_tables():
            assert f"{table}: enabled=yes forced=yes policy=yes" in text
        assert "superuser=YES" in text
        out = StringIO()
        with as_application():
            call_command("rls_status", stdout=out)
        assert "superuser=no bypassrls=no owner=no" in out.getvalue()
        assert out.getvalue().rstrip().endswith("protected")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")
class NoLeakAcrossTransactionsTests(TransactionTestCase):
    def test_the_municipality_ends_with_its_scopes_transaction(self) -> None:
        with override_settings(BEFFROI_RLS=True):
            with municipality_scope(4242), connection.cursor() as cursor:
                cursor.execute("SELECT current_setting(%s, true)", [RLS_SETTING])
                assert cursor.fetchone() == ("4242",)
            # The next transaction on the same connection, e.g. the next
            # user of a pooled connection, starts without it.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT current_setting(%s, true)", [RLS_SETTING])
                assert cursor.fetchone()[0] in ("", None)
