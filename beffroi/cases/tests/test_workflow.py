"""The workflow engine: transitions, who may take them, actions, timers, emails."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case, CaseEvent, CaseTimer, Message
from beffroi.cases.services import (
    StaleCase,
    case_assign,
    case_reply,
    case_timer_fire,
    case_timers_due,
    case_transition,
)
from beffroi.cases.workflow import TransitionRefused, transitions_available
from beffroi.core.workdays import add_working_days
from beffroi.documents.models import IssuedDocument
from beffroi.notifications.models import OutgoingEmail
from beffroi.testing.procedures import FilingTestCase, file_test_case

# A Monday without holidays around it, so working days are easy to count.
MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


class WorkflowTests(FilingTestCase):
    def setUp(self) -> None:
        self.travel = time_machine.travel(MONDAY, tick=False)
        self.traveller = self.travel.start()
        self.case = file_test_case(applicant=self.citizen)

    def tearDown(self) -> None:
        self.travel.stop()

    def test_a_new_case_enters_the_initial_status_with_its_deadline(self) -> None:
        assert self.case.status == "submitted"
        assert self.case.deadline == datetime.date(2026, 3, 9)  # 5 working days
        assert self.case.events.filter(kind=CaseEvent.Kind.SUBMITTED).exists()

    def test_an_agent_of_the_service_takes_a_transition(self) -> None:
        case = case_transition(actor=self.agent, case=self.case, transition_id="take")
        assert case.status == "in_progress"
        event = case.events.filter(kind=CaseEvent.Kind.STATUS).last()
        assert event is not None
        assert (event.from_status, event.to_status, event.actor) == (
            "submitted",
            "in_progress",
            self.agent,
        )
        assert AuditEvent.objects.filter(action="case.transition", object_id=str(case.pk)).exists()

    def test_an_agent_of_another_service_cannot_act(self) -> None:
        with pytest.raises(TransitionRefused):
            case_transition(actor=self.other_agent, case=self.case, transition_id="take")
        assert transitions_available(self.case, self.other_agent) == []

    def test_a_transition_reserved_to_the_head_of_service(self) -> None:
        with pytest.raises(TransitionRefused):
            case_transition(
                actor=self.agent, case=self.case, transition_id="refuse", comment="Non."
            )
        ids = {t["id"] for t in transitions_available(self.case, self.supervisor)}
        assert "refuse" in ids
        case = case_transition(
            actor=self.supervisor,
            case=self.case,
            transition_id="refuse",
            comment="Acte introuvable.",
        )
        assert case.is_closed
        assert transitions_available(case, self.supervisor) == []

    def test_a_required_comment_is_required(self) -> None:
        with pytest.raises(TransitionRefused, match="commentaire"):
            case_transition(actor=self.agent, case=self.case, transition_id="ask", comment="  ")

    def test_a_transition_not_open_from_the_current_status_is_refused(self) -> None:
        with pytest.raises(TransitionRefused):
            case_transition(actor=self.agent, case=self.case, transition_id="deliver")

    def test_every_status_change_emails_the_citizen_after_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            case_transition(actor=self.agent, case=self.case, transition_id="take")
        assert callbacks
        email = mail.outbox[-1]
        assert email.to == [self.citizen.email]
        assert "En cours de traitement" in email.subject
        assert "Le service prépare votre document." in email.body
        html = email.alternatives[0][0]  # type: ignore[attr-defined]
        assert "En cours de traitement" in html
        sent = OutgoingEmail.objects.filter(case=self.case, status=OutgoingEmail.Status.SENT)
        assert sent.count() == 1

    def test_no_email_leaves_before_the_transaction_commits(self) -> None:
        case_transition(actor=self.agent, case=self.case, transition_id="take")
        assert mail.outbox == []
        assert OutgoingEmail.objects.filter(case=self.case, status="queued").exists()

    def test_a_failed_email_is_retried_later(self) -> None:
        from beffroi.notifications.delivery import email_deliver, emails_due

        with (
            self.settings(EMAIL_BACKEND="beffroi.cases.tests.test_workflow.BrokenBackend"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            case_transition(actor=self.agent, case=self.case, transition_id="take")
        email = OutgoingEmail.objects.filter(case=self.case).latest("pk")
        assert email.status == OutgoingEmail.Status.QUEUED
        assert email.attempts == 1
        assert "refused" in email.last_error
        assert email.pk not in emails_due()
        self.traveller.shift(datetime.timedelta(minutes=2))
        assert email.pk in emails_due()
        assert email_deliver(email_id=email.pk)
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.SENT
        assert email_deliver(email_id=email.pk) is False  # idempotent

    def test_asking_for_information_waits_for_the_citizen_then_returns(self) -> None:
        case = case_transition(actor=self.agent, case=self.case, transition_id="take")
        case = case_transition(
            actor=self.agent, case=case, transition_id="ask", comment="Joignez votre livret."
        )
        assert case.status == "information_requested"
        assert case.waits_for_citizen
        assert case.deadline == add_working_days(datetime.date(2026, 3, 9), 10)
        question = Message.objects.get(case=case, is_information_request=True)
        assert question.body == "Joignez votre livret."
        case_reply(
            actor=self.citizen,
            case=case,
            body="Voici mon livret.",
            files=[(b"%PDF-1.4 x", "livret.pdf", "pdf")],
        )
        case.refresh_from_db()
        assert case.status == "in_progress"
        question.refresh_from_db()
        assert question.answered_at is not None
        assert case.attachments.filter(filename="livret.pdf").exists()

    def test_entering_a_final_status_generates_the_document(self) -> None:
        case = case_transition(actor=self.agent, case=self.case, transition_id="take")
        case = case_transition(actor=self.agent, case=case, transition_id="deliver")
        assert case.status == "delivered"
        assert case.closed_at is not None
        document = IssuedDocument.objects.get(case=case)
        assert document.document_id == "certificate"

    def test_two_agents_acting_at_once_one_wins_and_the_other_is_told(self) -> None:
        seen = self.case.lock_version
        case_transition(
            actor=self.agent, case=self.case, transition_id="take", expected_lock_version=seen
        )
        with pytest.raises(StaleCase):
            case_transition(
                actor=self.supervisor,
                case=self.case,
                transition_id="refuse",
                comment="Refus",
                expected_lock_version=seen,
            )
        assert Case.objects.get(pk=self.case.pk).status == "in_progress"
        with pytest.raises(StaleCase):
            case_assign(
                actor=self.supervisor,
                case=self.case,
                agent=self.supervisor,
                expected_lock_version=seen,
            )


class TimerTests(FilingTestCase):
    def test_a_reminder_fires_after_its_working_days(self) -> None:
        with time_machine.travel(MONDAY, tick=False) as traveller:
            case = file_test_case(applicant=self.citizen)
            case = case_transition(actor=self.agent, case=case, transition_id="take")
            timer = CaseTimer.objects.get(case=case, kind=CaseTimer.Kind.REMIND)
            assert timezone.localtime(timer.due_at).date() == datetime.date(2026, 3, 5)
            traveller.move_to(timer.due_at - datetime.timedelta(minutes=1))
            assert case_timers_due() == []
            traveller.move_to(timer.due_at + datetime.timedelta(seconds=30))
            assert case_timers_due() == [timer.pk]
            assert case_timer_fire(timer_id=timer.pk)
            assert case_timer_fire(timer_id=timer.pk) is False  # fired once only
        assert case.events.filter(kind=CaseEvent.Kind.REMINDER).exists()

    def test_an_unanswered_question_closes_the_case_after_its_delay(self) -> None:
        with time_machine.travel(MONDAY, tick=False) as traveller:
            case = file_test_case(applicant=self.citizen)
            case = case_transition(
                actor=self.agent, case=case, transition_id="ask", comment="Une pièce ?"
            )
            timer = CaseTimer.objects.get(case=case, kind=CaseTimer.Kind.TRANSITION)
            traveller.move_to(timer.due_at + datetime.timedelta(seconds=1))
            from beffroi.cases.tasks import fire_due_timers

            fire_due_timers.call()
        case.refresh_from_db()
        assert case.status == "abandoned"
        assert case.is_closed

    def test_leaving_a_status_cancels_its_timers(self) -> None:
        with time_machine.travel(MONDAY, tick=False) as traveller:
            case = file_test_case(applicant=self.citizen)
            case = case_transition(
                actor=self.agent, case=case, transition_id="ask", comment="Une pièce ?"
            )
            case_reply(actor=self.citizen, case=case, body="La voici.")
            timer = CaseTimer.objects.get(case=case, kind=CaseTimer.Kind.TRANSITION)
            assert timer.cancelled_at is not None
            traveller.shift(datetime.timedelta(days=60))
            assert timer.pk not in case_timers_due()
        case.refresh_from_db()
        assert case.status == "submitted"


class BrokenBackend:
    """An email backend whose server refuses everything."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("refused by the server")

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass
