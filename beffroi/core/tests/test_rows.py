"""One row read or written by a fixed statement is the row the ORM reads or writes."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now

from beffroi.cases.models import Draft
from beffroi.catalogue.models import Procedure
from beffroi.core.rows import row_get, row_insert, row_update, rows_insert, rows_of, statement
from beffroi.documents.models import StoredFile
from beffroi.notifications.models import OutgoingEmail
from beffroi.testing.personas import create_world
from beffroi.testing.procedures import install_test_procedure
from beffroi.testing.threads import run_on_threads

ANSWERS = {"first_name": "Éloïse", "copies": 2, "options": ["history"], "note": 'a "quoted" line'}


def _fields(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class RowTests(TestCase):
    procedure: Procedure

    @classmethod
    def setUpTestData(cls) -> None:
        create_world(catalogue=False)
        cls.procedure = install_test_procedure()

    def _draft(self) -> Draft:
        return Draft(
            procedure=self.procedure,
            version_id=self.procedure.current_version_id or 0,
            answers=dict(ANSWERS),
            raw_pages={"demande": {"copies": ["deux"]}},
            last_page="identite",
        )

    def test_an_inserted_row_holds_what_save_would_have_written(self) -> None:
        with self.assertNumQueries(1):
            fast = row_insert(self._draft())
        slow = self._draft()
        slow.save()
        assert not fast._state.adding
        assert fast.created_at is not None
        assert fast.updated_at is not None
        stored = {d["id"]: d for d in Draft.objects.values()}
        mine, theirs = dict(stored[fast.pk]), dict(stored[slow.pk])
        for key in ("id", "created_at", "updated_at"):
            mine.pop(key)
            theirs.pop(key)
        assert mine == theirs
        assert Draft.objects.get(pk=fast.pk).created_at == fast.created_at

    def test_an_inserted_row_with_a_database_key_gets_its_key(self) -> None:
        def email(subject: str) -> OutgoingEmail:
            return OutgoingEmail(
                to="a@example.org", subject=subject, body_text="Texte", next_attempt_at=now()
            )

        first = row_insert(email("Objet"))
        assert isinstance(first.pk, int)
        assert OutgoingEmail.objects.get(pk=first.pk).subject == "Objet"
        assert row_insert(email("Autre")).pk != first.pk

    def test_a_read_row_is_the_row_the_orm_reads(self) -> None:
        draft = row_insert(self._draft())
        with self.assertNumQueries(1):
            fast = row_get(Draft, draft.pk)
        assert fast is not None
        assert not fast._state.adding
        assert isinstance(fast.pk, uuid.UUID)
        assert _fields(fast) == _fields(Draft.objects.get(pk=draft.pk))
        assert row_get(Draft, str(draft.pk)) is not None  # as a URL gives it
        assert row_get(Draft, uuid.uuid4()) is None
        with pytest.raises(ValidationError):
            row_get(Draft, "pas-un-identifiant")

    def test_a_row_is_found_by_a_unique_field(self) -> None:
        found = row_get(Procedure, "demande-test", key="slug")
        assert found is not None
        assert _fields(found) == _fields(Procedure.objects.get(slug="demande-test"))
        assert row_get(Procedure, "inconnue", key="slug") is None
        with pytest.raises(TypeError):
            row_get(Draft, "identite", key="last_page")  # not unique: not one row

    def test_hand_written_rows_are_converted_as_the_orm_converts_them(self) -> None:
        drafts = [row_insert(self._draft()) for _ in range(2)]
        sql = "SELECT id, created_at, answers FROM cases_draft ORDER BY created_at, id"
        rows = rows_of(Draft, ["id", "created_at", "answers"], sql, [])
        expected = list(
            Draft.objects.order_by("created_at", "id").values_list("id", "created_at", "answers")
        )
        assert rows == expected
        assert {row[0] for row in rows} == {d.pk for d in drafts}
        assert isinstance(rows[0][1], datetime.datetime)  # a string on SQLite until converted

    def test_an_update_writes_the_fields_named_and_no_other(self) -> None:
        draft = row_insert(self._draft())
        before = draft.updated_at
        draft.answers = {**ANSWERS, "copies": 3}
        draft.last_page = "demande"  # changed in memory, not named: not written
        with self.assertNumQueries(1):
            row_update(draft, ["answers", "updated_at"])
        stored = Draft.objects.get(pk=draft.pk)
        assert stored.answers["copies"] == 3
        assert stored.last_page == "identite"
        assert stored.updated_at == draft.updated_at
        assert draft.updated_at > before

    def test_updating_a_row_that_is_gone_is_an_error(self) -> None:
        draft = row_insert(self._draft())
        Draft.objects.filter(pk=draft.pk).delete()
        with pytest.raises(DatabaseError):
            row_update(draft, ["answers", "updated_at"])

    def test_several_rows_are_inserted_in_order_with_their_keys(self) -> None:
        emails = [
            OutgoingEmail(
                to=f"{n}@example.org", subject=f"S{n}", body_text="x", next_attempt_at=now()
            )
            for n in range(3)
        ]
        with CaptureQueriesContext(connection) as queries:
            rows_insert(emails)
        assert len(queries) == 1
        for email in emails:
            assert OutgoingEmail.objects.get(pk=email.pk).to == email.to

    def test_a_known_unique_value_gives_the_existing_row(self) -> None:
        first = row_insert(StoredFile(sha256="a" * 64, size=1, kind="pdf", storage_name="x"))
        again = row_insert(
            StoredFile(sha256="a" * 64, size=2, kind="png", storage_name="y"), unique="sha256"
        )
        assert again.pk == first.pk
        assert StoredFile.objects.get(pk=first.pk).size == 1  # left as it was

    def test_a_new_connection_gets_its_own_cursor(self) -> None:
        database = connections[DEFAULT_DB_ALIAS]  # this thread's connection, not the proxy
        assert statement("SELECT 1", []).fetchone() == (1,)
        kept = database.__dict__["_beffroi_kept_cursor"][1]
        assert statement("SELECT 2", []).fetchone() == (2,)
        assert database.__dict__["_beffroi_kept_cursor"][1] is kept  # kept between statements
        # As after a restart of the database: the cursor kept belonged to another connection.
        database.__dict__["_beffroi_kept_cursor"] = (object(), kept)
        assert statement("SELECT 3", []).fetchone() == (3,)
        assert database.__dict__["_beffroi_kept_cursor"][1] is not kept

    def test_each_thread_keeps_the_cursor_of_its_own_connection(self) -> None:
        assert statement("SELECT 1", []).fetchone() == (1,)
        mine = connections[DEFAULT_DB_ALIAS].__dict__["_beffroi_kept_cursor"]
        theirs: list[Any] = []

        def other_thread(_index: int) -> None:
            statement("SELECT 2", []).fetchone()
            theirs.append(connections[DEFAULT_DB_ALIAS].__dict__["_beffroi_kept_cursor"])

        run_on_threads(other_thread, count=1)
        assert theirs
        assert theirs[0][1] is not mine[1]
        # The other thread's statement left this thread's cursor where it was.
        assert connections[DEFAULT_DB_ALIAS].__dict__["_beffroi_kept_cursor"] is mine
