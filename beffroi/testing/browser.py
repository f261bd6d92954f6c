"""Browser tests: Playwright drives Debian's Chromium; axe-core and the Nu Html
Checker (vnu) check every page.

Every page a test loads must be checked with ``self.axe(page)`` (the
helpers ``visit`` and ``submit`` do it); the page a test ends on is checked
at teardown, and a test that navigated away from a page it never checked
fails there. The HTML the server sent for every checked page is validated
by vnu, in one run per test class (Java starts once), with zero errors.

With JavaScript disabled, Chromium cannot run axe-core in the page itself
(``evaluate`` never returns), so the exact HTML the server sent is replayed,
at the same address, in a second page that has JavaScript, and checked there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connection

from beffroi.audit.triggers import SQLITE_NO_DELETE

CHROMIUM = os.environ.get("BEFFROI_CHROMIUM", "/usr/bin/chromium")
AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
VNU_JAR = Path(
    os.environ.get(
        "BEFFROI_VNU_JAR",
        str(Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"),
    )
)


def browser_unavailable_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium is missing ({CHROMIUM}): sudo apt-get install chromium"
    if not AXE_PATH.exists():
        return "axe-core is missing: npm install (make test does it)"
    if shutil.which("node") is None and not AXE_PATH.exists():
        return "Node.js is missing"
    return None


def vnu_unavailable_reason() -> str | None:
    if not VNU_JAR.exists():
        return f"The Nu Html Checker is missing ({VNU_JAR}): npm install (make test does it)"
    if shutil.which("java") is None:
        return "Java is missing: sudo apt-get install default-jre-headless"
    return None


def vnu_errors(pages: dict[str, tuple[str, str]]) -> list[str]:
    """The Nu Html Checker's errors on ``pages`` (a key: where the page was
    seen and its HTML), each as « where: line: message »; one Java run for all."""
    folder = Path(tempfile.mkdtemp(prefix="beffroi-vnu-"))
    names = {f"page-{number}.html": key for number, key in enumerate(pages)}
    try:
        for name, key in names.items():
            (folder / name).write_text(pages[key][1], encoding="utf-8")
        result = subprocess.run(  # noqa: S603 - a fixed command on files we wrote
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout"]
            + [str(folder / name) for name in names],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(f"vnu did not answer: {result.stdout}{result.stderr}") from error
    errors = []
    for message in messages:
        name = str(message.get("url", "")).rsplit("/", 1)[-1]
        where = pages[names[name]][0] if name in names else name
        extract = " ".join(str(message.get("extract", "")).split())[:160]
        errors.append(
            f"{where}: line {message.get('lastLine', '?')}: {message['message']} «{extract}»"
        )
    return errors


@pytest.mark.browser
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server plus one Chromium for the class; a fresh context per test."""

    javascript_enabled = True
    playwright: Any
    browser: Any
    axe_source: str
    # The HTML the server sent for each page checked by this class's tests
    # (by digest: a page seen twice is validated once), for vnu.
    html_pages: dict[str, tuple[str, str]]
    _async_unsafe_before: str | None

    @classmethod
    def setUpClass(cls) -> None:
        reason = browser_unavailable_reason()
        if reason:
            if os.environ.get("CI") == "true":
                raise RuntimeError(reason)
            pytest.skip(reason)
        # Playwright's sync API runs an event loop in this thread; Django's ORM
        # is still used synchronously from the test, which is safe here.
        cls._async_unsafe_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        cls.axe_source = AXE_PATH.read_text(encoding="utf-8")
        cls.html_pages = {}

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        cls._journal_keeps_its_rows()
        super().tearDownClass()
        if cls._async_unsafe_before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls._async_unsafe_before
        cls._validate_html()

    @classmethod
    def _validate_html(cls) -> None:
        reason = vnu_unavailable_reason()
        if reason:
            if os.environ.get("CI") == "true":
                raise RuntimeError(reason)
            return
        errors = vnu_errors(cls.html_pages) if cls.html_pages else []
        if errors:
            raise AssertionError(
                f"The Nu Html Checker found {len(errors)} error(s):\n" + "\n".join(errors)
            )

    # Flushing the database after a test deletes journal rows, which SQLite's
    # trigger refuses (PostgreSQL truncates, firing no row trigger): the
    # trigger is dropped when a test ends and put back before the next one.
    @staticmethod
    def _journal_rows_may_go() -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")

    @staticmethod
    def _journal_keeps_its_rows() -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(SQLITE_NO_DELETE)

    def setUp(self) -> None:
        super().setUp()
        self._journal_keeps_its_rows()
        self.context = self.browser.new_context(
            java_script_enabled=self.javascript_enabled, locale="fr-BE"
        )
        self.context.set_default_timeout(15000)
        self.page = self.new_page()

    def tearDown(self) -> None:
        try:
            # The page a test ends on is checked now; one it left unchecked is its fault.
            for page in self._pages:
                loaded = not page.is_closed() and page.url in self._loaded
                if loaded and page.url not in self._checked:
                    self.axe(page)
        finally:
            unchecked = [url for url in self._loaded if url not in self._checked]
            self.context.close()
            if self._axe_context is not None:
                self._axe_context.close()
                self._axe_context = None
            self._journal_rows_may_go()
            super().tearDown()
        assert not unchecked, f"Pages left without being checked with axe: {unchecked}"

    _axe_context: Any = None

    def new_page(self, context: Any = None) -> Any:
        page = (context or self.context).new_page()
        self._loaded: list[str] = getattr(self, "_loaded", [])
        self._checked: set[str] = getattr(self, "_checked", set())
        self._documents: dict[int, Any] = getattr(self, "_documents", {})
        self._pages: list[Any] = [*getattr(self, "_pages", []), page]

        def on_load(frame_page: Any) -> None:
            self._loaded.append(frame_page.url)

        def on_response(response: Any) -> None:
            if response.request.resource_type == "document" and response.frame == page.main_frame:
                self._documents[id(page)] = response

        page.on("load", on_load)
        page.on("response", on_response)
        return page

    # -- helpers ---------------------------------------------------------
    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"

    def visit(self, path: str, page: Any = None) -> Any:
        page = page or self.page
        response = page.goto(self.url(path))
        self.axe(page)
        return response

    def submit(self, locator: Any, page: Any = None) -> None:
        """Click a submit button, wait for the next page and check it."""
        page = page or self.page
        with page.expect_navigation():
            locator.click()
        self.axe(page)

    def axe(self, page: Any = None) -> None:
        page = page or self.page
        page.wait_for_load_state("load")
        if self._javascript_off(page):
            violations = self._axe_on_replay(page)
        else:
            violations = self._axe_run(page)
        self._checked.add(page.url)
        self._keep_html(page)
        self._report(page.url, violations)

    def _keep_html(self, page: Any) -> None:
        """Keep the HTML the server sent for ``page``, for vnu at the class's end."""
        response = self._documents.get(id(page))
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            return
        html = response.body().decode("utf-8")
        digest = hashlib.sha256(html.encode()).hexdigest()
        self.html_pages.setdefault(digest, (f"{self.id()} {page.url}", html))

    def _javascript_off(self, page: Any) -> bool:
        return page.context is self.context and not self.javascript_enabled

    def _axe_run(self, page: Any) -> list[dict[str, Any]]:
        # evaluate() runs outside the page's Content-Security-Policy, which
        # forbids inline scripts; injecting a <script> tag would be refused.
        page.evaluate(self.axe_source)
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        return list(result["violations"])

    def _axe_on_replay(self, page: Any) -> list[dict[str, Any]]:
        response = self._documents.get(id(page))
        assert response is not None, f"No document response recorded for {page.url}"
        html = response.body()
        if self._axe_context is None:
            self._axe_context = self.browser.new_context(java_script_enabled=True, locale="fr-BE")
        replay = self._axe_context.new_page()
        url = page.url
        replay.route(
            lambda address: address == url,
            lambda route: route.fulfill(status=200, body=html, content_type="text/html"),
        )
        try:
            replay.goto(url)
            return self._axe_run(replay)
        finally:
            replay.close()

    def _report(self, url: str, violations: list[dict[str, Any]]) -> None:
        if violations:
            summary = [
                {
                    "rule": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"]][:5],
                }
                for v in violations
            ]
            raise AssertionError(
                f"axe-core found {len(violations)} violation(s) on {url}:\n"
                + json.dumps(summary, indent=2, ensure_ascii=False)
            )

    def login(self, email: str, password: str, page: Any = None) -> None:
        page = page or self.page
        self.visit("/compte/login/", page)
        page.get_by_label("Adresse e-mail", exact=True).fill(email)
        page.get_by_label("Mot de passe").fill(password)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
