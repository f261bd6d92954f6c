"""Following a request with its tracking code, without an account.

The code alone shows the procedure, the status, the dates and the next step:
nothing personal. The details (answers, messages, documents) and replying
take the owner's login, or the code plus the procedure's check questions.
Lookups and checks are rate-limited per client address.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from beffroi.cases.models import Case
from beffroi.cases.selectors import case_by_tracking_code, case_status_steps
from beffroi.cases.services import case_check_failed
from beffroi.core.clientip import client_address
from beffroi.core.forms import render_unbound
from beffroi.core.identifiers import clean_national_number
from beffroi.core.text import fold
from beffroi.core.throttle import throttle_count, throttle_hit, throttle_reached
from beffroi.portal.forms import TrackingCheckForm, TrackingForm
from beffroi.portal.session import unlock_case, unlocked_case_ids
from beffroi.portal.views_cases import case_page

# Lookups per client address; failed checks per code from one address, and
# per code from all addresses together (guessing a surname and a birth
# date from many addresses is stopped too).
LOOKUPS = "30/10m"
CHECKS_PER_ADDRESS = "5/15m"
CHECKS_PER_CODE = "10/h"


def _throttled(request: HttpRequest, form: TrackingForm) -> HttpResponse:
    return render(
        request,
        "portal/tracking/lookup.html",
        {"nav": "tracking", "form": form, "throttled": True},
        status=429,
    )


@require_safe
def tracking(request: HttpRequest) -> HttpResponse:
    form = TrackingForm(request.GET or None)
    if form.is_valid():
        return redirect("portal:tracking_detail", code=form.cleaned_data["code"])
    return render(request, "portal/tracking/lookup.html", {"nav": "tracking", "form": form})


def _lookup(
    request: HttpRequest, code: str, *, status_only: bool = False
) -> tuple[Case | None, HttpResponse | None]:
    form = TrackingForm({"code": code})
    if not throttle_hit(request, group="tracking", rate=LOOKUPS):
        return None, _throttled(request, form)
    case = case_by_tracking_code(code, status_only=status_only) if form.is_valid() else None
    if case is None:
        response = render(
            request,
            "portal/tracking/not_found.html",
            {"nav": "tracking", "form": form},
            status=404,
        )
        return None, response
    return case, None


def _questions(case: Case) -> list[dict[str, Any]]:
    spec = case.spec
    return [spec.fields[field_id] for field_id in spec.tracking_check if field_id in spec.fields]


def _check_form_html(questions: list[dict[str, Any]], form: TrackingCheckForm | None = None) -> str:
    """The check questions; unanswered, they are written once per process and procedure."""
    if not questions:
        return ""
    return render_unbound(form or TrackingCheckForm(questions=questions), questions)


@require_safe
def tracking_detail(request: HttpRequest, code: str) -> HttpResponse:
    case, refusal = _lookup(request, code, status_only=True)
    if refusal is not None or case is None:
        return refusal  # type: ignore[return-value]
    return render(
        request,
        "portal/tracking/status.html",
        {
            "nav": "tracking",
            "case": case,
            "steps": case_status_steps(case),
            "check_form": _check_form_html(_questions(case)),
            "is_owner": request.user.is_authenticated and case.applicant_id == request.user.pk,
            "unlocked": case.pk in unlocked_case_ids(request),
        },
    )


def _matches(expected: object, given: object, field_type: str) -> bool:
    if expected in (None, ""):
        return False
    if field_type == "date":
        return isinstance(given, datetime.date) and str(expected) == given.isoformat()
    if field_type == "national_number":
        try:
            return clean_national_number(str(given)) == str(expected)
        except Exception:
            return False
    return fold(str(expected)) == fold(str(given))


def _count_failed_check(request: HttpRequest, case: Case, from_here: str) -> None:
    throttle_count(request, group="tracking-check", rate=CHECKS_PER_ADDRESS, key=from_here)
    failures = throttle_count(
        request, group="tracking-check-code", rate=CHECKS_PER_CODE, key=case.tracking_code
    )
    # The owner hears of the window's first failure, not of every one.
    case_check_failed(actor=request.user, case=case, tell_owner=failures == 1)


@require_http_methods(["GET", "HEAD", "POST"])
def tracking_details(request: HttpRequest, code: str) -> HttpResponse:
    case, refusal = _lookup(request, code)
    if refusal is not None or case is None:
        return refusal  # type: ignore[return-value]
    if request.user.is_authenticated and case.applicant_id == request.user.pk:
        return redirect(case.get_absolute_url())
    if case.pk in unlocked_case_ids(request) and "check" not in request.POST:
        return case_page(request, case, via_code=True)
    questions = _questions(case)
    if not questions or request.method != "POST":
        return redirect("portal:tracking_detail", code=case.tracking_code)
    form = TrackingCheckForm(request.POST, questions=questions)
    from_here = f"{client_address(request)}:{case.tracking_code}"
    if throttle_reached(
        request, group="tracking-check", rate=CHECKS_PER_ADDRESS, key=from_here
    ) or throttle_reached(
        request, group="tracking-check-code", rate=CHECKS_PER_CODE, key=case.tracking_code
    ):
        form.add_error(
            None,
            _(
                "Trop d’essais pour ce code. Réessayez dans un quart d’heure, ou connectez-vous au compte qui a introduit la demande."
            ),
        )
        status = 429
    elif form.is_valid():
        types = {q["id"]: str(q["type"]) for q in questions}
        if all(
            _matches(case.answers.get(field_id), form.cleaned_data.get(field_id), types[field_id])
            for field_id in types
        ):
            unlock_case(request, case)
            return redirect("portal:tracking_details", code=case.tracking_code)
        _count_failed_check(request, case, from_here)
        form.add_error(
            None,
            _("Ces informations ne correspondent pas à la demande. Vérifiez-les et réessayez."),
        )
        status = 400
    else:
        status = 400
    return render(
        request,
        "portal/tracking/status.html",
        {
            "nav": "tracking",
            "case": case,
            "steps": case_status_steps(case),
            "check_form": _check_form_html(questions, form),
            "is_owner": False,
            "unlocked": False,
        },
        status=status,
    )
