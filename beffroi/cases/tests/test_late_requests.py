"""A request filed fewer days before its date than the city asks is accepted,
with a clear warning to the citizen and to the agents."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from beffroi.cases.formengine import late_request
from beffroi.catalogue.models import Procedure
from beffroi.demo.filing import file_sample_case
from beffroi.testing.personas import PersonaTestCase


class LateRequestTests(PersonaTestCase):
    def test_the_rule_counts_days_from_the_filing_date(self) -> None:
        spec = Procedure.objects.get(slug="demande-de-manifestation").current_version.spec  # type: ignore[union-attr]
        today = datetime.date(2026, 3, 2)
        assert late_request(spec, {"event_start": "2026-04-20"}, on=today) is None  # 49 days
        late = late_request(spec, {"event_start": "2026-03-12"}, on=today)
        assert late is not None
        assert (late.days_left, late.days_required) == (10, 45)

    def test_a_late_event_request_is_accepted_and_flagged(self) -> None:
        soon = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
        case = file_sample_case(
            procedure=Procedure.objects.get(slug="demande-de-manifestation"),
            applicant=self.citizen,
            overrides={
                "event_start": soon,
                "event_end": soon,
                "setup_date": soon,
                "teardown_date": soon,
            },
        )
        assert case.status == "submitted"
        self.client.force_login(self.events_agent)
        html = self.client.get(
            reverse("backoffice:case_detail", args=[case.reference])
        ).content.decode()
        assert "10 jour(s) avant la date prévue" in html
        assert "la Ville en demande 45" in html
