"""The lines of an inbox: cases and mail merged, each with what its line
shows already worked out (the template, ``inbox_rows.html``, only prints)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from beffroi.cases.models import Channel
from beffroi.catalogue.selectors import version_spec
from beffroi.mail.models import MailItem

CHANNEL_LABELS = dict(Channel.choices)
_PLACEHOLDER = "0000-reference"


@dataclass(frozen=True)
class InboxRow:
    """One line of an inbox (no lookups left to make)."""

    reference: str
    procedure: str
    summary: str
    applicant: str
    status: str
    channel: str
    deadline: datetime.date | None
    overdue: bool
    agent: str
    url: str
    kind: str  # "case" or "mail"


def _person(first_name: str | None, last_name: str | None, email: str | None) -> str:
    return f"{first_name or ''} {last_name or ''}".strip() or (email or "")


def case_rows(values: Iterable[Mapping[str, Any]], today: datetime.date) -> list[InboxRow]:
    """Lines of cases read with ``cases.selectors.INBOX_VALUES``."""
    # One reverse for every line: the references only differ in one spot.
    url_pattern = reverse("backoffice:case_detail", args=[_PLACEHOLDER])
    rows = []
    for case in values:
        deadline = case["deadline"]
        rows.append(
            InboxRow(
                reference=case["reference"],
                procedure=case["procedure__title"],
                summary=case["summary"],
                applicant=case["applicant_name"],
                status=version_spec(case["version_id"]).status_label(case["status"], agent=True),
                channel=str(CHANNEL_LABELS.get(case["channel"], case["channel"])),
                deadline=deadline,
                overdue=deadline is not None and case["closed_at"] is None and deadline < today,
                agent=_person(
                    case["assigned_to__first_name"],
                    case["assigned_to__last_name"],
                    case["assigned_to__email"],
                ),
                url=url_pattern.replace(_PLACEHOLDER, case["reference"]),
                kind="case",
            )
        )
    return rows


def mail_row(item: MailItem) -> InboxRow:
    assigned = item.assigned_to
    return InboxRow(
        reference=item.number,
        procedure=_("Courrier — %(type)s") % {"type": item.document_type.name}
        if item.document_type
        else str(_("Courrier")),
        summary=item.title,
        applicant=str(item.sender) if item.sender else "",
        status=str(item.get_status_display()),
        channel=str(item.get_channel_display()),
        deadline=item.due_on,
        overdue=item.is_overdue,
        agent=_person(assigned.first_name, assigned.last_name, assigned.email) if assigned else "",
        url=item.get_absolute_url(),
        kind="mail",
    )


def merged(rows: list[InboxRow], today: datetime.date) -> list[InboxRow]:
    """Deadline first (none last), then reference: cases and mail in one order."""
    return sorted(
        rows, key=lambda row: (row.deadline is None, row.deadline or today, row.reference)
    )
