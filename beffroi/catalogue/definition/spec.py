"""``ProcedureDefinition``: the read-only view of a valid definition that the
form engine, the workflow engine and the document generator use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    intro: str
    fields: tuple[dict[str, Any], ...]
    visible_if: dict[str, Any] | None
    # Two answers compared ({field, gte: <other field>, message}), see ``checks``.
    checks: tuple[dict[str, Any], ...] = ()


class ProcedureDefinition:
    """A valid definition, with the lookups the engines need."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        form = data.get("form") or {"pages": []}
        self.pages = tuple(
            Page(
                id=page["id"],
                title=page["title"],
                intro=page.get("intro", ""),
                fields=tuple(page["fields"]),
                visible_if=page.get("visible_if"),
                checks=tuple(page.get("checks", ())),
            )
            for page in form["pages"]
        )
        self.fields: dict[str, dict[str, Any]] = {
            field["id"]: field for page in self.pages for field in page.fields
        }
        workflow = data.get("workflow") or {}
        self.statuses: dict[str, dict[str, Any]] = {
            s["id"]: s for s in workflow.get("statuses", [])
        }
        self.transitions: dict[str, dict[str, Any]] = {
            t["id"]: t for t in workflow.get("transitions", [])
        }
        self.initial_status: str = workflow.get("initial", "")
        self.documents: dict[str, dict[str, Any]] = {d["id"]: d for d in data.get("documents", [])}
        self.emails: Mapping[str, dict[str, str]] = data.get("emails", {})
        self.tracking_check: list[str] = list(data.get("tracking_check", []))
        self.routing: list[dict[str, Any]] = list(data.get("routing", []))
        self.options: Mapping[str, Any] = data.get("options", {})
        # What the request costs, when the definition computes or collects it.
        self.fee: Mapping[str, Any] | None = data.get("fee")

    @property
    def intake_statuses(self) -> set[str]:
        """Where a case is before any agent acted on it: the initial status,
        and the one a fee paid at filing takes it to."""
        statuses = {self.initial_status}
        paid = self.transitions.get(str((self.fee or {}).get("paid_transition", "")))
        if paid is not None:
            statuses.add(str(paid["to"]))
        return statuses

    @property
    def is_fileable(self) -> bool:
        return bool(self.pages and self.statuses)

    def page(self, page_id: str) -> Page | None:
        return next((page for page in self.pages if page.id == page_id), None)

    def input_fields(self) -> Iterator[dict[str, Any]]:
        return (field for field in self.fields.values() if field["type"] != "info")

    def field_types(self) -> dict[str, str]:
        return {field_id: field["type"] for field_id, field in self.fields.items()}

    def status_label(self, status_id: str, *, agent: bool = False) -> str:
        status = self.statuses.get(status_id, {})
        if agent:
            return str(status.get("agent_label") or status.get("label") or status_id)
        return str(status.get("label") or status_id)

    def is_final(self, status_id: str) -> bool:
        return bool(self.statuses.get(status_id, {}).get("final"))

    def transitions_from(self, status_id: str) -> list[dict[str, Any]]:
        return [
            t for t in self.transitions.values() if status_id in t["from"] or "any" in t["from"]
        ]

    def choice_label(self, field_id: str, value: Any) -> str:
        field = self.fields.get(field_id, {})
        for choice in field.get("choices", []):
            if choice["value"] == value:
                return str(choice["label"])
        return str(value)
