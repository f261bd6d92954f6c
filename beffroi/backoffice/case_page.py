"""The back-office case page: what it shows, and showing it again with a
form's errors (every view that acts on a case ends here or redirects)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from beffroi.accounts.models import User
from beffroi.backoffice.forms_cases import (
    AssignForm,
    DeadlineForm,
    MessageForm,
    NoteForm,
    OpinionRequestForm,
    TransitionForm,
)
from beffroi.backoffice.forms_payment_requests import payment_request_forms
from beffroi.backoffice.forms_payments import RefundForm
from beffroi.backoffice.reauth import refund_confirmation_needed
from beffroi.cases.formengine import answer_rows, late_request
from beffroi.cases.models import Case
from beffroi.cases.opinions import can_request_opinions
from beffroi.cases.selectors import case_history, get_case_for_agent
from beffroi.cases.workflow import transitions_available, transitions_waiting
from beffroi.core.workdays import add_working_days
from beffroi.documents.models import IssuedDocument
from beffroi.municipality.models import Service
from beffroi.municipality.selectors import roles_in
from beffroi.payments.models import Payment
from beffroi.payments.selectors import case_money
from beffroi.payments.services import REFUND_ROLES


def agents_of(service_ids: list[int]) -> list[tuple[int, str]]:
    people = (
        User.objects.filter(memberships__service_id__in=service_ids, is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
        .only("pk", "first_name", "last_name", "email")
    )
    return [(person.pk, person.full_name or person.email) for person in people]


def opinion_service_choices(exclude_id: int) -> list[tuple[str, str]]:
    """The services (and partners) a case's service may ask for an opinion."""
    services = (
        Service.objects.filter(is_active=True).exclude(pk=exclude_id).order_by("kind", "name")
    )
    return [(service.code, service.name) for service in services]


def refundable_payments(case: Case) -> list[Payment]:
    return [p for p in case_money(case).payments if p.refundable_amount > 0]


def money_context(request: HttpRequest, case: Case, form: RefundForm | None) -> dict[str, Any]:
    """What the case is due, paid and refunded, and the refund form for the head of service."""
    money = case_money(case)
    refundable = [p for p in money.payments if p.refundable_amount > 0]
    may_refund = bool(REFUND_ROLES & roles_in(request.user, case.service_id)) and bool(refundable)
    return {
        "money": money,
        "may_refund": may_refund,
        "refund_form": form
        or RefundForm(payments=refundable, password_needed=refund_confirmation_needed(request)),
    }


def case_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    files = {a.pk: a for a in case.attachments.select_related("file")}
    agents = agents_of([case.service_id])
    available = transitions_available(case, request.user)
    return {
        "nav": "inbox",
        "case": case,
        "rows": answer_rows(case.spec, case.answers, files),
        "message_files": [a for a in files.values() if a.message_id is not None],
        "history": case_history(case, for_citizen=False),
        "case_messages": case.messages.select_related("author").prefetch_related("attachments"),
        "notes": case.notes.select_related("author"),
        "documents": IssuedDocument.objects.filter(case=case).select_related("service"),
        # A transition asking for a payment has its own form (amount, reason).
        "transitions": [t for t in available if not t.get("payment")],
        "payment_requests": payment_request_forms(
            case, [t for t in available if t.get("payment")], forms.get("payment_request_form")
        ),
        "waiting": transitions_waiting(case, request.user),
        "transition_form": forms.get("transition_form")
        or TransitionForm(initial={"lock_version": case.lock_version}),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            initial={"agent": case.assigned_to_id or "", "lock_version": case.lock_version},
            agents=agents,
        ),
        "deadline_form": forms.get("deadline_form")
        or DeadlineForm(initial={"deadline": case.deadline, "lock_version": case.lock_version}),
        "note_form": forms.get("note_form") or NoteForm(),
        "opinions": case.opinions.select_related("service", "given_by").prefetch_related(
            "attachments"
        ),
        "can_request_opinions": can_request_opinions(request.user, case),
        "opinion_form": forms.get("opinion_form")
        or OpinionRequestForm(
            initial={"due_date": add_working_days(timezone.localdate(), 10)},
            services=opinion_service_choices(case.service_id),
        ),
        "message_form": forms.get("message_form") or MessageForm(),
        "stale": forms.get("stale", False),
        "late": late_request(
            case.spec, case.answers, on=timezone.localtime(case.submitted_at).date()
        ),
        **money_context(request, case, forms.get("refund_form")),
    }


def case_page_again(request: HttpRequest, case: Case, status: int, **forms: Any) -> HttpResponse:
    fresh = get_case_for_agent(request.user, case.reference)
    return render(
        request,
        "backoffice/cases/detail.html",
        case_context(request, fresh, **forms),
        status=status,
    )
