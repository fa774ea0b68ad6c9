"""Real headless Chromium (Debian's package, never a downloaded browser) driven by Playwright
against a live server started by the tests."""

import gc
import os
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.html_checker import keep_served


# On SQLite the test database lives in memory, one connection that the test and the live
# server's threads share: a page and its logo or favicon served at once by two threads misuse
# it (InterfaceError). One request at a time there (Django then closes each connection, so
# the browser never waits on a kept-alive one); PostgreSQL keeps the threaded server.
class _OneRequestAtATime(WSGIServer):
    def __init__(self, *args, connections_override=None, **kwargs):
        # Requests run in the live server's own thread, which already uses the test's
        # connections (LiveServerThread.run): nothing to hand over.
        super().__init__(*args, **kwargs)


if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LiveServerThread.server_class = _OneRequestAtATime

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (setting up data) are still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield chromium
            chromium.close()
    finally:
        collect_server_connections()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def collect_server_connections() -> None:
    """The live server's request threads leave SQLite connections for the garbage collector;
    collect them now, quietly, rather than in whatever test runs next."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "unclosed database", ResourceWarning)
        gc.collect()


class Visitor:
    """A browser tab that records every request leaving the platform."""

    def __init__(self, browser, base_url, *, javascript=True, width=1280):
        self.base_url = base_url
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="fr-FR", java_script_enabled=javascript
        )
        self.page = self.context.new_page()
        self.external: list[str] = []
        self.page.on("request", self._record)
        self.page.on("response", self._keep_html)

    def _record(self, request):
        if not request.url.startswith((self.base_url, "data:", "about:")):
            self.external.append(request.url)

    def _keep_html(self, response):
        """Every page served, for the Nu Html Checker (tests/test_html_validity.py)."""
        if (
            response.request.resource_type != "document"
            or response.status != 200
            or not response.url.startswith(self.base_url)
            or not response.headers.get("content-type", "").startswith("text/html")
        ):
            return
        from playwright.sync_api import Error

        try:
            html = response.text()
        except Error:  # the body is gone: the tab already left the page
            return
        keep_served(response.url.removeprefix(self.base_url), html)

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def shoot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width in (1280, 375):
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})

    def login(self, email: str, password: str):
        self.go("/compte/login/")
        self.page.fill("#id_login", email)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")

    def close(self):
        self.context.close()


@pytest.fixture
def visitor(browser, live_server):
    opened: list[Visitor] = []

    def _open(**kwargs) -> Visitor:
        tab = Visitor(browser, live_server.url, **kwargs)
        opened.append(tab)
        return tab

    yield _open
    for tab in opened:
        tab.close()
    collect_server_connections()
    # No request may leave the platform: no CDN, font service or tracker.
    assert [url for tab in opened for url in tab.external] == []


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    return [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
