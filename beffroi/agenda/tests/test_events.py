"""Events reach the agenda only through an agent's approval."""

from __future__ import annotations

from django.db import transaction

from beffroi.agenda.models import AgendaEvent
from beffroi.agenda.selectors import agenda_events_public, agenda_feed_events
from beffroi.agenda.services import agenda_event_publish, agenda_event_withdraw
from beffroi.agenda.tests.helpers import VENUE, AgendaTestCase, file_case, in_days
from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case, CaseEvent
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import TransitionRefused, run_actions
from beffroi.catalogue.definition import ACTION_CHECKS, ACTIONS, DefinitionContext
from beffroi.catalogue.loader import SHIPPED_DIR, load_yaml, parse_procedure
from beffroi.demo.filing import process_to_an_end

# What the event request's "authorised" status runs (its workflow belongs to
# the events pilot; this is the action it is given).
EVENT_REQUEST_PUBLICATION = {
    "do": "publish_event",
    "when": {"field": "publish_in_agenda", "equals": True},
    "title": "event_name",
    "description": "description",
    "category": "event_type",
    "categories": {
        "neighbourhood_party": "festival",
        "flea_market": "market",
        "concert": "music",
        "sport": "sport",
        "parade": "festival",
        "market": "market",
        "culture": "show",
        "other": "other",
    },
    "starts": "event_start",
    "ends": "event_end",
    "hours": "opening_hours",
    "address": "place_address",
    "address_consent": {"field": "publish_place_address", "equals": True},
    "organiser_name": "org_name",
    "organiser_consent": {
        "all": [
            {"field": "publish_organiser_name", "equals": True},
            {"field": "organiser_type", "equals": "organisation"},
        ]
    },
}


class EventPublicationTests(AgendaTestCase):
    def test_a_filed_event_waits_for_review_and_is_not_public(self):
        case = self.file_event()
        event = AgendaEvent.objects.get(source_case=case)
        assert event.status == AgendaEvent.Status.PENDING
        assert event.published_at is None
        assert not agenda_events_public().exists()
        assert not agenda_feed_events().exists()

    def test_the_agents_approval_publishes_it(self):
        case = self.file_event()
        self.approve(case)
        event = AgendaEvent.objects.get(source_case=case)
        assert event.status == AgendaEvent.Status.PUBLISHED
        assert list(agenda_events_public()) == [event]
        assert not event.all_day  # "de 20 h à 23 h" on one day
        assert event.is_free is False
        assert event.price.startswith("10 €")
        assert event.website == "https://www.harmonie-kain.be"
        assert CaseEvent.objects.filter(
            case=case, text="Événement publié dans l'agenda.", visible_to_citizen=False
        ).exists()

    def test_taking_the_review_step_first_publishes_nothing_yet(self):
        case = case_transition(
            actor=self.communication_agent, case=self.file_event(), transition_id="take"
        )
        assert AgendaEvent.objects.get(source_case=case).status == AgendaEvent.Status.PENDING
        self.approve(case)
        assert agenda_events_public().count() == 1

    def test_a_refused_event_never_appears(self):
        case = self.reject(self.file_event())
        assert AgendaEvent.objects.get(source_case=case).status == AgendaEvent.Status.WITHDRAWN
        assert not agenda_events_public().exists()

    def test_an_event_left_without_correction_never_appears(self):
        case = case_transition(
            actor=self.communication_agent,
            case=self.file_event(),
            transition_id="request_changes",
            comment="L'adresse est incomplète.",
        )
        case = case_transition(actor=None, case=case, transition_id="close_unanswered")
        assert case.status == "abandoned"
        assert AgendaEvent.objects.get(source_case=case).status == AgendaEvent.Status.WITHDRAWN

    def test_a_withdrawn_event_disappears_from_the_agenda_and_the_feed(self):
        case = self.approve(self.file_event())
        event = AgendaEvent.objects.get(source_case=case)
        event = agenda_event_withdraw(actor=self.communication_agent, event=event)
        assert event.status == AgendaEvent.Status.WITHDRAWN
        assert event.sequence == 1
        assert not agenda_events_public().exists()
        assert not agenda_feed_events().exists()
        # Published again (a mistake undone): a new sequence for calendars.
        assert agenda_event_publish(actor=self.communication_agent, event=event).sequence == 2

    def test_every_step_is_journaled_with_ids_only(self):
        case = self.approve(self.file_event())
        event = AgendaEvent.objects.get(source_case=case)
        agenda_event_withdraw(actor=self.communication_agent, event=event)
        rows = AuditEvent.objects.filter(object_type="agenda.agendaevent", object_id=str(event.pk))
        assert list(rows.order_by("id").values_list("action", flat=True)) == [
            "agenda_event.submitted",
            "agenda_event.published",
            "agenda_event.withdrawn",
        ]
        for row in rows:
            assert "Concert" not in str(row.data)
            assert "Kain" not in str(row.data)

    def test_the_organiser_shown_in_the_agenda_is_the_one_the_form_says_is_published(self):
        event = AgendaEvent.objects.get(source_case=self.approve(self.file_event()))
        assert event.public_organiser_name == "Harmonie royale de Kain"
        assert event.public_organiser_contact == "+32 69 00 00 00"
        # The applicant's own details are never part of the event.
        for value in (event.organiser_name, event.organiser_contact, event.description):
            assert "Dubois" not in value
            assert "marie@example.org" not in value


class EventRequestPublicationTests(AgendaTestCase):
    """The event request (pilot 2) publishes its event when authorised, if
    the organiser asked for it."""

    def file_request(self, **answers):
        values = {
            "organiser_type": "organisation",
            "org_name": "Comité des fêtes de Saint-Piat",
            "event_name": "Fête de la rue Saint-Piat",
            "event_type": "neighbourhood_party",
            "description": "Brocante, château gonflable et bal en soirée.",
            "event_start": in_days(60),
            "event_end": in_days(60),
            "opening_hours": "de 14 h à 23 h",
            "place_address": VENUE,
            "onsite_last_name": "Lemaire",
            **answers,
        }
        return file_case("demande-de-manifestation", applicant=self.citizen, **values)

    def authorise(self, case: Case) -> None:
        """What entering "authorised" runs, with the publication action."""
        with transaction.atomic():
            run_actions(case, [EVENT_REQUEST_PUBLICATION], actor=self.agent)

    def test_the_action_fits_the_event_request_definition(self):
        path = SHIPPED_DIR / "procedures" / "demande-de-manifestation.yaml"
        data = load_yaml(path)
        data["workflow"] = {
            "use": data["workflow"]["use"],
            "add_actions": {"authorised": [EVENT_REQUEST_PUBLICATION]},
        }
        procedure = parse_procedure(data, path.name, shared_dir=SHIPPED_DIR)  # raises if wrong
        authorised = next(
            s for s in procedure.definition["workflow"]["statuses"] if s["id"] == "authorised"
        )
        assert EVENT_REQUEST_PUBLICATION in authorised["on_enter"]

    def test_an_authorised_request_is_published_when_the_organiser_said_yes(self):
        case = self.file_request(publish_in_agenda=True, publish_organiser_name=True)
        assert not AgendaEvent.objects.exists()  # nothing before the decision
        self.authorise(case)
        event = AgendaEvent.objects.get(source_case=case)
        assert event.status == AgendaEvent.Status.PUBLISHED
        assert event.category == "festival"
        assert not event.all_day
        assert event.public_organiser_name == "Comité des fêtes de Saint-Piat"
        assert event.public_organiser_contact == ""
        for value in (event.title, event.description, event.organiser_name, event.place_name):
            assert "Dubois" not in value
            assert "Lemaire" not in value

    def test_an_authorised_request_stays_out_of_the_agenda_when_the_organiser_said_no(self):
        case = self.file_request(publish_in_agenda=False)
        self.authorise(case)
        assert not AgendaEvent.objects.exists()
        assert CaseEvent.objects.filter(
            case=case, text__startswith="Le demandeur n'a pas demandé"
        ).exists()

    def test_the_organisers_name_is_hidden_unless_they_agreed(self):
        case = self.file_request(publish_in_agenda=True, publish_organiser_name=False)
        self.authorise(case)
        event = AgendaEvent.objects.get(source_case=case)
        assert event.is_public
        assert event.organiser_name == "Comité des fêtes de Saint-Piat"
        assert event.public_organiser_name == ""

    def test_a_private_persons_name_and_home_address_are_never_published_by_default(self):
        case = self.file_request(
            organiser_type="person",
            org_name="",
            publish_in_agenda=True,
            publish_organiser_name=True,  # asked, but a private person has no public name
        )
        self.authorise(case)
        event = AgendaEvent.objects.get(source_case=case)
        assert event.public_organiser_name == ""
        assert set(event.address) <= {"postcode", "city", "country"}
        assert VENUE["city"] in event.location_text
        assert VENUE["street"] not in event.location_text

    def test_the_exact_address_is_published_when_the_organiser_agreed(self):
        case = self.file_request(publish_in_agenda=True, publish_place_address=True)
        self.authorise(case)
        event = AgendaEvent.objects.get(source_case=case)
        assert VENUE["street"] in event.location_text

    def test_publishing_without_a_proposed_event_is_refused_with_a_reason(self):
        case = self.file_request(publish_in_agenda=True)
        with (
            self.assertRaisesMessage(TransitionRefused, "Aucun événement"),
            transaction.atomic(),
        ):
            run_actions(case, [{"do": "publish_event"}], actor=self.agent)


class ShippedDefinitionsTests(AgendaTestCase):
    def test_the_review_procedures_publish_through_the_agenda_actions(self):
        for slug, approved, pending in (
            ("creer-evenement", "publish_event", "submit_event"),
            ("page-commerce", "publish_directory_entry", "propose_directory_entry"),
            ("gerer-page-commerce", "publish_directory_entry", "propose_directory_change"),
        ):
            path = SHIPPED_DIR / "procedures" / f"{slug}.yaml"
            spec = parse_procedure(load_yaml(path), path.name, shared_dir=SHIPPED_DIR)
            statuses = {s["id"]: s for s in spec.definition["workflow"]["statuses"]}
            actions = [a["do"] for a in statuses["approved"].get("on_enter", [])]
            assert approved in actions, slug
            assert pending in [a["do"] for a in statuses["submitted"].get("on_enter", [])]
            assert "final" in statuses["rejected"]

    def test_every_sample_request_goes_to_an_end_without_error(self):
        for slug in ("creer-evenement", "page-commerce"):
            case = file_case(slug, applicant=self.citizen)
            agent = self.communication_agent if slug == "creer-evenement" else self.economy_agent
            case = process_to_an_end(case, agent=agent, roles={"agent"})
            assert case.is_closed, slug

    def test_the_definition_check_knows_the_actions(self):
        context = DefinitionContext(fields={}, documents=set())
        for name in (
            "submit_event",
            "publish_event",
            "withdraw_event",
            "propose_directory_entry",
            "propose_directory_change",
            "publish_directory_entry",
            "reject_directory_entry",
        ):
            assert name in ACTIONS
            assert name in ACTION_CHECKS
        assert ACTION_CHECKS["withdraw_event"]({"do": "withdraw_event"}, context) == []
