"""Searching the register: French word forms and accents folded, filters, visibility."""

from __future__ import annotations

import datetime
from unittest import mock

from beffroi.mail.models import Channel, Confidentiality, Direction, MailItem, Status
from beffroi.mail.selectors import mail_search, mail_search_page
from beffroi.mail.services import contact_find_or_create, mail_register, mail_route
from beffroi.mail.tests.helpers import MailTestCase


class SearchTests(MailTestCase):
    move: MailItem
    invoice: MailItem
    outgoing: MailItem

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        sender = contact_find_or_create(actor=None, name="Société Wattiez", email="info@wattiez.be")
        cls.move = mail_register(
            actor=None,
            channel=Channel.EMAIL,
            subject="Déménagement de la famille",
            text="Nous avons déménagé rue de l'Athénée le 3 mars.",
            received_on=datetime.date(2026, 3, 10),
        )
        cls.invoice = mail_register(
            actor=None,
            channel=Channel.SCAN,
            subject="Facture",
            sender=sender,
            document_type=cls.document_type("facture"),
            received_on=datetime.date(2026, 5, 2),
        )
        cls.outgoing = mail_register(
            actor=None,
            channel=Channel.PAPER,
            subject="Déménagements groupés",
            direction=Direction.OUTGOING,
        )

    def search(self, user=None, **filters):
        return list(mail_search(user=user or self.clerk, **filters))

    def test_word_forms_and_accents_are_folded(self) -> None:
        assert self.search(query="demenagements", direction=Direction.INCOMING) == [self.move]
        assert self.search(query="DÉMÉNAGER famille") == [self.move]
        assert self.search(query="athenee") == [self.move]
        assert self.search(query="déménagement", direction=Direction.OUTGOING) == [self.outgoing]

    def test_metadata_is_searched_too(self) -> None:
        assert self.search(query="wattiez") == [self.invoice]
        assert self.search(query="facture wattiez") == [self.invoice]

    def test_a_register_number_finds_its_item(self) -> None:
        number = self.invoice.number
        short = f"e {self.invoice.year} {self.invoice.sequence}"
        assert self.search(query=number) == [self.invoice]
        assert self.search(query=short) == [self.invoice]

    def test_filters_narrow_the_register(self) -> None:
        assert self.search(direction=Direction.INCOMING, channel=Channel.SCAN) == [self.invoice]
        assert self.search(document_type_id=self.document_type("facture").pk) == [self.invoice]
        assert self.search(
            direction=Direction.INCOMING,
            received_from=datetime.date(2026, 3, 1),
            received_to=datetime.date(2026, 3, 31),
        ) == [self.move]
        assert self.search(status=Status.DRAFT) == [self.outgoing]
        assert self.search(year=1999) == []
        assert self.search(query="le la de") == []


class VisibilityTests(MailTestCase):
    normal: MailItem
    confidential: MailItem
    restricted: MailItem
    unrouted: MailItem

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

        def routed(subject: str, confidentiality: str, copies: tuple[str, ...]) -> MailItem:
            item = mail_register(
                actor=None,
                channel=Channel.PAPER,
                subject=subject,
                confidentiality=confidentiality,
                text="dossier pension alimentaire",
            )
            return mail_route(
                actor=None,
                item=item,
                service=cls.service("population"),
                copies=[cls.service(code) for code in copies],
            )

        cls.normal = routed("Normal", Confidentiality.NORMAL, ("etat-civil",))
        cls.confidential = routed("Confidentiel", Confidentiality.CONFIDENTIAL, ())
        cls.restricted = routed("Restreint", Confidentiality.RESTRICTED, ())
        cls.unrouted = mail_register(actor=None, channel=Channel.PAPER, subject="À ventiler")

    def subjects(self, user, **filters) -> set[str]:
        return {item.subject for item in mail_search(user=user, **filters)}

    def test_the_treating_service_sees_all_its_mail(self) -> None:
        assert self.subjects(self.agent) == {"Normal", "Confidentiel", "Restreint"}
        assert self.subjects(self.supervisor, query="pension") == {
            "Normal",
            "Confidentiel",
            "Restreint",
        }

    def test_a_service_in_copy_sees_only_normal_mail(self) -> None:
        assert self.subjects(self.other_agent) == {"Normal"}
        assert self.subjects(self.other_agent, query="pension") == {"Normal"}

    def test_another_service_sees_nothing(self) -> None:
        assert self.subjects(self.urbanism_agent) == set()

    def test_the_mail_office_sees_the_register_but_does_not_search_restricted_content(self) -> None:
        assert self.subjects(self.clerk) == {"Normal", "Confidentiel", "Restreint", "À ventiler"}
        assert self.subjects(self.clerk, query="pension") == {"Normal", "Confidentiel"}

    def test_a_citizen_sees_nothing(self) -> None:
        assert self.subjects(self.citizen) == set()


class SearchPageTests(MailTestCase):
    def test_pages_of_a_search_hold_the_newest_matches_whatever_the_window(self) -> None:
        items = [
            mail_register(
                actor=None,
                channel=Channel.PAPER,
                subject=f"Permis {number}" if number % 3 else f"Facture {number}",
            )
            for number in range(30)
        ]
        permits = [item for item in reversed(items) if item.subject.startswith("Permis")]
        with mock.patch("beffroi.mail.selectors.SEARCH_WINDOWS", (4, 12)):
            first, more = mail_search_page(user=self.clerk, query="permis", per_page=8)
            third, last_more = mail_search_page(user=self.clerk, query="permis", page=3, per_page=8)
            numbered, _ = mail_search_page(user=self.clerk, query=items[0].number)
        assert first == permits[:8]
        assert more
        assert third == permits[16:]
        assert not last_more
        assert numbered == [items[0]]
        assert mail_search_page(user=self.clerk, query="le la de") == ([], False)
