"""Datasets in the browser: the list reached from the navigation, a dataset's history, a version's files
and what used it, and the diff of two versions picked in the history."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from sklearn.linear_model import LogisticRegression
from tests.e2e.browser import require_built_ui
from tests.e2e.conftest import screenshot
from tests.support import ServerProcess

import tether as tt
from tether.client.remote import RemoteBackend
from tether.sdk.data import DataClient

pytestmark = pytest.mark.e2e

DATASET = "churn"
MODEL = "churn-scorer"
RUN_NAME = "train-churn"
TRAIN_V1 = "tenure,churned\n1,0\n2,1\n"
TRAIN_V2 = TRAIN_V1 + "4,1\n5,0\n"
TEST = "tenure,churned\n3,0\n"
EXTRA = "tenure\n9\n"
WHEN = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
"""A time as the UI writes it (ISO 8601, local time)."""


@dataclass
class Versioned:
    url: str
    first: str
    second: str
    run_id: str


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Versioned]:
    """A server of its own holding a dataset of two commits (the first tagged v1) and a run that read v1
    and registered a model."""
    require_built_ui()
    home: Path = tmp_path_factory.mktemp("e2e-data")
    tree = home / "tree"
    (tree / "raw").mkdir(parents=True)
    (tree / "train.csv").write_text(TRAIN_V1)
    (tree / "test.csv").write_text(TEST)
    server = ServerProcess(home, f"sqlite:///{home / 'tether.db'}")
    server.start()
    try:
        with tt.Client(backend=RemoteBackend(server.url)) as client:
            data = DataClient(client.data.api, home / "cache")
            first = data.add(tree, DATASET, message="October export").commit.commit_id
            data.tag(f"{DATASET}@main", "v1")
            (tree / "train.csv").write_text(TRAIN_V2)
            (tree / "test.csv").unlink()
            (tree / "extra.csv").write_text(EXTRA)
            second = data.add(tree, DATASET, message="November export").commit.commit_id

            run = client.create_run(experiment_id="0", run_name=RUN_NAME).run_id
            client.data.api.log_input(run, f"{DATASET}@v1")
            frame = pd.DataFrame({"tenure": [1.0, 2.0, 3.0, 4.0]})
            model = LogisticRegression().fit(frame, [0, 1, 0, 1])
            client.log_model(run, model, input_example=frame.head(2), registered_model_name=MODEL)
        yield Versioned(server.url, first, second, run)
    finally:
        server.stop()


def test_the_datasets_list_leads_to_a_dataset_and_its_history(page: Page, versioned: Versioned) -> None:
    page.goto(versioned.url)
    page.get_by_role("link", name="Datasets", exact=True).click()
    expect(page).to_have_url(f"{versioned.url}/data")
    row = page.get_by_role("table", name="Datasets").get_by_role("row").filter(has_text=DATASET)
    expect(row.get_by_role("cell")).to_have_text([DATASET, "2", "main", "v1", WHEN])
    screenshot(page, "datasets")

    row.get_by_role("link", name=DATASET).click()
    expect(page.get_by_role("heading", name=DATASET, level=1)).to_be_visible()
    refs = page.get_by_role("table", name="Branches and tags").get_by_role("row")
    expect(refs.filter(has_text="main")).to_contain_text(versioned.second[:12])
    expect(refs.filter(has_text="v1")).to_contain_text(versioned.first[:12])
    rows = page.get_by_role("table", name="History").get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two commits, newest first
    for line, commit, size, message in (
        (rows.nth(1), versioned.second, len(TRAIN_V2 + EXTRA), "November export"),
        (rows.nth(2), versioned.first, len(TRAIN_V1 + TEST), "October export"),
    ):
        cells = ["", commit[:12], WHEN, re.compile(".+"), "2", f"{size} B", message]
        expect(line.get_by_role("cell")).to_have_text(cells)
    screenshot(page, "dataset")


def test_a_version_shows_its_files_and_the_run_and_model_that_used_it(
    page: Page, versioned: Versioned
) -> None:
    page.goto(f"{versioned.url}/data/{DATASET}")
    page.get_by_role("table", name="History").get_by_role("link", name=versioned.first[:12]).click()
    expect(page).to_have_url(f"{versioned.url}/data/{DATASET}/{versioned.first}")
    expect(page.get_by_role("heading", name=f"{DATASET}@{versioned.first[:12]}")).to_be_visible()
    facts = page.get_by_label("About this version")
    expect(facts).to_contain_text("October export")
    expect(facts).to_contain_text(f"data:{DATASET}@{versioned.first}")
    expect(facts).to_contain_text("v1")
    files = page.get_by_role("table", name="Files").get_by_role("row")
    expect(files).to_have_count(4)
    expect(files.nth(1)).to_contain_text("raw/")
    expect(files.nth(1)).to_contain_text("folder")
    expect(files.nth(2)).to_contain_text("test.csv")
    expect(files.nth(3)).to_contain_text("train.csv")

    used_by = page.get_by_role("group", name="Used by")
    run = used_by.get_by_role("link", name=RUN_NAME)
    expect(run).to_have_attribute("href", f"/experiments/0/runs/{versioned.run_id}")
    expect(used_by.get_by_role("link", name=f"models:/{MODEL}/1")).to_be_visible()
    screenshot(page, "dataset-version")

    run.click()
    expect(page).to_have_url(re.compile(f"/runs/{versioned.run_id}"))


def test_two_versions_picked_in_the_history_open_their_diff(page: Page, versioned: Versioned) -> None:
    page.goto(f"{versioned.url}/data/{DATASET}")
    compare = page.get_by_role("button", name="Compare")
    expect(compare).to_be_disabled()
    page.get_by_role("checkbox", name=f"Pick {versioned.second[:12]}").check()
    page.get_by_role("checkbox", name=f"Pick {versioned.first[:12]}").check()
    compare.click()
    expect(page).to_have_url(
        f"{versioned.url}/data/{DATASET}/diff?old={versioned.first}&new={versioned.second}"
    )
    expect(page.get_by_text("1 added, 1 removed, 1 modified, 1 file unchanged.")).to_be_visible()
    expect(page.get_by_role("table", name="Added")).to_contain_text("extra.csv")
    expect(page.get_by_role("table", name="Removed")).to_contain_text("test.csv")
    modified = page.get_by_role("table", name="Modified").get_by_role("row").filter(has_text="train.csv")
    sizes = [f"{len(TRAIN_V1)} B", f"{len(TRAIN_V2)} B", f"+{len(TRAIN_V2) - len(TRAIN_V1)} B"]
    expect(modified.get_by_role("cell")).to_have_text(["train.csv", *sizes])
    screenshot(page, "dataset-diff")

    page.get_by_role("link", name=versioned.first[:12]).click()
    expect(page.get_by_role("heading", name=f"{DATASET}@{versioned.first[:12]}")).to_be_visible()
