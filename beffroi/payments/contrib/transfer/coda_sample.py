"""CODA files written the way Belgian banks write them (version 2), for the
tests, the benchmark and the demo: a statement of credits on the city's account."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

RECORD_LENGTH = 128


@dataclass(frozen=True)
class SampleCredit:
    amount: Decimal
    structured: str = ""  # 12 digits: a structured communication (type 101)
    free_text: str = ""
    name: str = "DUBOIS MARIE"
    account: str = "BE71096123456769"


class _Record:
    def __init__(self, kind: str) -> None:
        self.chars = [" "] * RECORD_LENGTH
        self.put(0, kind)

    def put(self, start: int, text: str) -> _Record:
        for offset, char in enumerate(text):
            self.chars[start + offset] = char
        return self

    def text(self) -> str:
        return "".join(self.chars)


def _date(day: datetime.date) -> str:
    return day.strftime("%d%m%y")


def _amount(amount: Decimal, width: int = 15) -> str:
    return f"{int(abs(amount) * 1000):0{width}d}"


def _movement(sequence: int, credit: SampleCredit, day: datetime.date) -> list[str]:
    seq = f"{sequence:04d}0000"
    # "1" and type 101: a structured communication; "0": free text.
    structured = "1101" + credit.structured
    communication = structured if credit.structured else "0" + credit.free_text[:53]
    first = _Record("21").put(2, seq).put(10, f"BREF{sequence:017d}"[:21])
    first.put(31, "0" + _amount(credit.amount)).put(47, _date(day)).put(53, "00150000")
    first.put(61, communication[:54]).put(115, _date(day)).put(121, "001").put(124, "0")
    first.put(125, "1").put(127, "0")
    second = _Record("22").put(2, seq).put(98, "GEBABEBB").put(125, "1").put(127, "0")
    third = _Record("23").put(2, seq).put(10, credit.account[:37]).put(47, credit.name[:35])
    third.put(125, "0").put(127, "0")
    return [first.text(), second.text(), third.text()]


def coda_sample(
    credits: list[SampleCredit],
    *,
    iban: str = "BE68539007547034",
    day: datetime.date = datetime.date(2026, 12, 3),
    sequence: int = 1,
    old_balance: Decimal = Decimal("1000.00"),
) -> bytes:
    """One statement of ``credits`` on account ``iban``, as a CODA file."""
    account = iban.ljust(34) + "EUR"
    total = sum((c.amount for c in credits), Decimal("0"))
    header = _Record("0").put(1, "0000").put(5, _date(day)).put(11, "300").put(14, "05")
    header.put(24, "BEFFROI   ").put(34, "VILLE DE TOURNAI").put(60, "GEBABEBB")
    header.put(71, "00000000000").put(83, "00000").put(127, "2")
    old = _Record("1").put(1, "2").put(2, f"{sequence:03d}").put(5, account)
    old.put(42, "0" + _amount(old_balance)).put(58, _date(day - datetime.timedelta(days=1)))
    old.put(64, "VILLE DE TOURNAI").put(90, "Compte recettes").put(125, f"{sequence:03d}")
    movements = [
        line for number, c in enumerate(credits, start=1) for line in _movement(number, c, day)
    ]
    new = _Record("8").put(1, f"{sequence:03d}").put(4, account)
    new.put(41, "0" + _amount(old_balance + total)).put(57, _date(day)).put(127, "0")
    trailer = _Record("9").put(16, f"{len(movements) + 2:06d}").put(22, _amount(Decimal("0")))
    trailer.put(37, _amount(total)).put(127, "2")
    lines = [header.text(), old.text(), *movements, new.text(), trailer.text()]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
