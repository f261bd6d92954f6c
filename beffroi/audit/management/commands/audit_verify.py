from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from beffroi.audit.chain import journal_key
from beffroi.audit.models import AuditEvent, JournalBatch
from beffroi.audit.rootstore import root_store
from beffroi.audit.selectors import journal_problems
from beffroi.audit.services import journal_seal


class Command(BaseCommand):
    help = (
        "Seals the journal's new events, then checks every event against its keyed hash, "
        "the chain's links and each batch's root against the store outside the database."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = journal_key()
        except ImproperlyConfigured as error:
            raise CommandError(
                "JOURNAL_KEY n'est pas défini : le journal ne peut être ni scellé ni vérifié."
            ) from error
        store = root_store()
        journal_seal(store=store)
        problems = list(journal_problems(key=key, store=store))
        total = AuditEvent.all_municipalities.count()
        batches = JournalBatch.all_municipalities.count()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Journal altéré : {len(problems)} problème(s) sur {total} événements."
            )
        self.stdout.write(f"Journal intègre : {total} événements vérifiés en {batches} lots.")
