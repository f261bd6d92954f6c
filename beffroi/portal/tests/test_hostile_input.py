"""Random and hostile input posted to the forms: never a server error."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from beffroi.cases.models import Draft
from beffroi.testing.personas import create_world
from beffroi.testing.procedures import file_test_case, install_test_procedure

NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "9" * 400,
            "1e999",
            "NaN",
            "-0",
            "31/02/2026",
            "0000-00-00",
            "9999-12-31",
            "../../etc/passwd",
            "\u202e\u200b",
            "😀" * 50,
        ]
    ),
)
FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "national_number",
    "link",
    "copies",
    "options",
    "delivery",
    "address__street",
    "address__number",
    "address__postcode",
    "address__city",
    "address__country",
    "child_name",
    "remove",
    "action",
]
FORM_DATA = st.dictionaries(
    st.sampled_from(FIELDS), st.lists(NASTY, min_size=1, max_size=3), max_size=12
)


class HostileInputTests(HypothesisTestCase):
    people: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.people = create_world(catalogue=False)
        install_test_procedure()

    def setUp(self) -> None:
        self.client = Client(raise_request_exception=True)
        self.client.force_login(self.people["citizen"])
        self.client.post(reverse("portal:start", args=["demande-test"]))
        self.draft = Draft.objects.filter(owner=self.people["citizen"]).latest("created_at")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        data=FORM_DATA,
        page=st.sampled_from(["identite", "demande", "complement", "nope", "verifier"]),
    )
    def test_draft_pages_never_fail(self, data: dict[str, list[str]], page: str) -> None:
        url = reverse("portal:draft_page", args=[self.draft.pk, page])
        response = self.client.post(url, data)
        assert response.status_code in {200, 302, 404}
        response = self.client.get(url)
        assert response.status_code in {200, 302, 404}
        check = self.client.get(reverse("portal:draft_check", args=[self.draft.pk]))
        assert check.status_code == 200

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=FORM_DATA, mark=st.sampled_from([["identite"], ["demande"], [""]]), behalf=NASTY)
    def test_the_first_page_never_fails(
        self, data: dict[str, list[str]], mark: list[str], behalf: str
    ) -> None:
        visitor = Client(raise_request_exception=True)
        url = reverse("portal:start", args=["demande-test"])
        assert visitor.get(url, {"on_behalf": behalf}).status_code == 200
        response = visitor.post(f"{url}?on_behalf=1", {**data, "first-page": mark})
        assert response.status_code == 302
        # Whatever was sent, the draft it opened shows it again.
        assert visitor.get(response["Location"]).status_code == 200

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        code=NASTY,
        answers=st.dictionaries(
            st.sampled_from(["last_name", "birth_date", "check", "body"]), NASTY
        ),
    )
    def test_tracking_never_fails(self, code: str, answers: dict[str, str]) -> None:
        anonymous = Client(raise_request_exception=True)
        assert anonymous.get(reverse("portal:tracking"), {"code": code}).status_code in {
            200,
            302,
            429,
        }
        case = file_test_case(applicant=None, email="x@example.org")
        url = reverse("portal:tracking_details", args=[case.tracking_code])
        assert anonymous.post(url, answers).status_code in {200, 302, 400, 429}

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        query=st.dictionaries(
            st.sampled_from(
                [
                    "q",
                    "status",
                    "procedure",
                    "channel",
                    "assigned",
                    "overdue",
                    "submitted_from",
                    "submitted_to",
                    "closed",
                    "page",
                ]
            ),
            NASTY,
        )
    )
    def test_the_inbox_filters_never_fail(self, query: dict[str, str]) -> None:
        agent = Client(raise_request_exception=True)
        agent.force_login(self.people["agent"])
        assert (
            agent.get(reverse("backoffice:service_inbox", args=["population"]), query).status_code
            == 200
        )


def test_dates_far_in_the_past_or_future_are_refused_with_a_message() -> None:
    from django.utils import timezone

    from beffroi.cases.formengine import DateField

    field = DateField(definition={"max": "past"}, required=False)
    future = timezone.localdate() + datetime.timedelta(days=2)
    for raw in ("0001-01-01", "3000-01-01", f"{future:%d/%m/%Y}"):
        with pytest.raises(ValidationError, match=r"date|année"):
            field.clean(raw)
