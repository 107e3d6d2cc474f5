"""Take the documentation's screenshots of the web UI: ``python -m tests.e2e.docs_screenshots [--out DIR]``.

Starts a tether server on a throwaway store, logs the demo data (tests/e2e/demo.py) through the SDK,
and photographs the main views in Chromium at 1440×900: light theme, and the run page once more in dark.
The pictures land in docs/images/ unless told otherwise. The web UI must be built (``pip install -e .``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, expect, sync_playwright
from tests.e2e.browser import NOT_BUILT, UI_INDEX, launch
from tests.e2e.demo import CHURN, PREDICTIONS, Demo, populate
from tests.support import ServerProcess

import tether as tt
from tether.client.remote import RemoteBackend

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
VIEWPORT = {"width": 1440, "height": 900}
CHART_DRAWN = """figure => {
    const canvas = figure.querySelector('canvas')
    if (!canvas || canvas.width === 0) return false
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
    let coloured = 0
    for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] > 0 && Math.max(pixels[i], pixels[i + 1], pixels[i + 2])
            - Math.min(pixels[i], pixels[i + 1], pixels[i + 2]) > 60) coloured += 1
    }
    return coloured > 100
}"""


class Photographer:
    def __init__(self, browser: Browser, base: str, demo: Demo, out: Path) -> None:
        self.browser = browser
        self.base = base
        self.demo = demo
        self.out = out

    def take(
        self, name: str, path: str, ready: Callable[[Page], None], theme: Literal["light", "dark"] = "light"
    ) -> Path:
        context = self.browser.new_context(viewport=VIEWPORT, color_scheme=theme)
        try:
            page = context.new_page()
            page.goto(self.base + path)
            ready(page)
            page.mouse.move(0, VIEWPORT["height"] - 1)  # no hover highlight in the picture
            target = self.out / f"{name}.png"
            page.screenshot(path=str(target))
            return target
        finally:
            context.close()

    def run_path(self, run_id: str, **query: str) -> str:
        experiment = self.demo.experiments[CHURN]
        return f"/experiments/{experiment}/runs/{run_id}" + (f"?{urlencode(query)}" if query else "")


def charts_drawn(page: Page, count: int) -> None:
    figures = page.locator("main figure")
    expect(figures.nth(count - 1)).to_be_visible()
    for index in range(count):
        page.wait_for_function(CHART_DRAWN, arg=figures.nth(index).element_handle(), polling="raf")


def photograph(browser: Browser, base: str, demo: Demo, out: Path) -> list[Path]:
    shots = Photographer(browser, base, demo, out)
    churn = f"/experiments/{demo.experiments[CHURN]}"
    view = [
        ("filter", "params.model != 'logistic_regression'"),
        ("sort", "metrics.val_auc:desc"),
        *(("col", column) for column in ("metrics.val_auc", "metrics.val_loss", "params.model")),
    ]
    compared = [demo.runs[name] for name in demo.churn_runs[18:21]]
    rows = "[role=grid] [role=row][data-run-id]"
    return [
        shots.take(
            "experiments",
            "/",
            lambda page: expect(page.get_by_role("table").get_by_role("link", name=CHURN)).to_be_visible(),
        ),
        shots.take(
            "runs-table",
            f"{churn}?{urlencode(view)}",
            lambda page: expect(page.locator(rows).first).to_be_visible(),
        ),
        shots.take(
            "run-charts", shots.run_path(demo.best_run, tab="metrics"), lambda page: charts_drawn(page, 3)
        ),
        shots.take(
            "run-charts-dark",
            shots.run_path(demo.best_run, tab="metrics"),
            lambda page: charts_drawn(page, 3),
            theme="dark",
        ),
        shots.take(
            "artifact-csv",
            shots.run_path(demo.best_run, tab="artifacts", path=PREDICTIONS),
            lambda page: expect(page.get_by_role("region", name=f"Rows of {PREDICTIONS}")).to_be_visible(),
        ),
        shots.take("compare", f"/compare?runs={','.join(compared)}", lambda page: charts_drawn(page, 3)),
        shots.take(
            "report",
            f"/reports/{demo.report_id}",
            lambda page: expect(page.locator("figure[data-kind=distribution]").first).to_be_visible(),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=DOCS_IMAGES, help="folder for the PNGs (default docs/images)"
    )
    args = parser.parse_args()
    if not UI_INDEX.is_file():
        sys.exit(NOT_BUILT)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tether-screenshots-") as folder:
        home = Path(folder)
        server = ServerProcess(home, f"sqlite:///{home / 'tether.db'}")
        server.start()
        try:
            with tt.Client(backend=RemoteBackend(server.url)) as client:
                demo = populate(client)
            with sync_playwright() as driver:
                browser = launch(driver)
                try:
                    for path in photograph(browser, server.url, demo, args.out):
                        print(path)
                finally:
                    browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
