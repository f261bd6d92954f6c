"""Every write of bank transfers: importing a CODA statement, matching a
credit to a payment by hand, setting a credit aside as not the city's.

A matched credit settles its payment through the same service as a
provider's notification (``payment_notification_receive``): the payment's
status is read from this provider (``plugin.fetch_status``), which answers
« paid » once a credit is matched to it. An import is one transaction: a
file that cannot be read, or a failure half-way, leaves nothing behind; the
same file twice, or a line seen in an earlier file, settles nothing twice.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor, actor_user
from beffroi.accounts.models import User
from beffroi.audit.services import audit_event_record
from beffroi.core.jobs import enqueue_on_commit
from beffroi.payments.contrib.transfer.coda import CodaInvalid, Credit, coda_parse
from beffroi.payments.contrib.transfer.models import MATCHED, BankCredit, CodaImport
from beffroi.payments.contrib.transfer.plugin import NAME
from beffroi.payments.contrib.transfer.tasks import transfers_settle
from beffroi.payments.finance import is_finance_agent
from beffroi.payments.models import Payment
from beffroi.payments.services import payment_notification_receive

# Payments settled by one job (a statement of a busy month has thousands).
SETTLE_BATCH = 200

__all__ = ["CodaInvalid", "CodaRefused", "bank_credit_dismiss", "bank_credit_match", "coda_import"]


class CodaRefused(Exception):
    """An import or a match that cannot be done; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _finance_agent(actor: Actor) -> User:
    agent = actor_user(actor)
    if agent is None or not is_finance_agent(agent):
        raise CodaRefused(_("Seuls les agents du service des finances peuvent faire ceci."))
    return agent


def _check_file(content: bytes) -> str:
    if not content:
        raise CodaRefused(_("Ce fichier est vide."))
    if len(content) > settings.PAYMENT_CODA_MAX_MB * 1024 * 1024:
        raise CodaRefused(
            _("Ce fichier dépasse %(mb)d Mo : importez les extraits en plusieurs fichiers.")
            % {"mb": settings.PAYMENT_CODA_MAX_MB}
        )
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = CodaImport.objects.of_current_municipality().filter(sha256=sha256).first()
    if earlier is not None:
        raise CodaRefused(
            _("Ce fichier a déjà été importé le %(date)s : rien n'a été réglé une seconde fois.")
            % {"date": date_format(timezone.localtime(earlier.imported_at), "j F Y à H:i")}
        )
    return sha256


def _unmatched_transfers() -> QuerySet[Payment]:
    """Open transfers no credit pays yet (a matched one is settled by its job)."""
    matched = BankCredit.objects.filter(status__in=MATCHED, payment__isnull=False)
    return (
        Payment.objects.of_current_municipality()
        .open()
        .filter(provider=NAME)
        .exclude(pk__in=matched.values("payment_id"))
    )


def _open_transfers(structured: set[str]) -> dict[str, Payment]:
    payments = _unmatched_transfers().filter(provider_reference__in=structured)
    return {payment.provider_reference: payment for payment in payments}


def _recorded(coda_import: CodaImport, rows: list[BankCredit]) -> None:
    """The import and its credits, or a French refusal when another import
    of the same lines committed first."""
    try:
        with transaction.atomic():
            coda_import.save()
            BankCredit.objects.bulk_create(rows, batch_size=500)
    except IntegrityError:
        raise CodaRefused(
            _("Ces extraits viennent d'être importés par ailleurs : rechargez la page.")
        ) from None


def _credit_row(credit: Credit, coda_import: CodaImport, payment: Payment | None) -> BankCredit:
    return BankCredit(
        coda_import=coda_import,
        line_key=credit.line_key,
        bank_reference=credit.bank_reference,
        amount=credit.amount,
        value_date=credit.value_date,
        communication=credit.communication,
        structured=credit.structured,
        counterparty_name=credit.counterparty_name,
        counterparty_account=credit.counterparty_account,
        status=BankCredit.Status.TO_MATCH if payment is None else BankCredit.Status.SETTLED,
        payment=payment,
    )


@transaction.atomic
def coda_import(*, actor: Actor, filename: str, content: bytes) -> CodaImport:
    """Import a CODA file: credits whose structured communication and amount
    are an open transfer's settle it (a job queued on commit, through the
    notification service); the others wait in the list to match.

    Raises ``CodaRefused`` (not a finance agent, empty, too large, already
    imported) or ``CodaInvalid`` (not a whole CODA file), with nothing kept.
    """
    agent = _finance_agent(actor)
    sha256 = _check_file(content)
    statements = coda_parse(content)
    credits = [credit for statement in statements for credit in statement.credits]
    known = set(
        BankCredit.objects.of_current_municipality()
        .filter(line_key__in=[c.line_key for c in credits])
        .values_list("line_key", flat=True)
    )
    new = [credit for credit in credits if credit.line_key not in known]
    payments = _open_transfers({c.structured for c in new if c.structured})
    coda_import = CodaImport(
        filename=filename[:200],
        sha256=sha256,
        account=statements[0].account[:40],
        statement_date=statements[-1].date,
        imported_by=agent,
    )
    rows: list[BankCredit] = []
    for credit in new:
        # Settled: the same communication and the same amount, once. A wrong
        # amount or a second transfer of the same payment waits for an agent.
        payment = payments.get(credit.structured) if credit.structured else None
        if payment is not None and payment.amount == credit.amount:
            del payments[credit.structured]
        else:
            payment = None
        rows.append(_credit_row(credit, coda_import, payment))
    settled = [row.payment.pk for row in rows if row.payment is not None]
    coda_import.credits_count = len(rows)
    coda_import.settled_count = len(settled)
    coda_import.to_match_count = len(rows) - len(settled)
    _recorded(coda_import, rows)
    for start in range(0, len(settled), SETTLE_BATCH):
        enqueue_on_commit(transfers_settle, payment_ids=settled[start : start + SETTLE_BATCH])
    audit_event_record(
        actor=agent,
        action="payment.coda_imported",
        target=coda_import,
        data={
            "credits": len(rows),
            "settled": len(settled),
            "already_known": len(credits) - len(new),
        },
    )
    return coda_import


def _payment_for(reference: str) -> Payment:
    """The open transfer an agent names: its structured communication or its case's reference."""
    text = reference.strip()
    digits = "".join(char for char in text if char.isdigit())
    payment = (
        _unmatched_transfers()
        .filter(Q(provider_reference=digits) | Q(case__reference__iexact=text))
        .select_related("case")
        .first()
        if text
        else None
    )
    if payment is None:
        raise CodaRefused(
            _(
                "Aucun virement en attente ne porte cette communication ou cette référence "
                "de demande."
            )
        )
    return payment


def _credit_to_match(credit_id: int) -> BankCredit:
    credit = (
        BankCredit.objects.of_current_municipality()
        .select_for_update()
        .filter(pk=credit_id)
        .first()
    )
    if credit is None or credit.status != BankCredit.Status.TO_MATCH:
        raise CodaRefused(_("Ce crédit a déjà été traité."))
    return credit


@transaction.atomic
def bank_credit_match(*, actor: Actor, credit_id: int, reference: str) -> Payment:
    """An agent says which open transfer a credit pays; it is settled at once."""
    agent = _finance_agent(actor)
    credit = _credit_to_match(credit_id)
    payment = _payment_for(reference)
    credit.status = BankCredit.Status.MATCHED
    credit.payment = payment
    credit.matched_by = agent
    credit.matched_at = timezone.now()
    credit.save(update_fields=["status", "payment", "matched_by", "matched_at"])
    audit_event_record(
        actor=agent,
        action="payment.credit_matched",
        target=credit,
        data={
            "payment_id": payment.pk,
            "amount": str(credit.amount),
            "due": str(payment.amount),
            "same_amount": credit.amount == payment.amount,
        },
    )
    payment_notification_receive(provider_name=NAME, reference=payment.provider_reference)
    return payment


@transaction.atomic
def bank_credit_dismiss(*, actor: Actor, credit_id: int, note: str) -> BankCredit:
    """An agent sets a credit aside: not a payment of Beffroi's (with why)."""
    agent = _finance_agent(actor)
    if not note.strip():
        raise CodaRefused(_("Indiquez pourquoi ce crédit ne concerne aucun paiement."))
    credit = _credit_to_match(credit_id)
    credit.status = BankCredit.Status.NOT_OURS
    credit.note = note.strip()[:300]
    credit.matched_by = agent
    credit.matched_at = timezone.now()
    credit.save(update_fields=["status", "note", "matched_by", "matched_at"])
    audit_event_record(actor=agent, action="payment.credit_dismissed", target=credit)
    return credit
