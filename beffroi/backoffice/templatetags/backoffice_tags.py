from __future__ import annotations

from typing import Any

from django import template

from beffroi.college.services import college_can_manage
from beffroi.municipality.selectors import is_functional_admin
from beffroi.payments.finance import is_finance_agent

register = template.Library()


@register.filter
def manages_college(user: Any) -> bool:
    """Whether the menu shows the College (cached on the user for the request)."""
    cached: bool | None = getattr(user, "_manages_college", None)
    if cached is None:
        cached = bool(getattr(user, "is_authenticated", False)) and college_can_manage(user)
        user._manages_college = cached
    return cached


@register.filter
def works_in_finance(user: Any) -> bool:
    """Whether the menu shows « Finances » (the user's seats are read once a request)."""
    return is_finance_agent(user)


@register.filter
def administers_texts(user: Any) -> bool:
    """Whether the home page offers the city's texts (the receipt's)."""
    return is_functional_admin(user)
