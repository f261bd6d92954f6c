"""The routing suggestion's accuracy on letters it never saw.

- ``routing_accuracy``: share of held-out letters (the last 20 % of a
  generated corpus of realistic French letters to 12 of Tournai's
  services) whose suggested treating service is the right one, after
  learning from the first 80 % through the same storage and code as the
  mail office's routings (target >= 0.9).
- ``routing_type_accuracy``: the same for the suggested document type.
"""

from __future__ import annotations

import statistics
import time

from bench.harness import django_ready, drop_installation, figure, installation, say
from bench.mail_corpus import generate, split


def main() -> None:
    folder = installation(database="sqlite")
    try:
        django_ready()
        from django.db import transaction

        from beffroi.demo.loading import load_services
        from beffroi.mail.models import DocumentType
        from beffroi.mail.routing import features_for, routing_learn, routing_suggest
        from beffroi.mail.services import mail_reference_data_load
        from beffroi.municipality.models import Service

        load_services()
        mail_reference_data_load(actor=None)
        services = dict(Service.objects.values_list("code", "pk"))
        types = dict(DocumentType.objects.values_list("code", "pk"))
        letters = generate(3000)
        train, test = split(letters)

        def features(letter, index):
            return features_for(
                subject=letter.subject,
                text=letter.text,
                # Contacts are known by id: a sender seen before is a feature.
                sender_id=None,
                sender_email=letter.sender_email,
                sender_name=letter.sender_name,
                sender_is_organisation=letter.sender_is_organisation,
            )

        started = time.perf_counter()
        with transaction.atomic():
            for index, letter in enumerate(train):
                routing_learn(
                    features=features(letter, index),
                    service_id=services[letter.service],
                    type_id=types[letter.document_type],
                )
        say(f"  learned {len(train)} routings in {time.perf_counter() - started:.1f} s")

        right_service = right_type = 0
        confidences_right: list[float] = []
        confidences_wrong: list[float] = []
        timings = []
        for index, letter in enumerate(test):
            started = time.perf_counter()
            suggestion = routing_suggest(features=features(letter, index))
            timings.append((time.perf_counter() - started) * 1000)
            assert suggestion is not None
            if suggestion.service_id == services[letter.service]:
                right_service += 1
                confidences_right.append(suggestion.service_confidence)
            else:
                confidences_wrong.append(suggestion.service_confidence)
            right_type += suggestion.type_id == types[letter.document_type]
        say(
            f"  {len(test)} held-out letters; suggestion median {statistics.median(timings):.1f} ms; "
            f"confidence when right {statistics.mean(confidences_right):.2f}, "
            f"when wrong {statistics.mean(confidences_wrong or [0]):.2f}"
        )
        figure("routing_accuracy", right_service / len(test), "ratio")
        figure("routing_type_accuracy", right_type / len(test), "ratio")
    finally:
        drop_installation(folder)


if __name__ == "__main__":
    main()
