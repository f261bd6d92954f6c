"""Reading an event or a business page from a case's answers, and checking
the mappings definitions give."""

from __future__ import annotations

import datetime

import pytest

from beffroi.agenda.mapping import (
    entry_mapping_problems,
    entry_values,
    event_mapping_problems,
    event_values,
    parse_hours,
    public_url,
)
from beffroi.catalogue.definition import DefinitionContext

FIELDS = {
    "title": "text",
    "start": "date",
    "end": "date",
    "hours": "text",
    "venue": "text",
    "where": "address",
    "kind": "choice",
    "url": "text",
    "organiser": "text",
    "contact": "text",
    "consent": "yesno",
    "name": "text",
    "number": "enterprise_number",
    "phone": "phone",
    "email": "email",
    "changes": "multichoice",
}
CONTEXT = DefinitionContext(fields=FIELDS, documents=set())
EVENT = {
    "do": "submit_event",
    "title": "title",
    "starts": "start",
    "ends": "end",
    "hours": "hours",
    "place": "venue",
    "address": "where",
    "category": "kind",
    "categories": {"concert": "music"},
    "website": "url",
    "organiser_name": "organiser",
    "organiser_contact": "contact",
    "organiser_consent": {"field": "consent", "equals": True},
    "address_consent": {"field": "consent", "equals": True},
}
ANSWERS = {
    "title": "Concert",
    "start": "2030-06-14",
    "hours": "de 20 h 30 à 23 h",
    "venue": "Grand-Place",
    "kind": "concert",
    "url": "javascript:alert(1)",
    "organiser": "Harmonie",
    "contact": "harmonie@example.org",
    "consent": False,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("de 20 h à 23 h", ((20, 0), (23, 0))),
        ("20h30-23h", ((20, 30), (23, 0))),
        ("14:00 – 18:00", ((14, 0), (18, 0))),
        ("De 22 h à 2 h.", ((22, 0), (2, 0))),
        ("samedi de 10 h à 18 h, dimanche de 10 h à 17 h", None),
        ("à partir de 20 h", None),
        ("de 25 h à 26 h", None),
        ("", None),
    ],
)
def test_hours_are_read_only_when_they_are_unambiguous(text, expected):
    times = parse_hours(text)
    if expected is None:
        assert times is None
    else:
        assert times is not None
        assert [(t.hour, t.minute) for t in times] == list(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("www.harmonie-kain.be", "https://www.harmonie-kain.be"),
        ("https://tournai.be/agenda?x=1", "https://tournai.be/agenda?x=1"),
        ("javascript:alert(1)", ""),
        ("data:text/html,hello", ""),
        ("ftp://example.org", ""),
        ("pas un site", ""),
        ("", ""),
    ],
)
def test_only_web_addresses_become_links(text, expected):
    assert public_url(text) == expected


def test_a_one_day_event_with_clear_hours_is_timed_in_local_time():
    values = event_values(ANSWERS, EVENT)
    assert values is not None
    assert values["all_day"] is False
    assert values["starts_at"].isoformat() == "2030-06-14T20:30:00+02:00"
    assert values["ends_at"].isoformat() == "2030-06-14T23:00:00+02:00"
    assert values["category"] == "music"
    assert values["place_name"] == "Grand-Place"


def test_an_event_over_midnight_ends_the_next_day():
    values = event_values({**ANSWERS, "hours": "de 22 h à 2 h"}, EVENT)
    assert values is not None
    assert values["ends_at"].isoformat() == "2030-06-15T02:00:00+02:00"


def test_a_several_day_event_runs_all_day_with_its_hours_kept_as_written():
    values = event_values({**ANSWERS, "end": "2030-06-16"}, EVENT)
    assert values is not None
    assert values["all_day"] is True
    assert values["starts_at"].isoformat() == "2030-06-14T00:00:00+02:00"
    assert values["ends_at"].isoformat() == "2030-06-17T00:00:00+02:00"  # exclusive
    assert values["hours"] == "de 20 h 30 à 23 h"


def test_an_end_before_the_start_or_too_far_is_brought_back():
    before = event_values({**ANSWERS, "end": "2030-06-01", "hours": ""}, EVENT)
    assert before is not None
    assert before["ends_at"].date() == datetime.date(2030, 6, 15)
    forever = event_values({**ANSWERS, "end": "2040-01-01", "hours": ""}, EVENT)
    assert forever is not None
    assert (forever["ends_at"] - forever["starts_at"]).days <= 366


def test_no_date_no_event():
    assert event_values({**ANSWERS, "start": ""}, EVENT) is None


def test_a_dangerous_link_is_dropped_and_the_organiser_is_private_without_consent():
    values = event_values(ANSWERS, EVENT)
    assert values is not None
    assert values["website"] == ""
    assert values["organiser_name"] == "Harmonie"  # kept for the agents
    assert values["organiser_public"] is False
    consenting = event_values({**ANSWERS, "consent": True}, EVENT)
    assert consenting is not None
    assert consenting["organiser_public"] is True


def test_an_unknown_category_falls_back_to_other():
    values = event_values({**ANSWERS, "kind": "rave"}, EVENT)
    assert values is not None
    assert values["category"] == "other"


def test_a_valid_event_mapping_has_no_problem():
    assert event_mapping_problems(EVENT, CONTEXT) == []


def test_an_event_mapping_says_what_is_wrong():
    problems = event_mapping_problems(
        {
            "do": "submit_event",
            "title": "nope",
            "starts": "hours",
            "organiser_name": "organiser",
            "categories": {"concert": "disco"},
            "category": "kind",
            "when": {"field": "ghost", "equals": True},
        },
        CONTEXT,
    )
    text = "\n".join(problems)
    assert "title: champ inconnu « nope »" in text
    assert "starts: le champ « hours » est de type text" in text
    assert "place ou address" in text
    assert "organiser_consent" in text
    assert "rubrique inconnue « disco »" in text
    assert "when.field: champ inconnu « ghost »" in text


def test_publishing_without_a_mapping_is_allowed():
    assert event_mapping_problems({"do": "publish_event"}, CONTEXT, required=False) == []


def test_a_change_only_touches_the_questions_shown_and_clears_an_emptied_one():
    action = {
        "do": "propose_directory_change",
        "enterprise_number": "number",
        "phone": "phone",
        "email": "email",
        "withdraw": {"field": "changes", "contains": "closure"},
    }
    answers = {"phone": "+3269223344", "changes": ["contact"]}
    values = entry_values(answers, action, shown={"phone", "email", "changes"})
    assert values == {"phone": "+3269223344", "email": ""}
    closing = entry_values({"changes": ["closure"]}, action, shown={"changes"})
    assert closing == {"withdraw": True}


def test_a_change_mapping_needs_the_enterprise_number():
    problems = entry_mapping_problems({"do": "propose_directory_change"}, CONTEXT, change=True)
    assert any("enterprise_number" in problem for problem in problems)
    assert entry_mapping_problems({"do": "propose_directory_entry"}, CONTEXT) == [
        "name: ce paramètre est obligatoire (le champ qui contient le nom)"
    ]
