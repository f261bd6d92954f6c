"""The shipped catalogue is fileable and processable, not just browsable.

Every procedure of Tournai's catalogue carries a form, a workflow, emails
and, where the city issues one, a document; these tests read the shipped
files the way the engines do and render what citizens will receive.
"""

from __future__ import annotations

import datetime
import functools
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from django.template import Context
from django.test import TestCase

from beffroi.catalogue.conditions import evaluate
from beffroi.catalogue.definition import TEMPLATE_ENGINE, ProcedureDefinition
from beffroi.catalogue.loader import SHIPPED_DIR, DefinitionError, ProcedureData, read_catalogue
from beffroi.catalogue.models import Procedure
from beffroi.catalogue.services import catalogue_import
from beffroi.demo.loading import load_services

PILOT_1 = {
    "certificat-de-nationalite", "certificat-de-residence", "composition-de-menage",
    "extrait-de-casier-judiciaire", "copie-acte-de-naissance", "copie-acte-de-mariage",
    "copie-acte-de-deces", "copie-acte-de-divorce",
}  # fmt: skip
TODAY = datetime.date(2026, 3, 5)
SAMPLES: dict[str, Any] = {
    "text": "Exemple",
    "textarea": "DUPONT Léa, 12/03/2015, fille\nDUPONT Marc, 02/01/1980, conjoint",
    "number": "3",
    "date": datetime.date(1985, 7, 30),
    "yesno": True,
    "email": "marie.dupont@example.be",
    "phone": "+3269332211",
    "national_number": "85073003328",
    "enterprise_number": "0123456749",
    "iban": "BE68539007547034",
    "address": {
        "street": "Rue Royale",
        "number": "12",
        "box": "3",
        "postcode": "7500",
        "city": "Tournai",
        "country": "BE",
    },
    "file": [1],
}


@functools.cache
def shipped() -> dict[str, ProcedureData]:
    _, procedures = read_catalogue()
    return {procedure.slug: procedure for procedure in procedures}


def spec_of(slug: str) -> ProcedureDefinition:
    return ProcedureDefinition(shipped()[slug].definition)


def sample_answers(spec: ProcedureDefinition, **overrides: Any) -> dict[str, Any]:
    """Answers a citizen could give: one per shown field, hidden ones dropped."""
    answers: dict[str, Any] = {}
    for field in spec.input_fields():
        kind = field["type"]
        if kind == "choice":
            answers[field["id"]] = field["choices"][0]["value"]
        elif kind == "multichoice":
            answers[field["id"]] = [field["choices"][0]["value"]]
        else:
            answers[field["id"]] = SAMPLES[kind]
    answers.update(overrides)
    for page in spec.pages:
        page_shown = evaluate(page.visible_if, answers, today=TODAY)
        for field in page.fields:
            if field["type"] == "info":
                continue
            if not page_shown or not evaluate(field.get("visible_if"), answers, today=TODAY):
                answers.pop(field["id"], None)
    return answers


def choice_labels(spec: ProcedureDefinition, answers: Mapping[str, Any]) -> dict[str, str]:
    labels = {}
    for field_id, value in answers.items():
        if spec.fields[field_id]["type"] == "choice":
            labels[field_id] = spec.choice_label(field_id, value)
        elif spec.fields[field_id]["type"] == "multichoice":
            labels[field_id] = ", ".join(spec.choice_label(field_id, item) for item in value)
    return labels


def render_document(slug: str, document_id: str, answers: Mapping[str, Any]) -> str:
    spec = spec_of(slug)
    context = {
        "answers": answers,
        "labels": choice_labels(spec, answers),
        "case": {
            "reference": "E-2026-000123",
            "submitted_at": datetime.datetime(2026, 3, 2, 10, 30, tzinfo=datetime.UTC),
            "submitted_on": datetime.date(2026, 3, 2),
            "channel": "en ligne",
            "status": "Document délivré",
        },
        "procedure": {"title": shipped()[slug].title, "slug": slug},
        "service": {"name": "Population", "email": "population@tournai.be", "phone": ""},
        "municipality": {"name": "Ville de Tournai", "short_name": "Tournai"},
        "today": TODAY,
    }
    body = spec.documents[document_id]["body"]
    return str(TEMPLATE_ENGINE.from_string(body).render(Context(context)))


def variants(spec: ProcedureDefinition) -> list[dict[str, Any]]:
    """One set of answers per value of every choice and yes/no question."""
    found: list[dict[str, Any]] = [{}]
    for field in spec.input_fields():
        if field["type"] == "choice":
            found += [{field["id"]: choice["value"]} for choice in field["choices"]]
        elif field["type"] == "yesno":
            found += [{field["id"]: False}]
    return found


def assert_fully_rendered(text: str) -> None:
    assert "{{" not in text
    assert "{%" not in text
    assert "None" not in text


# --- Every procedure ---------------------------------------------------------------


def test_every_shipped_procedure_has_a_form_and_a_workflow() -> None:
    assert len(shipped()) == 25
    for slug in shipped():
        spec = spec_of(slug)
        assert spec.is_fileable, slug
        assert spec.initial_status in spec.statuses, slug
        assert any(spec.is_final(status) for status in spec.statuses), slug


def test_shared_pieces_are_expanded_so_a_version_stands_alone() -> None:
    for slug, procedure in shipped().items():
        workflow = procedure.definition["workflow"]
        assert "use" not in workflow, slug
        for page in procedure.definition["form"]["pages"]:
            assert all("include" not in field for field in page["fields"]), slug


def test_every_status_tells_the_citizen_what_happens_next() -> None:
    for slug in shipped():
        for status_id, status in spec_of(slug).statuses.items():
            where = f"{slug}: {status_id}"
            assert status["label"].strip(), where
            assert status.get("agent_label", "").strip(), where
            assert status.get("next_step", "").strip(), where


def test_every_question_to_the_citizen_times_out_and_carries_the_question() -> None:
    for slug in shipped():
        spec = spec_of(slug)
        for status_id, status in spec.statuses.items():
            if not status.get("waits_for_citizen"):
                continue
            assert status.get("timers"), f"{slug}: {status_id}"
            asking = [t for t in spec.transitions.values() if t["to"] == status_id]
            assert asking, f"{slug}: {status_id}"
            assert all(t["comment"] == "required" for t in asking), f"{slug}: {status_id}"
            assert "{{ comment }}" in spec.emails[status_id]["body"], f"{slug}: {status_id}"


def test_the_important_statuses_have_their_own_email() -> None:
    for slug in shipped():
        spec = spec_of(slug)
        assert spec.initial_status in spec.emails, slug
        for status_id, status in spec.statuses.items():
            issues_a_document = any(
                action["do"] == "generate_document" for action in status.get("on_enter", [])
            )
            if status.get("waits_for_citizen") or issues_a_document:
                assert status_id in spec.emails, f"{slug}: {status_id}"
        finals = [s for s in spec.statuses if spec.is_final(s) and s in spec.emails]
        assert len(finals) >= 2, slug


def test_every_email_greets_the_applicant_and_renders() -> None:
    for slug, procedure in shipped().items():
        spec = spec_of(slug)
        answers = sample_answers(spec)
        for status_id, email in spec.emails.items():
            context = Context(
                {
                    "case": {"reference": "E-2026-000123", "tracking_code": "CNPHNTFB"},
                    "procedure": {"title": procedure.title, "processing_days": 5},
                    "service": {"name": "Population", "phone": "+32 69 33 22 30", "email": ""},
                    "municipality": {"name": "Ville de Tournai"},
                    "status": spec.status_label(status_id),
                    "applicant_name": "Marie Dupont",
                    "tracking_url": "https://example.be/suivi/CNPHNTFB/",
                    "answers": answers,
                    "comment": "Quel est le nom de jeune fille de votre mère ?",
                },
                autoescape=False,
            )
            subject = TEMPLATE_ENGINE.from_string(email["subject"]).render(context)
            body = TEMPLATE_ENGINE.from_string(email["body"]).render(context)
            where = f"{slug}: {status_id}"
            assert "E-2026-000123" in subject + body, where
            assert body.startswith("Bonjour Marie Dupont,"), where
            assert "{{ applicant_name" in email["body"], where
            assert_fully_rendered(subject + body)


def test_procedures_open_without_an_account_map_the_applicant() -> None:
    anonymous = [p for p in shipped().values() if p.anonymous]
    assert len(anonymous) == 9
    for procedure in anonymous:
        spec = spec_of(procedure.slug)
        applicant = spec.options["applicant"]
        types = spec.field_types()
        assert types[applicant["first_name"]] == "text", procedure.slug
        assert types[applicant["last_name"]] == "text", procedure.slug
        assert types[applicant["email"]] == "email", procedure.slug
        if "birth_date" in applicant:
            assert types[applicant["birth_date"]] == "date", procedure.slug
        # Whoever holds the tracking code must also know who filed it.
        assert applicant["last_name"] in spec.tracking_check, procedure.slug
        assert len(spec.tracking_check) >= 2, procedure.slug


def test_every_procedure_describes_its_cases_and_can_be_followed() -> None:
    for slug in shipped():
        spec = spec_of(slug)
        assert spec.options.get("summary_fields"), slug
        assert spec.tracking_check, slug


def test_eid_procedures_are_fully_defined_although_not_yet_fileable_online() -> None:
    for slug in ("changement-adresse", "radiation-pour-etranger"):
        assert shipped()[slug].eid_required
        assert len(spec_of(slug).pages) >= 3


# --- Pilot 1: acts and certificates -------------------------------------------------


@pytest.mark.parametrize("slug", sorted(PILOT_1))
def test_pilot_1_certificate_renders_for_every_answer(slug: str) -> None:
    spec = spec_of(slug)
    assert "certificate" in spec.documents
    delivered = spec.statuses["delivered"]
    assert {"do": "generate_document", "document": "certificate"} in delivered["on_enter"]
    for overrides in variants(spec):
        answers = sample_answers(spec, purpose="dossier de pension", **overrides)
        text = render_document(slug, "certificate", answers)
        assert_fully_rendered(text)
        assert "Ville de Tournai" in text
        assert "5 mars 2026" in text
        assert "dossier de pension" in text


def test_the_nationality_certificate_names_the_child_when_asked_for_a_child() -> None:
    spec = spec_of("certificat-de-nationalite")
    answers = sample_answers(
        spec,
        concerns="child",
        applicant_last_name="Dupont",
        person_last_name="Martin",
        person_first_names="Léa Anne",
        person_national_number="15031200190",
    )
    text = render_document("certificat-de-nationalite", "certificate", answers)
    assert "MARTIN" in text
    assert "Léa Anne" in text
    assert "15.03.12-001.90" in text
    assert "parent de l'enfant" in text
    assert "Le Bourgmestre de la Ville de Tournai certifie" in text


def test_the_residence_certificate_lists_the_address_history_only_when_asked() -> None:
    spec = spec_of("certificat-de-residence")
    history = "Rue de la Tête d'Or 3, 7500 Tournai – du 01/03/2015 au 30/06/2020"
    with_history = sample_answers(spec, with_history=True, address_history=history)
    text = render_document("certificat-de-residence", "certificate", with_history)
    assert "avec historique des adresses" in text
    assert "Rue de la Tête d&#x27;Or 3" in text
    without = sample_answers(spec, with_history=False, address_history=history)
    assert "address_history" not in without
    text = render_document("certificat-de-residence", "certificate", without)
    assert "historique" not in text
    assert "Rue Royale 12 boîte 3, 7500 Tournai" in text


def test_the_household_composition_lists_one_member_per_line() -> None:
    spec = spec_of("composition-de-menage")
    answers = sample_answers(spec, household_members="DUPONT Léa, 12/03/2015, fille\n\n")
    text = render_document("composition-de-menage", "certificate", answers)
    assert re.findall(r"<li>", text) == ["<li>", "<li>"]
    assert "DUPONT Léa, 12/03/2015, fille" in text
    alone = render_document(
        "composition-de-menage", "certificate", sample_answers(spec, household_members="")
    )
    assert "de la seule personne suivante" in alone


def test_the_criminal_record_extract_names_its_model_and_requires_a_purpose() -> None:
    spec = spec_of("extrait-de-casier-judiciaire")
    assert spec.fields["purpose"].get("required", True)
    assert {c["value"] for c in spec.fields["model"]["choices"]} >= {"model_596_1", "model_596_2"}
    text = render_document(
        "extrait-de-casier-judiciaire",
        "certificate",
        sample_answers(spec, model="model_596_2", purpose="animateur en plaine de jeux"),
    )
    assert "Modèle 596.2" in text
    assert "animateur en plaine de jeux" in text


@pytest.mark.parametrize(
    "slug",
    [
        "copie-acte-de-naissance",
        "copie-acte-de-mariage",
        "copie-acte-de-deces",
        "copie-acte-de-divorce",
    ],
)
def test_a_copy_of_an_act_asks_for_proof_only_from_a_stranger(slug: str) -> None:
    spec = spec_of(slug)
    proof = spec.fields["link_proof"]
    assert evaluate(proof["required_if"], {"link": "other"})
    assert not evaluate(proof["required_if"], {"link": "child"})
    assert not evaluate(proof["visible_if"], {"link": "parent"})
    links = {choice["value"] for choice in spec.fields["link"]["choices"]}
    assert {"parent", "child", "legal_representative", "heir", "notary_lawyer", "other"} <= links
    assert {c["value"] for c in spec.fields["copy_type"]["choices"]} == {"extract", "full_copy"}
    assert not evaluate(spec.fields["delivery_address"]["visible_if"], {"delivery": "pdf"})
    full = render_document(slug, "certificate", sample_answers(spec, copy_type="full_copy"))
    assert "Copie intégrale" in full
    extract = render_document(slug, "certificate", sample_answers(spec, copy_type="extract"))
    assert "Extrait" in extract


# --- Broken definitions are refused ---------------------------------------------------


def _copy_catalogue(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(SHIPPED_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_broken_condition_is_refused_naming_the_file_and_the_path(tmp_path: Path) -> None:
    folder = _copy_catalogue(tmp_path)
    _edit(
        folder / "procedures" / "certificat-de-residence.yaml",
        "visible_if: {field: with_history, equals: true}",
        "visible_if: {field: with_histroy, equals: true}",
    )
    with pytest.raises(DefinitionError) as caught:
        read_catalogue(folder)
    assert caught.value.problems == [
        "certificat-de-residence.yaml: form.pages[2].fields[2].visible_if.field: "
        "champ inconnu « with_histroy »"
    ]


def test_a_condition_with_a_bad_operator_in_a_fragment_names_the_including_file(
    tmp_path: Path,
) -> None:
    folder = _copy_catalogue(tmp_path)
    _edit(
        folder / "fragments" / "postal-delivery.yaml",
        "visible_if: {field: delivery, equals: post}",
        "visible_if: {field: delivery, looks_like: post}",
    )
    with pytest.raises(DefinitionError) as caught:
        read_catalogue(folder)
    problems = caught.value.problems
    # The eight pilot-1 procedures include the fragment: each is refused.
    assert {problem.split(":")[0] for problem in problems} == {f"{s}.yaml" for s in PILOT_1}
    pattern = r"[a-z0-9-]+\.yaml: form\.pages\[\d+\]\.fields\[\d+\]\.visible_if: un seul opérateur"
    assert all(re.match(pattern, problem) for problem in problems), problems


def test_an_unknown_shared_workflow_is_refused_naming_the_file(tmp_path: Path) -> None:
    folder = _copy_catalogue(tmp_path)
    _edit(
        folder / "procedures" / "certificat-de-nationalite.yaml",
        "workflow: {use: certificate}",
        "workflow: {use: certificat}",
    )
    with pytest.raises(DefinitionError) as caught:
        read_catalogue(folder)
    assert (
        "certificat-de-nationalite.yaml: workflow.use: circuit partagé inconnu « certificat »"
        in (caught.value.problems)
    )


def test_an_unknown_fragment_is_refused_naming_the_file(tmp_path: Path) -> None:
    folder = _copy_catalogue(tmp_path)
    _edit(
        folder / "procedures" / "creer-evenement.yaml",
        "{include: contact, prefix: applicant_}",
        "{include: contacts, prefix: applicant_}",
    )
    with pytest.raises(DefinitionError) as caught:
        read_catalogue(folder)
    assert caught.value.problems[0] == (
        "creer-evenement.yaml: form.pages[0].fields[0].include: fragment inconnu « contacts »"
    )


# --- Import --------------------------------------------------------------------------


class ShippedCatalogueImportTests(TestCase):
    def test_every_shipped_procedure_gets_a_published_version(self) -> None:
        load_services()
        report = catalogue_import(actor=None)
        assert len(report.versions) == 25
        procedures = Procedure.objects.select_related("current_version")
        assert procedures.count() == 25
        for procedure in procedures:
            version = procedure.current_version
            assert version is not None, procedure.slug
            assert version.number == 1
            assert version.spec.is_fileable, procedure.slug
            assert procedure.can_be_filed_online == (not procedure.requires_eid)
        again = catalogue_import(actor=None)
        assert again.versions == []
