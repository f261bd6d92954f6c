"""Reading CODA files: a bank's real-shaped statement, ours, and files that are not whole."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from beffroi.payments.contrib.transfer.coda import CodaInvalid, coda_parse
from beffroi.payments.contrib.transfer.coda_sample import SampleCredit, coda_sample

# A statement as a Belgian bank sends it (the febelfin-coda package's example, BSD-3-Clause).
BANK_STATEMENT = Path(__file__).with_name("bank-statement.cod")


def test_a_banks_statement_gives_its_credits_only() -> None:
    (statement,) = coda_parse(BANK_STATEMENT.read_bytes())
    assert statement.account == "435000000080"
    assert statement.date == datetime.date(2006, 12, 7)
    assert all(credit.amount > 0 for credit in statement.credits)
    second = statement.credits[1]
    assert second.amount == Decimal("1075.00")
    assert second.counterparty_name == "Olgerdin Egill Skallagrims"
    assert second.communication == "/INV/2061260"
    assert len({credit.line_key for credit in statement.credits}) == len(statement.credits)


def test_a_structured_communication_is_read_from_type_101_or_from_free_text() -> None:
    content = coda_sample(
        [
            SampleCredit(Decimal("2.00"), structured="123456789002"),
            SampleCredit(Decimal("5.00"), free_text="PIN +++123/4567/89002+++"),
            SampleCredit(Decimal("7.00"), free_text="facture 42"),
        ]
    )
    (statement,) = coda_parse(content)
    assert [c.structured for c in statement.credits] == ["123456789002", "123456789002", ""]
    assert statement.credits[0].counterparty_name == "DUBOIS MARIE"
    assert statement.account == "BE68539007547034"


def reason(content: bytes) -> str:
    with pytest.raises(CodaInvalid) as error:
        coda_parse(content)
    return error.value.message


def test_a_file_that_is_not_coda_is_refused_in_french() -> None:
    assert "n'est pas un extrait CODA" in reason(b"Date;Montant\n2026-12-01;2,00\n")
    assert "binaire" in reason(b"%PDF-1.7\x00\x01\x02")


def test_a_truncated_file_is_refused() -> None:
    lines = coda_sample([SampleCredit(Decimal("2.00"), structured="123456789002")]).splitlines()
    assert "incomplet" in reason(b"\r\n".join(lines[:-1]))
    # The trailer is there but a movement is missing: its count and totals do not add up.
    assert "incomplet" in reason(b"\r\n".join([*lines[:2], *lines[5:]]))


def test_a_file_in_another_encoding_is_refused() -> None:
    content = coda_sample([SampleCredit(Decimal("2.00"), name="DUBOIS MARIE")])
    assert "binaire" in reason(content.decode("cp1252").encode("utf-16"))


def test_a_record_too_long_is_refused() -> None:
    lines = coda_sample([SampleCredit(Decimal("2.00"))]).splitlines()
    lines[2] = lines[2] + b"X"
    assert "ligne 3" in reason(b"\r\n".join(lines))
