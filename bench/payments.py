"""Payments: settling bank transfers from a CODA statement, and a provider's
notification.

- ``coda_match_per_s``: credits matched per second when a finance agent
  imports a generated statement of 10,000 lines (3,332 credits, each
  paying an open transfer), through ``coda_import``, the service the
  back-office screen calls (target >= 2,000): the file read and checked,
  each credit matched to its payment and recorded, the settling jobs queued.
- ``coda_settle_per_s``: payments then settled per second by those jobs
  (each through the notification service, journaled, its case going on);
  no target, the figure says how long a busy statement takes to settle.
- ``payment_webhook_p95_ms``: server time of the notification view for the
  demo provider, each call settling another payment (p95; target < 50 ms).

Runs on SQLite, in a throw-away installation.
"""

from __future__ import annotations

import io
import os
import sys
import time
import uuid
from decimal import Decimal
from typing import Any

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

LINES = int(os.environ.get("BENCH_CODA_LINES", "10000"))
WEBHOOKS = 300
WARMUP = 20


class WsgiPoster(WsgiCaller):
    """A form POST to Django's WSGI application, as a provider's server sends one."""

    def post(self, path: str, form: str, headers: dict[str, str]) -> tuple[int, bytes]:
        body = form.encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
        }
        status: list[str] = []

        def start_response(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return None

        answer = b"".join(self.handler(environ, start_response))
        return int(status[0].split()[0]), answer


def _world() -> dict[str, Any]:
    from beffroi.catalogue.services import catalogue_import
    from beffroi.demo.loading import load_municipality, load_services
    from beffroi.testing.personas import make_user

    load_municipality()
    load_services()
    catalogue_import(actor=None)
    citizen = make_user("marie@example.org", first_name="Marie", last_name="Dubois")
    finance = make_user("gilles@tournai.example", services=(("finances", "agent"),))
    return {"citizen": citizen, "finance": finance}


def _open_transfers(case: Any, count: int) -> list[Any]:
    """``count`` open transfers on one case (each its own amount due)."""
    from beffroi.payments.contrib.transfer.structured import structured_from_number
    from beffroi.payments.models import Payment

    payments = [
        Payment(
            case=case,
            due_key=f"bench-{number}",
            amount=Decimal("2.00"),
            reason="Nouveau code PIN",
            provider="transfer",
            provider_reference=structured_from_number(1_000_000 + number),
            payer=case.applicant,
        )
        for number in range(count)
    ]
    return Payment.objects.bulk_create(payments, batch_size=500)


def _coda_matched_per_second(people: dict[str, Any]) -> tuple[float, float]:
    from beffroi.payments.contrib.transfer.coda_sample import SampleCredit, coda_sample
    from beffroi.payments.contrib.transfer.selectors import matched_transfers_open
    from beffroi.payments.contrib.transfer.services import coda_import
    from beffroi.payments.contrib.transfer.tasks import transfers_settle
    from beffroi.payments.models import Payment
    from beffroi.payments.tests.helpers import pin_case

    credits_count = (LINES - 4) // 3  # header, old balance, new balance, trailer
    payments = _open_transfers(pin_case(people["citizen"]), credits_count)
    content = coda_sample(
        [SampleCredit(p.amount, structured=p.provider_reference) for p in payments]
    )
    say(f"  statement: {len(content.splitlines()):,} lines, {credits_count:,} credits")
    started = time.perf_counter()
    done = coda_import(actor=people["finance"], filename="bench.cod", content=content)
    elapsed = time.perf_counter() - started
    assert done.settled_count == credits_count, done.settled_count
    say(f"  imported in {elapsed:.2f} s: {done.settled_count:,} credits matched")
    # What the worker then does with the jobs the import queued.
    started = time.perf_counter()
    while pending := matched_transfers_open(limit=200):
        transfers_settle.call(pending)
    settling = time.perf_counter() - started
    paid = Payment.objects.filter(provider="transfer", status="paid").count()
    assert paid == credits_count, paid
    say(f"  settled by the jobs in {settling:.2f} s")
    return done.settled_count / elapsed, paid / settling


def _webhook_times(people: dict[str, Any]) -> list[float]:
    from beffroi.payments.contrib.demo.plugin import charge_settle, notification_signature
    from beffroi.payments.models import Payment
    from beffroi.payments.services import payment_start
    from beffroi.payments.tests.helpers import pin_case

    case = pin_case(people["citizen"])
    references = []
    for number in range(WEBHOOKS + WARMUP):
        payment = payment_start(
            actor=people["citizen"],
            case=case,
            amount=Decimal("2.00"),
            reason="Nouveau code PIN",
            idempotency_key=uuid.uuid4(),
            due_key=f"webhook-{number}",
        )
        charge_settle(reference=payment.provider_reference, outcome="paid")
        references.append(payment.provider_reference)
    caller = WsgiPoster()
    pending = iter(references)

    def notify() -> None:
        reference = next(pending)
        status, body = caller.post(
            "/paiements/notification/demo/",
            f"id={reference}",
            {"X-Demo-Signature": notification_signature(reference)},
        )
        assert status == 200, (status, body[:200])

    samples = server_times_ms(notify, repeat=WEBHOOKS, warmup=WARMUP)
    assert Payment.objects.filter(provider="demo", status="paid").count() == len(references)
    return samples


def main() -> None:
    os.environ.setdefault("JOURNAL_KEY", "bench-only-journal-key-0123456789")
    os.environ.setdefault("PAYMENT_TRANSFER_IBAN", "BE68539007547034")
    folder = installation()
    try:
        django_ready()
        people = _world()
        rate, settle_rate = _coda_matched_per_second(people)
        webhook = _webhook_times(people)
        say(f"  webhook: {summary(webhook)}")
        figure("coda_match_per_s", rate, "credits/s")
        figure("coda_settle_per_s", settle_rate, "payments/s")
        figure("payment_webhook_p95_ms", percentile(webhook, 0.95), "ms")
    finally:
        drop_installation(folder)


if __name__ == "__main__":
    main()
