"""Register the unread emails of the city's mailbox (settings MAIL_IMAP_*)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from beffroi.mail.imap import mailbox_poll


class Command(BaseCommand):
    help = (
        "Polls the IMAP mailbox set by MAIL_IMAP_HOST/PORT/USER/PASSWORD/FOLDER/SSL: each "
        "unread email and its attachments become an incoming item (once per Message-ID)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MAIL_IMAP_HOST:
            raise CommandError("Set MAIL_IMAP_HOST (and MAIL_IMAP_USER, MAIL_IMAP_PASSWORD).")
        report = mailbox_poll(limit=options["limit"])
        for number in report.registered:
            self.stdout.write(number)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.registered)} registered, {report.already} already registered, "
                f"{report.failed} failed."
            )
        )
        if report.failed:
            raise CommandError(f"{report.failed} email(s) could not be registered; see the log.")
