"""Shared partner services: a police zone serves two communes of the
installation; its agent sees, from any host, the opinions each commune asked
of it, marked with the commune, gives them, and sees nothing else of theirs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beffroi.accounts.models import User
from beffroi.audit.models import AuditEvent
from beffroi.cases.models import Attachment, Case, Opinion
from beffroi.cases.opinions import opinion_request, zone_opinions_for_agent
from beffroi.core import rls
from beffroi.core.tenancy import municipality_scope
from beffroi.core.tests.test_rls import RLS_ON, as_application
from beffroi.core.tests.test_rls import _create_app_role as create_app_role
from beffroi.demo.loading import load_services
from beffroi.documents.services import file_store
from beffroi.municipality.models import (
    Municipality,
    MunicipalityHost,
    PartnerZone,
    PartnerZoneMember,
    PartnerZoneService,
    Service,
)
from beffroi.municipality.services import (
    membership_grant,
    partner_zone_member_add,
    partner_zone_save,
    partner_zone_service_link,
    partner_zone_service_unlink,
)
from beffroi.testing.personas import PASSWORD, make_user
from beffroi.testing.procedures import FilingTestCase, file_test_case, install_test_procedure

TOURNAI = "tournai.localhost"
ANTOING = "antoing.localhost"
PDF = b"%PDF-1.7\n% plan d'implantation\n%%EOF\n"


def _ask_police(*, citizen: Any, agent: Any, due: datetime.date, **answers: Any) -> Opinion:
    """A case of the municipality at hand, whose police service is asked for its opinion."""
    case = file_test_case(applicant=citizen, **answers)
    police = Service.objects.get(code="police")
    (opinion,) = opinion_request(
        actor=agent, case=case, services=[police], due_date=due, question="Sécurité ?"
    )
    return opinion


@override_settings(ALLOWED_HOSTS=[TOURNAI, ANTOING])
class PartnerZoneTests(FilingTestCase):
    tournai: Municipality
    antoing: Municipality
    zone: PartnerZone
    fire_zone: PartnerZone
    zone_agent: User
    fire_zone_agent: User
    antoing_agent: User
    tournai_opinion: Opinion
    antoing_opinion: Opinion

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()  # Tournai, its services, the personas
        cls.tournai = Municipality.objects.get()
        cls.antoing = Municipality.objects.create(name="Ville d'Antoing", slug="antoing")
        MunicipalityHost.objects.create(municipality=cls.tournai, host=TOURNAI)
        MunicipalityHost.objects.create(municipality=cls.antoing, host=ANTOING)
        # Agents of the zones, with no seat in any commune's service.
        with municipality_scope(cls.tournai.pk):
            cls.zone_agent = make_user(
                "commissaire@zp-tournaisis.example", first_name="Inès", last_name="Moreau"
            )
            cls.fire_zone_agent = make_user(
                "officier@zswapi.example", first_name="Marc", last_name="Delvaux"
            )
            cls.antoing_agent = make_user(
                "lea@antoing.example", first_name="Léa", last_name="Simon"
            )
        today = timezone.localdate()
        with municipality_scope(cls.antoing.pk):
            load_services()
            install_test_procedure()
            membership_grant(
                actor=None,
                user=cls.antoing_agent,
                service=Service.objects.get(code="population"),
                role="agent",
            )
            cls.antoing_opinion = _ask_police(
                citizen=cls.other_citizen,
                agent=cls.antoing_agent,
                due=today + datetime.timedelta(days=3),
            )
        with municipality_scope(cls.tournai.pk):
            cls.tournai_opinion = _ask_police(
                citizen=cls.citizen, agent=cls.agent, due=today + datetime.timedelta(days=8)
            )
            cls.zone = partner_zone_save(
                actor=None, name="Zone de police du Tournaisis", slug="zp-tournaisis"
            )
            cls.fire_zone = partner_zone_save(
                actor=None, name="Zone de secours Wallonie picarde", slug="zswapi"
            )
        for commune in (cls.tournai, cls.antoing):
            partner_zone_service_link(
                actor=None, zone=cls.zone, commune=commune, service_code="police"
            )
            partner_zone_service_link(
                actor=None, zone=cls.fire_zone, commune=commune, service_code="zone-de-secours"
            )
        partner_zone_member_add(actor=None, zone=cls.zone, email=cls.zone_agent.email)
        partner_zone_member_add(actor=None, zone=cls.fire_zone, email=cls.fire_zone_agent.email)

    def login(self, user: User) -> None:
        # Logging in journals the login, which is a municipality's work.
        with municipality_scope(
            Municipality.objects.order_by("pk").values_list("pk", flat=True)[0]
        ):
            self.client.force_login(user)

    def zone_page(self, host: str = TOURNAI) -> str:
        response = self.client.get(reverse("backoffice:zone_opinions"), HTTP_HOST=host)
        assert response.status_code == 200
        return response.content.decode()

    def detail_url(self, opinion: Opinion) -> str:
        return reverse("backoffice:zone_opinion_detail", args=[opinion.municipality_id, opinion.pk])

    def reload(self, opinion: Opinion) -> Opinion:
        with municipality_scope(opinion.municipality_id):
            return Opinion.objects.select_related("case").get(pk=opinion.pk)

    # --- Seeing ---------------------------------------------------------------------------

    def test_the_zone_agent_sees_the_opinions_of_both_communes_marked_with_each(self) -> None:
        self.login(self.zone_agent)
        html = self.zone_page()
        assert "Avis demandés à la zone" in html
        assert "2 avis à rendre" in html
        # The same reference in both communes: the commune tells them apart.
        assert self.tournai_opinion.case.reference == self.antoing_opinion.case.reference
        assert self.detail_url(self.tournai_opinion) in html
        assert self.detail_url(self.antoing_opinion) in html
        assert "Ville d&#x27;Antoing" in html
        assert self.tournai.name in html
        # Due first: Antoing's is due in 3 days, Tournai's in 8.
        assert html.index(self.detail_url(self.antoing_opinion)) < html.index(
            self.detail_url(self.tournai_opinion)
        )

    def test_the_zone_page_answers_the_same_on_every_host_of_the_installation(self) -> None:
        self.login(self.zone_agent)
        for host in (TOURNAI, ANTOING):
            html = self.zone_page(host)
            assert self.detail_url(self.tournai_opinion) in html
            assert self.detail_url(self.antoing_opinion) in html

    def test_the_zone_agent_logs_in_on_the_agents_form_and_lands_on_the_zone_page(self) -> None:
        response = self.client.post(
            reverse("backoffice:login"),
            {"email": self.zone_agent.email, "password": PASSWORD},
            HTTP_HOST=ANTOING,
        )
        assert response.status_code == 302
        response = self.client.get(response["Location"], HTTP_HOST=ANTOING)
        assert response.status_code == 302
        assert response["Location"] == reverse("backoffice:zone_opinions")

    def test_the_opinion_page_shows_the_request_and_its_files_in_the_commune(self) -> None:
        with municipality_scope(self.antoing.pk):
            case = Case.objects.get(pk=self.antoing_opinion.case_id)
            attachment = Attachment.objects.create(
                file=file_store(content=PDF, kind="pdf"),
                filename="livret.pdf",
                case=case,
                field_id="family_book",
            )
            # The family book is asked of a parent's request.
            case.answers = {
                **case.answers,
                "link": "parent",
                "child_name": "Léon",
                "family_book": [attachment.pk],
            }
            case.save(update_fields=["answers"])
        self.login(self.zone_agent)
        response = self.client.get(self.detail_url(self.antoing_opinion), HTTP_HOST=TOURNAI)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Ville d&#x27;Antoing" in html
        assert "Sécurité ?" in html
        assert "livret.pdf" in html
        file_url = reverse(
            "backoffice:zone_opinion_file",
            args=[self.antoing.pk, self.antoing_opinion.pk, attachment.pk],
        )
        assert file_url in html
        download = self.client.get(file_url, HTTP_HOST=TOURNAI)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
        # The access is in Antoing's own log, not Tournai's.
        with municipality_scope(self.antoing.pk):
            assert AuditEvent.objects.exists()

    def test_the_request_email_links_to_the_zones_page(self) -> None:
        with self.captureOnCommitCallbacks(execute=True), municipality_scope(self.antoing.pk):
            opinion = _ask_police(
                citizen=self.other_citizen,
                agent=self.antoing_agent,
                due=timezone.localdate() + datetime.timedelta(days=5),
            )
        (sent,) = [m for m in mail.outbox if "Demande d’avis" in m.subject]
        assert self.detail_url(opinion) in sent.body

    # --- Giving ---------------------------------------------------------------------------

    def test_the_zone_agent_gives_an_opinion_and_the_commune_sees_it_given(self) -> None:
        self.login(self.zone_agent)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.detail_url(self.antoing_opinion),
                {
                    "verdict": "with_conditions",
                    "conditions": "Stewards aux deux carrefours.",
                    "comment": "Prévenir la zone 48 h avant.",
                },
                HTTP_HOST=TOURNAI,
            )
        assert response.status_code == 302
        assert response["Location"] == reverse("backoffice:zone_opinions")
        given = self.reload(self.antoing_opinion)
        assert given.is_given
        assert given.given_by_id == self.zone_agent.pk
        assert given.conditions == "Stewards aux deux carrefours."
        assert not self.reload(self.tournai_opinion).is_given
        # Journaled in Antoing's journal, the zone's agent as an agent.
        with municipality_scope(self.antoing.pk):
            event = AuditEvent.objects.get(action="case.opinion_given")
        assert event.actor_id == self.zone_agent.pk
        assert event.actor_kind == AuditEvent.ActorKind.AGENT
        with municipality_scope(self.tournai.pk):
            assert not AuditEvent.objects.filter(action="case.opinion_given").exists()
        # Antoing's agent sees it on the case, the zone's list among those given.
        self.login(self.antoing_agent)
        case_html = self.client.get(
            reverse("backoffice:case_detail", args=[given.case.reference]), HTTP_HOST=ANTOING
        ).content.decode()
        assert "Stewards aux deux carrefours." in case_html
        self.login(self.zone_agent)
        html = self.zone_page()
        assert "1 avis à rendre" in html
        assert "Avis rendus récemment" in html

    def test_a_wrong_opinion_gets_a_french_message_and_keeps_what_was_typed(self) -> None:
        self.login(self.zone_agent)
        response = self.client.post(
            self.detail_url(self.tournai_opinion),
            {"verdict": "with_conditions", "comment": "Mon commentaire détaillé"},
            HTTP_HOST=ANTOING,
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Indiquez les conditions" in html
        assert "Mon commentaire détaillé" in html
        assert not self.reload(self.tournai_opinion).is_given

    # --- Nothing else ---------------------------------------------------------------------

    def test_the_zone_agent_sees_nothing_else_of_the_communes(self) -> None:
        self.login(self.zone_agent)
        reference = self.tournai_opinion.case.reference
        for host in (TOURNAI, ANTOING):
            for url in (
                reverse("backoffice:inbox"),
                reverse("backoffice:case_detail", args=[reference]),
                reverse("backoffice:case_file", args=[reference, 1]),
                reverse("backoffice:opinion_inbox"),
                reverse("backoffice:opinion_detail", args=[self.tournai_opinion.pk]),
                reverse("backoffice:mail_home"),
                reverse("backoffice:mail_item", args=[1]),
                reverse("backoffice:citizen_360", args=[self.citizen.pk]),
            ):
                response = self.client.get(url, HTTP_HOST=host)
                # Refused before anything is read: the same answer for any id.
                assert response.status_code == 403, (host, url, response.status_code)
                assert reference not in response.content.decode()
            # The back-office's home sends them to the zone's page.
            response = self.client.get(reverse("backoffice:home"), HTTP_HOST=host)
            assert response["Location"] == reverse("backoffice:zone_opinions")

    def test_an_opinion_is_not_found_under_another_commune(self) -> None:
        self.login(self.zone_agent)
        wrong = reverse(
            "backoffice:zone_opinion_detail", args=[self.antoing.pk, self.tournai_opinion.pk]
        )
        assert self.client.get(wrong, HTTP_HOST=TOURNAI).status_code == 404
        unknown = reverse("backoffice:zone_opinion_detail", args=[999999, self.tournai_opinion.pk])
        assert self.client.get(unknown, HTTP_HOST=TOURNAI).status_code == 404

    def test_an_agent_of_another_zone_sees_nothing_of_this_one(self) -> None:
        self.login(self.fire_zone_agent)
        html = self.zone_page()
        assert "0 avis à rendre" in html
        assert self.detail_url(self.tournai_opinion) not in html
        for opinion in (self.tournai_opinion, self.antoing_opinion):
            assert self.client.get(self.detail_url(opinion), HTTP_HOST=TOURNAI).status_code == 404
            response = self.client.post(
                self.detail_url(opinion), {"verdict": "favourable"}, HTTP_HOST=TOURNAI
            )
            assert response.status_code == 404
            assert not self.reload(opinion).is_given

    def test_a_commune_agent_who_is_also_a_zone_agent_finds_the_zone_from_home(self) -> None:
        partner_zone_member_add(actor=None, zone=self.zone, email=self.police_agent.email)
        self.login(self.police_agent)  # also in Tournai's police service
        home = self.client.get(reverse("backoffice:home"), HTTP_HOST=TOURNAI).content.decode()
        assert reverse("backoffice:zone_opinions") in home
        assert self.detail_url(self.antoing_opinion) in self.zone_page(TOURNAI)
        # On Antoing's host, where they hold no seat, only the zone's pages.
        response = self.client.get(reverse("backoffice:inbox"), HTTP_HOST=ANTOING)
        assert response.status_code == 403

    def test_citizens_and_commune_agents_do_not_reach_the_zone_pages(self) -> None:
        for user in (self.citizen, self.agent):
            self.login(user)
            assert (
                self.client.get(reverse("backoffice:zone_opinions"), HTTP_HOST=TOURNAI).status_code
                == 403
            )
            response = self.client.get(self.detail_url(self.tournai_opinion), HTTP_HOST=TOURNAI)
            assert response.status_code == 403
        with municipality_scope(self.tournai.pk):
            self.client.logout()
        response = self.client.get(reverse("backoffice:zone_opinions"), HTTP_HOST=TOURNAI)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("backoffice:login"))

    def test_a_service_unlinked_or_a_zone_deactivated_hides_its_opinions(self) -> None:
        link = PartnerZoneService.objects.get(zone=self.zone, commune=self.antoing)
        partner_zone_service_unlink(actor=None, link=link)
        self.login(self.zone_agent)
        html = self.zone_page()
        assert self.detail_url(self.antoing_opinion) not in html
        assert (
            self.client.get(self.detail_url(self.antoing_opinion), HTTP_HOST=TOURNAI).status_code
            == 404
        )
        with municipality_scope(self.tournai.pk):
            partner_zone_save(
                actor=None,
                name=self.zone.name,
                slug=self.zone.slug,
                is_active=False,
                zone=self.zone,
            )
        assert (
            self.client.get(reverse("backoffice:zone_opinions"), HTTP_HOST=TOURNAI).status_code
            == 403
        )

    # --- Queries --------------------------------------------------------------------------

    def test_the_list_reads_one_query_per_commune_whatever_the_number_of_opinions(self) -> None:
        fresh = User.objects.get(pk=self.zone_agent.pk)
        # The zone's seats (one query), then one per commune served.
        with self.assertNumQueries(3):
            assert len(zone_opinions_for_agent(fresh)) == 2
        due = timezone.localdate() + datetime.timedelta(days=5)
        for commune, citizen, agent in (
            (self.tournai, self.citizen, self.agent),
            (self.antoing, self.other_citizen, self.antoing_agent),
        ):
            with municipality_scope(commune.pk):
                for _ in range(3):
                    _ask_police(citizen=citizen, agent=agent, due=due)
        fresh = User.objects.get(pk=self.zone_agent.pk)
        with self.assertNumQueries(3):
            assert len(zone_opinions_for_agent(fresh)) == 8

    def test_the_page_reads_a_fixed_number_of_queries(self) -> None:
        self.login(self.zone_agent)
        self.zone_page()  # the session's and the revisions' caches, warm
        with self.assertNumQueries(7) as first:
            self.zone_page()
        due = timezone.localdate() + datetime.timedelta(days=5)
        with municipality_scope(self.antoing.pk):
            for _ in range(4):
                _ask_police(citizen=self.other_citizen, agent=self.antoing_agent, due=due)
        with self.assertNumQueries(len(first.captured_queries)):
            assert "6 avis à rendre" in self.zone_page()


@override_settings(ALLOWED_HOSTS=[TOURNAI, ANTOING])
class PartnerZoneAdministrationTests(FilingTestCase):
    """The cooperative (superusers, Django's admin) keeps the zones."""

    antoing: Municipality
    superuser: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        tournai = Municipality.objects.get()
        cls.antoing = Municipality.objects.create(name="Ville d'Antoing", slug="antoing")
        MunicipalityHost.objects.create(municipality=tournai, host=TOURNAI)
        MunicipalityHost.objects.create(municipality=cls.antoing, host=ANTOING)
        with municipality_scope(cls.antoing.pk):
            load_services()
        with municipality_scope(tournai.pk):
            cls.superuser = make_user(
                "cooperative@ipalle.example", is_staff=True, is_superuser=True
            )

    def login(self, user: User) -> None:
        # Logging in journals the login, which is a municipality's work.
        with municipality_scope(
            Municipality.objects.order_by("pk").values_list("pk", flat=True)[0]
        ):
            self.client.force_login(user)

    def test_the_cooperative_creates_a_zone_adds_an_agent_and_links_a_service(self) -> None:
        self.login(self.superuser)
        response = self.client.post(
            reverse("admin:municipality_partnerzone_add"),
            {"name": "Zone de police du Tournaisis", "slug": "zp-tournaisis", "is_active": "on"},
            HTTP_HOST=TOURNAI,
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        zone = PartnerZone.objects.get()
        people = reverse("admin:municipality_partnerzone_people", args=[zone.pk])
        page = self.client.get(people, HTTP_HOST=TOURNAI).content.decode()
        assert f"{self.antoing.pk}:police" in page  # Antoing's partner services are offered
        assert f"{self.antoing.pk}:population" not in page  # not its own services
        response = self.client.post(
            people, {"action": "add_member", "email": "inconnu@zone.example"}, HTTP_HOST=TOURNAI
        )
        assert response.status_code == 400
        assert "Aucun compte n&#x27;a l&#x27;adresse" in response.content.decode()
        response = self.client.post(
            people, {"action": "add_member", "email": self.police_agent.email}, HTTP_HOST=TOURNAI
        )
        assert response.status_code == 302
        response = self.client.post(
            people,
            {"action": "link_service", "service": f"{self.antoing.pk}:police"},
            HTTP_HOST=TOURNAI,
        )
        assert response.status_code == 302
        assert PartnerZoneMember.objects.filter(zone=zone, user=self.police_agent).exists()
        link = PartnerZoneService.objects.get(zone=zone)
        assert link.commune_id == self.antoing.pk
        # The link is in Antoing's journal.
        with municipality_scope(self.antoing.pk):
            assert AuditEvent.objects.filter(action="partner_zone.service_linked").exists()
        page = self.client.get(people, HTTP_HOST=TOURNAI).content.decode()
        assert "Ville d&#x27;Antoing" in page
        assert "Zone de police du Tournaisis (police)" in page

    def test_each_wrong_input_gets_a_clear_french_message(self) -> None:
        with municipality_scope(self.antoing.pk):
            zone = partner_zone_save(actor=None, name="Zone de police", slug="zp")
        for name, slug, field, message in (
            ("", "x", "name", "Indiquez le nom de la zone"),
            ("zone de police", "x", "name", "Une autre zone s'appelle déjà"),
            ("Autre", "zone à accent", "slug", "lettres sans accent"),
            ("Autre", "zp", "slug", "déjà celui d'une autre zone"),
        ):
            with pytest.raises(ValidationError) as refused, municipality_scope(self.antoing.pk):
                partner_zone_save(actor=None, name=name, slug=slug)
            assert message in " ".join(refused.value.message_dict[field]), (name, slug)
        for code, message in (
            ("", "Indiquez le code du service"),
            ("inconnu", "n'a pas de service « inconnu »"),
            ("population", "est un service communal"),
        ):
            with pytest.raises(ValidationError) as refused:
                partner_zone_service_link(
                    actor=None, zone=zone, commune=self.antoing, service_code=code
                )
            assert message in " ".join(refused.value.messages), code
        partner_zone_service_link(
            actor=None, zone=zone, commune=self.antoing, service_code="police"
        )
        with municipality_scope(self.antoing.pk):
            other = partner_zone_save(actor=None, name="Autre zone", slug="autre")
        with pytest.raises(ValidationError) as refused:
            partner_zone_service_link(
                actor=None, zone=other, commune=self.antoing, service_code="police"
            )
        assert "est déjà rattaché à « Zone de police »" in " ".join(refused.value.messages)

    def test_only_the_cooperatives_superusers_see_the_zones(self) -> None:
        self.login(self.admin)  # a commune's functional administrator
        response = self.client.get(
            reverse("admin:municipality_partnerzone_changelist"), HTTP_HOST=TOURNAI
        )
        assert response.status_code in (302, 403)

    def test_the_zones_tables_are_the_installations_not_a_communes(self) -> None:
        # Row-level security would hide which communes a zone serves from a
        # zone agent outside those communes' scopes.
        tables = set(rls.tenant_tables())
        for model in (PartnerZone, PartnerZoneMember, PartnerZoneService):
            assert model._meta.db_table not in tables


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security is PostgreSQL's; SQLite relies on the application's scoping",
)
@override_settings(ALLOWED_HOSTS=[TOURNAI, ANTOING])
class PartnerZoneRowLevelSecurityTests(PartnerZoneTests):
    """The zone's pages with row-level security alone keeping the communes
    apart (the application's scoping off, the application's kind of role)."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        create_app_role()

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(RLS_ON)
        self.enterContext(as_application())

    def test_the_list_reads_one_query_per_commune_whatever_the_number_of_opinions(self) -> None:
        fresh = User.objects.get(pk=self.zone_agent.pk)
        with CaptureQueriesContext(connection) as two:
            assert len(zone_opinions_for_agent(fresh)) == 2
        reads = [q["sql"] for q in two.captured_queries if "cases_opinion" in q["sql"]]
        assert len(reads) == 2  # one per commune, each in its scope
        due = timezone.localdate() + datetime.timedelta(days=5)
        with municipality_scope(self.antoing.pk):
            for _ in range(3):
                _ask_police(citizen=self.other_citizen, agent=self.antoing_agent, due=due)
        fresh = User.objects.get(pk=self.zone_agent.pk)
        with self.assertNumQueries(len(two.captured_queries)):
            assert len(zone_opinions_for_agent(fresh)) == 5

    def test_the_page_reads_a_fixed_number_of_queries(self) -> None:
        self.login(self.zone_agent)
        self.zone_page()
        with CaptureQueriesContext(connection) as first:
            self.zone_page()
        due = timezone.localdate() + datetime.timedelta(days=5)
        with municipality_scope(self.antoing.pk):
            for _ in range(4):
                _ask_police(citizen=self.other_citizen, agent=self.antoing_agent, due=due)
        with self.assertNumQueries(len(first.captured_queries)):
            assert "6 avis à rendre" in self.zone_page()

    def test_row_level_security_alone_keeps_the_communes_apart_here(self) -> None:
        with connection.cursor() as cursor:  # no scope: no commune's row
            cursor.execute("SELECT count(*) FROM cases_opinion")
            assert cursor.fetchone() == (0,)
        with municipality_scope(self.antoing.pk):
            assert set(Opinion.objects.values_list("municipality_id", flat=True)) == {
                self.antoing.pk
            }
        # The zone's tables stay readable from any scope.
        with municipality_scope(self.antoing.pk):
            assert PartnerZoneService.objects.filter(zone=self.zone).count() == 2
