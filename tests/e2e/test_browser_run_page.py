"""One run in the browser: its metric charts drawn, a CSV artifact previewed as a table, its monitoring
report listed; and three runs compared side by side."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import DemoServer, screenshot
from tests.e2e.demo import PREDICTIONS

pytestmark = pytest.mark.e2e

CHART_DRAWN = """key => {
    const canvas = document.querySelector(`main figure[aria-label="${key}"] canvas`)
    if (!canvas || canvas.width === 0 || canvas.height === 0) return false
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
    let coloured = 0
    for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]]
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1
    }
    return coloured > 100
}"""
"""Whether the chart of metric ``key`` has a line on its canvas: over 100 pixels drawn in a colour (axes,
grid and text are grey). Looked up afresh each time, as a chart may replace its canvas when its data
arrives."""


def expect_drawn(page: Page, key: str) -> None:
    """The chart of ``key`` is drawn (waiting for its data and first frames). Charts below the fold are
    drawn only once scrolled to."""
    chart = page.get_by_role("figure", name=key, exact=True)
    chart.scroll_into_view_if_needed()
    expect(chart.locator("canvas")).to_be_visible()
    page.wait_for_function(CHART_DRAWN, arg=key, polling="raf")


def open_run(page: Page, server: DemoServer) -> str:
    """Open the best churn run from the runs table; returns its name."""
    demo = server.demo
    name = next(n for n, run_id in demo.runs.items() if run_id == demo.best_run)
    page.goto(server.experiment_url())
    page.get_by_role("grid", name="Runs").get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(re.compile(f"/runs/{demo.best_run}"))
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    return name


def test_run_page_draws_the_metric_charts(page: Page, demo_server: DemoServer) -> None:
    open_run(page, demo_server)
    page.get_by_role("tab", name=re.compile("^Metrics")).click()
    expect(page).to_have_url(re.compile(r"tab=metrics"))
    for key in ("val_auc", "train_loss", "val_loss", "accuracy"):
        expect_drawn(page, key)
    screenshot(page, "run-charts")


def test_a_csv_artifact_is_previewed_as_a_table(page: Page, demo_server: DemoServer) -> None:
    open_run(page, demo_server)
    page.get_by_role("tab", name="Artifacts").click()
    tree = page.get_by_role("tree", name="Artifacts")
    folder, file = PREDICTIONS.split("/")
    tree.get_by_text(folder, exact=True).click()
    tree.get_by_text(file, exact=True).click()
    expect(page).to_have_url(
        re.compile(r"path=predictions%2Fvalidation\.csv|path=predictions/validation\.csv")
    )

    rows = page.get_by_role("region", name=f"Rows of {PREDICTIONS}")
    header = rows.get_by_role("columnheader")
    expect(header.nth(1)).to_contain_text("customer_id")
    expect(header.filter(has_text="churn_probability")).to_have_count(1)
    first = rows.get_by_role("row").nth(1)
    expect(first.get_by_role("cell").nth(1)).to_have_text("C100000")
    expect(page.get_by_text(re.compile(r"CSV · 9 columns"))).to_be_visible()
    screenshot(page, "artifact-csv")


def test_the_run_page_lists_its_monitoring_report(page: Page, demo_server: DemoServer) -> None:
    demo = demo_server.demo
    open_run(page, demo_server)
    page.get_by_role("tab", name="Reports").click()
    reports = page.get_by_role("table", name="Reports of this run")
    reports.get_by_role("link", name=demo.report_name).click()
    expect(page).to_have_url(re.compile(f"/reports/{demo.report_id}$"))
    expect(page.get_by_role("heading", name=demo.report_name, level=1)).to_be_visible()


def test_three_runs_compared(page: Page, demo_server: DemoServer) -> None:
    demo = demo_server.demo
    page.goto(demo_server.experiment_url() + "?sort=metrics.val_auc:desc")
    grid = page.get_by_role("grid", name="Runs")
    rows = grid.locator("[role=row][data-run-id]")
    expect(rows).to_have_count(len(demo.churn_runs))
    chosen = [rows.nth(i).get_attribute("data-run-id") or "" for i in range(3)]
    for index in range(3):
        rows.nth(index).get_by_role("checkbox").check()
    selection = page.get_by_role("toolbar", name="Selected runs")
    expect(selection).to_contain_text("3 runs selected")
    selection.get_by_role("button", name="Compare").click()

    expect(page).to_have_url(re.compile(r"/compare\?runs="))
    assert set(re.sub(r".*runs=([^&]*).*", r"\1", page.url).replace("%2C", ",").split(",")) == set(chosen)
    expect(page.get_by_role("heading", name="Compare 3 runs")).to_be_visible()
    legend = page.get_by_role("list", name="Runs")
    expect(legend.get_by_role("link")).to_have_count(3)

    # Charts: one per metric, each with the three runs' lines.
    expect_drawn(page, "val_auc")
    screenshot(page, "compare-charts")

    # Table: params and metrics side by side.
    page.get_by_role("tab", name="Table").click()
    expect(page).to_have_url(re.compile(r"tab=table"))
    table = page.get_by_role("table").first
    names = [name for name, run_id in demo.runs.items() if run_id in chosen]
    heads = table.locator("thead th")
    expect(heads).to_have_count(4)
    for name in names:
        expect(heads.filter(has_text=name)).to_have_count(1)
    expect(table.get_by_role("rowheader", name="model", exact=True)).to_be_visible()
    screenshot(page, "compare-table")
