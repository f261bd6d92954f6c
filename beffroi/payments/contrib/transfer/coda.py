"""Reading a CODA statement file (Febelfin's format, version 2) with the
``febelfin-coda`` package: the credits on the city's account.

Whatever is wrong with the file (not CODA, cut short, another encoding, too
large) raises ``CodaInvalid`` with a message for the agent, in French;
nothing is read from a file that is not whole (the trailer's record count
and totals are checked).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import coda
from django.utils.translation import gettext as _

from beffroi.payments.contrib.transfer.structured import structured_in_text, structured_valid

RECORD_LENGTH = 128
# Structured Belgian communication (type 101) in a movement record.
STRUCTURED_TYPE = "101"
CREDIT_TYPES = {"0", "1", "2", "3"}
# What the package may raise on a malformed record: its own checks are assertions.
PARSE_ERRORS = (
    ValueError,
    ArithmeticError,
    AssertionError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
)


class CodaInvalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Credit:
    line_key: str
    bank_reference: str
    amount: Decimal
    value_date: datetime.date | None
    communication: str
    structured: str
    counterparty_name: str
    counterparty_account: str


@dataclass(frozen=True)
class Statement:
    account: str
    date: datetime.date | None
    credits: list[Credit]


def coda_text(content: bytes) -> str:
    """The file's text: UTF-8 or Windows-1252 (Belgian banks use both)."""
    if b"\x00" in content:
        raise CodaInvalid(_("Ce fichier n'est pas un extrait CODA (c'est un fichier binaire)."))
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise CodaInvalid(
            _("L'encodage de ce fichier n'est pas reconnu : demandez à la banque un extrait CODA.")
        ) from None


def coda_records(text: str) -> list[str]:
    """The file's records, each 128 characters; refused if it is not CODA."""
    lines = [line.rstrip("\r\n") for line in text.splitlines() if line.strip()]
    if not lines or not lines[0].startswith("0"):
        raise CodaInvalid(
            _("Ce fichier n'est pas un extrait CODA : il doit commencer par un enregistrement 0.")
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > RECORD_LENGTH or line[0] not in "0123489":
            raise CodaInvalid(
                _("Ce fichier n'est pas un extrait CODA valide (ligne %(number)d).")
                % {"number": number}
            )
    if not lines[-1].startswith("9"):
        raise CodaInvalid(
            _("Ce fichier CODA est incomplet : il manque sa dernière ligne (enregistrement 9).")
        )
    return [line.ljust(RECORD_LENGTH) for line in lines]


def _structured(move: coda.Move) -> str:
    if move.communication_type == STRUCTURED_TYPE:
        digits = str(move.communication or "")
        return digits if structured_valid(digits) else ""
    return structured_in_text(str(move.communication or ""))


def _credit(account: str, statement: coda.Statement, move: coda.Move) -> Credit:
    # Statement numbers start again each year: the statement's date tells them apart.
    day = statement.new_balance_date.isoformat() if statement.new_balance_date else ""
    number = f"{statement.new_sequence}/{move.sequence}/{move.detail_sequence}"
    return Credit(
        line_key=f"{account}/{day}/{number}",
        bank_reference=str(move.bank_reference or "").strip()[:40],
        amount=Decimal(move.amount).quantize(Decimal("0.01")),
        value_date=move.value_date,
        communication=" ".join(str(move.communication or "").split())[:200],
        structured=_structured(move),
        counterparty_name=str(move.counterparty_name or "").strip()[:100],
        counterparty_account=str(move.counterparty_account or "").strip()[:40],
    )


def coda_parse(content: bytes) -> list[Statement]:
    """The statements of a CODA file, with their credits."""
    records = coda_records(coda_text(content))
    try:
        parsed = coda.CODA(io.StringIO("\n".join(records) + "\n"))
        statements = []
        for statement in parsed.statements:
            account = str(statement.account)
            credits = [
                _credit(account, statement, move)
                for move in statement.moves
                if move.amount > 0 and move.transaction_type in CREDIT_TYPES
            ]
            statements.append(Statement(account, statement.new_balance_date, credits))
    except PARSE_ERRORS:
        raise CodaInvalid(
            _("Ce fichier CODA est illisible ou incomplet : aucun paiement n'a été importé.")
        ) from None
    if not statements:
        raise CodaInvalid(_("Ce fichier CODA ne contient aucun extrait."))
    return statements
