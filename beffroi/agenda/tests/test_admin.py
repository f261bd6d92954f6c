"""The technical administration shows the agenda and the directory, and
withdraws through the services."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from beffroi.agenda.models import AgendaEvent, DirectoryEntry
from beffroi.agenda.tests.helpers import AgendaTestCase
from beffroi.audit.models import AuditEvent
from beffroi.testing.personas import make_user


class AdminTests(AgendaTestCase):
    def setUp(self):
        super().setUp()
        root = make_user("root@tournai.example", is_staff=True, is_superuser=True)
        self.client.force_login(root)

    def test_an_administrator_withdraws_an_event_and_puts_it_back(self):
        self.approve(self.file_event())
        event = AgendaEvent.objects.get()
        assert self.client.get("/admin/agenda/agendaevent/").status_code == 200
        assert self.client.get(f"/admin/agenda/agendaevent/{event.pk}/change/").status_code == 200
        url = "/admin/agenda/agendaevent/"
        self.client.post(url, {"action": "withdraw", ACTION_CHECKBOX_NAME: [event.pk]})
        event.refresh_from_db()
        assert event.status == AgendaEvent.Status.WITHDRAWN
        self.client.post(url, {"action": "publish_again", ACTION_CHECKBOX_NAME: [event.pk]})
        event.refresh_from_db()
        assert event.status == AgendaEvent.Status.PUBLISHED
        assert AuditEvent.objects.filter(action="agenda_event.withdrawn").exists()

    def test_an_administrator_withdraws_a_page_and_cannot_edit_one(self):
        self.approve(self.file_business())
        entry = DirectoryEntry.objects.get()
        assert self.client.get("/admin/agenda/directoryentry/").status_code == 200
        self.client.post(
            "/admin/agenda/directoryentry/",
            {"action": "withdraw", ACTION_CHECKBOX_NAME: [entry.pk]},
        )
        entry.refresh_from_db()
        assert entry.status == DirectoryEntry.Status.WITHDRAWN
        assert self.client.get("/admin/agenda/directoryentry/add/").status_code == 403
