"""The demo's sample answers look like a real city's requests: every
question of every shipped procedure gets a plausible answer that its page
accepts, and what the form would prefill comes from the applicant's profile
and the organisation's card, not from a stock « Marie Dubois »."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from django.test import SimpleTestCase

from beffroi.cases.formengine import (
    ORGANISATION_CHOSEN,
    HeldFile,
    PageForm,
    initial_values,
    missing_answers,
    visible_pages,
)
from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.catalogue.loader import read_catalogue
from beffroi.demo.answers import sample_answers, sample_value, samples


@functools.cache
def shipped() -> dict[str, ProcedureDefinition]:
    _, procedures = read_catalogue()
    return {p.slug: ProcedureDefinition(p.definition) for p in procedures}


def sent_pages(spec: ProcedureDefinition, answers: dict[str, Any], files: list[str]) -> list[Any]:
    """Each visible page sent with the sample answers, as the citizen's browser would."""
    forms = []
    for page in visible_pages(spec, answers):
        form = PageForm(
            spec=spec,
            page=page,
            answers=answers,
            attachments={field_id: [HeldFile(1)] for field_id in files},
        )
        data = initial_values(form.views, answers, {})
        sent = PageForm(
            data,
            spec=spec,
            page=page,
            answers=answers,
            attachments={field_id: [HeldFile(1)] for field_id in files},
        )
        forms.append(sent)
    return forms


SLUGS = sorted(shipped())


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_accepts_the_sample_answers(slug: str) -> None:
    spec = shipped()[slug]
    answers, files = sample_answers(spec)
    for form in sent_pages(spec, answers, files):
        assert form.is_valid(), (form.page.id, form.errors)
    with_files = {**answers, **{field_id: [1] for field_id in files}}
    assert missing_answers(spec, with_files) == []


def test_every_text_and_number_question_has_a_plausible_answer() -> None:
    stock = {"Voir le courrier joint", "Voir le courrier joint."}
    without = sorted(
        f"{slug}: {field['id']}"
        for slug, spec in shipped().items()
        for field in spec.input_fields()
        if field["type"] in {"text", "textarea"} and sample_value(field) in stock
    )
    assert not without, without
    numbers = samples()["numbers"]
    unknown = sorted(
        f"{slug}: {field['id']}"
        for slug, spec in shipped().items()
        for field in spec.input_fields()
        if field["type"] == "number" and field["id"] not in numbers
    )
    assert not unknown, unknown


def test_no_sample_answer_reads_like_a_placeholder() -> None:
    for slug, spec in shipped().items():
        answers, _files = sample_answers(spec)
        for field_id, value in answers.items():
            assert "Exemple" not in str(value), (slug, field_id)
            assert "démonstration" not in str(value).lower(), (slug, field_id)


class PrefillTests(SimpleTestCase):
    def test_the_organisation_and_the_applicant_come_from_what_the_form_prefills(self) -> None:
        spec = shipped()["demande-de-manifestation"]
        prefill = {
            "profile.first_name": "Luc",
            "profile.last_name": "Martin",
            "profile.email": "luc.martin@example.be",
            "organisation.name": "Comité des fêtes du Quai Notre-Dame",
            "organisation.legal_form": "de_fait",
            ORGANISATION_CHOSEN: True,
        }
        answers, _files = sample_answers(spec, prefill=prefill)
        assert answers["applicant_first_name"] == "Luc"
        assert answers["applicant_email"] == "luc.martin@example.be"
        assert answers["organiser_type"] == "organisation"
        assert answers["org_name"] == "Comité des fêtes du Quai Notre-Dame"
        assert answers["org_legal_form"] == "de_fait"
        assert int(answers["attendance"]) >= 50

    def test_an_organisation_is_never_named_after_the_applicant(self) -> None:
        answers, _files = sample_answers(
            shipped()["demande-de-manifestation"], {"organiser_type": "organisation"}
        )
        assert (
            answers["org_name"]
            != f"{answers['applicant_first_name']} {answers['applicant_last_name']}"
        )
