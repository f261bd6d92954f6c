"""The scanner's folder: `manage.py mail_import_scans <folder>`."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from beffroi.mail.models import Channel, MailItem
from beffroi.mail.tests.helpers import MailTestCase, scan_png, tiny_pdf


class ImportScansTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(tempfile.mkdtemp(prefix="scans-"))
        self.addCleanup(shutil.rmtree, self.folder, True)

    def run_import(self) -> str:
        out = io.StringIO()
        call_command("mail_import_scans", str(self.folder), stdout=out)
        return out.getvalue()

    def test_each_scan_becomes_an_incoming_item_and_is_moved_aside(self) -> None:
        (self.folder / "001.pdf").write_bytes(tiny_pdf("un"))
        (self.folder / "002.png").write_bytes(scan_png(["Objet : une lettre"]))
        (self.folder / "lisez-moi.txt").write_text("pas un scan")
        output = self.run_import()
        items = list(MailItem.objects.order_by("sequence"))
        assert [item.files.get().filename for item in items] == ["001.pdf", "002.png"]
        assert all(item.channel == Channel.SCAN for item in items)
        assert "2 registered, 0 already registered, 1 not scans" in output
        assert sorted(path.name for path in (self.folder / "traites").iterdir()) == [
            "001.pdf",
            "002.png",
        ]
        assert (self.folder / "lisez-moi.txt").exists()

    def test_a_scan_imported_before_is_not_registered_again(self) -> None:
        scan = tiny_pdf("un")
        (self.folder / "001.pdf").write_bytes(scan)
        self.run_import()
        (self.folder / "copie-001.pdf").write_bytes(scan)
        output = self.run_import()
        assert "0 registered, 1 already registered" in output
        assert MailItem.objects.count() == 1
        assert (self.folder / "traites" / "copie-001.pdf").exists()

    def test_a_missing_folder_is_an_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "is not a folder"):
            call_command("mail_import_scans", str(self.folder / "absent"))
