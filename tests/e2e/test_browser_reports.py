"""Monitoring reports in the browser: a report logged with a run, shown by the report viewer, and the
offline HTML file of a report opened straight from disk."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect
from tests.e2e.conftest import DemoServer, screenshot

from tether import monitoring as mon

pytestmark = pytest.mark.e2e

DRAWN = """svg => {
    const marks = svg.querySelectorAll('rect, path, line, circle, polyline, polygon')
    let drawn = 0
    for (const mark of marks) {
        const box = mark.getBBox()
        if (box.width > 0 || box.height > 0) drawn += 1
    }
    return drawn
}"""
"""How many marks of an SVG chart have a size: an empty or collapsed chart has none."""


def drawn_marks(chart: Locator) -> int:
    return int(chart.evaluate(DRAWN))


def test_report_viewer_shows_a_logged_report_with_its_charts(page: Page, demo_server: DemoServer) -> None:
    demo = demo_server.demo
    page.goto(demo_server.experiment_url())
    page.get_by_role("link", name="Reports", exact=True).click()
    reports = page.get_by_role("table", name="Reports")
    row = reports.get_by_role("row").filter(has_text=demo.report_name)
    expect(row).to_contain_text("columns drifted")
    row.get_by_role("link", name=demo.report_name).click()

    expect(page).to_have_url(re.compile(f"/reports/{demo.report_id}$"))
    expect(page.get_by_role("heading", name=demo.report_name, level=1)).to_be_visible()
    for section in ("Data drift", "Data quality", "Classification performance"):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    # Every chart of the report is drawn: reference and current bars, ROC and PR curves; the confusion
    # matrices are tables of counts.
    for kind in ("distribution", "curve"):
        charts = page.locator(f"figure[data-kind={kind}] svg")
        expect(charts.first).to_be_visible()
        for chart in charts.all():
            assert drawn_marks(chart) > 0, f"an empty {kind} chart"
    matrix = page.get_by_role("table", name="Confusion matrix", exact=False).first
    expect(matrix.get_by_role("cell").first).to_have_text(re.compile(r"^\d+$"))
    screenshot(page, "report")

    # The report links back to its run.
    page.get_by_role("link", name=re.compile(f"run {demo.best_run[:12]}")).click()
    expect(page).to_have_url(re.compile(f"/runs/{demo.best_run}"))


def test_offline_html_report_draws_its_charts(page: Page, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 2_000
    churned = rng.integers(0, 2, n)
    reference = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "plan": rng.choice(["basic", "pro"], n),
            "churned": churned,
            "score": np.clip(churned * 0.5 + rng.random(n) * 0.5, 0, 1),
        }
    )
    current = reference.assign(age=reference["age"] + 5)
    report = mon.Report([mon.DataDrift(), mon.DataQuality(), mon.ClassificationPerformance()])
    result = report.run(reference=reference, current=current, target="churned", prediction="score")
    path = result.save_html(tmp_path / "drift.html")

    page.goto(path.resolve().as_uri())
    charts = page.locator("svg.chart[data-kind]")
    expect(charts.first).to_be_visible()
    kinds = charts.evaluate_all("charts => charts.map(chart => chart.dataset.kind)")
    assert {"distribution", "curve", "matrix"} <= set(kinds), kinds
    assert len(kinds) >= 6
    for chart in charts.all():
        assert drawn_marks(chart) > 0, f"an empty {chart.get_attribute('data-kind')} chart"
    screenshot(page, "offline-report")
