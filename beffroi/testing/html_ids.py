"""Ids and labels of a rendered page: every id once, every label pointing at a field."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser


class _IdCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids[str(values["id"])] += 1
        if tag == "label" and values.get("for"):
            self.label_targets.append(str(values["for"]))


def id_problems(html: str) -> list[str]:
    """What is wrong with a page's ids: duplicates, and labels for no element."""
    collector = _IdCollector()
    collector.feed(html)
    problems = [f"id « {name} » used {n} times" for name, n in collector.ids.items() if n > 1]
    problems += [
        f"label for « {target} » points at nothing"
        for target in collector.label_targets
        if target not in collector.ids
    ]
    return problems
