"""The portal's front door: the home page with the whole catalogue, and a
procedure page, served as in production.

- ``hello_rps`` / ``catalogue_rps``: requests per second for the smallest
  view (``/_health``) and the home page, by the same uWSGI in one run;
  ``catalogue_ratio`` is their ratio (target >= 0.5).
- ``procedure_page_p95_ms``: server time of a procedure page (target < 20 ms).
"""

from __future__ import annotations

import statistics

from bench.harness import (
    django_ready,
    drop_installation,
    figure,
    installation,
    percentile,
    production_server,
    requests_per_second,
    say,
    server_times_ms,
    summary,
)


def main() -> None:
    folder = installation(database="sqlite")
    try:
        django_ready(static=True)
        from django.test import Client

        from beffroi.demo.loading import load_demo

        load_demo()
        path = "/demarches/certificat-de-residence/"
        # The demo serves two municipalities: Tournai's host names it.
        client = Client(HTTP_HOST="127.0.0.1")
        assert client.get(path).status_code == 200
        cached = server_times_ms(lambda: client.get(path))
        say(f"  procedure page, visitor without session (page cache): {summary(cached)}")
        # A visitor with a session never gets the cached page: the figure is
        # the full render, the worst case.
        client.cookies["sessionid"] = "no-such-session"
        samples = server_times_ms(lambda: client.get(path))
        say(f"  procedure page, full render: {summary(samples)}")

        with production_server() as port:
            requests_per_second(port, "/", seconds=2)  # warm every worker's caches
            requests_per_second(port, "/_health", seconds=2)
            # Interleaved rounds, median of each: the machine's noise hits both alike.
            hellos, catalogues = [], []
            for _ in range(3):
                hellos.append(requests_per_second(port, "/_health", seconds=4))
                catalogues.append(requests_per_second(port, "/", seconds=4))
            say(f"  rounds: hello {hellos}, catalogue {catalogues}")
            hello, catalogue = statistics.median(hellos), statistics.median(catalogues)
        figure("hello_rps", hello, "req/s")
        figure("catalogue_rps", catalogue, "req/s")
        figure("catalogue_ratio", catalogue / hello, "ratio")
        figure("procedure_page_p95_ms", percentile(samples, 0.95), "ms")
    finally:
        drop_installation(folder)


if __name__ == "__main__":
    main()
