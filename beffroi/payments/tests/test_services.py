"""Starting a payment, applying what the provider says, the case going on."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import CaseEvent
from beffroi.cases.services import case_transition
from beffroi.cases.workflow import TransitionRefused, transitions_waiting
from beffroi.notifications.models import OutgoingEmail
from beffroi.payments.contrib.demo.models import DemoCharge
from beffroi.payments.models import Payment
from beffroi.payments.services import PaymentRefused, payment_start, payment_status_apply
from beffroi.payments.tests.helpers import (
    PaymentTestCase,
    pay_at_provider,
    pin_case,
    start_payment,
)


class StartingAPaymentTests(PaymentTestCase):
    def test_a_pin_request_waits_for_its_payment(self) -> None:
        case = pin_case(self.citizen)
        assert case.status == "awaiting_payment"
        assert case.status_label == "En attente de paiement"

    def test_a_payment_opens_at_the_demo_provider_and_is_journaled(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        assert payment.status == Payment.Status.PENDING
        assert payment.provider == "demo"
        assert payment.municipality_id is not None
        assert payment.checkout_url.endswith(f"/paiements/demo/{payment.provider_reference}/")
        charge = DemoCharge.objects.get(reference=payment.provider_reference)
        assert charge.amount_cents == 200
        assert AuditEvent.objects.filter(
            action="payment.started", object_id=str(payment.pk)
        ).exists()

    def test_the_same_click_twice_is_the_same_payment(self) -> None:
        case = pin_case(self.citizen)
        key = uuid.uuid4()
        first = start_payment(case, self.citizen, key)
        again = start_payment(case, self.citizen, key)
        assert again.pk == first.pk
        assert Payment.objects.count() == 1
        assert DemoCharge.objects.count() == 1

    def test_a_second_tab_finds_the_payment_already_open(self) -> None:
        case = pin_case(self.citizen)
        first = start_payment(case, self.citizen)
        second_tab = start_payment(case, self.citizen)
        assert second_tab.pk == first.pk
        assert Payment.objects.count() == 1

    def test_a_paid_amount_is_never_charged_again(self) -> None:
        case = pin_case(self.citizen)
        pay_at_provider(start_payment(case, self.citizen))
        with pytest.raises(PaymentRefused) as refused:
            start_payment(case, self.citizen)
        assert refused.value.message == "Ce montant est déjà payé."
        assert Payment.objects.count() == 1


class WhatTheProviderSaysTests(PaymentTestCase):
    def test_once_paid_the_case_goes_to_the_service_with_its_history_and_email(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        pay_at_provider(payment)
        payment.refresh_from_db()
        case.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert payment.paid_at is not None
        assert case.status == "submitted"
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PAYMENT).count() == 1
        emails = OutgoingEmail.objects.filter(subject__startswith="Paiement reçu")
        assert [email.to for email in emails] == [self.citizen.email]
        assert AuditEvent.objects.filter(action="payment.paid", object_id=str(payment.pk)).exists()

    def test_the_same_notice_twice_changes_the_payment_once(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        pay_at_provider(payment)
        assert not payment_status_apply(payment_id=payment.pk, status="paid", source="notification")
        assert AuditEvent.objects.filter(action="payment.paid").count() == 1
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PAYMENT).count() == 1

    def test_a_refused_card_leaves_the_case_waiting(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        pay_at_provider(payment, "failed")
        payment.refresh_from_db()
        case.refresh_from_db()
        assert payment.status == Payment.Status.FAILED
        assert case.status == "awaiting_payment"

    def test_a_late_paid_after_failed_is_accepted_and_the_case_goes_on(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        payment_status_apply(payment_id=payment.pk, status="failed", source="notification")
        assert payment_status_apply(payment_id=payment.pk, status="paid", source="notification")
        case.refresh_from_db()
        assert case.status == "submitted"

    def test_a_late_paid_after_expired_is_accepted(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        payment_status_apply(payment_id=payment.pk, status="expired", source="reconciliation")
        assert payment_status_apply(payment_id=payment.pk, status="paid", source="notification")

    def test_paid_is_never_turned_back_into_failed(self) -> None:
        case = pin_case(self.citizen)
        payment = start_payment(case, self.citizen)
        pay_at_provider(payment)
        assert not payment_status_apply(
            payment_id=payment.pk, status="failed", source="notification"
        )
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID

    def test_after_a_failure_the_citizen_may_pay_again(self) -> None:
        case = pin_case(self.citizen)
        pay_at_provider(start_payment(case, self.citizen), "failed")
        second = start_payment(case, self.citizen)
        assert second.status == Payment.Status.PENDING
        assert Payment.objects.count() == 2


class WorkflowGuardTests(PaymentTestCase):
    def test_the_codes_cannot_be_ordered_before_the_payment(self) -> None:
        case = pin_case(self.citizen)
        with pytest.raises(TransitionRefused) as refused:
            case_transition(actor=self.agent, case=case, transition_id="payment_received")
        assert refused.value.message == "Le paiement de 2 € n'est pas encore reçu."
        waiting = {t["id"]: unmet for t, unmet in transitions_waiting(case, self.agent)}
        assert waiting["payment_received"] == "Le paiement de 2 € n'est pas encore reçu."

    def test_the_agent_orders_the_codes_once_paid(self) -> None:
        case = pin_case(self.citizen)
        pay_at_provider(start_payment(case, self.citizen))
        case.refresh_from_db()
        case = case_transition(actor=self.agent, case=case, transition_id="order")
        assert case.status == "ordered"
        # Her first step on the paid request: she handles it from now on.
        assert case.assigned_to == self.agent

    def test_an_unpaid_request_is_cancelled_by_its_timer_after_seven_days(self) -> None:
        case = pin_case(self.citizen)
        timer = case.timers.get(status="awaiting_payment")
        assert timer.transition == "cancel_unpaid"
        assert (timer.due_at - case.submitted_at).days == 7

    def test_a_payment_of_nothing_is_refused(self) -> None:
        case = pin_case(self.citizen)
        with pytest.raises(PaymentRefused):
            payment_start(
                actor=self.citizen,
                case=case,
                amount=Decimal("0"),
                reason="rien",
                idempotency_key=uuid.uuid4(),
            )
