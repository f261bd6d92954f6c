"""The checks of a definition's workflow: statuses, their actions and
timers, transitions, and the College's decisions.

Domain apps add the actions a status may run (``register_action``, called
by ``cases.workflow.workflow_action``), each with the check of its keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from beffroi.catalogue.conditions import condition_problems
from beffroi.catalogue.definition.problems import ID, Problems, check_keys, check_text

# Actions a status may run on entering it, with the keys each accepts. Domain
# apps add theirs (cases.workflow.workflow_action); a check function, when
# given, returns the problems of one use of the action.
ACTIONS: dict[str, set[str]] = {
    "set_deadline": {"working_days", "days"},
    "extend_deadline": {"working_days", "days"},
    "generate_document": {"document"},
    "notify_service": {"message"},
}
ActionCheck = Callable[[Mapping[str, Any], "DefinitionContext"], list[str]]
ACTION_CHECKS: dict[str, ActionCheck] = {}


@dataclass(frozen=True)
class DefinitionContext:
    """What an action's check may need to know about the definition."""

    fields: Mapping[str, str]
    documents: set[str]


def register_action(name: str, keys: set[str], check: ActionCheck | None = None) -> None:
    ACTIONS[name] = set(keys)
    if check is not None:
        ACTION_CHECKS[name] = check


TIMER_DELAYS = ("after_working_days", "after_days", "after_hours")
ROLES = ("agent", "head", "mail_clerk", "functional_admin")
COMMENT_MODES = ("none", "optional", "required")
STYLES = ("primary", "secondary", "danger")


STATUS_KEYS = {
    "id",
    "label",
    "agent_label",
    "next_step",
    "final",
    "waits_for_citizen",
    "notify_citizen",
    "on_enter",
    "timers",
    "college",
}


def check_workflow(
    workflow: Any, fields: Mapping[str, str], documents: set[str], problems: Problems
) -> set[str]:
    """Check the workflow; return its status ids."""
    if not isinstance(workflow, Mapping):
        problems.add("workflow", "un circuit (dictionnaire) est attendu")
        return set()
    check_keys(workflow, {"initial", "statuses", "transitions"}, "workflow", problems)
    statuses = workflow.get("statuses")
    if not isinstance(statuses, list) or not statuses:
        problems.add("workflow.statuses", "une liste non vide de statuts est attendue")
        return set()
    context = DefinitionContext(fields=fields, documents=documents)
    ids: list[str] = []
    for index, status in enumerate(statuses):
        _check_status(status, f"workflow.statuses[{index}]", ids, context, problems)
    known = set(ids)
    transition_ids = _check_transitions(workflow.get("transitions"), known, fields, problems)
    for index, status in enumerate(statuses):
        if isinstance(status, Mapping) and "college" in status:
            _check_college(status, f"workflow.statuses[{index}].college", workflow, problems)
    for index, status in enumerate(statuses):
        if isinstance(status, Mapping) and "timers" in status:
            _check_timers(
                status["timers"], f"workflow.statuses[{index}].timers", transition_ids, problems
            )
    initial = workflow.get("initial")
    if initial not in known:
        problems.add("workflow.initial", f"statut initial inconnu « {initial} »")
    if not any(isinstance(s, Mapping) and s.get("final") for s in statuses):
        problems.add("workflow.statuses", "au moins un statut final est attendu")
    return known


def _check_status(
    status: Any, path: str, ids: list[str], context: DefinitionContext, problems: Problems
) -> None:
    """Check one status; its id joins ``ids`` when it is a new one."""
    if not isinstance(status, Mapping):
        problems.add(path, "un statut (dictionnaire) est attendu")
        return
    check_keys(status, STATUS_KEYS, path, problems)
    status_id = status.get("id")
    if not isinstance(status_id, str) or not ID.match(status_id) or status_id in ids:
        problems.add(f"{path}.id", "identifiant unique attendu")
        return
    ids.append(status_id)
    check_text(status, "label", path, problems)
    for flag in ("final", "waits_for_citizen", "notify_citizen"):
        if flag in status and not isinstance(status[flag], bool):
            problems.add(f"{path}.{flag}", "true ou false est attendu")
    if status.get("final") and status.get("waits_for_citizen"):
        problems.add(path, "un statut final n'attend pas de réponse du citoyen")
    _check_actions(status.get("on_enter", []), f"{path}.on_enter", context, problems)


def _check_actions(actions: Any, path: str, context: DefinitionContext, problems: Problems) -> None:
    if not isinstance(actions, list):
        problems.add(path, "une liste d'actions est attendue")
        return
    for index, action in enumerate(actions):
        item = f"{path}[{index}]"
        if not isinstance(action, Mapping) or action.get("do") not in ACTIONS:
            problems.add(item, f"action inconnue (possibles : {', '.join(ACTIONS)})")
            continue
        check_keys(action, {"do"} | ACTIONS[action["do"]], item, problems)
        if action["do"] in {"set_deadline", "extend_deadline"}:
            amounts = [key for key in ("working_days", "days") if key in action]
            if (
                len(amounts) != 1
                or not isinstance(action[amounts[0]], int)
                or action[amounts[0]] <= 0
            ):
                problems.add(item, "indiquez working_days ou days (nombre entier positif)")
        if action["do"] == "generate_document" and action.get("document") not in context.documents:
            problems.add(f"{item}.document", f"document inconnu « {action.get('document')} »")
        check = ACTION_CHECKS.get(action["do"])
        if check is not None:
            for problem in check(action, context):
                problems.add(item, problem)


TRANSITION_KEYS = {
    "id",
    "label",
    "from",
    "to",
    "roles",
    "comment",
    "when",
    "requires",
    "style",
    "authority",
    "payment",
}
PAYMENT_KEYS = {"amount", "reason", "paid_transition"}
# What the agent is offered to ask for: the definition's fee (computed from
# the answers, which the agent may change) or any amount the agent types.
PAYMENT_AMOUNTS = ("fee", "any")


def _check_transitions(
    transitions: Any, statuses: set[str], fields: Mapping[str, str], problems: Problems
) -> set[str]:
    """Check the transitions; return their ids."""
    if not isinstance(transitions, list) or not transitions:
        problems.add("workflow.transitions", "une liste non vide de transitions est attendue")
        return set()
    ids: set[str] = set()
    for index, transition in enumerate(transitions):
        path = f"workflow.transitions[{index}]"
        if not isinstance(transition, Mapping):
            problems.add(path, "une transition (dictionnaire) est attendue")
            continue
        check_keys(transition, TRANSITION_KEYS, path, problems)
        transition_id = transition.get("id")
        if (
            not isinstance(transition_id, str)
            or not ID.match(transition_id)
            or transition_id in ids
        ):
            problems.add(f"{path}.id", "identifiant unique attendu")
        else:
            ids.add(transition_id)
        _check_transition(transition, path, statuses, fields, problems)
    for index, transition in enumerate(transitions):
        if isinstance(transition, Mapping) and "payment" in transition:
            _check_payment(
                transition, f"workflow.transitions[{index}].payment", transitions, problems
            )
    return ids


def _check_payment(
    transition: Mapping[str, Any], path: str, transitions: list[Any], problems: Problems
) -> None:
    """``payment: {amount: fee|any, reason, paid_transition}``: taking the
    transition asks the applicant for an amount; once paid, the case takes
    ``paid_transition`` (which must leave the status this one enters)."""
    payment = transition["payment"]
    if not isinstance(payment, Mapping):
        problems.add(path, "un dictionnaire {amount, reason, paid_transition} est attendu")
        return
    check_keys(payment, PAYMENT_KEYS, path, problems)
    if payment.get("amount", "any") not in PAYMENT_AMOUNTS:
        problems.add(f"{path}.amount", "« fee » (le montant calculé) ou « any » (tout montant)")
    check_text(payment, "reason", path, problems)
    if "paid_transition" not in payment:
        return
    target = {t.get("id"): t for t in transitions if isinstance(t, Mapping)}.get(
        payment["paid_transition"]
    )
    if target is None:
        problems.add(
            f"{path}.paid_transition", f"transition inconnue « {payment['paid_transition']} »"
        )
    elif transition.get("to") not in (target.get("from") or []):
        problems.add(
            f"{path}.paid_transition",
            f"la transition « {payment['paid_transition']} » doit partir du statut "
            f"« {transition.get('to')} » (celui qui attend le paiement)",
        )


def _check_transition(
    transition: Mapping[str, Any],
    path: str,
    statuses: set[str],
    fields: Mapping[str, str],
    problems: Problems,
) -> None:
    check_text(transition, "label", path, problems)
    sources = transition.get("from")
    if not isinstance(sources, list) or not sources:
        problems.add(f"{path}.from", "une liste de statuts (ou [any]) est attendue")
    else:
        for source in sources:
            if source != "any" and source not in statuses:
                problems.add(f"{path}.from", f"statut inconnu « {source} »")
    if transition.get("to") not in statuses:
        problems.add(f"{path}.to", f"statut inconnu « {transition.get('to')} »")
    roles = transition.get("roles", list(ROLES))
    if not isinstance(roles, list) or not roles or set(roles) - set(ROLES):
        problems.add(f"{path}.roles", f"liste de rôles parmi {', '.join(ROLES)}")
    if transition.get("comment", "optional") not in COMMENT_MODES:
        problems.add(f"{path}.comment", "none, optional ou required")
    if transition.get("authority", "college") != "college":
        problems.add(f"{path}.authority", "seule l'autorité « college » existe")
    if transition.get("style", "secondary") not in STYLES:
        problems.add(f"{path}.style", "primary, secondary ou danger")
    if "when" in transition:
        problems.extend(condition_problems(transition["when"], fields=fields, path=f"{path}.when"))
    if "requires" in transition:
        _check_requirements(transition["requires"], f"{path}.requires", fields, problems)


def _check_requirements(
    requirements: Any, path: str, fields: Mapping[str, str], problems: Problems
) -> None:
    """``requires: [{when: <condition>, message: <why not yet>}]``: the action
    is shown, and refused with ``message`` until each condition holds."""
    if not isinstance(requirements, list) or not requirements:
        problems.add(path, "une liste de conditions {when, message} est attendue")
        return
    for index, requirement in enumerate(requirements):
        item = f"{path}[{index}]"
        if not isinstance(requirement, Mapping) or "when" not in requirement:
            problems.add(item, "une condition « when » et son « message » sont attendus")
            continue
        check_keys(requirement, {"when", "message"}, item, problems)
        check_text(requirement, "message", item, problems)
        problems.extend(condition_problems(requirement["when"], fields=fields, path=f"{item}.when"))


COLLEGE_DECISIONS = ("authorised", "authorised_with_conditions", "refused")


def _check_college(
    status: Mapping[str, Any], path: str, workflow: Mapping[str, Any], problems: Problems
) -> None:
    """``college: {authorised: <transition>, …}``: the College decides cases in
    this status, and each decision takes its transition."""
    mapping = status["college"]
    if not isinstance(mapping, Mapping) or not mapping:
        problems.add(
            path,
            f"un dictionnaire {{décision: transition}} est attendu ({', '.join(COLLEGE_DECISIONS)})",
        )
        return
    transitions = {
        t.get("id"): t for t in workflow.get("transitions") or [] if isinstance(t, Mapping)
    }
    for decision, transition_id in mapping.items():
        if decision not in COLLEGE_DECISIONS:
            problems.add(path, f"décision inconnue « {decision} »")
        transition = transitions.get(transition_id)
        if transition is None:
            problems.add(f"{path}.{decision}", f"transition inconnue « {transition_id} »")
        elif status.get("id") not in (transition.get("from") or []) and "any" not in (
            transition.get("from") or []
        ):
            problems.add(
                f"{path}.{decision}", f"la transition « {transition_id} » ne part pas de ce statut"
            )


def _check_timers(timers: Any, path: str, transitions: set[str], problems: Problems) -> None:
    if not isinstance(timers, list):
        problems.add(path, "une liste de minuteries est attendue")
        return
    for index, timer in enumerate(timers):
        item = f"{path}[{index}]"
        if not isinstance(timer, Mapping):
            problems.add(item, "une minuterie (dictionnaire) est attendue")
            continue
        check_keys(timer, {*TIMER_DELAYS, "do", "transition"}, item, problems)
        delays = [key for key in TIMER_DELAYS if key in timer]
        if len(delays) != 1 or not isinstance(timer[delays[0]], int) or timer[delays[0]] <= 0:
            problems.add(
                item, f"un délai est attendu parmi {', '.join(TIMER_DELAYS)} (entier positif)"
            )
        if ("do" in timer) == ("transition" in timer):
            problems.add(item, "indiquez soit « do: remind », soit « transition »")
        elif "do" in timer and timer["do"] != "remind":
            problems.add(f"{item}.do", "seule l'action « remind » est possible")
        elif "transition" in timer and timer["transition"] not in transitions:
            problems.add(f"{item}.transition", f"transition inconnue « {timer['transition']} »")
