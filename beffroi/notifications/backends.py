from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from beffroi.notifications.models import DemoEmail


class DemoMailboxBackend(BaseEmailBackend):
    """Keeps every email in the database instead of sending it (demo only)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                for content, mimetype in message.alternatives:
                    if mimetype == "text/html":
                        html = str(content)
            DemoEmail.objects.create(
                from_email=message.from_email or "",
                to="\n".join([*message.to, *message.cc, *message.bcc]),
                subject=str(message.subject),
                body_text=str(message.body),
                body_html=html,
            )
        return len(email_messages)
