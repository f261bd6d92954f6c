"""« Demander un paiement »: an agent asks for an amount with its reason (the
public-space occupation's « Demander le paiement »), the applicant pays it
from a signed link that works with or without an account, and the case
takes the definition's transition once it is paid."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.utils import timezone

from beffroi.accounts.models import User
from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case
from beffroi.cases.services import case_submit, case_transition
from beffroi.cases.workflow import TransitionRefused
from beffroi.documents.models import IssuedDocument
from beffroi.notifications.models import OutgoingEmail
from beffroi.payments.links import (
    LINK_MAX_AGE,
    LinkRefused,
    amount_due_from_token,
    amount_due_token,
)
from beffroi.payments.models import AmountDue
from beffroi.payments.services import PaymentRefused, payment_request, payment_start
from beffroi.payments.tests.helpers import PaymentTestCase, pay_at_provider, sample_draft
from beffroi.testing.personas import make_user

OCCUPATION = "occupation-espace-public"


def occupation_case(applicant: Any = None, **answers: Any) -> Case:
    """A skip on the sidewalk, 15 m² for 3 days (22,50 €), handled by Mobilité."""
    who = applicant or AnonymousUser()
    start = timezone.localdate() + datetime.timedelta(days=30)
    overrides = {
        "purpose": "skip",
        "occupied_parts": ["sidewalk"],
        "surface": 15,
        "start_date": start.isoformat(),
        "end_date": (start + datetime.timedelta(days=2)).isoformat(),
        "applicant_email": "jean.visiteur@example.org",
        **answers,
    }
    return case_submit(actor=who, draft=sample_draft(OCCUPATION, who, **overrides))


class PaymentRequestTestCase(PaymentTestCase):
    mobility_agent: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.mobility_agent = make_user(
            "marc@tournai.example",
            first_name="Marc",
            last_name="Lenoir",
            services=(("mobilite", "agent"),),
        )

    def case_in_progress(self, applicant: Any = None) -> Case:
        case = occupation_case(applicant)
        return case_transition(actor=self.mobility_agent, case=case, transition_id="take")

    def ask(self, case: Case, amount: str = "22.50", **kwargs: Any) -> AmountDue:
        return payment_request(
            actor=self.mobility_agent,
            case=case,
            transition_id="request_payment",
            amount=Decimal(amount),
            reason=kwargs.pop("reason", "Redevance d'occupation de la voie publique"),
            comment=kwargs.pop("comment", "Votre demande peut être acceptée."),
            **kwargs,
        )


class PaymentRequestServiceTests(PaymentRequestTestCase):
    def test_an_agent_asks_for_an_amount_and_the_case_waits_for_it(self) -> None:
        case = self.case_in_progress()
        amount_due = self.ask(case, "22.50")
        case.refresh_from_db()
        assert case.status == "payment_requested"
        assert amount_due.amount == Decimal("22.50")
        assert amount_due.due_key.startswith("request-")
        assert amount_due.paid_transition == "authorise"
        assert amount_due.requested_by == self.mobility_agent
        event = AuditEvent.objects.get(action="payment.requested")
        assert event.data["case_id"] == case.pk
        assert event.data["amount"] == "22.50"
        assert case.condition_context()["amounts_unpaid"] == 1

    def test_the_email_carries_a_signed_link_to_the_amount(self) -> None:
        amount_due = self.ask(self.case_in_progress())
        email = OutgoingEmail.objects.get(subject__startswith="Paiement demandé")
        assert email.to == "jean.visiteur@example.org"
        assert "22,50\u00a0€" in email.body_text
        assert "Redevance d'occupation de la voie publique" in email.body_text
        assert "Votre demande peut être acceptée." in email.body_text
        link = re.search(r"https?://\S+/paiement/demande/(\S+)/", email.body_text)
        assert link is not None
        assert amount_due_from_token(link.group(1)) == amount_due

    def test_amounts_that_cannot_be_asked_for_are_refused_in_french(self) -> None:
        case = self.case_in_progress()
        for amount, message in (
            ("0", "supérieur à zéro"),
            ("-5", "supérieur à zéro"),
            ("12.345", "au centime près"),
            ("100000.01", "ne peut pas dépasser"),
        ):
            with self.subTest(amount=amount), pytest.raises(PaymentRefused, match=message):
                self.ask(case, amount)
        with pytest.raises(PaymentRefused, match="objet du paiement"):
            self.ask(case, "10.00", reason="   ")
        case.refresh_from_db()
        assert case.status == "in_progress"
        assert not AmountDue.objects.exists()
        assert not AuditEvent.objects.filter(action="payment.requested").exists()

    def test_a_payment_transition_is_refused_without_its_amount(self) -> None:
        case = self.case_in_progress()
        with pytest.raises(TransitionRefused, match="demande un montant"):
            case_transition(
                actor=self.mobility_agent,
                case=case,
                transition_id="request_payment",
                comment="Payez.",
            )

    def test_only_a_payment_transition_asks_for_an_amount(self) -> None:
        case = self.case_in_progress()
        with pytest.raises(PaymentRefused, match="ne demande pas de paiement"):
            payment_request(
                actor=self.mobility_agent,
                case=case,
                transition_id="refuse",
                amount=Decimal("10"),
                reason="Non",
            )

    def test_the_step_that_needs_the_payment_is_refused_until_it_is_paid(self) -> None:
        case = self.case_in_progress()
        self.ask(case)
        case.refresh_from_db()
        with pytest.raises(TransitionRefused, match="pas encore reçu"):
            case_transition(actor=self.mobility_agent, case=case, transition_id="authorise")

    def test_once_paid_the_case_takes_the_definitions_transition(self) -> None:
        case = self.case_in_progress()
        amount_due = self.ask(case)
        payment = payment_start(
            actor=AnonymousUser(),
            case=case,
            amount=amount_due.amount,
            reason=amount_due.reason,
            due_key=amount_due.due_key,
            idempotency_key=uuid.uuid4(),
        )
        pay_at_provider(payment)
        case.refresh_from_db()
        amount_due.refresh_from_db()
        assert amount_due.is_paid
        assert case.status == "authorised"
        assert IssuedDocument.objects.filter(case=case, document_id="permit").exists()
        assert AuditEvent.objects.filter(action="payment.amount_due_paid").count() == 1

    def test_a_second_amount_keeps_the_case_waiting_until_both_are_paid(self) -> None:
        case = self.case_in_progress()
        first = self.ask(case)
        case.refresh_from_db()
        second = AmountDue.objects.create(
            case=case,
            due_key="request-extra",
            amount=Decimal("5"),
            reason="Supplément",
            paid_transition="authorise",
        )
        for amount_due in (first, second):
            pay_at_provider(
                payment_start(
                    actor=AnonymousUser(),
                    case=case,
                    amount=amount_due.amount,
                    reason=amount_due.reason,
                    due_key=amount_due.due_key,
                    idempotency_key=uuid.uuid4(),
                )
            )
            case.refresh_from_db()
            if amount_due == first:
                assert case.status == "payment_requested"
        assert case.status == "authorised"


class PaymentLinkTests(PaymentRequestTestCase):
    def test_a_link_names_its_amount(self) -> None:
        amount_due = self.ask(self.case_in_progress())
        assert amount_due_from_token(amount_due_token(amount_due)) == amount_due

    def test_a_tampered_link_opens_nothing(self) -> None:
        token = amount_due_token(self.ask(self.case_in_progress()))
        for altered in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[5:], "x", ""):
            with self.subTest(altered=altered), pytest.raises(LinkRefused) as refused:
                amount_due_from_token(altered)
            assert not refused.value.expired

    def test_another_cases_amount_cannot_be_reached_by_changing_its_key(self) -> None:
        mine = self.ask(self.case_in_progress())
        other = self.ask(self.case_in_progress())
        token = amount_due_token(mine)
        forged = token.replace(mine.key.hex, other.key.hex)
        with pytest.raises(LinkRefused):
            amount_due_from_token(forged)
        # Signed with another salt (another kind of link of the site): refused too.
        with pytest.raises(LinkRefused):
            amount_due_from_token(signing.TimestampSigner(salt="other").sign(other.key.hex))

    def test_an_expired_link_says_so(self) -> None:
        token = amount_due_token(self.ask(self.case_in_progress()))
        later = datetime.datetime.now(tz=datetime.UTC) + LINK_MAX_AGE + datetime.timedelta(hours=1)
        with time_machine.travel(later), pytest.raises(LinkRefused) as refused:
            amount_due_from_token(token)
        assert refused.value.expired
