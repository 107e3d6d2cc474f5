"""CLI fixtures: a store filled with a small, known set of runs, and a runner pointed at it.

Commands run in-process through Typer's CliRunner with the environment variables a user would set: a
store of the test's own (TETHER_HOME / TETHER_DB_URL / TETHER_BLOB_URL), or the test session's server
(TETHER_URI), each on SQLite and on PostgreSQL. A server is shared by the whole session, so the store's
experiments have unique names and tests look only at what the store made.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tests.cli.runner import Cli, Store
from tests.support import Target, unique

from tether.config import Settings


@pytest.fixture
def cli(target: Target) -> Cli:
    return Cli({**target.env(), "COLUMNS": "240"})


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Cli:
    """For commands that never reach a store (help, version, usage errors): one database is enough."""
    settings = Settings.at(tmp_path)
    return Cli({"TETHER_HOME": str(tmp_path), "TETHER_DB_URL": settings.db_url, "COLUMNS": "240"})


T0 = 1_700_000_000_000
"""A fixed start time (2023-11-14T22:13:20Z) so durations and times are known."""


@pytest.fixture
def store(target: Target, tmp_path: Path) -> Store:
    """Experiment "churn-…" with runs a, b, c (c has no accuracy), a child of a, a deleted run d, and an
    experiment with an all-digit name; run a has artifacts model.txt, features.json and
    data/{part-0, nested/part-1}.
    """
    churn, numbered = unique("churn"), str(random.randrange(10**11, 9 * 10**11))
    with target.client() as client:
        api = client.tracking
        made = Store(
            churn=api.create_experiment(churn),
            churn_name=churn,
            numbered=api.create_experiment(numbered),
            numbered_name=numbered,
        )
        for index, (name, lr, depth) in enumerate([("a", "0.1", 4), ("b", "0.2", 6), ("c", "0.3", 8)]):
            start = T0 + index * 60_000
            run = api.create_run(made.churn, run_name=f"gbm-{name}", start_time=start)
            metrics = [("loss", 1.0 / (step + 1 + index), step, start + step) for step in range(10)]
            if name != "c":
                metrics.append(("accuracy", 0.9, 9, start + 9))
            client.log_batch(run.run_id, metrics, params={"lr": lr, "depth": depth, "model": "gbm"})
            api.update_run(run.run_id, status="FINISHED", end_time=start + 90_500)
            made.runs[name] = run.run_id
        child = api.create_run(made.churn, run_name="fold-1", parent_run_id=made.runs["a"], start_time=T0)
        made.runs["child"] = child.run_id
        deleted = api.create_run(made.churn, run_name="gone", start_time=T0)
        api.delete_run(deleted.run_id)
        made.runs["deleted"] = deleted.run_id

        files = tmp_path / "artifact-source"
        (files / "data" / "nested").mkdir(parents=True)
        (files / "model.txt").write_text("weights\n")
        (files / "features.json").write_text('{"features": ["tenure"]}')
        (files / "data" / "part-0.csv").write_text("a,b\n1,2\n")
        (files / "data" / "nested" / "part-1.csv").write_text("a,b\n3,4\n")
        run_a = made.runs["a"]
        client.log_artifact(run_a, files / "model.txt")
        client.log_artifact(run_a, files / "features.json")
        client.log_artifacts(run_a, files / "data", artifact_path="data")
    return made
