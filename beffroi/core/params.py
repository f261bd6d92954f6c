"""Values read from a request's parameters (buttons, query strings)."""

from __future__ import annotations

import re

# ASCII digits only ("²".isdigit() is true, and int() refuses it), and few
# enough to fit a 64-bit column.
_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """A database id sent by a button or a link; None for anything else.

    Whatever was sent (``"²"``, ``"1e3"``, thirty digits), the answer is an
    id or None, never an error.
    """
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


# No list is paged further: past it, a search narrows better than paging.
LAST_PAGE = 2000


def parse_page(value: object, *, last: int = LAST_PAGE) -> int:
    """A page number from a link, between 1 and ``last`` (an absurd number
    is a bad link, not a database error)."""
    number = parse_id(value)
    return min(max(1, number), last) if number is not None else 1
