"""The proof of isolation's checks, shared by the suite on the application's
scoping (core/tests/test_isolation.py) and the one on row-level security
alone (core/tests/test_isolation_rls.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.http import HttpResponseBase
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from beffroi.audit.services import journal_seal
from beffroi.cases.models import Case
from beffroi.core.tenancy import municipality_scope
from beffroi.documents.models import IssuedDocument, StoredFile
from beffroi.documents.services import file_read
from beffroi.municipality.models import Membership, Service
from beffroi.municipality.services import membership_grant
from beffroi.payments.models import Payment
from beffroi.testing.isolation import (
    NOT_MUNICIPAL,
    NotMunicipal,
    Route,
    Unfillable,
    World,
    fill,
    label_of,
    municipal_models,
    path_of,
    routes,
    routes_with_parameters,
    routes_without_parameters,
    snapshot,
    world_build,
    world_rows_complete,
)

A_HOST = "a.isolation.test"
B_HOST = "b.isolation.test"


class Undo(Exception):
    """Raised to roll back what a block did (the probes' own writes)."""


def body_of(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def betrayal(response: HttpResponseBase, markers: set[str]) -> str | None:
    """What in the response reveals the other municipality, if anything:
    a 4xx never does, a redirect to a login page neither; a 5xx is reported."""
    status = response.status_code
    if status >= 500:
        return f"answered {status}"
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        if location.startswith((reverse("account_login"), reverse("backoffice:login"))):
            return None
        found = sorted(marker for marker in markers if marker.lower() in location.lower())
        return f"redirects to {location} ({found})" if found else None
    if 200 <= status < 300:
        body = body_of(response).lower()
        found = sorted(marker for marker in markers if marker.lower().encode() in body)
        return f"answered {status} with {found}" if found else None
    return None


def logged_in_clients(world: World) -> dict[str, Client]:
    clients = {}
    for name, user in world.personas.items():
        client = Client(HTTP_HOST=world.host)
        if user is not None:
            # Logging in journals the login: the municipality's work.
            with municipality_scope(world.municipality.pk):
                client.force_login(user)
        clients[name] = client
    return clients


# --- A role like the application's (PostgreSQL) ----------------------------


def app_role_create(role: str) -> None:
    """No superuser, no BYPASSRLS, owner of nothing: row-level security applies."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {quote(role)} NOLOGIN NOSUPERUSER NOBYPASSRLS")
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quote(schema)} "
            f"TO {quote(role)}"
        )
        cursor.execute(
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {quote(role)}"
        )


def app_role_drop(role: str) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f"DROP OWNED BY {quote(role)}")
            cursor.execute(f"DROP ROLE {quote(role)}")


@contextmanager
def acting_as(role: str) -> Iterator[None]:
    """The enclosed queries run as ``role`` (until the transaction ends at most)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


# --- The checks --------------------------------------------------------------


@override_settings(ALLOWED_HOSTS=[A_HOST, B_HOST], RATELIMIT_ENABLE=False)
class IsolationTestCase(TestCase):
    """A (``isoa``) and B (``isob``), built once for the class."""

    a: World
    b: World
    # A write row-level security refuses is a refusal, not a failure.
    refusals_allowed = False

    @classmethod
    def setUpTestData(cls) -> None:
        cls.a = world_build(slug="alpha", host=A_HOST, mark="isoa")
        # One case more: B's case has a reference A has not.
        cls.b = world_build(slug="beta", host=B_HOST, mark="isob", cases_before=1)
        # A's agent holds a seat in B too (a shared clerk of two communes):
        # on A's host, still nothing of B.
        with municipality_scope(cls.b.municipality.pk):
            membership_grant(
                actor=None,
                user=cls.a.user("agent"),
                service=Service.objects.get(code="population"),
                role=Membership.Role.AGENT,
            )
        journal_seal()  # each municipality's chain and batch
        world_rows_complete(cls.a)
        world_rows_complete(cls.b)

    def acting(self) -> AbstractContextManager[Any]:
        """How the checks run (as the application's role, on PostgreSQL)."""
        return nullcontext()

    def check_fixture_has_a_row_of_every_municipal_model(self) -> None:
        for model in municipal_models():
            label = label_of(model)
            for world in (self.a, self.b):
                with self.subTest(model=label, municipality=world.mark):
                    assert label in world.rows, f"add a row of {label} to world_build()"
                    row = world.rows[label]
                    assert getattr(row, "municipality_id", None) == world.municipality.pk

    def check_models(self, *, skip: frozenset[str] = frozenset()) -> None:
        """In A's scope, every default manager: B's row is not there to read,
        update nor delete; A's is (the check is not vacuous)."""
        with self.acting(), municipality_scope(self.a.municipality.pk):
            for model in municipal_models():
                label = label_of(model)
                if label in skip:
                    continue
                with self.subTest(model=label):
                    manager = model._meta.default_manager
                    assert manager is not None
                    own, other = self.a.rows.get(label), self.b.rows.get(label)
                    assert own is not None, label
                    assert other is not None, label
                    assert manager.filter(pk=own.pk).exists(), label
                    assert not manager.filter(pk=other.pk).exists(), label
                    assert not manager.filter(municipality_id=self.b.municipality.pk).exists()
                    try:
                        with transaction.atomic():
                            rows = manager.filter(pk=other.pk)
                            assert rows.update(municipality_id=F("municipality_id")) == 0, label
                            assert rows.delete()[0] == 0, label
                            raise Undo
                    except Undo:
                        pass

    def check_identifiers(self) -> None:
        """B's public identifiers find nothing in A's scope."""
        b = self.b
        lookups: list[tuple[Any, dict[str, Any]]] = [
            (Case, {"reference": b.row("cases.case").reference}),
            (Case, {"tracking_code": b.tracking_code}),
            (IssuedDocument, {"verification_code": b.verification_code}),
            (StoredFile, {"sha256": b.row("documents.storedfile").sha256}),
            (Payment, {"idempotency_key": b.row("payments.payment").idempotency_key}),
        ]
        with self.acting(), municipality_scope(self.a.municipality.pk):
            for model, lookup in lookups:
                with self.subTest(model=label_of(model), lookup=lookup):
                    assert not model._meta.default_manager.filter(**lookup).exists()

    def check_every_url_with_parameters_is_filled(self) -> None:
        for route in routes_with_parameters():
            with self.subTest(route=route.route):
                try:
                    path_of(route, fill(route, self.b))
                except NotMunicipal:
                    pass
                except Unfillable as error:
                    raise AssertionError(
                        f"{route.route}: teach RULES in beffroi/testing/isolation.py what "
                        f"{error} names in a municipality"
                    ) from None
        # The exceptions name URLs that still exist.
        assert set(NOT_MUNICIPAL) <= {route.name.rsplit(":", 1)[-1] for route in routes()}

    def check_urls(self) -> None:
        """Every persona of A, GET and POST, every URL filled with B's ids."""
        # What only B's data says (the procedure's slug, say, is both's).
        markers = self.b.markers() - self.a.markers()
        before = snapshot(self.b)
        clients = logged_in_clients(self.a)
        for route in routes_with_parameters():
            try:
                path = path_of(route, fill(route, self.b))
            except (NotMunicipal, Unfillable):
                continue  # check_every_url_with_parameters_is_filled names these
            self._probe(route, path, clients, markers, before)

    def check_lists_and_searches(self) -> None:
        """Every URL without parameters, as every persona of A, searching for
        B's mark (``?q=``): no row of B is listed."""
        # The mark itself is echoed by search boxes: B's longer texts stay.
        markers = self.b.markers() - self.a.markers() - {self.b.mark}
        before = snapshot(self.b)
        clients = logged_in_clients(self.a)
        for route in routes_without_parameters():
            self._probe(
                route, path_of(route, {}), clients, markers, before, query={"q": self.b.mark}
            )

    def _probe(
        self,
        route: Route,
        path: str,
        clients: dict[str, Client],
        markers: set[str],
        before: dict[str, list[tuple[Any, ...]]],
        query: dict[str, str] | None = None,
    ) -> None:
        methods = (
            [("get", query)] if query else [("get", {"post": "yes"}), ("post", {"post": "yes"})]
        )
        try:
            with transaction.atomic():
                with self.acting():
                    for persona, client in clients.items():
                        for method, data in methods:
                            with self.subTest(route=route.route, persona=persona, method=method):
                                self._request(client, method, path, data, markers - {path})
                with self.subTest(route=route.route, check="rows of B unchanged"):
                    after = snapshot(self.b)
                    changed = [label for label in before if before[label] != after[label]]
                    assert not changed, f"{path} changed B's {changed}"
                raise Undo  # what A's personas did on A's side goes too
        except Undo:
            pass

    def _request(
        self, client: Client, method: str, path: str, data: dict[str, str], markers: set[str]
    ) -> None:
        try:
            with transaction.atomic():
                response = getattr(client, method)(path, data)
        except DatabaseError as error:
            if self.refusals_allowed and "row-level security" in str(error):
                return
            raise AssertionError(f"{method.upper()} {path}: {error!r}") from None
        except Exception as error:  # reported as the failure, naming the URL
            raise AssertionError(f"{method.upper()} {path}: {error!r}") from None
        reason = betrayal(response, markers)
        assert reason is None, f"{method.upper()} {path} {reason}"

    def check_tracking_code_is_unknown_on_the_others_portal(self) -> None:
        code = self.a.tracking_code
        with self.acting():
            client = Client(HTTP_HOST=self.b.host)
            response = client.get(reverse("portal:tracking"), {"code": code}, follow=True)
            assert response.status_code == 404
            for name in (
                "portal:tracking_detail",
                "portal:tracking_details",
                "portal:confirmation",
            ):
                assert client.get(reverse(name, args=[code])).status_code == 404, name
            # Not vacuous: A's portal knows it.
            own = Client(HTTP_HOST=self.a.host)
            assert own.get(reverse("portal:tracking_detail", args=[code])).status_code == 200

    def check_verification_code_and_file_are_unknown_on_the_others_portal(self) -> None:
        code = self.a.verification_code
        with municipality_scope(self.a.municipality.pk):
            content = file_read(self.a.row("documents.storedfile"))
        with self.acting():
            other, own = Client(HTTP_HOST=self.b.host), Client(HTTP_HOST=self.a.host)
            response = other.get(reverse("portal:verification"), {"code": code}, follow=True)
            assert response.status_code == 404
            detail = reverse("portal:verification_detail", args=[code])
            assert other.get(detail).status_code == 404
            assert own.get(detail).status_code == 200
            # By the file itself: its SHA-256 is A's.
            for client, known in ((other, False), (own, True)):
                upload = SimpleUploadedFile("document.pdf", content, "application/pdf")
                response = client.post(reverse("portal:verification"), {"document": upload})
                assert response.status_code == 200
                assert (f"Attestation {self.a.mark}".encode() in response.content) is known
