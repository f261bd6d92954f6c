from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from beffroi.audit.models import AuditEvent
from beffroi.audit.selectors import audit_chain_problems


class Command(BaseCommand):
    help = "Recomputes the audit journal's hash chain and reports tampered rows."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(audit_chain_problems())
        total = AuditEvent.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Journal altéré : {len(problems)} problème(s) sur {total} événements."
            )
        self.stdout.write(f"Journal intègre : {total} événements vérifiés.")
