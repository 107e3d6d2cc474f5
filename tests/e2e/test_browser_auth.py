"""Signing in on a server started with ``--auth``, and what a user who may only read an experiment sees:
no control that would change it, and the API refusing a write made from the same browser session."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import PASSWORD, AuthServer, screenshot
from tests.e2e.demo import CHURN, FRAUD

pytestmark = pytest.mark.e2e

WRITE_WITH_SESSION = """async ([runId]) => {
    const me = await (await fetch('/api/v1/auth/me')).json()
    const response = await fetch(`/api/v1/runs/${runId}`, {
        method: 'PATCH',
        headers: {'content-type': 'application/json', 'x-csrf-token': me.csrf_token},
        body: JSON.stringify({run_name: 'renamed-by-a-reader'}),
    })
    return {status: response.status, body: await response.json(), signedIn: me.user && me.user.username}
}"""
"""A write the way the page itself makes one: the session cookie plus the CSRF token."""


def sign_in(page: Page, server: AuthServer, username: str, next_path: str = "/") -> None:
    page.goto(server.url + next_path)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url + next_path)


def test_sign_in_and_out(page: Page, auth_server: AuthServer) -> None:
    churn = f"/experiments/{auth_server.demo.experiments[CHURN]}"
    page.goto(auth_server.url + churn)
    # Signed out, any page leads to the login form, which comes back to the page asked for.
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fexperiments%2F"))
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile("/login"))
    screenshot(page, "login-refused")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(auth_server.url + churn)
    expect(page.get_by_role("heading", name=CHURN)).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("admin")

    # An admin may change runs: selecting one offers Delete.
    page.get_by_role("grid", name="Runs").get_by_role("checkbox").nth(1).check()
    selection = page.get_by_role("toolbar", name="Selected runs")
    expect(selection.get_by_role("button", name="Delete")).to_be_visible()
    # And the run page offers to edit the description and the tags.
    page.goto(f"{auth_server.url}{churn}/runs/{auth_server.demo.best_run}")
    expect(page.get_by_role("button", name="Add tag")).to_be_visible()
    expect(page.get_by_role("button", name="Remove").first).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile("/login"))
    page.goto(auth_server.url + churn)
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_reader_sees_no_edit_controls_and_the_api_refuses_writes(
    page: Page, auth_server: AuthServer
) -> None:
    demo = auth_server.demo
    churn = f"/experiments/{demo.experiments[CHURN]}"
    sign_in(page, auth_server, "reader", churn)
    expect(page.get_by_role("banner")).to_contain_text("reader")

    # The runs table: selecting runs offers Compare, never Delete.
    grid = page.get_by_role("grid", name="Runs")
    expect(grid.locator("[role=row][data-run-id]")).to_have_count(len(demo.churn_runs))
    grid.get_by_role("checkbox").nth(1).check()
    grid.get_by_role("checkbox").nth(2).check()
    selection = page.get_by_role("toolbar", name="Selected runs")
    expect(selection.get_by_role("button", name="Compare")).to_be_enabled()
    expect(selection.get_by_role("button", name="Delete")).to_have_count(0)
    expect(selection.get_by_role("button", name="Restore")).to_have_count(0)
    screenshot(page, "reader-runs")

    # The experiments list shows only what the reader may read, and no way to change it.
    page.goto(auth_server.url + "/")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name=CHURN, exact=True)).to_be_visible()
    expect(table.get_by_role("link", name=FRAUD, exact=True)).to_have_count(0)
    page.get_by_title(f"Actions for {CHURN}").click()
    expect(page.get_by_text("Only an admin or a manager of this experiment can change it.")).to_be_visible()
    expect(page.get_by_role("menuitem")).to_have_count(0)
    page.keyboard.press("Escape")

    # The report page offers no Delete.
    page.goto(f"{auth_server.url}/reports/{demo.report_id}")
    expect(page.get_by_role("heading", name=demo.report_name, level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)

    # The run page offers nothing that changes the run.
    page.goto(f"{auth_server.url}{churn}/runs/{demo.best_run}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Tags")).to_be_visible()
    for name in ("Add", "Edit", "Remove", "Delete", "Rename", "Restore"):
        expect(page.get_by_role("button", name=re.compile(f"^{name}", re.IGNORECASE))).to_have_count(0)

    # And a write made from this signed-in session anyway is refused by the server.
    outcome = page.evaluate(WRITE_WITH_SESSION, [demo.best_run])
    assert outcome["signedIn"] == "reader"
    assert outcome["status"] == 403, outcome
    assert outcome["body"]["error"]["code"] == "PERMISSION_DENIED", outcome
