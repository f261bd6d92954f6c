"""Machine dates in ``<time datetime>`` are valid HTML: to the second, never microseconds."""

from __future__ import annotations

import datetime
import re

from beffroi.core.templatetags.beffroi_format import html_datetime
from beffroi.testing.procedures import FilingTestCase, file_test_case


def test_a_datetime_is_given_to_the_second_in_local_time() -> None:
    moment = datetime.datetime(2026, 3, 5, 9, 30, 15, 447415, tzinfo=datetime.UTC)
    assert html_datetime(moment) == "2026-03-05T10:30:15+01:00"
    assert html_datetime(datetime.date(2026, 3, 5)) == "2026-03-05"


class TimeElementTests(FilingTestCase):
    def test_the_tracking_page_dates_its_steps_without_fractions_of_a_second(self) -> None:
        case = file_test_case(applicant=None)
        html = self.client.get(f"/suivi/{case.tracking_code}/").content.decode()
        values = re.findall(r'<time datetime="([^"]+)"', html)
        assert values
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", v) for v in values)
