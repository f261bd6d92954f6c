"""Filing a request: start, one page at a time, check the answers, send.

Every page's answers are saved as the citizen goes. A page that does not
validate keeps exactly what was typed (shown again with its messages, even
after leaving and coming back), and a citizen whose session timed out finds
what they typed once logged in again.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from beffroi.cases.formengine import (
    HeldFile,
    PageForm,
    answer_rows,
    late_request,
    missing_answers,
    prefill_values,
    visible_pages,
)
from beffroi.cases.models import Attachment, Draft
from beffroi.cases.selectors import draft_file_ids, get_draft_for, submitted_case_for
from beffroi.cases.services import (
    RAW_FAILED,
    IncompleteDraft,
    NotFileable,
    SentPage,
    case_submit_for,
    draft_delete,
    draft_keep_typing,
    draft_new,
    draft_page_send,
    draft_start,
)
from beffroi.catalogue.definition import fee_quote
from beffroi.catalogue.selectors import organisation_mode, procedure_published
from beffroi.core.pagecache import cache_public_page
from beffroi.core.params import parse_id
from beffroi.core.revisions import CATALOGUE, content_revisions
from beffroi.documents.responses import file_response
from beffroi.organisations.selectors import organisations_of
from beffroi.payments.selectors import filing_fee_unpaid
from beffroi.portal.forms import PayForm
from beffroi.portal.session import remember_draft, session_drafts
from beffroi.portal.views_payments import pay_filing_fee


def _draft(request: HttpRequest, draft_id: uuid.UUID, drafts: list[str] | None = None) -> Draft:
    """The draft, if this person (or this browser) may fill it; ``drafts``:
    the browser's drafts when the caller has read them already."""
    if drafts is None:
        drafts = session_drafts(request)
    return get_draft_for(request.user, draft_id, session_drafts=drafts)


def _owner_needed(request: HttpRequest, draft_id: uuid.UUID) -> Draft | None:
    """A draft of an account whose session expired: the owner must log in again."""
    if request.user.is_authenticated:
        return None
    draft = Draft.objects.filter(pk=draft_id, owner__isnull=False, case__isnull=True).first()
    return draft


def _organisation_chosen(
    request: HttpRequest, procedure: Any, choice: str
) -> tuple[Any, HttpResponse | None]:
    """The association this request is filed for (``choice``: its id, or
    nothing), or the way back to the procedure page when one is needed."""
    mode = organisation_mode(procedure)
    if not mode or not request.user.is_authenticated:
        return None, None
    chosen = parse_id(choice)
    represented = organisations_of(request.user, representative=True)
    organisation = represented.filter(pk=chosen).first() if chosen is not None else None
    if mode == "required" and organisation is None:
        messages.error(
            request,
            _(
                "Cette démarche se fait au nom d’une association dont la fiche est validée par la Ville : choisissez-la."
            ),
        )
        return None, redirect(procedure.get_absolute_url())
    return organisation, None


# In the first page's form: the page is sent (a POST without it, from an
# older procedure page, opens an empty draft). Field ids cannot hold a "-".
FIRST_PAGE_MARK = "first-page"
# In the session: a first page typed when the session had run out.
_TYPED_FIRST_PAGE = "beffroi_typed_first_page"


@require_http_methods(["GET", "HEAD", "POST"])
@cache_public_page()
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """The first page of a new request (GET); the draft is opened only when
    it is sent (POST), with its answers: looking costs nothing and leaves
    nothing behind."""
    procedure = procedure_published(
        slug=slug, for_display=False, revision=content_revisions(request)[CATALOGUE]
    )
    if procedure is None:
        raise Http404
    sent = request.method == "POST"
    first_page = sent and FIRST_PAGE_MARK in request.POST
    typed_key = f"{_TYPED_FIRST_PAGE}:{procedure.slug}"
    if not request.user.is_authenticated and not procedure.allows_anonymous:
        return _login_first(request, procedure, typed_key if first_page else None)
    # The association comes in the address (the procedure page's form is a
    # GET); an older procedure page posted it.
    choice = request.POST.get("on_behalf", "") if sent and not first_page else ""
    organisation, refused = _organisation_chosen(
        request, procedure, choice or request.GET.get("on_behalf", "")
    )
    if refused is not None:
        return refused
    try:
        draft = draft_new(actor=request.user, procedure=procedure, organisation=organisation)
        pages = visible_pages(draft.spec, draft.answers)
        if not pages:
            raise NotFileable(procedure.slug)
        spec_page = pages[0]
        form_kwargs: dict[str, Any] = {
            "spec": draft.spec,
            "page": spec_page,
            "answers": {},
            "prefill": prefill_values(draft.owner, draft.organisation),
        }
        if not sent:
            typed = request.session.pop(typed_key, None) if request.user.is_authenticated else None
            if typed:
                form_kwargs["initial"] = _initial_from_raw(typed)
            # Without an account or an organisation nothing is prefilled: the
            # questions are the same for every visitor of this version's page.
            anonymous = not request.user.is_authenticated and organisation is None
            return _render_page(
                request,
                draft,
                spec_page,
                PageForm(**form_kwargs),
                opening=True,
                questions_key=(
                    f"{draft.version_id}:{spec_page.id}:{timezone.localdate():%Y%m%d}"
                    if anonymous
                    else ""
                ),
            )
        page_sent = (
            _sent(request, spec_page.id, PageForm(request.POST, request.FILES, **form_kwargs))
            if first_page
            else None
        )
        draft = draft_start(
            actor=request.user,
            procedure=procedure,
            organisation=organisation,
            first_page=page_sent,
        )
    except NotFileable:
        messages.error(request, _("Cette démarche ne peut pas encore être faite en ligne."))
        return redirect(procedure.get_absolute_url())
    if page_sent is not None and page_sent.answers is not None and not draft.raw_pages:
        response = _next(draft, spec_page.id, request.POST.get("action"))
    else:
        # Shown again with its messages (and its files kept), from the draft.
        response = redirect("portal:draft_page", draft_id=draft.pk, page_id=spec_page.id)
    if draft.owner_id is None:
        remember_draft(request, response, draft)
    return response


def _login_first(request: HttpRequest, procedure: Any, typed_key: str | None) -> HttpResponse:
    """To the login, for a procedure that needs an account; ``typed_key``:
    where to keep the first page the visitor sent when their session ran out."""
    if typed_key is None:
        return redirect_to_login(procedure.get_absolute_url())
    # The session ran out on the first page: what was typed waits in the
    # session (kept through the login) and fills the page again.
    request.session[typed_key] = _raw(request)
    messages.info(
        request,
        _("Votre session a expiré. Connectez-vous : ce que vous aviez saisi est conservé."),
    )
    return redirect_to_login(request.get_full_path())


def _sent(request: HttpRequest, page_id: str, form: PageForm) -> SentPage:
    """A page as sent: what was typed, and its answers when it validates."""
    valid = form.is_valid()
    return SentPage(
        page_id=page_id,
        raw=_raw(request),
        answers=form.page_answers() if valid else None,
        hidden=form.hidden_field_ids() if valid else (),
        uploads=_uploads(form),
    )


@require_safe
def resume(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.is_submitted:
        return redirect("portal:draft_check", draft_id=draft.pk)
    pages = visible_pages(draft.spec, draft.answers)
    target = next((p for p in pages if p.id == draft.last_page), None)
    if target is None:
        return redirect("portal:draft_page", draft_id=draft.pk, page_id=pages[0].id)
    following = pages[pages.index(target) + 1 :]
    page_id = following[0].id if following else None
    if page_id is None:
        return redirect("portal:draft_check", draft_id=draft.pk)
    return redirect("portal:draft_page", draft_id=draft.pk, page_id=page_id)


def _attachments(draft: Draft, spec_page: Any) -> dict[str, list[Attachment]]:
    """The draft's files by question, to show (only when ``spec_page`` asks for files)."""
    if not _asks_files(spec_page):
        return {}
    grouped: dict[str, list[Attachment]] = {}
    for attachment in draft.attachments.select_related("file"):
        grouped.setdefault(attachment.field_id, []).append(attachment)
    return grouped


def _asks_files(spec_page: Any) -> bool:
    return any(f["type"] == "file" for f in spec_page.fields)


def _raw(request: HttpRequest) -> dict[str, Any]:
    """What was typed, as lists of strings, without the CSRF token and buttons."""
    # NUL characters are refused by the form anyway, and by PostgreSQL's JSON.
    return {
        key.replace("\x00", ""): [value.replace("\x00", "") for value in request.POST.getlist(key)]
        for key in request.POST
        if key not in {"csrfmiddlewaretoken", "remove", "action", FIRST_PAGE_MARK}
    }


def _initial_from_raw(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        key: values if len(values) > 1 else (values[0] if values else "")
        for key, values in raw.items()
    }


def _uploads(form: PageForm) -> dict[str, list[tuple[bytes, str, str]]]:
    """The page's valid new files: content, name and kind per file question."""
    return {
        field_id: [(upload.read(), upload.name or "", kind) for upload, kind in uploads]
        for field_id, uploads in form.new_uploads().items()
    }


def _as_querydict(raw: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in raw.items():
        data.setlist(key, list(values))
    return data


@require_http_methods(["GET", "HEAD", "POST"])
def page(request: HttpRequest, draft_id: uuid.UUID, page_id: str) -> HttpResponse:
    drafts = session_drafts(request)
    if (
        request.method == "POST"
        and not request.user.is_authenticated
        and str(draft_id) not in drafts
        and (stranded := _owner_needed(request, draft_id))
    ):
        return _keep_typing(request, stranded, page_id)
    draft = _draft(request, draft_id, drafts)
    if draft.is_submitted:
        return redirect("portal:draft_check", draft_id=draft.pk)
    spec = draft.spec
    spec_page = spec.page(page_id)
    if spec_page is None or spec_page not in visible_pages(spec, draft.answers):
        raise Http404
    # Sent: the files' ids are enough to check the page; shown: the files.
    files = draft_file_ids(draft) if request.method == "POST" and _asks_files(spec_page) else None
    form_kwargs: dict[str, Any] = {
        "spec": spec,
        "page": spec_page,
        "answers": draft.answers,
        "attachments": (
            {key: [HeldFile(pk) for pk in ids] for key, ids in files.items()}
            if files is not None
            else _attachments(draft, spec_page)
        ),
        "prefill": prefill_values(draft.owner, draft.organisation),
    }
    if request.method == "POST":
        form = PageForm(request.POST, request.FILES, **form_kwargs)
        done = _page_send(request, draft, spec_page, form, files)
        if done is not None:
            return done
    elif page_id in draft.raw_pages:
        # Typed earlier and not saved yet: shown exactly as typed, with its
        # messages when it was a failed attempt.
        raw = dict(draft.raw_pages[page_id])
        failed = raw.pop(RAW_FAILED, None)
        if failed:
            form = PageForm(_as_querydict(raw), **form_kwargs)
            form.is_valid()
        else:
            form = PageForm(initial=_initial_from_raw(raw), **form_kwargs)
    else:
        form = PageForm(**form_kwargs)
    return _render_page(request, draft, spec_page, form)


def _keep_typing(request: HttpRequest, stranded: Draft, page_id: str) -> HttpResponse:
    """The session ran out while the citizen typed: keep what they typed in
    their draft, and bring them back to it once logged in."""
    spec_page = stranded.spec.page(page_id)
    if spec_page is not None:
        draft_keep_typing(draft=stranded, page_id=page_id, raw=_raw(request))
    url = reverse("portal:draft_page", args=[stranded.pk, page_id])
    messages.info(
        request,
        _("Votre session a expiré. Connectez-vous : ce que vous aviez saisi est conservé."),
    )
    return redirect_to_login(url)


def _page_send(
    request: HttpRequest,
    draft: Draft,
    spec_page: Any,
    form: PageForm,
    files: dict[str, list[int]] | None,
) -> HttpResponse | None:
    """Save a sent page: where to go next, or None to show it again (its
    messages in ``form``, its files kept)."""
    removal = parse_id(request.POST.get("remove", ""))
    sent = _sent(request, spec_page.id, form)
    full = draft_page_send(actor=request.user, draft=draft, page=sent, files=files, remove=removal)
    if removal is not None:
        messages.success(request, _("Le fichier a été retiré."))
        return redirect("portal:draft_page", draft_id=draft.pk, page_id=spec_page.id)
    for field_id in full:
        form.add_error(field_id, _("Vous avez déjà joint le nombre maximum de fichiers."))
    if sent.answers is not None and not full:
        return _next(draft, spec_page.id, request.POST.get("action"))
    form.refresh_attachments(_attachments(draft, spec_page))
    return None


def _render_page(
    request: HttpRequest,
    draft: Draft,
    spec_page: Any,
    form: PageForm,
    *,
    opening: bool = False,
    questions_key: str = "",
) -> HttpResponse:
    """A page of the request; ``questions_key``: the empty questions' markup
    is the same for every visitor and kept under this key."""
    pages = visible_pages(draft.spec, draft.answers)
    position = next((i for i, p in enumerate(pages) if p.id == spec_page.id), 0)
    previous = pages[position - 1] if position > 0 else None
    warning = _early_request_warning(draft)
    return render(
        request,
        "portal/filing/page.html",
        {
            "nav": "home",
            "draft": draft,
            "procedure": draft.procedure,
            "page": spec_page,
            "form": form,
            "position": position + 1,
            "page_count": len(pages),
            "previous": previous,
            "warning": warning,
            # A new request's first page (its draft not saved yet): sending
            # it opens the draft.
            "opening": opening,
            "questions_key": questions_key,
        },
    )


def _early_request_warning(draft: Draft) -> str:
    """The warning of a request filed later than the city asks (accepted anyway)."""
    late = late_request(draft.spec, draft.answers, on=timezone.localdate())
    if late is None:
        return ""
    return _(
        "Votre demande arrive %(days)d jour(s) avant la date prévue, alors que la Ville demande "
        "%(required)d jours pour l’instruire. Elle sera examinée, mais une réponse à temps n’est "
        "pas garantie."
    ) % {"days": late.days_left, "required": late.days_required}


def _next(draft: Draft, page_id: str, action: str | None) -> HttpResponse:
    if action == "check":
        return redirect("portal:draft_check", draft_id=draft.pk)
    pages = visible_pages(draft.spec, draft.answers)
    ids = [p.id for p in pages]
    if page_id in ids and ids.index(page_id) + 1 < len(ids):
        return redirect("portal:draft_page", draft_id=draft.pk, page_id=ids[ids.index(page_id) + 1])
    return redirect("portal:draft_check", draft_id=draft.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    drafts = session_drafts(request)
    missing = None
    if request.method == "POST":
        # Sent: the draft is read once, under its lock, by the service.
        pay = PayForm(request.POST)
        try:
            case = case_submit_for(actor=request.user, draft_id=draft_id, session_drafts=drafts)
        except IncompleteDraft as error:
            missing = error.missing
        else:
            if pay.is_valid():  # « Payer et envoyer »
                return pay_filing_fee(request, case, pay)
            return redirect("portal:confirmation", code=case.tracking_code)
    draft = _draft(request, draft_id, drafts)
    if draft.is_submitted:
        assert draft.case is not None
        return redirect("portal:confirmation", code=draft.case.tracking_code)
    spec = draft.spec
    if missing is None:
        missing = missing_answers(spec, draft.answers)
    files = {a.pk: a for a in draft.attachments.all()}
    return render(
        request,
        "portal/filing/check.html",
        {
            "nav": "home",
            "draft": draft,
            "procedure": draft.procedure,
            "rows": answer_rows(spec, draft.answers, files),
            "missing": missing,
            "unsaved_pages": [p for p in spec.pages if p.id in draft.raw_pages],
            "warning": _early_request_warning(draft),
            "fee": fee_quote(spec.fee, draft.answers),
            "pay_form": PayForm(initial={"payment_key": uuid.uuid4()}),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def delete(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    procedure = draft.procedure
    draft_delete(actor=request.user, draft=draft)
    messages.success(
        request, _("Le brouillon « %(title)s » a été supprimé.") % {"title": procedure.title}
    )
    return redirect("portal:my_cases" if request.user.is_authenticated else "portal:home")


@require_safe
def draft_file(request: HttpRequest, draft_id: uuid.UUID, attachment_id: int) -> HttpResponseBase:
    draft = _draft(request, draft_id)
    attachment = draft.attachments.select_related("file").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return file_response(attachment.file, attachment.filename)


@require_safe
def confirmation(request: HttpRequest, code: str) -> HttpResponse:
    case = submitted_case_for(request.user, code, session_drafts=session_drafts(request))
    if case is None:
        raise Http404
    return render(
        request,
        "portal/filing/confirmation.html",
        {
            "nav": "home",
            "case": case,
            "unpaid_fee": filing_fee_unpaid(case),
            "pay_form": PayForm(initial={"payment_key": uuid.uuid4()}),
        },
    )
