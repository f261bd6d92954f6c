"""Filing and processing cases through the services, as people would."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from beffroi.cases.formengine import prefill_values
from beffroi.cases.models import Case, Channel
from beffroi.cases.services import SentPage, case_submit, case_transition, draft_new, draft_start
from beffroi.catalogue.definition import ProcedureDefinition
from beffroi.catalogue.models import Procedure
from beffroi.demo.answers import SAMPLE_PDF, sample_answers


def file_sample_case(
    *,
    procedure: Procedure,
    applicant: Any = None,
    overrides: Mapping[str, Any] | None = None,
    agent: Any = None,
    organisation: Any = None,
    uploads: Mapping[str, list[tuple[bytes, str, str]]] | None = None,
) -> Case:
    """A case of ``procedure`` filed with plausible answers.

    ``uploads`` gives files ({field: [(content, name, kind)]}); the other
    required file questions get a sample PDF.

    Without an applicant and for a procedure that needs an account, a
    counter ``agent`` files it for someone who came in.
    """
    channel = Channel.WEB
    actor = applicant
    if applicant is None and not procedure.allows_anonymous:
        channel, actor = Channel.COUNTER, agent
    who = {
        "actor": actor,
        "procedure": procedure,
        "channel": channel,
        "for_citizen": applicant,
        "organisation": organisation,
    }
    spec = draft_new(**who).spec
    # What the form would prefill: the applicant's profile, the organisation's card.
    prefill = prefill_values(applicant, organisation)
    answers, files = sample_answers(spec, overrides, prefill=prefill)
    # Every answer at once, as if sent on the last page.
    everything = SentPage(
        page_id=spec.pages[-1].id,
        raw={},
        answers=answers,
        uploads={
            **{field_id: [(SAMPLE_PDF, "justificatif.pdf", "pdf")] for field_id in files},
            **(uploads or {}),
        },
    )
    draft = draft_start(**who, first_page=everything)
    return case_submit(actor=actor, draft=draft)


def path_to_an_end(spec: ProcedureDefinition, status: str, roles: set[str]) -> list[str]:
    """The shortest list of transitions (open to ``roles``) from ``status`` to
    a final status, avoiding statuses that wait for the citizen."""
    queue: deque[tuple[str, list[str]]] = deque([(status, [])])
    seen = {status}
    while queue:
        current, path = queue.popleft()
        if spec.is_final(current):
            return path
        for transition in spec.transitions_from(current):
            if transition.get("authority"):
                continue  # decided elsewhere (the College)
            if transition.get("payment"):
                continue  # asks the citizen for an amount (payments.services.payment_request)
            target = transition["to"]
            allowed = set(transition.get("roles") or roles)
            if target in seen or not allowed & roles:
                continue
            if spec.statuses[target].get("waits_for_citizen"):
                continue
            seen.add(target)
            queue.append((target, [*path, transition["id"]]))
    return []


def process_to_an_end(case: Case, *, agent: Any, roles: set[str], comment: str = "Traité.") -> Case:
    """Take the case to a final status the way its service would."""
    for transition_id in path_to_an_end(case.spec, case.status, roles):
        case = case_transition(actor=agent, case=case, transition_id=transition_id, comment=comment)
    return case
