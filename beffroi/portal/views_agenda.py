"""The public agenda, its iCalendar feed and the business directory.

No account needed; only what an agent approved is shown (the selectors
return published rows only), and an organiser's name or contact only with
their consent (the models' ``public_organiser_*``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from beffroi.agenda import display, ical
from beffroi.agenda.models import AgendaEvent, DirectoryEntry
from beffroi.agenda.selectors import (
    LIST_COLUMNS,
    agenda_event_public,
    agenda_event_was_public,
    agenda_events_public,
    agenda_feed_events,
    directory_category_counts,
    directory_entries_public,
    directory_entry_public,
    directory_entry_was_public,
    directory_image_public,
)
from beffroi.agenda.services import AGENDA_REVISION, DIRECTORY_REVISION
from beffroi.core.forms import render_unbound
from beffroi.core.pagecache import cache_public_page
from beffroi.core.revisions import revisions_current
from beffroi.documents.responses import file_response
from beffroi.municipality.selectors import current_municipality
from beffroi.portal.forms_agenda import AgendaFilterForm, DirectorySearchForm, page_number

AGENDA_PAGE_SIZE = 20
DIRECTORY_PAGE_SIZE = 30
CALENDAR = "text/calendar; charset=utf-8"


View = Callable[..., HttpResponse]


# --- Agenda ------------------------------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    """What a list shows of an event, prepared here: a page of the agenda
    renders fast when the template only prints strings."""

    url: str
    title: str
    when: str
    location: str
    category: str
    is_free: bool


@dataclass
class Day:
    date: datetime.date
    label: str
    rows: list[EventRow] = field(default_factory=list)


def _days(events: list[AgendaEvent], since: datetime.date) -> list[Day]:
    """Events under the day they start, or ``since`` for those already running."""
    today = timezone.localdate()
    prefix, _zero, suffix = reverse("portal:agenda_event", kwargs={"pk": 0}).rpartition("0")
    categories = dict(AgendaEvent.Category.choices)
    days: list[Day] = []
    for event in events:
        day = max(display.first_day(event), since)
        if not days or days[-1].date != day:
            label = dateformat.format(day, "l j F Y")
            if day == today:
                label = _("Aujourd'hui, %(day)s") % {"day": label}
            label = capfirst(label)
            days.append(Day(date=day, label=label))
        days[-1].rows.append(
            EventRow(
                url=f"{prefix}{event.pk}{suffix}",
                title=event.title,
                when=capfirst(display.event_when(event)),
                location=event.location_text,
                category=str(categories.get(event.category, event.category)),
                is_free=event.is_free,
            )
        )
    return days


def _quick_ranges() -> list[tuple[str, str]]:
    """Links for common searches: today, this weekend, the next 30 days."""
    today = timezone.localdate()
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7)
    if today.weekday() == 6:  # on Sunday, "this weekend" is today
        saturday = today
    sunday = saturday + datetime.timedelta(days=(6 - saturday.weekday()))
    month = today + datetime.timedelta(days=30)
    return [
        (_("Aujourd'hui"), f"du={today:%Y-%m-%d}&au={today:%Y-%m-%d}"),
        (_("Ce week-end"), f"du={saturday:%Y-%m-%d}&au={sunday:%Y-%m-%d}"),
        (_("Les 30 prochains jours"), f"du={today:%Y-%m-%d}&au={month:%Y-%m-%d}"),
    ]


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@cache_public_page(AGENDA_REVISION, daily=True, timeout=24 * 3600)
def agenda(request: HttpRequest) -> HttpResponse:
    form = AgendaFilterForm(request.GET or None)
    filters = form.filters()
    page, wrong_page = page_number(request.GET.get("page"))
    offset = (page - 1) * AGENDA_PAGE_SIZE
    events = list(
        agenda_events_public(**filters).only(*LIST_COLUMNS)[offset : offset + AGENDA_PAGE_SIZE + 1]
    )
    has_next = len(events) > AGENDA_PAGE_SIZE
    events = events[:AGENDA_PAGE_SIZE]
    if page > 1 and not events:
        wrong_page = True
    since = filters.get("start") or timezone.localdate()
    category = filters.get("category", "")
    return render(
        request,
        "portal/agenda/list.html",
        {
            "nav": "agenda",
            "form_html": render_unbound(form),
            "days": _days(events, since),
            "filtered": any(filters.values()),
            "category": category,
            "quick_ranges": _quick_ranges(),
            "page_number": page,
            "has_next": has_next,
            "wrong_page": wrong_page,
            "query": _query_without_page(request),
        },
    )


@require_safe
@cache_public_page(AGENDA_REVISION, daily=True, timeout=24 * 3600)
def agenda_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = agenda_event_public(pk)
    if event is None:
        return _gone_or_not_found(
            request,
            was_public=agenda_event_was_public(pk),
            template="portal/agenda/gone.html",
            nav="agenda",
        )
    return render(
        request,
        "portal/agenda/event.html",
        {
            "nav": "agenda",
            "event": event,
            "when": display.event_when(event),
            "hours": display.event_hours_text(event),
        },
    )


def _gone_or_not_found(
    request: HttpRequest, *, was_public: bool, template: str, nav: str
) -> HttpResponse:
    if not was_public:
        raise Http404
    # A page that was public and no longer is: say so rather than "not found".
    return render(request, template, {"nav": nav}, status=410)


def _feed() -> ical.Feed:
    name = _("Agenda — %(city)s") % {"city": current_municipality().name}
    return ical.Feed(name=name, site_url=settings.SITE_URL)


def _feed_category(request: HttpRequest) -> str | None:
    """The feed's category: "" for all, None when the value is unknown."""
    category = request.GET.get("rubrique", "")
    if category and category not in AgendaEvent.Category.values:
        return None
    return category


def _feed_etag(request: HttpRequest) -> str:
    # The feed changes when an event is published, changed or withdrawn, and
    # daily (it drops events ended a month ago).
    etag: str | None = getattr(request, "agenda_feed_etag", None)
    if etag is None:
        revision = revisions_current(AGENDA_REVISION)[AGENDA_REVISION]
        category = request.GET.get("rubrique", "")[:20]
        etag = f"{revision}-{timezone.localdate():%Y%m%d}-{get_language()}-{category}"
        request.agenda_feed_etag = etag  # type: ignore[attr-defined]
    return etag


def _calendar_response(body: bytes, *, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


_feed_condition: Callable[..., Any] = condition(etag_func=_feed_etag)


@require_safe  # calendar programs may ask with HEAD
@_feed_condition
def agenda_ical(request: HttpRequest) -> HttpResponse:
    category = _feed_category(request)
    if category is None:
        known = ", ".join(AgendaEvent.Category.values)
        return HttpResponse(
            _("Rubrique inconnue. Les rubriques possibles sont : %(known)s.") % {"known": known},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    # Calendar programs poll the feed: it is built once per process and
    # revision (its ETag), and answered "304 Not Modified" when unchanged.
    cache = caches["fragments"]
    key = f"agenda-feed:{_feed_etag(request)}"
    body: bytes | None = cache.get(key)
    if body is None:
        body = ical.calendar(agenda_feed_events(category=category).iterator(), feed=_feed())
        cache.set(key, body, timeout=24 * 3600)
    response = _calendar_response(body, filename="agenda.ics", attachment=False)
    # Revalidated every time (a cheap 304): a withdrawn event must not linger.
    response["Cache-Control"] = "public, no-cache"
    return response


@require_safe
def agenda_event_ical(request: HttpRequest, pk: int) -> HttpResponse:
    event = agenda_event_public(pk)
    if event is None:
        raise Http404
    return _calendar_response(
        ical.calendar([event], feed=_feed()), filename=f"evenement-{pk}.ics", attachment=True
    )


# --- Directory ---------------------------------------------------------------------


@dataclass
class CategoryGroup:
    label: str
    entries: list[DirectoryEntry] = field(default_factory=list)


@require_safe
@cache_public_page(DIRECTORY_REVISION, daily=True, timeout=24 * 3600)
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    filters = form.filters()
    page, wrong_page = page_number(request.GET.get("page"))
    offset = (page - 1) * DIRECTORY_PAGE_SIZE
    entries = list(
        directory_entries_public(**filters).only(
            "id", "name", "category", "address", "description"
        )[offset : offset + DIRECTORY_PAGE_SIZE + 1]
    )
    has_next = len(entries) > DIRECTORY_PAGE_SIZE
    entries = entries[:DIRECTORY_PAGE_SIZE]
    if page > 1 and not entries:
        wrong_page = True
    groups: list[CategoryGroup] = []
    for entry in entries:
        label = str(entry.get_category_display())
        if not groups or groups[-1].label != label:
            groups.append(CategoryGroup(label=label))
        groups[-1].entries.append(entry)
    counts = directory_category_counts()
    categories = [
        (value, label, counts[value])
        for value, label in DirectoryEntry.Category.choices
        if counts.get(value)
    ]
    return render(
        request,
        "portal/directory/list.html",
        {
            "nav": "directory",
            "form": form,
            "groups": groups,
            "categories": categories,
            "category": filters["category"],
            "filtered": bool(filters["query"] or filters["category"]),
            "page_number": page,
            "has_next": has_next,
            "wrong_page": wrong_page,
            "query": _query_without_page(request),
        },
    )


@require_safe
@cache_public_page(DIRECTORY_REVISION, daily=True, timeout=24 * 3600)
def directory_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = directory_entry_public(pk)
    if entry is None:
        return _gone_or_not_found(
            request,
            was_public=directory_entry_was_public(pk),
            template="portal/directory/gone.html",
            nav="directory",
        )
    return render(request, "portal/directory/entry.html", {"nav": "directory", "entry": entry})


@require_safe
def directory_image(request: HttpRequest, pk: int, image_pk: int) -> FileResponse:
    """A published page's logo or photo, shown as an image."""
    image = directory_image_public(pk, image_pk)
    if image is None:
        raise Http404
    return file_response(
        image.file, f"{image.kind}-{image.position + 1}.{image.file.kind}", inline=True, public=True
    )
