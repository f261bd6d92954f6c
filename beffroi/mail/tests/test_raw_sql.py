"""The mail app's raw SQL gives the ORM's answer.

Two places say what the ORM cannot: the search's match against the
generated, GIN-indexed ``search_vector`` narrowed by visibility and id
blocks (``selectors._text_filter``, PostgreSQL), and the routing counts'
increment-on-conflict upsert (``routing.routing_learn``). Each is compared
here with what plain ORM queries answer.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q

from beffroi.mail.models import Channel, Confidentiality, MailItem, RoutingClass, RoutingFeature
from beffroi.mail.routing import SERVICE, routing_forget_all, routing_learn
from beffroi.mail.selectors import is_mail_clerk, mail_items_visible, mail_search, mail_search_page
from beffroi.mail.services import mail_register, mail_route
from beffroi.mail.tests.helpers import MailTestCase

QUERIES = ["pension", "déménagement", "permis véranda", "facture -pension", '"rue royale"']


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the raw SQL is PostgreSQL's")
class SearchSqlTests(MailTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        letters = [
            ("Pension de survie", "population", Confidentiality.NORMAL, ["etat-civil"]),
            ("Pension restreinte", "population", Confidentiality.RESTRICTED, []),
            ("Déménagements rue Royale", "population", Confidentiality.CONFIDENTIAL, []),
            ("Permis pour une véranda", "urbanisme", Confidentiality.NORMAL, ["population"]),
            ("Facture de pension", "finances", Confidentiality.NORMAL, []),
            ("Facture de fournitures", "finances", Confidentiality.NORMAL, ["population"]),
        ]
        for subject, service, confidentiality, copies in letters:
            item = mail_register(
                actor=None,
                channel=Channel.PAPER,
                subject=subject,
                text=f"Courrier au sujet de : {subject.lower()}.",
                confidentiality=confidentiality,
            )
            mail_route(
                actor=None,
                item=item,
                service=cls.service(service),
                copies=[cls.service(code) for code in copies],
            )
        mail_register(actor=None, channel=Channel.PAPER, subject="Pension à ventiler")

    def orm_answer(self, user: object, query: str) -> set[int]:
        vector = SearchVector(
            "number", "subject", "search_meta", "text", "ocr_text", config="public.beffroi_fr"
        )
        items = mail_items_visible(user)
        if is_mail_clerk(user):
            items = items.filter(~Q(confidentiality=Confidentiality.RESTRICTED))
        return set(
            items.annotate(document=vector)
            .filter(
                document=SearchQuery(query, config="public.beffroi_fr", search_type="websearch")
            )
            .values_list("pk", flat=True)
        )

    def test_the_search_finds_what_the_orm_finds_for_every_viewer(self) -> None:
        found = 0
        for user in (self.clerk, self.agent, self.other_agent, self.urbanism_agent):
            for query in QUERIES:
                raw = {item.pk for item in mail_search(user=user, query=query)}
                assert raw == self.orm_answer(user, query), (user, query)
                found += len(raw)
        assert found > 10  # the comparison is over real matches, not empty answers

    def test_the_windowed_search_finds_what_the_orm_finds(self) -> None:
        newest = MailItem.objects.order_by("-id").values_list("id", flat=True).first() or 0
        for user in (self.clerk, self.agent):
            for query in QUERIES:
                raw = {
                    item.pk
                    for item in mail_search(user=user, query=query, newer_than=0, newest=newest)
                }
                assert raw == self.orm_answer(user, query), (user, query)
                rows, _ = mail_search_page(user=user, query=query, per_page=100)
                assert {item.pk for item in rows} == raw


class RoutingCountsTests(MailTestCase):
    def test_the_upserted_counts_are_the_orms_count_of_what_was_learned(self) -> None:
        routing_forget_all()
        learned = [
            (["permis", "veranda", "s:permis"], 1),
            (["permis", "toiture"], 1),
            (["facture", "permis"], 2),
            (["permis", "veranda", "s:permis"], 1),
        ]
        for features, service_id in learned:
            routing_learn(features=features, service_id=service_id, type_id=None)
        routing_learn(features=["permis", "toiture"], service_id=1, type_id=None, weight=-1)
        expected: Counter[tuple[int, str]] = Counter()
        documents: Counter[int] = Counter()
        for features, service_id in [*learned[:1], *learned[2:]]:
            documents[service_id] += 1
            expected.update((service_id, feature) for feature in features)
        counted = {
            (target, feature): count
            for target, feature, count in RoutingFeature.objects.filter(
                kind=SERVICE, count__gt=0
            ).values_list("target_id", "feature", "count")
        }
        assert counted == dict(expected)
        classes = dict(
            RoutingClass.objects.filter(kind=SERVICE).values_list("target_id", "documents")
        )
        assert classes == dict(documents)
        assert RoutingClass.objects.get(kind=SERVICE, target_id=1).features == sum(
            count for (target, _), count in expected.items() if target == 1
        )
