"""Browser tests: Debian's Chromium driven by playwright against real tether servers on free ports.

One browser for the test session (per xdist worker), a fresh context (cookies, storage) per test. The
servers are this package's own: ``demo_server`` holds the demo data logged through the SDK over HTTP,
``auth_server`` a smaller copy behind ``--auth``, with an admin and a read-only user. Both are started on
first use and always stopped.

The server serves the UI built into ``src/tether/server/ui_dist`` by ``pip install -e .``; without it the
tests fail at once with that instruction rather than skip.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from tests.e2e.browser import CHROMIUM, launch, require_built_ui
from tests.e2e.demo import CHURN, Demo, populate
from tests.support import ServerProcess

import tether as tt
from tether.client.local import LocalBackend
from tether.client.remote import RemoteBackend

SCREENSHOTS = Path(__file__).parent / "screenshots"
"""Where each test leaves a picture of what it checked (git-ignored)."""
PASSWORD = "correct-horse-battery"
EXPECT_TIMEOUT_MS = 15_000
"""Generous: the machine runs the rest of the suite beside these tests."""


@dataclass
class Driver:
    """playwright's sync driver, and the event loop it runs in this thread."""

    playwright: Playwright
    loop: asyncio.AbstractEventLoop

    def active(self) -> None:
        """Mark the driver's loop as this thread's running loop again, as playwright expects it to be
        whenever the test's code runs (each sync call leaves it so)."""
        asyncio._set_running_loop(self.loop)

    def idle(self) -> None:
        """Clear the mark between browser tests: while it is set, any other test that this worker runs
        next and that calls ``asyncio.run`` would be refused ("cannot be called from a running event
        loop"). The loop itself is untouched and resumes with the next browser call."""
        asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Driver]:
    require_built_ui()
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"the browser tests need Chromium at {CHROMIUM}: run `make chromium` (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        driver = Driver(playwright, asyncio.get_running_loop())
        yield driver
        driver.active()


@pytest.fixture(scope="session")
def browser(playwright_driver: Driver) -> Iterator[Browser]:
    browser = launch(playwright_driver.playwright)
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield browser
    playwright_driver.active()
    browser.close()


@pytest.fixture
def context(playwright_driver: Driver, browser: Browser) -> Iterator[BrowserContext]:
    playwright_driver.active()
    context = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme="light")
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    yield context
    context.close()
    playwright_driver.idle()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def screenshot(page: Page, name: str) -> Path:
    """Keep a picture of the page as the test saw it, under tests/e2e/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@dataclass
class DemoServer:
    server: ServerProcess
    demo: Demo

    @property
    def url(self) -> str:
        return self.server.url

    def experiment_url(self, name: str = CHURN) -> str:
        return f"{self.url}/experiments/{self.demo.experiments[name]}"

    def run_url(self, run_name: str) -> str:
        run_id = self.demo.runs[run_name]
        return f"{self.experiment_url(CHURN)}/runs/{run_id}"


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """A server on SQLite holding the demo data, logged through the SDK over HTTP."""
    require_built_ui()
    home = tmp_path_factory.mktemp("e2e-demo")
    server = ServerProcess(home, f"sqlite:///{home / 'tether.db'}")
    server.start()
    try:
        with tt.Client(backend=RemoteBackend(server.url)) as client:
            demo = populate(client)
        yield DemoServer(server, demo)
    finally:
        server.stop()


@dataclass
class AuthServer:
    """A server with ``--auth``: ``admin`` may do anything, ``reader`` may only read the churn experiment."""

    server: ServerProcess
    demo: Demo
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="session")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    require_built_ui()
    home = tmp_path_factory.mktemp("e2e-auth")
    server = ServerProcess(home, f"sqlite:///{home / 'tether.db'}", auth=True)
    store = LocalBackend(server.store)
    try:
        store.auth.create_user("admin", PASSWORD, "admin")
        store.auth.create_user("reader", PASSWORD, "user")
        tokens = {name: store.auth.create_token("e2e", username=name).token for name in ("admin", "reader")}
    finally:
        store.close()
    server.start()
    try:
        with tt.Client(backend=RemoteBackend(server.url, tokens["admin"])) as admin:
            demo = populate(admin, runs=6)
            admin.backend.auth.grant_permission(demo.experiments[CHURN], "reader", "READ")
        yield AuthServer(server, demo, tokens)
    finally:
        server.stop()
