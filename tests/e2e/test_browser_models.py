"""The registry in the browser: the models list, a model's page with its versions and alias timeline, a
version's page with its signature, pinned requirements, files, run and lineage, and the pages for names
that do not exist."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from sklearn.linear_model import LogisticRegression
from tests.e2e.conftest import DemoServer, screenshot

import tether as tt
from tether.client.remote import RemoteBackend

pytestmark = pytest.mark.e2e

MODEL = "churn-scorer"
EXPERIMENT = "churn-model-training"  # its own, so the demo experiments keep their run counts
RUN_NAME = "churn-model-fit"


@dataclass
class Registered:
    run_id: str
    experiment_id: str


@pytest.fixture(scope="module")
def registered(demo_server: DemoServer) -> Registered:
    """Two versions of one model from one run, with a description, an alias moved between them, and the
    first version deprecated."""
    generator = np.random.default_rng(5)
    frame = pd.DataFrame({"tenure": generator.normal(size=60), "plan": generator.integers(0, 3, 60)})
    target = (frame["tenure"] > 0).astype(int)
    with tt.Client(backend=RemoteBackend(demo_server.url)) as client:
        experiment_id = client.create_experiment(EXPERIMENT)
        run = client.create_run(experiment_id=experiment_id, run_name=RUN_NAME)
        for c in (0.5, 2.0):
            model = LogisticRegression(C=c).fit(frame, target)
            client.log_model(
                run.run_id, model, f"model-c{c:g}", input_example=frame.head(3), registered_model_name=MODEL
            )
        client.registry.update_model(MODEL, description="Predicts **churn** from tenure and plan.")
        client.registry.set_alias(MODEL, "champion", 1)
        client.registry.set_alias(MODEL, "champion", 2)
        client.registry.protect_alias(MODEL, "champion")
        client.registry.update_version(MODEL, 1, status="deprecated")
    return Registered(run.run_id, experiment_id)


def test_the_models_list_leads_to_a_model_with_its_versions_and_alias_history(
    page: Page, demo_server: DemoServer, registered: Registered
) -> None:
    page.goto(demo_server.url)
    page.get_by_role("link", name="Models", exact=True).click()
    expect(page).to_have_url(re.compile("/models$"))
    models = page.get_by_role("table", name="Registered models")
    row = models.get_by_role("row").filter(has_text=MODEL)
    expect(row).to_contain_text("champion → 2")
    row.get_by_role("link", name=MODEL, exact=True).click()

    expect(page).to_have_url(re.compile(f"/models/{MODEL}$"))
    expect(page.get_by_role("heading", name=MODEL, level=1)).to_be_visible()
    expect(page.locator("strong", has_text="churn")).to_be_visible()  # the description is markdown
    expect(page.get_by_text("@champion (protected)")).to_be_visible()
    versions = page.get_by_role("table", name="Versions")
    rows = versions.get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two versions, newest first
    expect(rows.nth(1)).to_contain_text("version 2")
    expect(rows.nth(1)).to_contain_text("@champion")
    expect(rows.nth(1)).to_contain_text("ready")
    expect(rows.nth(2)).to_contain_text("deprecated")
    expect(rows.nth(2).get_by_role("link", name=RUN_NAME)).to_be_visible()
    timeline = page.get_by_role("list", name="Model timeline").get_by_role("listitem")
    expect(timeline).to_have_count(4)
    expect(timeline.nth(0)).to_contain_text("marked version 1 deprecated (was ready)")
    expect(timeline.nth(1)).to_contain_text("protected champion")
    expect(timeline.nth(2)).to_contain_text("moved champion from version 1 to version 2")
    expect(timeline.nth(3)).to_contain_text("pointed champion at version 1")
    screenshot(page, "model")


def test_a_version_page_shows_its_signature_requirements_files_and_lineage(
    page: Page, demo_server: DemoServer, registered: Registered
) -> None:
    page.goto(f"{demo_server.url}/models/{MODEL}")
    page.get_by_role("link", name="version 1", exact=True).click()
    expect(page).to_have_url(re.compile(f"/models/{MODEL}/versions/1$"))
    facts = page.get_by_role("definition")
    expect(facts.filter(has_text=f"models:/{MODEL}/1")).to_be_visible()
    expect(facts.filter(has_text="sklearn")).to_be_visible()
    expect(facts.filter(has_text="deprecated")).to_be_visible()

    inputs = page.get_by_role("table", name="Inputs")
    expect(inputs.get_by_role("row")).to_have_count(3)
    expect(inputs.get_by_role("row").filter(has_text="tenure")).to_contain_text("float64")
    expect(inputs.get_by_role("row").filter(has_text="plan")).to_contain_text("int64")
    expect(page.get_by_label("Pinned requirements")).to_contain_text(re.compile(r"scikit-learn==\d"))
    files = page.get_by_role("table", name="Package files")
    expect(files.get_by_role("link", name="model.skops")).to_be_visible()
    made_from = page.get_by_role("group", name="Made from")
    expect(made_from.get_by_role("link", name=RUN_NAME)).to_be_visible()
    screenshot(page, "model-version")

    # A package file opens in its run's artifact browser.
    files.get_by_role("link", name="model.skops").click()
    expect(page).to_have_url(re.compile(f"/runs/{registered.run_id}\\?tab=artifacts&path=model-c0.5"))


def test_unknown_models_and_versions_say_what_is_missing(
    page: Page, demo_server: DemoServer, registered: Registered
) -> None:
    page.goto(f"{demo_server.url}/models/no-such-model")
    expect(page.get_by_text("No model named no-such-model")).to_be_visible()
    page.goto(f"{demo_server.url}/models/{MODEL}/versions/9")
    expect(page.get_by_text(f"{MODEL} has no version 9")).to_be_visible()
    page.goto(f"{demo_server.url}/models/{MODEL}/versions/first")
    expect(page.get_by_text(f"{MODEL} has no version first")).to_be_visible()
    page.get_by_role("link", name=MODEL, exact=True).click()
    expect(page).to_have_url(re.compile(f"/models/{MODEL}$"))
