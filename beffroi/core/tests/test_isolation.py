"""The proof of isolation: two municipalities with the same personas and a
row of every municipal model; every persona of A tries every object of B,
through every model's default manager and every URL of the project (portal,
back-office, admin, payments, verification), on A's host: nothing of B is
read, nothing of B changes.

The models and URLs are found, not listed (``beffroi/testing/isolation.py``):
a model without a row of B, or a URL whose parameters cannot be filled with
B's identifiers, fails here rather than escape the suite. The same checks
run on row-level security alone in test_isolation_rls.py.
"""

from __future__ import annotations

from beffroi.testing.isolation import UNSCOPED_MANAGERS
from beffroi.testing.isolation_checks import IsolationTestCase


class IsolationTests(IsolationTestCase):
    def test_the_fixture_has_a_row_of_every_municipal_model_in_each_municipality(self) -> None:
        self.check_fixture_has_a_row_of_every_municipal_model()

    def test_no_default_manager_reads_updates_or_deletes_a_row_of_b_in_as_scope(self) -> None:
        self.check_models(skip=frozenset(UNSCOPED_MANAGERS))

    def test_bs_reference_codes_and_hashes_find_nothing_in_as_scope(self) -> None:
        self.check_identifiers()

    def test_every_url_with_parameters_is_filled_with_bs_identifiers(self) -> None:
        self.check_every_url_with_parameters_is_filled()

    def test_no_persona_of_a_reads_or_changes_bs_objects_through_any_url(self) -> None:
        self.check_urls()

    def test_no_list_or_search_shows_a_persona_of_a_any_row_of_b(self) -> None:
        self.check_lists_and_searches()

    def test_as_tracking_code_is_unknown_on_bs_portal(self) -> None:
        self.check_tracking_code_is_unknown_on_the_others_portal()

    def test_as_verification_code_and_file_are_unknown_on_bs_portal(self) -> None:
        self.check_verification_code_and_file_are_unknown_on_the_others_portal()
