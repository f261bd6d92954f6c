"""Importing the bank's CODA statements: transfers settled, the rest to match by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Case
from beffroi.payments.contrib.transfer.coda_sample import SampleCredit, coda_sample
from beffroi.payments.contrib.transfer.models import BankCredit, CodaImport
from beffroi.payments.contrib.transfer.services import (
    CodaRefused,
    bank_credit_dismiss,
    bank_credit_match,
    coda_import,
)
from beffroi.payments.contrib.transfer.tasks import settle_matched_transfers
from beffroi.payments.contrib.transfer.tests.helpers import (
    TransferTestCase,
    start_transfer,
    statement_paying,
)
from beffroi.payments.models import Payment
from beffroi.payments.selectors import payments_to_reconcile
from beffroi.payments.services import RefundRefused, payment_refund
from beffroi.payments.tests.helpers import pin_case

STRANGER = SampleCredit(Decimal("150.00"), free_text="LOYER NOVEMBRE", name="SA IMMO")


class CodaImportTests(TransferTestCase):
    def test_a_credit_with_the_communication_and_the_amount_settles_the_payment(self) -> None:
        case = pin_case(self.citizen)
        payment = start_transfer(case, self.citizen)
        done = self.import_file(statement_paying(payment, extra=[STRANGER]))
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert (done.credits_count, done.settled_count, done.to_match_count) == (2, 1, 1)
        case.refresh_from_db()
        assert case.status == "submitted"  # the request goes on to its service
        assert AuditEvent.objects.filter(action="payment.paid", object_id=str(payment.pk)).exists()
        assert AuditEvent.objects.filter(action="payment.coda_imported").count() == 1

    def test_the_same_file_twice_settles_nothing_twice(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        content = statement_paying(payment)
        self.import_file(content)
        with pytest.raises(CodaRefused, match="déjà été importé"):
            self.import_file(content)
        assert AuditEvent.objects.filter(action="payment.paid").count() == 1
        assert BankCredit.objects.count() == 1

    def test_a_line_seen_in_an_earlier_file_is_not_counted_again(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        self.import_file(statement_paying(payment))
        # The bank sends the same statement again, with a duplicate mark in the header.
        again = statement_paying(payment).replace(b"05        BEFFROI", b"05 D      BEFFROI", 1)
        done = self.import_file(again, "extrait-duplicata.cod")
        assert done.credits_count == 0
        assert AuditEvent.objects.filter(action="payment.paid").count() == 1

    def test_a_wrong_amount_waits_for_an_agent(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        short = SampleCredit(Decimal("1.50"), structured=payment.provider_reference)
        done = self.import_file(coda_sample([short]))
        assert done.to_match_count == 1
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING

    def test_an_agent_matches_a_credit_by_the_cases_reference(self) -> None:
        case = pin_case(self.citizen)
        payment = start_transfer(case, self.citizen)
        self.import_file(coda_sample([SampleCredit(Decimal("2.00"), free_text="code pin")]))
        credit = BankCredit.objects.get()
        bank_credit_match(actor=self.finance_agent, credit_id=credit.pk, reference=case.reference)
        payment.refresh_from_db()
        credit.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert (credit.status, credit.payment_id) == (BankCredit.Status.MATCHED, payment.pk)
        assert Case.objects.get(pk=case.pk).status == "submitted"
        with pytest.raises(CodaRefused, match="déjà été traité"):
            bank_credit_match(
                actor=self.finance_agent, credit_id=credit.pk, reference=case.reference
            )

    def test_an_agent_sets_aside_a_credit_that_is_not_ours(self) -> None:
        self.import_file(coda_sample([STRANGER]))
        credit = BankCredit.objects.get()
        with pytest.raises(CodaRefused, match="Indiquez pourquoi"):
            bank_credit_dismiss(actor=self.finance_agent, credit_id=credit.pk, note=" ")
        bank_credit_dismiss(actor=self.finance_agent, credit_id=credit.pk, note="Loyer")
        credit.refresh_from_db()
        assert credit.status == BankCredit.Status.NOT_OURS

    def test_a_plain_agent_cannot_import(self) -> None:
        with pytest.raises(CodaRefused, match="service des finances"):
            coda_import(actor=self.agent, filename="x.cod", content=coda_sample([STRANGER]))
        assert CodaImport.objects.count() == 0

    def test_a_file_that_fails_half_way_leaves_nothing(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        lines = statement_paying(payment, extra=[STRANGER]).splitlines()
        with pytest.raises(Exception, match="incomplet"):
            self.import_file(b"\r\n".join(lines[:-1]))
        assert (CodaImport.objects.count(), BankCredit.objects.count()) == (0, 0)
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING


class CodaScreensTests(TransferTestCase):
    def upload(self, content: bytes, name: str = "extrait.cod") -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                reverse("backoffice:coda_upload"),
                {"coda_file": SimpleUploadedFile(name, content)},
            )

    def test_the_finance_agent_imports_a_statement_from_the_back_office(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        self.client.force_login(self.finance_agent)
        response = self.upload(statement_paying(payment, extra=[STRANGER]))
        assert response.status_code == 302
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        page = self.client.get(reverse("backoffice:finance_credits")).content.decode()
        assert "LOYER NOVEMBRE" in page
        assert "1 crédit(s) à rapprocher" not in page

    def test_bad_files_get_a_french_message_never_a_server_error(self) -> None:
        self.client.force_login(self.finance_agent)
        for content, message in [
            (b"Date;Montant\n", "pas un extrait CODA"),
            (b"\x89PNG\r\n\x1a\n\x00\x00", "binaire"),
            (b"", "Ce fichier est vide"),
        ]:
            response = self.upload(content)
            assert response.status_code == 400, message
            assert message in response.content.decode()
        with self.settings(PAYMENT_CODA_MAX_MB=0):
            response = self.upload(coda_sample([STRANGER]))
            assert "dépasse" in response.content.decode()

    def test_a_plain_agent_and_a_citizen_cannot_open_the_finance_screens(self) -> None:
        for user in (self.agent, self.supervisor, self.citizen):
            self.client.force_login(user)
            assert self.client.get(reverse("backoffice:finance_home")).status_code == 403
            assert self.upload(coda_sample([STRANGER])).status_code == 403
        assert CodaImport.objects.count() == 0

    def test_manual_matching_from_the_list_keeps_what_was_typed_on_a_mistake(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        self.import_file(coda_sample([SampleCredit(Decimal("2.00"), free_text="pin")]))
        credit = BankCredit.objects.get()
        self.client.force_login(self.finance_agent)
        url = reverse("backoffice:finance_credit_match", args=[credit.pk])
        wrong = self.client.post(url, {"reference": "2026-PIN-9999"})
        assert wrong.status_code == 400
        assert "Aucun virement en attente" in wrong.content.decode()
        assert 'value="2026-PIN-9999"' in wrong.content.decode()
        right = self.client.post(url, {"reference": payment.provider_reference}, follow=True)
        assert "Crédit rapproché" in right.content.decode()
        assert "diffère" not in right.content.decode()
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID

    def test_the_list_to_match_costs_the_same_queries_however_long(self) -> None:
        credits = [SampleCredit(Decimal(f"{n}.00"), free_text=f"divers {n}") for n in range(1, 4)]
        self.import_file(coda_sample(credits), "a.cod")
        self.client.force_login(self.finance_agent)
        url = reverse("backoffice:finance_credits")
        self.client.get(url)
        with self.assertNumQueries(5):
            self.client.get(url)
        more = [SampleCredit(Decimal(f"{n}.00"), free_text=f"autre {n}") for n in range(1, 9)]
        self.import_file(coda_sample(more, sequence=2), "b.cod")
        with self.assertNumQueries(5):
            self.client.get(url)


class SettlingJobTests(TransferTestCase):
    def test_a_matched_credit_whose_job_was_lost_is_settled_by_the_periodic_job(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        coda_import(actor=self.finance_agent, filename="x.cod", content=statement_paying(payment))
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PENDING  # its job never ran (no commit)
        settle_matched_transfers.call()
        settle_matched_transfers.call()  # twice: nothing more
        payment.refresh_from_db()
        assert payment.status == Payment.Status.PAID
        assert AuditEvent.objects.filter(action="payment.paid").count() == 1

    def test_open_transfers_are_left_out_of_the_providers_reconciliation(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        later = timezone.now() + datetime.timedelta(days=3)
        assert payment.pk not in payments_to_reconcile(now=later)

    def test_a_payment_matched_but_not_settled_yet_is_not_matched_twice(self) -> None:
        case = pin_case(self.citizen)
        payment = start_transfer(case, self.citizen)
        coda_import(actor=self.finance_agent, filename="x.cod", content=statement_paying(payment))
        again = coda_sample(
            [SampleCredit(payment.amount, structured=payment.provider_reference)], sequence=2
        )
        done = coda_import(actor=self.finance_agent, filename="y.cod", content=again)
        assert (done.settled_count, done.to_match_count) == (0, 1)
        second = BankCredit.objects.get(status=BankCredit.Status.TO_MATCH)
        with pytest.raises(CodaRefused, match="Aucun virement en attente"):
            bank_credit_match(
                actor=self.finance_agent, credit_id=second.pk, reference=case.reference
            )

    def test_a_transfer_is_refunded_from_the_bank_not_from_beffroi(self) -> None:
        payment = start_transfer(pin_case(self.citizen), self.citizen)
        self.import_file(statement_paying(payment))
        payment.refresh_from_db()
        with pytest.raises(RefundRefused, match="virement du service des finances"):
            payment_refund(
                actor=self.supervisor, payment=payment, amount=Decimal("2.00"), reason="Erreur"
            )
