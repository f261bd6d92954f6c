"""The proof of isolation: two municipalities with the same personas and a
row of every municipal model; every persona of A tries every object of B,
through every model's default manager and every URL of the project, on A's
host: nothing of B is read, nothing of B changes.

The models and URLs are found (``beffroi/testing/isolation.py``): a model
without a row of B, or a URL whose parameters cannot be filled with B's
identifiers, fails here rather than escape the suite.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.http import HttpResponseBase
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from beffroi.audit.services import journal_seal
from beffroi.core.tenancy import municipality_scope
from beffroi.testing.isolation import (
    NOT_MUNICIPAL,
    UNSCOPED_MANAGERS,
    NotMunicipal,
    Route,
    Unfillable,
    World,
    fill,
    label_of,
    municipal_models,
    path_of,
    pdf_of,
    routes,
    routes_with_parameters,
    snapshot,
    world_build,
    world_rows_complete,
)

A_HOST = "a.isolation.test"
B_HOST = "b.isolation.test"
HOSTS = override_settings(ALLOWED_HOSTS=[A_HOST, B_HOST], RATELIMIT_ENABLE=False)


class Undo(Exception):
    """Raised to roll back what a block did (the probes' own writes)."""


def body_of(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def betrayal(response: HttpResponseBase, markers: set[str]) -> str | None:
    """What in the response reveals the other municipality, if anything."""
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


@HOSTS
class IsolationTestCase(TestCase):
    """A (``isoa``) and B (``isob``), built once for the class."""

    a: World
    b: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.a = world_build(slug="alpha", host=A_HOST, token="isoa")
        cls.b = world_build(slug="beta", host=B_HOST, token="isob", cases_before=1)
        journal_seal()  # each municipality's chain and batch
        world_rows_complete(cls.a)
        world_rows_complete(cls.b)


class IsolationTests(IsolationTestCase):
    def test_every_municipal_model_has_a_row_of_each_municipality_in_the_fixture(self) -> None:
        for model in municipal_models():
            label = label_of(model)
            for world in (self.a, self.b):
                with self.subTest(model=label, municipality=world.token):
                    assert label in world.rows, f"add a row of {label} to world_build()"
                    row = world.rows[label]
                    assert getattr(row, "municipality_id", None) == world.municipality.pk

    def test_no_default_manager_reads_updates_or_deletes_a_row_of_b_in_as_scope(self) -> None:
        with municipality_scope(self.a.municipality.pk):
            for model in municipal_models():
                label = label_of(model)
                manager = model._meta.default_manager
                assert manager is not None
                if label in UNSCOPED_MANAGERS:
                    continue
                with self.subTest(model=label):
                    own, other = self.a.rows.get(label), self.b.rows.get(label)
                    assert own is not None, label
                    assert other is not None, label
                    # Not vacuous: A's own row is there.
                    assert manager.filter(pk=own.pk).exists(), label
                    assert not manager.filter(pk=other.pk).exists(), label
                    assert manager.filter(municipality_id=self.b.municipality.pk).count() == 0
                    try:
                        with transaction.atomic():
                            rows = manager.filter(pk=other.pk)
                            assert rows.update(municipality_id=F("municipality_id")) == 0, label
                            assert rows.delete()[0] == 0, label
                            raise Undo
                    except Undo:
                        pass

    def test_bs_identifiers_find_nothing_in_as_scope(self) -> None:
        from beffroi.cases.models import Case
        from beffroi.documents.models import IssuedDocument, StoredFile
        from beffroi.payments.models import Payment

        b = self.b
        lookups: list[tuple[Any, dict[str, Any]]] = [
            (Case, {"reference": b.row("cases.case").reference}),
            (Case, {"tracking_code": b.tracking_code}),
            (IssuedDocument, {"verification_code": b.verification_code}),
            (StoredFile, {"sha256": b.row("documents.storedfile").sha256}),
            (Payment, {"idempotency_key": b.row("payments.payment").idempotency_key}),
        ]
        with municipality_scope(self.a.municipality.pk):
            for model, lookup in lookups:
                with self.subTest(model=label_of(model), lookup=lookup):
                    assert not model._meta.default_manager.filter(**lookup).exists()

    # --- URLs ---------------------------------------------------------------

    def test_every_url_with_parameters_is_filled_with_bs_identifiers(self) -> None:
        names = set()
        for route in routes_with_parameters():
            names.add(route.name.rsplit(":", 1)[-1])
            with self.subTest(route=route.route):
                try:
                    path_of(route, fill(route, self.b))
                except NotMunicipal:
                    pass
                except Unfillable as error:
                    raise AssertionError(
                        f"{route.route}: teach beffroi/testing/isolation.py RULES what {error} "
                        "names in a municipality"
                    ) from None
        # The exceptions name URLs that still exist.
        assert set(NOT_MUNICIPAL) <= {route.name.rsplit(":", 1)[-1] for route in routes()}

    def test_no_persona_of_a_reads_or_changes_bs_objects_through_any_url(self) -> None:
        # What only B's data says (the procedure's slug, say, is both's).
        markers = self.b.markers() - self.a.markers()
        before = snapshot(self.b)
        clients = logged_in_clients(self.a)
        for route in routes_with_parameters():
            try:
                path = path_of(route, fill(route, self.b))
            except (NotMunicipal, Unfillable):
                continue  # the test above names the unfillable ones
            self._probe(route, path, clients, markers, before)

    def _probe(
        self,
        route: Route,
        path: str,
        clients: dict[str, Client],
        markers: set[str],
        before: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        try:
            with transaction.atomic():
                for persona, client in clients.items():
                    for method in ("get", "post"):
                        with self.subTest(route=route.route, persona=persona, method=method):
                            try:
                                with transaction.atomic():
                                    response = getattr(client, method)(path, {"post": "yes"})
                            except Exception as error:  # reported as the failure
                                raise AssertionError(
                                    f"{method.upper()} {path}: {error!r}"
                                ) from None
                            reason = betrayal(response, markers - {path})
                            assert reason is None, f"{method.upper()} {path} {reason}"
                with self.subTest(route=route.route, check="rows of B unchanged"):
                    after = snapshot(self.b)
                    changed = [label for label in before if before[label] != after[label]]
                    assert not changed, f"{path} changed B's {changed}"
                raise Undo  # what A's personas did on A's side goes too
        except Undo:
            pass

    # --- Codes typed on the other municipality's portal ---------------------

    def test_as_tracking_code_is_unknown_on_bs_portal(self) -> None:
        client = Client(HTTP_HOST=self.b.host)
        code = self.a.tracking_code
        response = client.get(reverse("portal:tracking"), {"code": code}, follow=True)
        assert response.status_code == 404
        for name in ("portal:tracking_detail", "portal:tracking_details", "portal:confirmation"):
            assert client.get(reverse(name, args=[code])).status_code == 404, name
        # Not vacuous: A's portal knows it.
        assert (
            Client(HTTP_HOST=self.a.host)
            .get(reverse("portal:tracking_detail", args=[code]))
            .status_code
            == 200
        )

    def test_as_verification_code_and_file_are_unknown_on_bs_portal(self) -> None:
        client = Client(HTTP_HOST=self.b.host)
        code = self.a.verification_code
        response = client.get(reverse("portal:verification"), {"code": code}, follow=True)
        assert response.status_code == 404
        assert client.get(reverse("portal:verification_detail", args=[code])).status_code == 404
        assert (
            Client(HTTP_HOST=self.a.host)
            .get(reverse("portal:verification_detail", args=[code]))
            .status_code
            == 200
        )
        # By the file itself: its hash is A's.
        upload = SimpleUploadedFile("document.pdf", pdf_of(self.a.token), "application/pdf")
        response = client.post(reverse("portal:verification"), {"document": upload})
        assert response.status_code == 200
        assert self.a.row("documents.storedfile").sha256 != ""
        assert self.a.verification_code.encode() not in response.content
        assert self.a.token.encode() not in response.content.lower()
