"""Browser tests: Playwright drives Debian's Chromium; axe-core checks every page.

Every page a test loads must be checked with ``self.axe(page)`` (the
helpers ``visit`` and ``submit`` do it); a test that navigates to a page it
never checked fails at teardown.

With JavaScript disabled, Chromium cannot run axe-core in the page itself
(``evaluate`` never returns), so the exact HTML the server sent is replayed,
at the same address, in a second page that has JavaScript, and checked there.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

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


def browser_unavailable_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium is missing ({CHROMIUM}): sudo apt-get install chromium"
    if not AXE_PATH.exists():
        return "axe-core is missing: npm install (make test does it)"
    if shutil.which("node") is None and not AXE_PATH.exists():
        return "Node.js is missing"
    return None


@pytest.mark.browser
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server plus one Chromium for the class; a fresh context per test."""

    javascript_enabled = True
    playwright: Any
    browser: Any
    axe_source: str
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

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        if cls._async_unsafe_before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls._async_unsafe_before

    def setUp(self) -> None:
        super().setUp()
        self.context = self.browser.new_context(
            java_script_enabled=self.javascript_enabled, locale="fr-BE"
        )
        self.context.set_default_timeout(15000)
        self.page = self.new_page()

    def tearDown(self) -> None:
        unchecked = [url for url in self._loaded if url not in self._checked]
        self.context.close()
        if self._axe_context is not None:
            self._axe_context.close()
            self._axe_context = None
        super().tearDown()
        # Only a passing test is blamed for unchecked pages; a failure says more.
        outcome = getattr(self, "_outcome", None)
        if getattr(outcome, "success", True):
            assert not unchecked, f"Pages loaded but never checked with axe: {unchecked}"

    _axe_context: Any = None

    def new_page(self, context: Any = None) -> Any:
        page = (context or self.context).new_page()
        self._loaded: list[str] = getattr(self, "_loaded", [])
        self._checked: set[str] = getattr(self, "_checked", set())
        self._documents: dict[int, Any] = getattr(self, "_documents", {})

        def on_load(frame_page: Any) -> None:
            self._loaded.append(frame_page.url)

        def on_response(response: Any) -> None:
            if response.request.resource_type == "document" and response.frame == page.main_frame:
                self._documents[id(page)] = response

        page.on("load", on_load)
        page.on("response", on_response)
        return page

    def _fixture_teardown(self) -> None:
        # Flushing the database between tests deletes journal rows, which the
        # SQLite trigger refuses (PostgreSQL truncates, firing no row trigger).
        from django.db import connection

        from beffroi.audit.triggers import SQLITE_NO_DELETE

        if connection.vendor != "sqlite":
            super()._fixture_teardown()  # type: ignore[misc]
            return
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        try:
            super()._fixture_teardown()  # type: ignore[misc]
        finally:
            with connection.cursor() as cursor:
                cursor.execute(SQLITE_NO_DELETE)

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
        self._report(page.url, violations)

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
        page.get_by_label("Courriel").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        self.submit(page.get_by_role("button", name="Se connecter"), page)
