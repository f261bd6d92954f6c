"""How values read on every page: one format for sizes, one for machine dates.

``{% load beffroi_format %}``; the rules are in docs/style-guide.md.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import number_format

register = template.Library()

KB = 1024
MB = 1024 * KB
GB = 1024 * MB


def _amount(value: float) -> str:
    """Whole from 10 up (« 12 Mo »), one decimal below unless whole (« 1,5 Mo », « 2 Mo »)."""
    rounded = round(value, 1)
    if rounded >= 10 or rounded == int(rounded):
        return number_format(round(value), 0)
    return number_format(rounded, 1)


@register.filter
def file_size(size: int | None) -> str:
    """A size in bytes as French writes it: « 10 Mo », « 250 Ko », « 1,5 Go »."""
    size = int(size or 0)
    if size < KB:
        return f"{size} octet" if size < 2 else f"{size} octets"
    if size < MB:
        return f"{_amount(size / KB)} Ko"
    if size < GB:
        return f"{_amount(size / MB)} Mo"
    return f"{_amount(size / GB)} Go"


@register.filter
def html_datetime(value: datetime.datetime | datetime.date | None) -> str:
    """A ``<time datetime>`` value: to the second in local time, or the date alone."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
