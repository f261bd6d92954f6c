"""Documents the city issues: one certificate rendered as PDF/A, QR code included.

- ``certificate_ms``: median time to render one certificate (letterhead,
  body, QR code, WeasyPrint with its stylesheet and fonts already set up in
  the process), over 30 renders after a warm-up (target < 200 ms). The p95,
  and the whole ``case_document_issue`` (render, store, rows, journal), go to
  stderr.
- ``certificate_sealed_ms``: median time of the whole ``case_document_issue``
  with its seal (render, PAdES B-LTA with two timestamps from a local TSA
  and the validation data fetched from its OCSP responder and CRLs, store,
  rows, journal), over 10 issues (target < 300 ms).
"""

from __future__ import annotations

import statistics

from bench.harness import (
    django_ready,
    drop_installation,
    figure,
    installation,
    percentile,
    say,
    server_times_ms,
    summary,
)

RENDERS = 30


def main() -> None:
    folder = installation(database="sqlite")
    try:
        django_ready()
        from django.db import transaction
        from django.utils import timezone

        from beffroi.cases.issuing import case_document_issue, document_body
        from beffroi.demo.loading import load_municipality, load_services
        from beffroi.documents.rendering import render_issued_document_pdf
        from beffroi.documents.tests.builders import certificate_case
        from beffroi.municipality.selectors import current_municipality

        load_municipality()
        load_services()
        case = certificate_case()
        municipality = current_municipality()
        body = document_body(
            case=case,
            definition=case.version.spec.documents["certificate"],
            municipality=municipality,
            today=timezone.localdate(),
        )

        def render() -> bytes:
            return render_issued_document_pdf(
                title="Certificat de résidence",
                body=body,
                reference=case.reference,
                issued_at=timezone.now(),
                service=case.service,
                municipality=municipality,
                verification_code="BCDFGHJKLMNPQRST",
            )

        size = len(render())
        samples = server_times_ms(render, repeat=RENDERS, warmup=3)
        say(f"  render ({size} bytes): {summary(samples)}")
        say(f"  certificate_p95_ms: {percentile(samples, 0.95):.1f} ms")

        def issue() -> None:
            with transaction.atomic():
                case_document_issue(actor=None, case=case, document_id="certificate")

        issued = server_times_ms(issue, repeat=10, warmup=1)
        say(f"  case_document_issue (render, seal, store, rows, journal): {summary(issued)}")
        figure("certificate_ms", statistics.median(samples), "ms")
        figure("certificate_sealed_ms", statistics.median(issued), "ms")
    finally:
        drop_installation(folder)


if __name__ == "__main__":
    main()
