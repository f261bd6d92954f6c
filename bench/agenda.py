"""The public agenda at a city's scale.

- ``agenda_p95_ms``: the agenda's first page (upcoming events, by date) with
  10,000 published events in the database, server time, p95 (target < 30 ms).
  Measured for a visitor with a session cookie, so no cached page can help:
  the figure is the full render. The number of queries is checked not to
  grow with the volume, and the filtered pages are timed too (stderr).

The events are seeded with ``bulk_create`` in a throw-away SQLite database;
``BENCH_AGENDA_EVENTS`` changes the volume.
"""

from __future__ import annotations

import datetime
import os
import random

from bench.harness import (
    WsgiCaller,
    django_ready,
    drop_installation,
    figure,
    installation,
    percentile,
    say,
    server_times_ms,
    summary,
)

VOLUME = int(os.environ.get("BENCH_AGENDA_EVENTS", "10000"))
TITLES = [
    "Concert de l'harmonie",
    "Marché de Noël",
    "Brocante du quartier Saint-Piat",
    "Visite guidée de la cathédrale Notre-Dame",
    "Exposition de peinture",
    "Conférence : l'histoire du beffroi",
    "Atelier de cuisine pour enfants",
    "Jogging de la Grand-Place",
    "Balade nature au Mont-Saint-Aubert",
    "Fête des Quatre Cortèges",
    "Spectacle de marionnettes",
    "Soirée jazz",
]
PLACES = [
    ("Maison de la Culture", "Boulevard des Frères Rimbaut", "7500", "Tournai"),
    ("Grand-Place", "Grand-Place", "7500", "Tournai"),
    ("Halle aux Draps", "Grand-Place", "7500", "Tournai"),
    ("Salle des fêtes de Kain", "Rue de la Gare", "7540", "Kain"),
    ("Église de Froyennes", "Place de Froyennes", "7503", "Froyennes"),
    ("Parc communal", "Rue Saint-Martin", "7500", "Tournai"),
    ("Mont-Saint-Aubert", "Rue du Mont", "7542", "Mont-Saint-Aubert"),
]


def _seed(total: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from beffroi.agenda.mapping import local_midnight
    from beffroi.agenda.models import AgendaEvent
    from beffroi.core.text import fold

    rng = random.Random(2026)
    today = timezone.localdate()
    categories = list(AgendaEvent.Category.values)
    now = timezone.now()
    events = []
    for index in range(total):
        place, street, postcode, city = rng.choice(PLACES)
        # Mostly upcoming (a year ahead), some ended or running.
        day = today + datetime.timedelta(days=rng.randrange(-30, 365))
        if rng.random() < 0.7:
            starts = local_midnight(day) + datetime.timedelta(hours=rng.randrange(9, 21))
            ends = starts + datetime.timedelta(hours=rng.randrange(1, 5))
            all_day = False
        else:
            starts = local_midnight(day)
            ends = local_midnight(day + datetime.timedelta(days=rng.randrange(1, 4)))
            all_day = True
        address = {
            "street": street,
            "number": str(rng.randrange(1, 80)),
            "box": "",
            "postcode": postcode,
            "city": city,
            "country": "BE",
        }
        events.append(
            AgendaEvent(
                title=f"{rng.choice(TITLES)} n° {index + 1}",
                description="Un événement ouvert à tous. " * 5,
                category=rng.choice(categories),
                place_name=place,
                address=address,
                place_search=fold(f"{place} {street} {postcode} {city}"),
                starts_at=starts,
                ends_at=ends,
                all_day=all_day,
                is_free=rng.random() < 0.5,
                status=AgendaEvent.Status.PUBLISHED,
                published_at=now,
            )
        )
    AgendaEvent.objects.bulk_create(events, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    folder = installation(database="sqlite")
    try:
        django_ready(static=True)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from beffroi.demo.loading import load_municipality, load_services

        load_municipality()
        load_services()
        say(f"  seeding {VOLUME:,} published events")
        _seed(VOLUME)
        caller = WsgiCaller()
        # A session cookie (even unknown) rules out any page cache.
        cookies = {"sessionid": "no-such-session"}
        counts = []
        for path in ("/agenda/", "/agenda/?page=5", "/agenda/?rubrique=music&lieu=kain"):
            with CaptureQueriesContext(connection) as queries:
                status, body = caller.get(path, cookies=cookies)
            assert status == 200, (path, status)
            assert b"procedure-item" in body, path
            counts.append(len(queries))
        say(f"  agenda queries (page 1, page 5, filtered): {counts}")
        samples = server_times_ms(lambda: caller.get("/agenda/", cookies=cookies))
        say(f"  agenda, first page: {summary(samples)}")
        filtered = server_times_ms(
            lambda: caller.get("/agenda/?rubrique=music&lieu=kain", cookies=cookies), repeat=100
        )
        say(f"  agenda, category and place: {summary(filtered)}")
        anonymous = server_times_ms(lambda: caller.get("/agenda/"), repeat=100)
        say(f"  agenda, visitor without session: {summary(anonymous)}")
        from django.core.cache import caches

        caches["fragments"].clear()
        built = server_times_ms(lambda: caller.get("/agenda.ics"), repeat=1, warmup=0)
        feed = server_times_ms(lambda: caller.get("/agenda.ics"), repeat=50, warmup=0)
        say(
            f"  iCalendar feed ({VOLUME:,} events): built in {built[0]:.0f} ms, then {summary(feed)}"
        )
        figure("agenda_p95_ms", percentile(samples, 0.95), "ms")
    finally:
        drop_installation(folder)


if __name__ == "__main__":
    main()
