"""A question says it is required as soon as the page can know it.

The event request's « Plan d'implantation », safety plan and insurance were
labelled « (facultatif) » and then refused: a condition on earlier pages
now labels the question exactly, one on its own page says when it becomes
required and follows the answers.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.template.loader import render_to_string
from django.test import SimpleTestCase
from django.utils.datastructures import MultiValueDict

from beffroi.cases.formengine import PageForm, missing_answers
from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.catalogue.loader import read_catalogue


@functools.cache
def event_request() -> ProcedureDefinition:
    _, procedures = read_catalogue()
    data = next(p for p in procedures if p.slug == "demande-de-manifestation")
    return ProcedureDefinition(data.definition)


def render(form: PageForm) -> str:
    """The page's questions as the filing template shows them."""
    html = "".join(
        render_to_string(
            "portal/filing/question.html", {"view": view, "form": form, "draft": {"pk": "x"}}
        )
        for view in form.views
    )
    return re.sub(r"\s+", " ", html)


def label_of(html: str, field_id: str) -> str:
    match = re.search(rf'<label for="id_{field_id}">(.*?)</label>', html)
    assert match, f"no label for {field_id}"
    return match.group(1)


def question_of(html: str, field_id: str) -> str:
    """The markup of one question (up to the next one)."""
    start = html.index(f'<div class="question" id="question-{field_id}"')
    following = html.find('<div class="question" id="question-', start + 1)
    return html[start : following if following != -1 else None]


def page_form(
    page_id: str, answers: dict[str, Any], data: dict[str, Any] | None = None
) -> PageForm:
    spec = event_request()
    page = spec.page(page_id)
    assert page is not None
    if data is None:
        return PageForm(spec=spec, page=page, answers=answers)
    return PageForm(data, MultiValueDict(), spec=spec, page=page, answers=answers)


SMALL_EVENT = {"place_type": "municipal_building", "attendance": "50", "structures": False}


class RequirementOnEarlierPagesTests(SimpleTestCase):
    def test_a_safety_plan_needed_for_a_thousand_people_is_labelled_required(self) -> None:
        html = render(page_form("securite", {**SMALL_EVENT, "attendance": "1500"}))
        assert "(facultatif)" not in label_of(html, "safety_plan")

    def test_a_safety_plan_not_needed_for_a_small_event_is_labelled_optional(self) -> None:
        html = render(page_form("securite", SMALL_EVENT))
        assert "(facultatif)" in label_of(html, "safety_plan")
        assert "data-optional-mark" not in label_of(html, "safety_plan")

    def test_insurance_on_the_public_road_is_labelled_required(self) -> None:
        html = render(page_form("securite", {**SMALL_EVENT, "place_type": "public_road"}))
        assert "(facultatif)" not in label_of(html, "insurance")
        html = render(page_form("securite", SMALL_EVENT))
        assert "(facultatif)" in label_of(html, "insurance")

    def test_what_the_label_says_is_what_the_server_refuses(self) -> None:
        form = page_form(
            "securite",
            {**SMALL_EVENT, "attendance": "1500"},
            {"first_aid": "none", "stewards": "4"},
        )
        assert not form.is_valid()
        assert form.errors["safety_plan"] == ["Joignez un fichier."]
        assert "insurance" in form.errors  # 1 500 people: insurance too
        html = render(form)
        assert "(facultatif)" not in label_of(html, "safety_plan")


class RequirementOnTheSamePageTests(SimpleTestCase):
    def test_a_layout_plan_says_when_it_becomes_required(self) -> None:
        html = render(page_form("lieu", {}))
        question = question_of(html, "layout_plan")
        assert "data-required-if=" in question
        assert "Obligatoire si vous avez répondu « Sur la voie publique" in question
        assert "ou si vous avez répondu « Oui » à « Installerez-vous des chapiteaux" in question
        # Not required yet: « (facultatif) », which the page's script hides
        # as soon as an answer makes it required.
        label = label_of(html, "layout_plan")
        assert "data-optional-mark>" in label
        assert "(facultatif)" in label

    def test_a_layout_plan_required_by_the_answers_typed_loses_its_optional_mark(self) -> None:
        form = page_form(
            "lieu",
            {},
            {
                "place_type": "public_road",
                "place_address__street": "Rue Saint-Piat",
                "place_address__number": "10",
                "place_address__postcode": "7500",
                "place_address__city": "Tournai",
                "place_address__country": "BE",
                "attendance": "300",
                "structures": "no",
            },
        )
        assert not form.is_valid()
        assert form.errors["layout_plan"] == ["Joignez un fichier."]
        label = label_of(render(form), "layout_plan")
        assert "data-optional-mark hidden>" in label

    def test_a_text_question_required_on_the_same_page_says_when(self) -> None:
        html = render(page_form("organisation", {"organiser_type": "organisation"}))
        question = question_of(html, "org_enterprise_number")
        assert (
            "Obligatoire si vous avez répondu « ASBL (association sans but lucratif) »" in question
        )
        assert "data-optional-mark" in label_of(html, "org_enterprise_number")


class MissingAnswersTests(SimpleTestCase):
    def test_the_check_page_lists_a_file_the_earlier_answers_made_required(self) -> None:
        spec = event_request()
        answers = {**SMALL_EVENT, "attendance": "1500"}
        missing = {field["id"] for _page, field in missing_answers(spec, answers)}
        assert {"safety_plan", "insurance"} <= missing
