from __future__ import annotations

import pytest

from beffroi.core.params import LAST_PAGE, parse_id, parse_page


@pytest.mark.parametrize(("sent", "expected"), [("7", 7), ("0042", 42), ("9" * 18, 10**18 - 1)])
def test_an_id_is_read(sent: str, expected: int) -> None:
    assert parse_id(sent) == expected


@pytest.mark.parametrize("sent", ["", "²", "١٢", "1e3", "-1", " 7", "7 ", "12a", "9" * 19, None, 7])
def test_anything_else_is_none(sent: object) -> None:
    assert parse_id(sent) is None


@pytest.mark.parametrize(
    ("sent", "expected"), [("3", 3), ("0", 1), ("", 1), ("²", 1), (None, 1), ("9" * 30, 1)]
)
def test_a_page_number_is_read_or_the_first(sent: object, expected: int) -> None:
    assert parse_page(sent) == expected


def test_a_page_past_the_last_is_the_last() -> None:
    assert parse_page("999999", last=40) == 40
    assert parse_page(str(LAST_PAGE + 1)) == LAST_PAGE
