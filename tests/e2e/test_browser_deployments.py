"""Deployments in the browser: the list reached from the navigation, with status, versions and traffic,
and a deployment's page with its charts and links to the versions it serves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from sklearn.linear_model import LogisticRegression
from tests.e2e.browser import require_built_ui
from tests.e2e.conftest import screenshot
from tests.support import ServerProcess

import tether as tt
from tether.client.remote import RemoteBackend

pytestmark = pytest.mark.e2e

MODEL = "churn-scorer"
DEPLOYMENT = "churn-prod"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own holding two versions of a model and a deployment serving both (a canary), with
    a few report windows; yields the server's URL."""
    require_built_ui()
    home: Path = tmp_path_factory.mktemp("e2e-deployments")
    server = ServerProcess(home, f"sqlite:///{home / 'tether.db'}")
    server.start()
    try:
        with tt.Client(backend=RemoteBackend(server.url)) as client:
            frame = pd.DataFrame({"tenure": np.arange(8.0)})
            run = client.create_run(experiment_id="0").run_id
            for _ in range(2):
                model = LogisticRegression().fit(frame, [0, 0, 0, 0, 1, 1, 1, 1])
                client.log_model(run, model, input_example=frame.head(2), registered_model_name=MODEL)
            primary = {"served_name": "churn", "uri": f"models:/{MODEL}@champion", "model": MODEL}
            lanes = [
                {**primary, "version": 1, "weight": 0.8},
                {**primary, "role": "canary", "uri": f"models:/{MODEL}/2", "version": 2, "weight": 0.2},
            ]
            client.deployments.register_deployment(DEPLOYMENT, lanes, "http://10.0.0.5:8080", "box-1")
            for rate in (10.0, 14.0, 12.5):
                stats = {"served_name": "churn", "requests": int(rate * 15), "request_rate": rate}
                stats |= {"p50_ms": 4.0, "p99_ms": 28.0, "error_rate": 0.02, "rows_per_s": rate * 4}
                client.deployments.report_stats(DEPLOYMENT, 15.0, [stats])
        yield server.url
    finally:
        server.stop()


def test_the_deployments_page_leads_to_a_deployment_and_the_versions_it_serves(
    page: Page, deployed: str
) -> None:
    page.goto(deployed)
    page.get_by_role("link", name="Deployments", exact=True).click()
    expect(page).to_have_url(f"{deployed}/deployments")
    row = page.get_by_role("table", name="Deployments").get_by_role("row").filter(has_text=DEPLOYMENT)
    expect(row).to_contain_text("Running")
    expect(row).to_contain_text("churn: v1 · 80 %, canary v2 · 20 %")
    expect(row).to_contain_text("12.5/s")
    expect(row).to_contain_text("4 ms / 28 ms")
    screenshot(page, "deployments")

    row.get_by_role("link", name=DEPLOYMENT).click()
    expect(page.get_by_role("heading", name=DEPLOYMENT)).to_be_visible()
    expect(page.get_by_text("http://10.0.0.5:8080")).to_be_visible()
    for title in ("Requests per second", "Latency (ms)", "Error rate"):
        expect(page.get_by_role("figure").filter(has_text=title).locator("canvas").first).to_be_visible()
    screenshot(page, "deployment")

    page.get_by_role("link", name=f"{MODEL} v2").click()
    expect(page).to_have_url(f"{deployed}/models/{MODEL}/versions/2")
    expect(page.get_by_role("heading", name=f"{MODEL} version 2")).to_be_visible()
