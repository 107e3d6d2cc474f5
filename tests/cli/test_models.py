"""``tether models`` and ``tether lineage models:/…``: listing, registering, promotion with a guard, the
history of an alias, and clear refusals, on every backend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from tests.cli.runner import Cli
from tests.support import Target, unique


@pytest.fixture
def packaged(target: Target) -> tuple[str, str]:
    """A run with ``auc`` 0.85 and a model package; returns (run id, package URI)."""
    frame = pd.DataFrame({"a": np.arange(6.0)})
    with target.client() as client:
        run = client.create_run(experiment_id="0").run_id
        client.log_metric(run, "auc", 0.85)
        info = client.log_model(run, LogisticRegression().fit(frame, [0, 0, 0, 1, 1, 1]), input_example=frame)
    return run, info.model_uri


def test_create_register_list_show_and_versions(cli: Cli, packaged: tuple[str, str]) -> None:
    run, source = packaged
    name = unique("churn")
    created = cli("models", "create", name, "--description", "who leaves")
    assert created.exit_code == 0, created.stderr
    assert f"registered model {name}" in created.stdout
    registered = cli("models", "register", name, source)
    assert registered.exit_code == 0, registered.stderr
    assert f"{name} version 1 from {source}" in registered.stdout
    listed = cli.json("models", "ls", "--like", name)
    assert [(m["name"], m["latest_version"]) for m in listed["models"]] == [(name, 1)]
    table = cli("models", "ls", "--like", name).stdout
    assert name in table and "latest" in table
    shown = cli.json("models", "show", name)
    assert shown["description"] == "who leaves" and "created_time_iso" in shown
    versions = cli.json("models", "versions", name)["versions"]
    assert [(v["version"], v["run_id"], v["flavor"]) for v in versions] == [(1, run, "sklearn")]
    assert run in cli("models", "versions", name).stdout


def test_promote_with_a_guard_and_read_the_history(cli: Cli, packaged: tuple[str, str]) -> None:
    run, source = packaged
    name = unique("churn")
    cli("models", "create", name)
    cli("models", "register", name, source)
    cli("models", "register", name, source)
    refused = cli("models", "promote", name, "1", "--alias", "champion", "--require", "metrics.auc >= 0.9")
    assert refused.exit_code == 1
    assert "does not meet the requirement: metrics.auc >= 0.9 (the run has 0.85)" in refused.stderr
    assert refused.stderr.count("\n") == 1
    promoted = cli("models", "promote", name, "1", "--alias", "champion", "--require", "metrics.auc >= 0.8")
    assert promoted.exit_code == 0, promoted.stderr
    assert f"{name}@champion now points at version 1" in promoted.stdout
    cli("models", "promote", name, "2", "--alias", "champion")
    events = cli.json("models", "history", name, "--alias", "champion")["events"]
    assert [(e["from_version"], e["to_version"]) for e in events] == [(None, 1), (1, 2)]
    table = cli("models", "history", name, "--alias", "champion").stdout
    assert "moved champion from nowhere to version 1" in table and "from version 1 to version 2" in table
    assert "created the model" in cli("models", "history", name).stdout
    graph = cli.json("lineage", f"models:/{name}@champion")
    assert graph["root"] == f"models:/{name}/2"
    assert f"run:{run}" in {node["ref"] for node in graph["nodes"]}


def test_refusals_are_one_line_with_the_right_exit_code(cli: Cli) -> None:
    missing = cli("models", "show", unique("nobody"))
    assert missing.exit_code == 1 and missing.stderr.startswith("error: no registered model named")
    bad_version = cli("models", "promote", "churn", "0", "--alias", "x")
    assert bad_version.exit_code == 2
    no_alias = cli("models", "promote", "churn", "1")
    assert no_alias.exit_code == 2 and "--alias" in no_alias.stderr
    bad_source = cli("models", "register", "churn", "nosuchscheme://bucket/model")
    assert bad_source.exit_code == 1 and "cannot read nosuchscheme://bucket/model" in bad_source.stderr
    not_a_package = cli("models", "register", "churn", "runs:/0123456789abcdef0123456789abcdef")
    assert not_a_package.exit_code == 1 and "runs:/<run id>/<path>" in not_a_package.stderr


def test_ls_and_versions_take_a_search_filter(cli: Cli, packaged: tuple[str, str]) -> None:
    _, source = packaged
    name = unique("churn")
    cli("models", "create", name, "--description", "filtered")
    cli("models", "register", name, source)
    cli("models", "register", name, source)
    listed = cli.json("models", "ls", "--filter", f"name = '{name}' AND description = 'filtered'")
    assert [m["name"] for m in listed["models"]] == [name]
    assert cli.json("models", "ls", "--filter", f"name = '{name}' AND tags.team IS NOT NULL")["models"] == []
    versions = cli.json("models", "versions", name, "--filter", "version > 1")["versions"]
    assert [v["version"] for v in versions] == [2]
    bad = cli("models", "ls", "--filter", "metrics.auc > 1")
    assert bad.exit_code == 1 and "unknown entity 'metrics'" in bad.stderr


def test_set_status_marks_versions_and_refuses_to_archive_a_promoted_one(
    cli: Cli, packaged: tuple[str, str]
) -> None:
    _, source = packaged
    name = unique("churn")
    cli("models", "register", name, source)
    cli("models", "register", name, source)
    deprecated = cli("models", "set-status", name, "1", "deprecated")
    assert deprecated.exit_code == 0, deprecated.stderr
    assert f"{name} version 1 is now deprecated" in deprecated.stdout
    versions = cli.json("models", "versions", name)["versions"]
    assert [v["status"] for v in versions] == ["deprecated", "ready"]
    assert "deprecated" in cli("models", "versions", name).stdout
    cli("models", "promote", name, "2", "--alias", "champion")
    refused = cli("models", "set-status", name, "2", "archived")
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert "alias(es) champion point at it" in refused.stderr
    unknown = cli("models", "set-status", name, "2", "retired")
    assert unknown.exit_code == 2 and "retired" in unknown.stderr
    assert "marked version 1 deprecated (it was ready)" in cli("models", "history", name).stdout
