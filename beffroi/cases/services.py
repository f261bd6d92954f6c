"""Every change to drafts and cases: one transaction each, journaled."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beffroi.accounts.actors import Actor, actor_user
from beffroi.audit.services import audit_event_record
from beffroi.cases.codes import new_case_reference, new_tracking_code
from beffroi.cases.formengine import display_value, missing_answers, prune_answers
from beffroi.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseTimer,
    Channel,
    Draft,
    Message,
    Note,
)
from beffroi.cases.notify import (
    notify_citizen_of_message,
    notify_owner_of_failed_check,
    notify_service,
)
from beffroi.cases.selectors import draft_file_ids, due_timers, get_draft_for
from beffroi.cases.workflow import (
    TransitionRefused,
    actor_roles,
    enter_status,
    initial_deadline,
    insert_in_first_status,
    requirement_unmet,
    route_service_code,
    transitions_available,
)
from beffroi.catalogue.models import Procedure
from beffroi.catalogue.selectors import version_number
from beffroi.core.text import fold
from beffroi.documents.services import (
    DocumentNotSealed,
    document_seal_failure_record,
    file_store,
)
from beffroi.municipality.models import Service
from beffroi.municipality.selectors import is_member


class StaleCase(Exception):
    """Someone changed the case since the page was loaded."""


class NotFileable(Exception):
    """The procedure cannot be filed online (yet), or not by this person."""


# --- Drafts ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SentPage:
    """One page of a draft as the citizen sent it."""

    page_id: str
    # What was typed, as lists of strings (kept to be shown again).
    raw: Mapping[str, Any]
    # The page's answers when it validated, None when it did not.
    answers: Mapping[str, Any] | None = None
    # Questions the answers made irrelevant (their earlier answers go).
    hidden: Iterable[str] = ()
    # New files per file question: content, name and kind of each.
    uploads: Mapping[str, Iterable[tuple[bytes, str, str]]] = dataclasses.field(
        default_factory=dict
    )


def draft_new(
    *,
    actor: Actor,
    procedure: Procedure,
    channel: str = Channel.WEB,
    for_citizen: Any = None,
    organisation: Any = None,
) -> Draft:
    """A draft of ``procedure``'s current version, not saved yet (the portal
    shows its first page from it); NotFileable if this person may not file it.

    ``for_citizen`` is the person a counter agent files for (None: the agent
    files for someone without an account).
    """
    # The version by id: its definition is read through the per-process
    # cache of parsed versions when the draft needs it, not here.
    version_id = procedure.current_version_id
    if version_id is None or not procedure.is_published:
        raise NotFileable(procedure.slug)
    # Online, eID procedures wait for eID login; at the counter the agent
    # sees the person's identity card.
    if procedure.requires_eid and channel == Channel.WEB:
        raise NotFileable(procedure.slug)
    user = actor_user(actor)
    if channel == Channel.WEB and user is None and not procedure.allows_anonymous:
        raise NotFileable(procedure.slug)
    owner = for_citizen if channel != Channel.WEB else user
    if organisation is not None and not _represents(owner, organisation):
        raise NotFileable(procedure.slug)
    return Draft(
        procedure=procedure,
        version_id=version_id,
        owner=owner,
        channel=channel,
        organisation=organisation,
        created_by=user if channel != Channel.WEB else None,
    )


def _represents(person: Any, organisation: Any) -> bool:
    """Whether ``person`` represents the validated ``organisation`` (read
    through the instance: the organisations app sits above this one)."""
    if person is None or organisation.status != "validated":
        return False
    return bool(organisation.members.filter(user=person, role="representative").exists())


@transaction.atomic
def draft_start(
    *,
    actor: Actor,
    procedure: Procedure,
    channel: str = Channel.WEB,
    for_citizen: Any = None,
    organisation: Any = None,
    first_page: SentPage | None = None,
) -> Draft:
    """Open a new draft of ``procedure``'s current version (see :func:`draft_new`).

    ``first_page``: the first page as the citizen sent it, kept as
    :func:`draft_page_send` keeps a page. The portal opens a draft only
    then, so a visitor who looks at the form and leaves leaves nothing.
    """
    draft = draft_new(
        actor=actor,
        procedure=procedure,
        channel=channel,
        for_citizen=for_citizen,
        organisation=organisation,
    )
    if first_page is not None and first_page.answers is not None and not first_page.uploads:
        # The usual first page, valid and without files: saved with the
        # draft itself, in one statement.
        _set_answers(draft, first_page, files={})
        draft.save(force_insert=True)
    else:
        draft.save(force_insert=True)
        if first_page is not None:
            _page_send(actor, draft, first_page, files={})
    audit_event_record(
        actor=actor, action="draft.started", target=draft, data={"procedure": procedure.slug}
    )
    return draft


# In a draft's ``raw_pages``: the page was sent and did not validate (its
# messages are shown again with what was typed).
RAW_FAILED = "__failed__"


@transaction.atomic
def draft_page_send(
    *,
    actor: Actor,
    draft: Draft,
    page: SentPage,
    files: Mapping[str, list[int]] | None = None,
    remove: int | None = None,
) -> set[str]:
    """One page sent by the citizen, in one transaction.

    Its new files are kept first, even when other answers are wrong. Then
    the answers (the page validated) are saved, unless a file found no room;
    otherwise what was typed is kept to be shown again with its messages.
    ``files``: the ids of the draft's files by question, when the caller has
    just read them (:func:`draft_file_ids`). ``remove`` takes one of the
    draft's files away (the page's "Retirer" button): what was typed is kept
    as typed, not saved. Returns the file questions that had no room left
    for a new file.
    """
    return _page_send(actor, draft, page, files=files, remove=remove)


def _page_send(
    actor: Actor,
    draft: Draft,
    page: SentPage,
    *,
    files: Mapping[str, list[int]] | None,
    remove: int | None = None,
) -> set[str]:
    """Keep ``page``'s files, then its answers or what was typed, in the
    caller's transaction; ``files`` and ``remove`` as in :func:`draft_page_send`."""
    held = None if files is None else {key: list(ids) for key, ids in files.items()}
    full: set[str] = set()
    for field_id, uploads in page.uploads.items():
        for upload in uploads:
            known = None if held is None else held.setdefault(field_id, [])
            attached = _attach(actor, draft, field_id, upload, known)
            if attached is None:
                full.add(field_id)
            elif known is not None:
                # The draft's files as they are now, without reading them again.
                if _max_files(draft, field_id) == 1:
                    known.clear()
                known.append(attached.pk)
    if remove is not None:
        draft.attachments.filter(pk=remove).delete()
        _keep_raw(draft, page.page_id, page.raw)
    elif page.answers is not None and not full:
        _set_answers(draft, page, files=held)
        draft.save(update_fields=["answers", "raw_pages", "last_page", "updated_at"])
    else:
        _keep_raw(draft, page.page_id, {**page.raw, RAW_FAILED: ["1"]})
    return full


def _set_answers(draft: Draft, page: SentPage, *, files: Mapping[str, list[int]] | None) -> None:
    """A validated page's answers in the draft (and those it made irrelevant out)."""
    assert page.answers is not None
    merged = {**draft.answers, **page.answers}
    for field_id in page.hidden:
        merged.pop(field_id, None)
    draft.answers = prune_answers(draft.spec, _with_files(draft, merged, files))
    draft.raw_pages.pop(page.page_id, None)
    draft.last_page = page.page_id


def _with_files(
    draft: Draft, answers: dict[str, Any], files: Mapping[str, list[int]] | None = None
) -> dict[str, Any]:
    """Answers with each file question holding the ids of its attachments
    (``files`` when known, as :func:`draft_file_ids` gives them)."""
    by_field = draft_file_ids(draft) if files is None else files
    for field_id, field in draft.spec.fields.items():
        if field["type"] == "file":
            if by_field.get(field_id):
                answers[field_id] = by_field[field_id]
            else:
                answers.pop(field_id, None)
    return answers


def _keep_raw(draft: Draft, page_id: str, raw: Mapping[str, Any]) -> None:
    draft.raw_pages[page_id] = dict(raw)
    draft.save(update_fields=["raw_pages", "updated_at"])


@transaction.atomic
def draft_keep_typing(*, draft: Draft, page_id: str, raw: Mapping[str, Any]) -> Draft:
    """Keep what was typed on a page that could not be saved because the
    session had expired, exactly as typed."""
    _keep_raw(draft, page_id, raw)
    return draft


def _attach(
    actor: Actor,
    draft: Draft,
    field_id: str,
    upload: tuple[bytes, str, str],
    held: list[int] | None,
) -> Attachment | None:
    """Keep a new file (content, name, kind) of a file question; None when
    the question is full. ``held``: the ids of the question's files, when known."""
    content, filename, kind = upload
    max_files = _max_files(draft, field_id)
    if max_files == 1:
        # A single-file question: the new file replaces the old one, if any.
        if held is None or held:
            Attachment.objects.filter(draft=draft, field_id=field_id).delete()
    else:
        count = len(held) if held is not None else None
        if count is None:
            count = draft.attachments.filter(field_id=field_id).count()
        if count >= max_files:
            return None
    stored = file_store(content=content, kind=kind)
    # The draft's answers point at its files when a page is saved and when
    # it is sent (_with_files): attaching alone does not rewrite them.
    return Attachment.objects.create(
        file=stored,
        filename=_safe_filename(filename),
        field_id=field_id,
        draft=draft,
        uploaded_by=actor_user(actor),
    )


def _max_files(draft: Draft, field_id: str) -> int:
    field = draft.spec.fields.get(field_id)
    if field is None or field["type"] != "file":
        raise ValueError(f"{field_id} is not a file question")
    return int(field.get("max_files", 1))


def _safe_filename(name: str) -> str:
    cleaned = "".join(ch for ch in name.replace("\\", "/").split("/")[-1] if ch.isprintable())
    return (cleaned.strip() or _("fichier"))[:200]


@transaction.atomic
def draft_delete(*, actor: Actor, draft: Draft) -> None:
    if draft.is_submitted:
        return
    audit_event_record(actor=actor, action="draft.deleted", target=draft)
    draft.delete()


# --- Submission ----------------------------------------------------------------------


def _applicant_identity(draft: Draft, answers: Mapping[str, Any]) -> tuple[str, str]:
    """(name, email) of the person the case is for."""
    mapping = draft.spec.options.get("applicant", {})
    owner = draft.owner
    first = answers.get(mapping.get("first_name", ""), "") if mapping else ""
    last = answers.get(mapping.get("last_name", ""), "") if mapping else ""
    email = answers.get(mapping.get("email", ""), "") if mapping else ""
    if owner is not None:
        name = owner.full_name or f"{first} {last}".strip()
        return name, email or owner.email
    return f"{first} {last}".strip(), str(email)


def _summary(draft: Draft, answers: Mapping[str, Any]) -> str:
    parts = []
    for field_id in draft.spec.options.get("summary_fields", []):
        field = draft.spec.fields.get(field_id)
        value = display_value(draft.spec, field, answers.get(field_id), {}) if field else ""
        if value and isinstance(value, str):
            parts.append(value.replace("\n", ", "))
    return " — ".join(parts)[:300]


class IncompleteDraft(Exception):
    def __init__(self, missing: list[Any]) -> None:
        super().__init__("incomplete")
        self.missing = missing


def case_submit(*, actor: Actor, draft: Draft) -> Case:
    """File the draft as a case; return the case (the same one if already filed)."""
    return _submit(
        actor,
        lambda: Draft.objects.select_for_update().filter(pk=draft.pk).first() or _gone(draft),
    )


def case_submit_for(*, actor: Actor, draft_id: Any, session_drafts: Iterable[str]) -> Case:
    """File draft ``draft_id`` for the person sending it, as :func:`case_submit`.

    The draft is read once, under its lock, with the rule of
    :func:`get_draft_for` (Http404 for anyone else): sending is the busiest
    write of the portal, and a separate read to check who sends it would be
    one more round trip to the database.
    """
    drafts = list(session_drafts)
    return _submit(actor, lambda: get_draft_for(actor, draft_id, session_drafts=drafts, lock=True))


def _submit(actor: Actor, read_locked: Callable[[], Draft]) -> Case:
    for _attempt in range(5):
        try:
            return _case_submit_once(actor=actor, read_locked=read_locked)
        except IntegrityError:
            continue  # a tracking code drawn twice: draw again
    raise RuntimeError("Could not draw a unique tracking code")


def _gone(draft: Draft) -> NoReturn:
    raise Draft.DoesNotExist(f"Draft {draft.pk} was deleted")


def _new_case(
    draft: Draft, answers: dict[str, Any], *, service: Service, name: str, email: str
) -> Case:
    """The case a draft becomes (not saved): its reference, tracking code and summary."""
    now = timezone.now()
    reference = new_case_reference(year=timezone.localdate().year)
    tracking_code = new_tracking_code()
    summary = _summary(draft, answers)
    organisation = draft.organisation
    return Case(
        reference=reference,
        tracking_code=tracking_code,
        procedure=draft.procedure,
        version_id=draft.version_id,
        service=service,
        status="",
        channel=draft.channel,
        applicant=draft.owner,
        applicant_email="" if draft.owner else email,
        applicant_name=name,
        organisation=organisation,
        summary=summary,
        search_text=fold(
            f"{name} {organisation.name if organisation else ''} "
            f"{reference} {tracking_code} {summary}"
        ),
        answers=answers,
        created_by=draft.created_by,
        submitted_at=now,
        status_changed_at=now,
    )


@transaction.atomic
def _case_submit_once(*, actor: Actor, read_locked: Callable[[], Draft]) -> Case:
    # Read again under its lock: a page saved meanwhile, or a second click on
    # "Envoyer", is seen here. Its version is known to the process (draft.spec).
    draft = read_locked()
    procedure = Procedure.objects.filter(pk=draft.procedure_id).first() or _gone(draft)
    draft.procedure = procedure
    if draft.case_id is not None:
        return Case.objects.get(pk=draft.case_id)
    spec = draft.spec
    answers = prune_answers(spec, _with_files(draft, dict(draft.answers)))
    missing = missing_answers(spec, answers)
    if missing:
        raise IncompleteDraft(missing)
    name, email = _applicant_identity(draft, answers)
    if draft.owner is None and not email:
        raise IncompleteDraft([])
    service_code = route_service_code(spec.routing, answers)
    service = Service.objects.get(code=service_code) if service_code else procedure.service
    case = _new_case(draft, answers, service=service, name=name, email=email)
    case.deadline = initial_deadline(case)
    filed = CaseEvent(
        kind=CaseEvent.Kind.SUBMITTED,
        actor=actor_user(actor),
        text=case.get_channel_display(),
        to_status="",
    )
    insert_in_first_status(case, actor=actor, events=[filed])
    Attachment.objects.filter(draft=draft).update(case=case, draft=None)
    draft.case = case
    draft.save(update_fields=["case", "updated_at"])
    audit_event_record(
        actor=actor,
        action="case.submitted",
        target=case,
        data={
            "procedure": procedure.slug,
            "version": version_number(draft.version_id),
            "channel": case.channel,
        },
    )
    return case


# --- Processing ---------------------------------------------------------------------------


def _locked(case: Case, expected_lock_version: int | None) -> Case:
    fresh = (
        Case.objects.select_for_update()
        .select_related("procedure", "version", "service")
        .get(pk=case.pk)
    )
    if expected_lock_version is not None and fresh.lock_version != expected_lock_version:
        raise StaleCase(case.reference)
    return fresh


def case_transition(
    *,
    actor: Actor,
    case: Case,
    transition_id: str,
    comment: str = "",
    expected_lock_version: int | None = None,
    as_authority: bool = False,
    with_payment: bool = False,
) -> Case:
    """Take a workflow transition; ``actor`` None is the system (timers).

    ``with_payment``: the caller records the amount a ``payment:`` transition
    asks for (``payments.services.payment_request``); without it, such a
    transition is refused (it would ask for nothing).

    ``as_authority``: the actor records a decision taken by an authority
    (the College) rather than by their own role in the service.

    A document the transition issues that cannot be sealed refuses the
    whole transition (``TransitionRefused`` with the reason in French):
    nothing of it is kept, and the failure is journaled after the rollback
    (inside a caller's own transaction, that journal line goes with it).
    """
    try:
        return _case_transition(
            actor=actor,
            case=case,
            transition_id=transition_id,
            comment=comment,
            expected_lock_version=expected_lock_version,
            as_authority=as_authority,
            with_payment=with_payment,
        )
    except DocumentNotSealed as failure:
        document_seal_failure_record(actor=actor, case_id=case.pk, failure=failure)
        raise TransitionRefused(failure.message) from failure


@transaction.atomic
def _case_transition(
    *,
    actor: Actor,
    case: Case,
    transition_id: str,
    comment: str,
    expected_lock_version: int | None,
    as_authority: bool,
    with_payment: bool = False,
) -> Case:
    case = _locked(case, expected_lock_version)
    transition = case.spec.transitions.get(transition_id)
    allowed = {t["id"] for t in transitions_available(case, None if as_authority else actor)}
    if transition is None or transition_id not in allowed:
        unmet = requirement_unmet(case, transition) if transition is not None else None
        raise TransitionRefused(
            unmet or _("Cette action n'est pas possible pour ce dossier dans son état actuel.")
        )
    if transition.get("payment") and not with_payment:
        raise TransitionRefused(
            _("Cette action demande un montant : indiquez-le dans « Demander un paiement ».")
        )
    comment = comment.strip()
    mode = transition.get("comment", "optional")
    if mode == "required" and not comment:
        raise TransitionRefused(_("Un commentaire est nécessaire pour cette action."))
    if mode == "none":
        comment = ""
    target = transition["to"]
    if case.spec.statuses[target].get("waits_for_citizen"):
        case.return_status = case.status
        Message.objects.create(
            case=case,
            direction=Message.Direction.TO_CITIZEN,
            author=actor_user(actor),
            body=comment,
            is_information_request=True,
        )
    previous = case.status
    enter_status(case, target, actor=actor, comment=comment)
    if not as_authority and previous in case.spec.intake_statuses:
        _take_in_hand(case, actor)
    audit_event_record(
        actor=actor,
        action="case.transition",
        target=case,
        data={"transition": transition_id, "from": previous, "to": target},
    )
    return case


def _take_in_hand(case: Case, actor: Actor) -> None:
    """The agent who takes a case's first step (« Prendre en charge ») and
    leaves it open is the one who handles it, unless someone already does."""
    agent = actor_user(actor)
    if agent is None or case.assigned_to_id is not None or case.is_closed:
        return
    case.assigned_to = agent
    case.save(update_fields=["assigned_to", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.ASSIGNED,
        actor=agent,
        text=_("Dossier pris en charge par %(name)s.") % {"name": agent.full_name or agent.email},
        visible_to_citizen=False,
    )


def _check_agent_of(agent: Any, case: Case) -> None:
    if not is_member(agent, case.service_id):
        raise TransitionRefused(_("Cet agent n'appartient pas au service de ce dossier."))


@transaction.atomic
def case_assign(
    *, actor: Actor, case: Case, agent: Any, expected_lock_version: int | None = None
) -> Case:
    """Give the case to ``agent`` (None: back to the service's pile)."""
    case = _locked(case, expected_lock_version)
    if not actor_roles(actor, case):
        raise TransitionRefused(_("Vous n'appartenez pas au service de ce dossier."))
    if agent is not None:
        _check_agent_of(agent, case)
    if case.assigned_to_id == (agent.pk if agent else None):
        return case
    case.assigned_to = agent
    case.lock_version += 1
    case.save(update_fields=["assigned_to", "lock_version", "updated_at"])
    text = (
        _("Dossier attribué à %(name)s.") % {"name": agent.full_name or agent.email}
        if agent
        else _("Dossier remis dans la pile du service.")
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.ASSIGNED,
        actor=actor_user(actor),
        text=text,
        visible_to_citizen=False,
    )
    audit_event_record(
        actor=actor,
        action="case.assigned",
        target=case,
        data={"agent_id": agent.pk if agent else None},
    )
    if agent is not None and agent != actor:
        notify_service(case, message=text)
    return case


@transaction.atomic
def case_note_add(*, actor: Actor, case: Case, body: str) -> Note:
    if not actor_roles(actor, case):
        raise TransitionRefused(_("Vous n'appartenez pas au service de ce dossier."))
    note = Note.objects.create(case=case, author=actor_user(actor), body=body.strip())
    audit_event_record(
        actor=actor, action="case.note_added", target=case, data={"note_id": note.pk}
    )
    return note


def _attach_to_message(
    message: Message, files: Iterable[tuple[bytes, str, str]], actor: Actor
) -> None:
    for content, filename, kind in files:
        Attachment.objects.create(
            file=file_store(content=content, kind=kind),
            filename=_safe_filename(filename),
            case=message.case,
            message=message,
            uploaded_by=actor_user(actor),
        )


@transaction.atomic
def case_message_send(
    *, actor: Actor, case: Case, body: str, files: Iterable[tuple[bytes, str, str]] = ()
) -> Message:
    """An agent writes to the citizen (who is told by email)."""
    if not actor_roles(actor, case):
        raise TransitionRefused(_("Vous n'appartenez pas au service de ce dossier."))
    message = Message.objects.create(
        case=case,
        direction=Message.Direction.TO_CITIZEN,
        author=actor_user(actor),
        body=body.strip(),
    )
    _attach_to_message(message, files, actor)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.MESSAGE,
        actor=actor_user(actor),
        text=_("Message du service"),
    )
    audit_event_record(
        actor=actor, action="case.message_sent", target=case, data={"message_id": message.pk}
    )
    notify_citizen_of_message(case, body=message.body)
    return message


@transaction.atomic
def case_reply(
    *, actor: Actor, case: Case, body: str, files: Iterable[tuple[bytes, str, str]] = ()
) -> Message:
    """The citizen writes to the service. When the case waits for their
    answer, it goes back to where it was and the service is told."""
    case = _locked(case, None)
    if case.is_closed:
        raise TransitionRefused(_("Cette demande est clôturée : vous ne pouvez plus y répondre."))
    message = Message.objects.create(
        case=case,
        direction=Message.Direction.FROM_CITIZEN,
        author=actor_user(actor),
        body=body.strip(),
    )
    _attach_to_message(message, files, actor)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.MESSAGE,
        actor=actor_user(actor),
        text=_("Message du demandeur"),
    )
    audit_event_record(
        actor=actor, action="case.replied", target=case, data={"message_id": message.pk}
    )
    if case.waits_for_citizen and case.return_status:
        case.messages.filter(is_information_request=True, answered_at__isnull=True).update(
            answered_at=timezone.now()
        )
        enter_status(case, case.return_status, actor=actor, comment=_("Le demandeur a répondu."))
    notify_service(case, message=_("Le demandeur a envoyé un message."))
    return message


@transaction.atomic
def case_deadline_set(
    *, actor: Actor, case: Case, deadline: Any, expected_lock_version: int | None = None
) -> Case:
    case = _locked(case, expected_lock_version)
    if not actor_roles(actor, case):
        raise TransitionRefused(_("Vous n'appartenez pas au service de ce dossier."))
    case.deadline = deadline
    case.lock_version += 1
    case.save(update_fields=["deadline", "lock_version", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.DEADLINE,
        actor=actor_user(actor),
        text=_("Échéance fixée au %(date)s.") % {"date": f"{deadline:%d/%m/%Y}"},
        visible_to_citizen=False,
    )
    audit_event_record(
        actor=actor,
        action="case.deadline_set",
        target=case,
        data={"deadline": deadline.isoformat()},
    )
    return case


@transaction.atomic
def case_check_failed(*, actor: Actor, case: Case, tell_owner: bool) -> None:
    """Someone holding the tracking code gave wrong answers to its check
    questions: journaled, and the account holder told when ``tell_owner``
    (once per window, the view decides)."""
    audit_event_record(actor=actor, action="case.tracking_check_failed", target=case)
    if tell_owner:
        notify_owner_of_failed_check(case)


# --- Timers ------------------------------------------------------------------------------


def case_timer_fire(*, timer_id: int) -> bool:
    """Fire one due timer; False when another worker already did (or it no longer applies)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = CaseTimer.objects.filter(
            pk=timer_id, fired_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now
        ).update(fired_at=now)
        if not claimed:
            return False
        timer = CaseTimer.objects.select_related("case").get(pk=timer_id)
        case = _locked(timer.case, None)
        if case.status != timer.status or case.is_closed:
            return False
        if timer.kind == CaseTimer.Kind.REMIND:
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.REMINDER,
                text=_("Rappel : ce dossier attend depuis le %(date)s.")
                % {"date": f"{timezone.localtime(case.status_changed_at):%d/%m/%Y}"},
                visible_to_citizen=False,
            )
            audit_event_record(actor=None, action="case.reminded", target=case)
            notify_service(
                case,
                message=_("Rappel : ce dossier attend une action depuis le %(date)s.")
                % {"date": f"{timezone.localtime(case.status_changed_at):%d/%m/%Y}"},
            )
            return True
    try:
        case_transition(actor=None, case=case, transition_id=timer.transition)
    except TransitionRefused:
        return False
    return True


def case_timers_due(*, limit: int = 500) -> list[int]:
    return list(
        due_timers(CaseTimer.objects.all()).order_by("due_at").values_list("pk", flat=True)[:limit]
    )
