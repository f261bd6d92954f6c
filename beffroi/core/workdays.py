"""Working days: deadlines count neither weekends nor public holidays.

Public holidays come from the ``holidays`` package for the municipality's
country (and region when the package knows it), plus the days the local
administration closes (``BEFFROI_LOCAL_HOLIDAYS``, e.g. 27 September in
Wallonia-Brussels, 2 and 15 November, 26 December).
"""

from __future__ import annotations

import datetime
from functools import cache

import holidays
from django.conf import settings


@cache
def _closed_days(country: str, subdivision: str, year: int) -> frozenset[datetime.date]:
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    except NotImplementedError:
        calendar = holidays.country_holidays(country, years=year)
    days = set(calendar)
    for month_day in settings.BEFFROI_LOCAL_HOLIDAYS:
        month, day = (int(part) for part in month_day.split("-"))
        days.add(datetime.date(year, month, day))
    return frozenset(days)


def is_working_day(day: datetime.date, *, country: str = "", subdivision: str = "") -> bool:
    country = country or settings.BEFFROI_COUNTRY
    if day.weekday() >= 5:
        return False
    return day not in _closed_days(country, subdivision, day.year)


def add_working_days(
    start: datetime.date, count: int, *, country: str = "", subdivision: str = ""
) -> datetime.date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, country=country, subdivision=subdivision):
            remaining -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, *, country: str = "", subdivision: str = ""
) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, country=country, subdivision=subdivision):
            count += 1
    return count
