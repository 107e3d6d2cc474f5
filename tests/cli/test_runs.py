"""``tether runs``: search and its options, show, compare with highlighting, delete/restore and history."""

from __future__ import annotations

import re
from datetime import datetime

from tests.cli.runner import Cli, Store
from tests.support import unique

BOLD_YELLOW = "\x1b[1;33m"


def header(output: str) -> list[str]:
    return re.split(r"\s{2,}", output.splitlines()[0].strip())


def only(store: Store) -> str:
    """A filter for the store's own runs, for searches of every experiment of a store other tests share."""
    ids = ", ".join(f"'{run_id}'" for run_id in store.runs.values())
    return f"run_id IN ({ids})"


def test_ls_lists_active_runs_of_every_active_experiment(cli: Cli, store: Store) -> None:
    result = cli("runs", "ls", "--filter", only(store))
    assert result.exit_code == 0, result.stderr
    assert header(result.stdout) == [
        "run id",
        "name",
        "status",
        "start time",
        "duration",
        "metrics.loss",
        "metrics.accuracy",
        "params.depth",
        "params.lr",
    ]
    for name in ("a", "b", "c", "child"):
        assert store.runs[name] in result.stdout
    assert store.runs["deleted"] not in result.stdout
    row_b = next(line for line in result.stdout.splitlines() if store.runs["b"] in line)
    assert row_b.split()[1:3] == ["gbm-b", "FINISHED"]
    assert "1m30s" in row_b


def test_ls_on_a_narrow_terminal_drops_extra_columns_but_never_cuts_an_id(cli: Cli, store: Store) -> None:
    fits = cli("runs", "ls", "-e", store.churn_name, COLUMNS="100")
    assert fits.exit_code == 0, fits.stderr
    assert 5 < len(header(fits.stdout)) < 9
    assert max(len(line) for line in fits.stdout.splitlines()) <= 100
    squeezed = cli("runs", "ls", "-e", store.churn_name, COLUMNS="60")
    assert header(squeezed.stdout) == ["run id", "name", "status", "start time", "duration"]
    for result in (fits, squeezed):
        for name in ("a", "b", "c"):
            assert store.runs[name] in result.stdout


def test_ls_json_is_full_runs_with_iso_times_and_duration(cli: Cli, store: Store) -> None:
    document = cli.json("runs", "ls", "--experiment", store.churn_name)
    assert document["truncated"] is False
    runs = {r["run_name"]: r for r in document["runs"]}
    assert set(runs) == {"gbm-a", "gbm-b", "gbm-c", "fold-1"}
    b = runs["gbm-b"]
    assert b["params"] == {"lr": "0.2", "depth": "6", "model": "gbm"}
    assert b["metrics"]["loss"] == 1.0 / 11
    assert b["duration_ms"] == 90_500
    assert datetime.fromisoformat(b["start_time_iso"]).timestamp() * 1000 == b["start_time"]
    assert runs["fold-1"]["parent_run_id"] == store.runs["a"]


def test_ls_filters_orders_and_limits(cli: Cli, store: Store) -> None:
    found = cli.json(
        "runs", "ls", "-e", store.churn_name, "--filter", "metrics.loss < 0.2", "--order-by", "metrics.loss"
    )
    assert [r["run_name"] for r in found["runs"]] == ["gbm-c", "gbm-b", "gbm-a"]
    first = cli("runs", "ls", "-e", store.churn, "--order-by", "metrics.loss DESC", "--max-results", "1")
    assert first.exit_code == 0, first.stderr
    assert store.runs["a"] in first.stdout
    assert store.runs["b"] not in first.stdout
    assert "showing the first 1 runs; more match" in first.stderr
    assert cli.json("runs", "ls", "-n", "1")["truncated"] is True


def test_ls_columns_replace_the_automatic_picks(cli: Cli, store: Store) -> None:
    result = cli(
        "runs", "ls", "-e", store.churn_name, "--columns", "params.model, metrics.loss", "-c", "tags.missing"
    )
    assert result.exit_code == 0, result.stderr
    assert header(result.stdout)[5:] == ["params.model", "metrics.loss", "tags.missing"]


def test_ls_searches_several_experiments_and_views(cli: Cli, store: Store) -> None:
    both = cli.json("runs", "ls", "-e", store.numbered_name, "-e", store.churn)["runs"]
    assert {r["run_name"] for r in both} == {"gbm-a", "gbm-b", "gbm-c", "fold-1"}
    deleted = cli.json("runs", "ls", "--deleted", "--filter", only(store))["runs"]
    assert [r["run_id"] for r in deleted] == [store.runs["deleted"]]
    assert len(cli.json("runs", "ls", "--all", "--filter", only(store))["runs"]) == 5
    empty = cli("runs", "ls", "-e", store.numbered_name)
    assert (empty.exit_code, empty.stdout, empty.stderr) == (0, "", "no runs match\n")


def test_a_bad_filter_prints_the_parser_message_with_its_caret(cli: Cli, store: Store) -> None:
    result = cli("runs", "ls", "--filter", "metrics.loss <<< 3")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: unexpected '<<<' at column 14")
    assert lines[1:] == ["  metrics.loss <<< 3", "               ^"]
    assert "Traceback" not in result.output


def test_bad_options_are_usage_errors(cli: Cli, store: Store) -> None:
    for args in (
        ["runs", "ls", "--columns", "loss"],
        ["runs", "ls", "--max-results", "0"],
        ["runs", "ls", "--max-results", "many"],
        ["runs", "ls", "--no-such-option"],
        ["runs", "ls", "--all", "--deleted"],
    ):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("error: ")
        assert result.stderr.count("\n") == 1
        assert "'tether runs ls --help'" in result.stderr
    columns = cli("runs", "ls", "--columns", "loss")
    assert "'loss' is not metrics.KEY, params.KEY or tags.KEY" in columns.stderr


def test_unknown_experiment_in_ls(cli: Cli, store: Store) -> None:
    nope = unique("nope")
    result = cli("runs", "ls", "-e", nope)
    assert (result.exit_code, result.stderr) == (1, f"error: no experiment named '{nope}'\n")


def test_show_renders_every_section(cli: Cli, store: Store) -> None:
    result = cli("runs", "show", store.runs["a"])
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    for section in ("params", "metrics (latest values)", "child runs"):
        assert section in lines
    assert re.search(r"^lr\s+0\.1\s*$", result.stdout, re.MULTILINE)
    assert re.search(r"^loss\s+0\.1\s*$", result.stdout, re.MULTILINE)
    assert store.runs["child"] in result.stdout
    assert re.search(r"^duration\s+1m30s\s*$", result.stdout, re.MULTILINE)


def test_show_json(cli: Cli, store: Store) -> None:
    document = cli.json("runs", "show", store.runs["a"])
    assert document["run_id"] == store.runs["a"]
    assert document["child_run_ids"] == [store.runs["child"]]
    assert document["metrics"] == {"loss": 0.1, "accuracy": 0.9}
    assert document["end_time_iso"].endswith("+00:00")


def test_an_unknown_run_is_one_line(cli: Cli, store: Store) -> None:
    missing = "0" * 32
    for command in ("show", "delete", "restore"):
        result = cli("runs", command, missing)
        assert (result.exit_code, result.stderr) == (1, f"error: no run with id '{missing}'\n"), command
    malformed = cli("runs", "show", "abc")
    assert malformed.exit_code == 1
    assert malformed.stderr.startswith("error: no run with id 'abc'")


def test_compare_shows_only_differences_by_default(cli: Cli, store: Store) -> None:
    result = cli("runs", "compare", store.runs["a"], store.runs["b"], store.runs["c"])
    assert result.exit_code == 0, result.stderr
    keys = [line.split()[0] for line in result.stdout.splitlines()[2:] if line.strip()]
    assert keys[:4] == ["params.depth", "params.lr", "metrics.accuracy", "metrics.loss"]
    assert "params.model" not in result.stdout
    assert "1 key is the same in every run (--all-keys shows them)" in result.stdout
    assert header(result.stdout)[1] == f"gbm-a ({store.runs['a'][:8]})"
    accuracy = next(line for line in result.stdout.splitlines() if line.startswith("metrics.accuracy"))
    assert accuracy.split()[1:] == ["0.9", "0.9", "-"]  # c never logged it, so the row differs


def test_compare_all_keys_and_json(cli: Cli, store: Store) -> None:
    everything = cli("runs", "compare", store.runs["a"], store.runs["b"], "--all-keys")
    assert everything.exit_code == 0, everything.stderr
    assert "params.model" in everything.stdout
    assert "the same in every run" not in everything.stdout
    document = cli.json("runs", "compare", store.runs["a"], store.runs["b"])
    assert [r["run_name"] for r in document["runs"]] == ["gbm-a", "gbm-b"]
    rows = {row["key"]: row for row in document["rows"]}
    assert set(rows) == {"params.depth", "params.lr", "metrics.loss"}
    assert rows["params.lr"] == {"key": "params.lr", "values": ["0.1", "0.2"], "differs": True}
    assert document["identical_hidden"] == 2
    full = cli.json("runs", "compare", store.runs["a"], store.runs["b"], "--all-keys")
    assert {row["key"]: row["differs"] for row in full["rows"]}["params.model"] is False


def test_compare_highlights_the_values_that_differ(cli: Cli, store: Store) -> None:
    result = cli(
        "runs", "compare", store.runs["a"], store.runs["b"], "--all-keys", FORCE_COLOR="1", COLUMNS="200"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    lr = next(line for line in lines if "params.lr" in line)
    model = next(line for line in lines if "params.model" in line)
    assert f"{BOLD_YELLOW}0.1" in lr
    assert f"{BOLD_YELLOW}0.2" in lr
    assert BOLD_YELLOW not in model


def test_compare_needs_two_different_existing_runs(cli: Cli, store: Store) -> None:
    for args in ([store.runs["a"]], [store.runs["a"], store.runs["a"]]):
        result = cli("runs", "compare", *args)
        assert result.exit_code == 2
        assert "give at least two different run ids" in result.stderr
    missing = cli("runs", "compare", store.runs["a"], "f" * 32)
    assert (missing.exit_code, missing.stderr) == (1, f"error: no run with id '{'f' * 32}'\n")


def test_delete_and_restore(cli: Cli, store: Store) -> None:
    run_b = store.runs["b"]
    deleted = cli("runs", "delete", run_b)
    assert (deleted.exit_code, deleted.stdout) == (0, f"deleted run {run_b}\n")
    assert run_b not in {r["run_id"] for r in cli.json("runs", "ls", "-e", store.churn)["runs"]}
    assert cli.json("runs", "restore", run_b) == {"run_id": run_b, "lifecycle_stage": "active"}
    assert run_b in {r["run_id"] for r in cli.json("runs", "ls", "-e", store.churn)["runs"]}


def test_history_table_and_json(cli: Cli, store: Store) -> None:
    result = cli("runs", "history", store.runs["a"], "loss")
    assert result.exit_code == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert [row[:2] for row in rows[:2]] == [["0", "1"], ["1", "0.5"]]
    assert len(rows) == 10
    document = cli.json("runs", "history", store.runs["a"], "loss", "--max-points", "4")
    assert document["key"] == "loss"
    steps = [p["step"] for p in document["points"]]
    assert 2 <= len(steps) <= 4
    assert steps[0] == 0
    assert steps[-1] == 9
    assert {"value", "step", "timestamp", "timestamp_iso"} == set(document["points"][0])


def test_history_of_a_missing_key(cli: Cli, store: Store) -> None:
    missing = cli("runs", "history", store.runs["a"], "nope")
    assert (missing.exit_code, missing.stdout) == (0, "")
    assert "has no points for metric 'nope'" in missing.stderr


def test_history_with_too_few_max_points(cli: Cli, store: Store) -> None:
    too_few = cli("runs", "history", store.runs["a"], "loss", "--max-points", "2")
    assert (too_few.exit_code, too_few.stderr) == (1, "error: max_points must be at least 4, got 2\n")
