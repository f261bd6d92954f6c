"""A strict reader of iCalendar (RFC 5545) for the tests: it refuses what
common calendar programs stumble on instead of guessing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NAME = re.compile(r"^[A-Z0-9-]+$")
PARAM = re.compile(r'^([A-Z0-9-]+)=("[^"]*"|[^";:,]*)$')
UTC_TIME = re.compile(r"^\d{8}T\d{6}Z$")
DATE = re.compile(r"^\d{8}$")
TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "LOCATION", "NAME", "X-WR-CALNAME"}


class CalendarError(AssertionError):
    pass


@dataclass
class Property:
    name: str
    params: dict[str, str]
    value: str


@dataclass
class Component:
    name: str
    properties: list[Property] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[Property]:
        return [p for p in self.properties if p.name == name]

    def one(self, name: str) -> Property:
        found = self.all(name)
        if len(found) != 1:
            raise CalendarError(f"{self.name}: {len(found)} {name} (exactly one expected)")
        return found[0]

    def text(self, name: str) -> str:
        return unescape_text(self.one(name).value)


def unescape_text(value: str) -> str:
    out, index = [], 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            if index + 1 >= len(value):
                raise CalendarError(f"dangling backslash in {value!r}")
            following = value[index + 1]
            if following in "nN":
                out.append("\n")
            elif following in "\\;,":
                out.append(following)
            else:
                raise CalendarError(f"unknown escape \\{following} in {value!r}")
            index += 2
            continue
        if char in ",;":
            raise CalendarError(f"unescaped {char!r} in a TEXT value: {value!r}")
        out.append(char)
        index += 1
    return "".join(out)


def _content_lines(data: bytes) -> list[str]:
    if not data.endswith(b"\r\n"):
        raise CalendarError("the last line must end with CRLF")
    physical = data[:-2].split(b"\r\n")
    lines: list[str] = []
    for number, raw in enumerate(physical, 1):
        if b"\n" in raw or b"\r" in raw:
            raise CalendarError(f"line {number}: bare CR or LF")
        if len(raw) > 75:
            raise CalendarError(f"line {number}: {len(raw)} octets (75 at most)")
        try:
            text = raw.decode("utf-8")  # a folded line never cuts a character
        except UnicodeDecodeError as error:
            raise CalendarError(f"line {number}: not UTF-8 on its own ({error})") from error
        if text.startswith((" ", "\t")):
            if not lines:
                raise CalendarError("a continuation line comes first")
            lines[-1] += text[1:]
        elif not text:
            raise CalendarError(f"line {number}: empty line")
        else:
            lines.append(text)
    return lines


def _split_params(head: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in head:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _property(line: str) -> Property:
    # The name and parameters end at the first colon outside quotes.
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:index], line[index + 1 :]
            break
    else:
        raise CalendarError(f"no colon in {line!r}")
    name, *params = _split_params(head)
    if not NAME.match(name):
        raise CalendarError(f"bad property name {name!r}")
    parsed = {}
    for param in params:
        match = PARAM.match(param)
        if match is None:
            raise CalendarError(f"bad parameter {param!r} in {line!r}")
        parsed[match.group(1)] = match.group(2).strip('"')
    return Property(name=name, params=parsed, value=value)


def parse(data: bytes) -> Component:
    """The VCALENDAR in ``data``, checked."""
    stack: list[Component] = []
    root: Component | None = None
    for line in _content_lines(data):
        prop = _property(line)
        if prop.name == "BEGIN":
            component = Component(name=prop.value)
            if stack:
                stack[-1].children.append(component)
            elif root is not None:
                raise CalendarError("more than one top-level component")
            else:
                root = component
            stack.append(component)
        elif prop.name == "END":
            if not stack or stack[-1].name != prop.value:
                raise CalendarError(f"END:{prop.value} closes nothing")
            stack.pop()
        else:
            if not stack:
                raise CalendarError(f"{prop.name} outside any component")
            if prop.name in TEXT_PROPERTIES:
                unescape_text(prop.value)
            stack[-1].properties.append(prop)
    if root is None or stack:
        raise CalendarError("unbalanced BEGIN/END")
    _check_calendar(root)
    return root


def _check_time(component: Component, name: str) -> tuple[str, str]:
    prop = component.one(name)
    if prop.params.get("VALUE") == "DATE":
        if not DATE.match(prop.value):
            raise CalendarError(f"{name}: {prop.value!r} is not a DATE")
        return "date", prop.value
    if not UTC_TIME.match(prop.value):
        raise CalendarError(f"{name}: {prop.value!r} is not a UTC DATE-TIME")
    return "utc", prop.value


def _check_calendar(root: Component) -> None:
    if root.name != "VCALENDAR":
        raise CalendarError("the top component must be VCALENDAR")
    if root.one("VERSION").value != "2.0":
        raise CalendarError("VERSION must be 2.0")
    root.one("PRODID")
    uids = set()
    for event in root.children:
        if event.name != "VEVENT":
            raise CalendarError(f"unexpected component {event.name}")
        uid = event.one("UID").value
        if uid in uids:
            raise CalendarError(f"UID {uid} twice")
        uids.add(uid)
        if not UTC_TIME.match(event.one("DTSTAMP").value):
            raise CalendarError("DTSTAMP must be a UTC DATE-TIME")
        start_kind, start = _check_time(event, "DTSTART")
        end_kind, end = _check_time(event, "DTEND")
        if start_kind != end_kind or end <= start:
            raise CalendarError(f"DTEND {end} must be of DTSTART's type and after {start}")
        event.one("SUMMARY")
