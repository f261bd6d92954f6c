"""Polling the city's IMAP mailbox: each new email becomes an incoming item."""

from __future__ import annotations

import email.policy
import logging
from dataclasses import dataclass, field

from django.conf import settings
from imap_tools import AND, BaseMailBox, MailBox, MailBoxUnencrypted, MailMessageFlags

from beffroi.mail.intake import email_register
from beffroi.municipality.selectors import active_municipality_ids

logger = logging.getLogger(__name__)


@dataclass
class PollReport:
    registered: list[str] = field(default_factory=list)
    already: int = 0
    failed: int = 0


def municipalities_with_mailbox() -> list[int]:
    """The mailbox job's ``pending``, without a query: every active
    municipality when the installation has a mailbox (``MAIL_IMAP_HOST``),
    none otherwise."""
    if not settings.MAIL_IMAP_HOST:
        return []
    return list(active_municipality_ids())


def _mailbox(host: str, port: int, ssl: bool) -> BaseMailBox:
    if ssl:
        return MailBox(host, port, timeout=60)
    return MailBoxUnencrypted(host, port, timeout=60)


def mailbox_poll(
    *,
    host: str | None = None,
    port: int | None = None,
    user: str | None = None,
    password: str | None = None,
    folder: str | None = None,
    ssl: bool | None = None,
    processed_folder: str | None = None,
    limit: int = 500,
) -> PollReport:
    """Register the unread emails of the mailbox (settings MAIL_IMAP_* by default).

    Each registered email is flagged as read (and moved to the processed
    folder when one is set) only after its item is committed: a crash in
    between leaves it unread, and the next poll finds it registered already
    (by Message-ID) and only flags it.
    """
    report = PollReport()
    host = host or settings.MAIL_IMAP_HOST
    if not host:
        raise RuntimeError("MAIL_IMAP_HOST is not set")
    processed_folder = (
        settings.MAIL_IMAP_PROCESSED_FOLDER if processed_folder is None else processed_folder
    )
    with _mailbox(
        host,
        port or settings.MAIL_IMAP_PORT,
        settings.MAIL_IMAP_SSL if ssl is None else ssl,
    ).login(
        user if user is not None else settings.MAIL_IMAP_USER,
        password if password is not None else settings.MAIL_IMAP_PASSWORD,
        initial_folder=folder or settings.MAIL_IMAP_FOLDER,
    ) as mailbox:
        if processed_folder and not mailbox.folder.exists(processed_folder):
            mailbox.folder.create(processed_folder)
        done: list[str] = []
        for message in mailbox.fetch(AND(seen=False), mark_seen=False, bulk=False, limit=limit):
            raw = message.obj.as_bytes(policy=email.policy.compat32)
            try:
                item = email_register(raw=raw)
            except Exception:
                # One unreadable email must not block the others; it stays unread.
                logger.exception("Could not register email uid %s", message.uid)
                report.failed += 1
                continue
            if item is None:
                report.already += 1
            else:
                report.registered.append(item.number)
            if message.uid:
                done.append(message.uid)
        if done:
            mailbox.flag(done, MailMessageFlags.SEEN, True)
            if processed_folder:
                mailbox.move(done, processed_folder)
    return report
