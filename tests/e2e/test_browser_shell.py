"""The frame around every page: the theme switch, kept across reloads, and the Ctrl+K jump box."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import DemoServer, screenshot
from tests.e2e.demo import CHURN

pytestmark = pytest.mark.e2e

BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"


def test_the_theme_switch_is_kept_across_reloads(page: Page, demo_server: DemoServer) -> None:
    page.goto(demo_server.url)
    expect(page.get_by_role("heading", name="Experiments")).to_be_visible()
    light = page.evaluate(BACKGROUND)
    page.get_by_role("button", name="Switch to the dark theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    dark = page.evaluate(BACKGROUND)
    assert dark != light

    page.reload()
    expect(page.get_by_role("button", name="Switch to the light theme")).to_be_visible()
    assert page.evaluate(BACKGROUND) == dark
    screenshot(page, "experiments-dark")

    # Choosing the system's own theme again drops the pin.
    page.get_by_role("button", name="Switch to the light theme").click()
    expect(page.locator("html")).not_to_have_attribute("data-theme", re.compile(".*"))
    assert page.evaluate(BACKGROUND) == light


def test_ctrl_k_jumps_to_a_run_by_name(page: Page, demo_server: DemoServer) -> None:
    demo = demo_server.demo
    name = next(n for n, run_id in demo.runs.items() if run_id == demo.best_run)
    page.goto(demo_server.url)
    expect(page.get_by_role("heading", name="Experiments")).to_be_visible()
    page.keyboard.press("Control+k")
    jump = page.get_by_role("combobox", name="Jump to an experiment or run")
    expect(jump).to_be_focused()
    jump.press_sequentially(name)
    option = page.get_by_role("option").filter(has_text=name)
    expect(option).to_be_visible()
    option.click()
    expect(page).to_have_url(f"{demo_server.experiment_url(CHURN)}/runs/{demo.best_run}")
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def test_the_main_views_load_without_errors(page: Page, demo_server: DemoServer) -> None:
    """No failed request and no error in the console on any main view: a missing endpoint or a broken
    chunk shows up here first."""
    demo = demo_server.demo
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.request.method} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    run = f"{demo_server.experiment_url(CHURN)}/runs/{demo.best_run}"
    views = {
        demo_server.url: page.get_by_role("heading", name="Experiments"),
        demo_server.experiment_url(CHURN): page.get_by_role("grid", name="Runs")
        .locator("[data-run-id]")
        .first,
        f"{run}?tab=overview": page.get_by_role("heading", name="Params"),
        f"{run}?tab=metrics": page.get_by_role("figure", name="val_auc").locator("canvas"),
        f"{run}?tab=artifacts": page.get_by_role("tree", name="Artifacts"),
        f"{run}?tab=reports": page.get_by_role("table", name="Reports of this run"),
        f"{demo_server.experiment_url(CHURN)}/reports": page.get_by_role("table", name="Reports"),
        f"{demo_server.url}/reports/{demo.report_id}": page.locator("figure[data-kind=curve]").first,
        f"{demo_server.url}/compare?runs={demo.best_run},{demo.runs[demo.churn_runs[0]]}": page.get_by_role(
            "figure", name="val_auc"
        ),
    }
    for url, ready in views.items():
        page.goto(url)
        expect(ready).to_be_visible()
    assert problems == []
