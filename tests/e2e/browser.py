"""Launching Debian's Chromium for playwright, shared by the browser tests and the screenshot helper.

playwright's own browser download does not work on these machines (and is never needed): it drives the
system's ``/usr/bin/chromium`` with the flags below.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

import tether.server

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UI_INDEX = Path(tether.server.__file__).resolve().parent / "ui_dist" / "index.html"
NOT_BUILT = (
    f"the web UI is not built ({UI_INDEX} is missing): run `pip install -e .` (or `make install`, "
    "or `cd ui && npm run build`) in the repository, then run the browser tests again"
)


def require_built_ui() -> None:
    """Fail the test, with what to do, when the server would have no UI to serve."""
    if not UI_INDEX.is_file():
        pytest.fail(NOT_BUILT, pytrace=False)


def launch(driver: Playwright) -> Browser:
    return driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
