"""The experiments list and the runs table in the browser: find an experiment, filter, sort, pick columns,
share the view as a URL, and move through the table with the keyboard."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect
from tests.e2e.conftest import DemoServer, screenshot
from tests.e2e.demo import CHURN, FORECAST, FRAUD

pytestmark = pytest.mark.e2e

FILTER = "params.model = 'random_forest'"


def run_rows(page: Page) -> Locator:
    return page.get_by_role("grid", name="Runs").locator("[role=row][data-run-id]")


def shown_run_ids(page: Page) -> list[str]:
    return [row.get_attribute("data-run-id") or "" for row in run_rows(page).all()]


def searched_run_ids(server: DemoServer, filter_string: str, order_by: list[str]) -> list[str]:
    """What the API answers for the same search: the order the table must show."""
    body = {
        "experiment_ids": [server.demo.experiments[CHURN]],
        "filter": filter_string,
        "order_by": order_by,
        "max_results": 1000,
    }
    answer = httpx.post(f"{server.url}/api/v1/runs/search", json=body, timeout=30)
    answer.raise_for_status()
    return [run["run_id"] for run in answer.json()["items"]]


def test_experiments_list_finds_and_opens_an_experiment(page: Page, demo_server: DemoServer) -> None:
    page.goto(demo_server.url)
    table = page.get_by_role("table")
    for name in (CHURN, FRAUD, FORECAST):
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    churn_row = table.get_by_role("row").filter(has=page.get_by_role("link", name=CHURN, exact=True))
    expect(churn_row).to_contain_text(str(len(demo_server.demo.churn_runs)))
    screenshot(page, "experiments")

    page.get_by_role("searchbox", name="Search experiments").fill("fraud")
    expect(table.get_by_role("link", name=FRAUD, exact=True)).to_be_visible()
    expect(table.get_by_role("link", name=CHURN, exact=True)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"\?q=fraud"))

    page.get_by_role("searchbox", name="Search experiments").fill("")
    table.get_by_role("link", name=CHURN, exact=True).click()
    expect(page).to_have_url(demo_server.experiment_url(CHURN))
    expect(page.get_by_role("heading", name=CHURN)).to_be_visible()
    expect(run_rows(page)).to_have_count(24)


def test_runs_table_filters_sorts_and_picks_columns(page: Page, demo_server: DemoServer) -> None:
    page.goto(demo_server.experiment_url())
    expect(run_rows(page)).to_have_count(24)

    # The filter box takes the search grammar; the table shows what the server answers for it.
    box = page.get_by_role("combobox", name="Filter runs")
    box.fill(FILTER)
    box.press("Escape")  # close the key suggestions
    expect(page).to_have_url(re.compile(r"filter=params\.model"))
    expected = searched_run_ids(demo_server, FILTER, [])
    assert len(expected) == 8
    expect(run_rows(page)).to_have_count(len(expected))

    # A click on a metric's header sorts by it, largest first; a second click flips the order, a third
    # drops the sort.
    header = page.get_by_title("Sort by metrics.val_auc")
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(page).to_have_url(re.compile(r"sort=metrics\.val_auc%3Adesc|sort=metrics.val_auc:desc"))
    descending = searched_run_ids(demo_server, FILTER, ["metrics.val_auc DESC"])
    expect_order(page, descending)
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect_order(page, descending[::-1])
    header.click()
    expect(header).not_to_have_attribute("aria-sort", re.compile(".*"))
    expect_order(page, expected)
    header.click()
    expect_order(page, descending)

    # Columns: add a param column from the picker; the header appears and the URL remembers it.
    grid = page.get_by_role("grid", name="Runs")
    expect(grid.get_by_title("Sort by params.max_depth")).to_have_count(0)
    page.get_by_role("button", name=re.compile(r"^Columns")).click()
    page.get_by_role("searchbox", name="Search keys").fill("max_")
    page.get_by_role("checkbox", name="max_depth").check()
    page.keyboard.press("Escape")
    expect(grid.get_by_title("Sort by params.max_depth")).to_be_visible()
    expect(page).to_have_url(re.compile(r"col=params\.max_depth"))
    screenshot(page, "runs-table-filtered")

    # The URL is the view: opened afresh, it shows the same filter, sort and columns.
    shared = page.url
    fresh = page.context.new_page()
    fresh.goto(shared)
    expect(fresh.get_by_role("combobox", name="Filter runs")).to_have_value(FILTER)
    expect(fresh.get_by_title("Sort by metrics.val_auc")).to_have_attribute("aria-sort", "descending")
    expect(fresh.get_by_role("grid", name="Runs").get_by_title("Sort by params.max_depth")).to_be_visible()
    expect_order(fresh, descending)
    fresh.close()


def test_a_refused_filter_is_explained(page: Page, demo_server: DemoServer) -> None:
    page.goto(demo_server.experiment_url())
    expect(run_rows(page)).to_have_count(24)
    box = page.get_by_role("combobox", name="Filter runs")
    box.fill("metrics.val_auc >> 0.9")
    box.press("Escape")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("filter-error-mark")).to_be_attached()
    # The last valid result stays on screen.
    expect(run_rows(page)).to_have_count(24)


def test_keyboard_moves_through_the_table_and_opens_a_run(page: Page, demo_server: DemoServer) -> None:
    page.goto(demo_server.experiment_url() + "?sort=attributes.run_name:asc")
    expect(run_rows(page)).to_have_count(24)
    first, second = sorted(demo_server.demo.churn_runs)[:2]
    page.keyboard.press("/")
    expect(page.get_by_role("combobox", name="Filter runs")).to_be_focused()
    page.keyboard.press("Escape")  # leaves the filter box
    page.get_by_role("grid", name="Runs").focus()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/runs/{demo_server.demo.runs[second]}$"))
    expect(page.get_by_role("heading", name=second, exact=True)).to_be_visible()
    assert first < second


def expect_order(page: Page, run_ids: list[str]) -> None:
    """The table shows exactly these runs, in this order (waiting for it to get there)."""
    rows = run_rows(page)
    expect(rows).to_have_count(len(run_ids))
    for index, run_id in enumerate(run_ids):
        expect(rows.nth(index)).to_have_attribute("data-run-id", run_id)
