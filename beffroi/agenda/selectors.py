"""What the public sees of the agenda and the directory: published rows only."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone

from beffroi.agenda.mapping import local_midnight
from beffroi.agenda.models import LONGEST_DAYS, AgendaEvent, DirectoryEntry, DirectoryImage
from beffroi.core.text import fold

# The columns a list of events shows (not the long description).
LIST_COLUMNS = (
    "id",
    "title",
    "category",
    "place_name",
    "address",
    "starts_at",
    "ends_at",
    "all_day",
    "is_free",
)
# How long ended events stay in the iCalendar feed.
FEED_PAST_DAYS = 30


def agenda_events_public(
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    category: str = "",
    place: str = "",
) -> QuerySet[AgendaEvent]:
    """Published events running on ``start`` (default today) or later, up to
    ``end`` included, by start time."""
    since = local_midnight(start or timezone.localdate())
    events = AgendaEvent.objects.filter(
        status=AgendaEvent.Status.PUBLISHED,
        ends_at__gt=since,
        # Redundant (no event lasts longer), but it bounds the index range.
        starts_at__gte=since - datetime.timedelta(days=LONGEST_DAYS),
    )
    if end is not None:
        events = events.filter(starts_at__lt=local_midnight(end + datetime.timedelta(days=1)))
    if category:
        events = events.filter(category=category)
    for word in fold(place).split():
        events = events.filter(place_search__contains=word)
    return events.order_by("starts_at", "id")


def agenda_event_public(pk: int) -> AgendaEvent | None:
    return AgendaEvent.objects.filter(pk=pk, status=AgendaEvent.Status.PUBLISHED).first()


def agenda_event_was_public(pk: int) -> bool:
    """Whether a now withdrawn event was once on the agenda (a link to it may
    still be around)."""
    return AgendaEvent.objects.filter(
        pk=pk, status=AgendaEvent.Status.WITHDRAWN, published_at__isnull=False
    ).exists()


def agenda_feed_events(*, category: str = "") -> QuerySet[AgendaEvent]:
    """What the iCalendar feed holds: published events from a month ago on."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    events = AgendaEvent.objects.filter(
        status=AgendaEvent.Status.PUBLISHED,
        ends_at__gt=since,
        starts_at__gte=since - datetime.timedelta(days=LONGEST_DAYS),
    )
    if category:
        events = events.filter(category=category)
    return events.order_by("starts_at", "id")


def _category_rank() -> Case:
    return Case(
        *(
            When(category=value, then=Value(rank))
            for rank, value in enumerate(DirectoryEntry.Category.values)
        ),
        default=Value(len(DirectoryEntry.Category.values)),
        output_field=IntegerField(),
    )


def directory_entries_public(*, query: str = "", category: str = "") -> QuerySet[DirectoryEntry]:
    """Published pages, by category then name; every word of ``query`` must
    appear in the name, category, description or address (accents ignored)."""
    entries = DirectoryEntry.objects.filter(status=DirectoryEntry.Status.PUBLISHED)
    if category:
        entries = entries.filter(category=category)
    for word in fold(query).split():
        entries = entries.filter(search_text__contains=word)
    return entries.annotate(category_rank=_category_rank()).order_by(
        "category_rank", "sort_name", "id"
    )


def directory_category_counts() -> dict[str, int]:
    """Published pages per category."""
    rows = (
        DirectoryEntry.objects.filter(status=DirectoryEntry.Status.PUBLISHED)
        .values_list("category")
        .annotate(count=Count("id"))
        .order_by()
    )
    return dict(rows)


def directory_entry_public(pk: int) -> DirectoryEntry | None:
    """A published page, with its images."""
    return (
        DirectoryEntry.objects.filter(pk=pk, status=DirectoryEntry.Status.PUBLISHED)
        .prefetch_related("images")
        .first()
    )


def directory_entry_was_public(pk: int) -> bool:
    return DirectoryEntry.objects.filter(
        pk=pk, status=DirectoryEntry.Status.WITHDRAWN, published_at__isnull=False
    ).exists()


def directory_image_public(entry_pk: int, image_pk: int) -> DirectoryImage | None:
    """An image of a published page (none of a withdrawn or pending one)."""
    return (
        DirectoryImage.objects.filter(
            pk=image_pk, entry_id=entry_pk, entry__status=DirectoryEntry.Status.PUBLISHED
        )
        .select_related("file")
        .first()
    )
