"""What the web UI asks of the store besides runs: the keys an experiment uses, and tabular previews."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from tests.support import Target, unique

import tether as tt
from tether.errors import InvalidFilter, InvalidInput, NotFound


@pytest.fixture
def client(target: Target) -> Iterator[tt.Client]:
    client = target.client()
    yield client
    client.close()


def test_experiment_keys_list_what_its_runs_use(client: tt.Client) -> None:
    experiment = client.create_experiment(unique("keys"))
    other = client.create_experiment(unique("other"))
    first = client.create_run(experiment).run_id
    second = client.create_run(experiment).run_id
    client.log_batch(first, metrics=[("loss", 0.5, 0, 1)], params={"lr": 0.1}, tags={"team": "a"})
    client.log_batch(second, metrics=[("acc", 0.9, 0, 1)], params={"depth": 3, "lr": 0.2})
    client.log_batch(client.create_run(other).run_id, metrics=[("elsewhere", 1.0, 0, 1)], params={"x": 1})
    keys = client.tracking.experiment_keys(experiment)
    assert keys.params == ["depth", "lr"]
    assert keys.metrics == ["acc", "loss"]
    assert "team" in keys.tags and "elsewhere" not in keys.metrics
    empty = client.tracking.experiment_keys(client.create_experiment(unique("empty")))
    assert (empty.params, empty.metrics) == ([], [])
    with pytest.raises(NotFound):
        client.tracking.experiment_keys("987654")


def test_experiment_activity_counts_runs_and_says_when_the_latest_started(client: tt.Client) -> None:
    busy = client.create_experiment(unique("busy"))
    quiet = client.create_experiment(unique("quiet"))
    client.create_run(busy, start_time=1_000)
    client.create_run(busy, start_time=5_000)
    gone = client.create_run(busy, start_time=9_000).run_id
    client.delete_run(gone)
    activity = client.tracking.experiment_activity([busy, quiet])
    assert activity[busy].runs == 2 and activity[busy].last_run_time == 5_000
    assert activity[quiet].runs == 0 and activity[quiet].last_run_time is None
    assert client.tracking.count_runs([busy, quiet]) == {busy: 2, quiet: 0}


@pytest.fixture
def run_with_tables(client: tt.Client, tmp_path: Path) -> str:
    run_id = client.create_run(client.create_experiment(unique("tables"))).run_id
    frame = pd.DataFrame({"id": range(500), "score": [i / 7 for i in range(500)], "label": ["a", "b"] * 250})
    frame.loc[3, "score"] = float("nan")
    frame.to_csv(tmp_path / "data.csv", index=False)
    frame.to_csv(tmp_path / "data.tsv", index=False, sep="\t")
    frame.to_parquet(tmp_path / "data.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    (tmp_path / "notes.txt").write_text("hello")
    for name in ("data.csv", "data.tsv", "data.parquet", "broken.parquet", "notes.txt"):
        client.log_artifact(run_id, tmp_path / name, "tables")
    return run_id


@pytest.mark.parametrize("name", ["data.csv", "data.tsv", "data.parquet"])
def test_tabular_artifacts_preview_their_first_rows(
    client: tt.Client, run_with_tables: str, name: str
) -> None:
    preview = client.tracking.preview_artifact(run_with_tables, f"tables/{name}", max_rows=10)
    assert preview.columns == ["id", "score", "label"]
    assert len(preview.rows) == 10 and preview.truncated
    assert preview.rows[1] == [1, pytest.approx(1 / 7), "b"]
    assert preview.rows[3][1] in ("nan", None)
    assert preview.total_rows == (500 if name.endswith("parquet") else None)
    whole = client.tracking.preview_artifact(run_with_tables, f"tables/{name}", max_rows=1000)
    assert len(whole.rows) == 500 and not whole.truncated and whole.total_rows == 500


@pytest.mark.parametrize(
    ("path", "max_rows", "message"),
    [
        ("tables/notes.txt", 10, "cannot be previewed as a table"),
        ("tables/broken.parquet", 10, "not a readable parquet file"),
        ("tables/data.csv", 0, "max_rows"),
        ("tables/data.csv", 5000, "max_rows"),
    ],
)
def test_previews_refuse_what_is_not_a_table(
    client: tt.Client, run_with_tables: str, path: str, max_rows: int, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        client.tracking.preview_artifact(run_with_tables, path, max_rows=max_rows)


def test_preview_of_a_missing_artifact_is_not_found(client: tt.Client, run_with_tables: str) -> None:
    with pytest.raises(NotFound):
        client.tracking.preview_artifact(run_with_tables, "tables/absent.csv")


def test_a_bad_filter_reports_where_it_went_wrong(client: tt.Client) -> None:
    experiment = client.create_experiment(unique("filters"))
    with pytest.raises(InvalidFilter) as caught:
        client.search_runs([experiment], filter="metrics.auc > 0.9 and ?")
    assert caught.value.position == 22
    assert caught.value.text == "metrics.auc > 0.9 and ?"


def test_metric_history_of_a_step_range_has_full_detail_there(client: tt.Client) -> None:
    run_id = client.create_run(client.create_experiment(unique("zoom"))).run_id
    client.log_batch(run_id, metrics=[("loss", float(step % 7), step, step) for step in range(10_000)])
    whole = client.tracking.get_metric_series(run_id, "loss", max_points=100)
    zoomed = client.tracking.get_metric_series(run_id, "loss", max_points=100, min_step=5_000, max_step=5_049)
    assert len(whole.steps) <= 100 and zoomed.steps == list(range(5_000, 5_050))
    assert zoomed.values == [float(step % 7) for step in range(5_000, 5_050)]
    tail = client.tracking.get_metric_series(run_id, "loss", min_step=9_990)
    assert tail.steps == list(range(9_990, 10_000))
    assert client.tracking.get_metric_series(run_id, "loss", min_step=20_000).steps == []
    with pytest.raises(InvalidInput, match="after max_step"):
        client.tracking.get_metric_series(run_id, "loss", min_step=10, max_step=5)
