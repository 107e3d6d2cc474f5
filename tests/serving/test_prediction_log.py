"""The prediction log: written by a running server, read back with pyarrow and by monitoring, with feedback
joined; sampling, a full buffer and a store that fails are counted, never waited for."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from tests.serving.support import FRAME, VersionedSource, expected, serve

from tether import monitoring as mon
from tether.errors import InvalidInput, NotFound
from tether.monitoring import read_predictions
from tether.serving.app import ModelServer
from tether.serving.config import PredictionLogConfig
from tether.serving.formats import Inputs
from tether.serving.metrics import ServingMetrics
from tether.serving.prediction_log import Answered, PredictionLog, read_feedback

NOON = dt.datetime(2026, 12, 7, 12, 30, tzinfo=dt.timezone.utc)


def _logged(metrics: ServingMetrics, outcome: str) -> float:
    value = metrics.registry.get_sample_value(
        "tether_prediction_log_rows_total", {"model": "churn", "outcome": outcome}
    )
    return value or 0.0


def test_a_server_logs_answers_and_feedback_that_monitoring_reads(tmp_path: Path) -> None:
    url = str(tmp_path / "log")

    async def test(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        first = await client.post(
            "/v1/models/churn/predict",
            json={"instances": FRAME.head(2).to_dict("records")},
            headers={"x-request-id": "req-1"},
        )
        second = await client.post(
            "/v1/models/churn/predict", json={"inputs": {"age": [60.0], "visits": [4.0]}}
        )
        assert first.status_code == second.status_code == 200
        later = await client.post(
            "/v1/models/churn/feedback", json={"request_id": "req-1", "actual": [31, 42]}
        )
        assert later.status_code == 202 and later.json() == {"accepted": 2}
        corrected = await client.post(
            "/v1/models/churn/feedback", json={"feedback": [{"request_id": "req-1", "row": 1, "actual": 43}]}
        )
        assert corrected.json() == {"accepted": 1}

    serve(tmp_path, test, {"prediction_log": {"url": url}})

    files = list((tmp_path / "log" / "churn" / "predictions").rglob("*.parquet"))
    assert len(files) == 1 and files[0].parent.name.startswith("hour=")
    assert pq.read_table(files[0]).num_rows == 3

    table = read_predictions(url, "churn")
    frame = table.to_pandas()
    assert list(frame.request_id[:2]) == ["req-1", "req-1"] and list(frame.row) == [0, 1, 0]
    assert list(frame.model_version) == ["1", "1", "1"]
    assert list(frame.age) == [30.0, 40.0, 60.0]
    assert list(frame.prediction) == pytest.approx(expected(FRAME.iloc[[0, 1, 3]]))
    assert list(frame.actual[:2]) == [31, 43] and pd.isna(frame.actual[2])  # the later feedback wins
    assert (frame.latency_ms > 0).all()

    result = mon.Report([mon.DataDrift(columns=["age", "visits"])]).run(reference=FRAME, current=table)
    assert result.value("share_of_drifted_columns") >= 0  # type: ignore[operator] <= 1


def _answered(at: dt.datetime, request_id: str, rows: int = 1) -> Answered:
    inputs = Inputs(rows, columns={"age": [30.0] * rows, "visits": [1.0] * rows})
    return Answered("churn", "3", request_id, int(at.timestamp() * 1000), 2.5, inputs, [7.0] * rows)


def _log(tmp_path: Path, **settings: Any) -> tuple[PredictionLog, ServingMetrics]:
    metrics = ServingMetrics()
    config = PredictionLogConfig(url=str(tmp_path / "log"), **settings)
    return PredictionLog(config, metrics, clock=NOON.timestamp), metrics


def test_files_are_partitioned_by_hour_and_read_by_period(tmp_path: Path) -> None:
    log, _ = _log(tmp_path)
    log.record(_answered(NOON - dt.timedelta(hours=2), "early"))
    log.record(_answered(NOON, "noon", rows=2))
    log.flush()
    hours = sorted(
        path.name for path in (tmp_path / "log" / "churn" / "predictions" / "date=2026-12-07").iterdir()
    )
    assert hours == ["hour=10", "hour=12"]

    url = str(tmp_path / "log")
    everything = read_predictions(url, "churn")
    assert everything["request_id"].to_pylist() == ["early", "noon", "noon"]
    since_noon = read_predictions(url, "churn", since=NOON.replace(tzinfo=None, minute=0))
    assert since_noon["request_id"].to_pylist() == ["noon", "noon"]
    before = read_predictions(url, "churn", until=NOON - dt.timedelta(hours=1))
    assert before["request_id"].to_pylist() == ["early"]
    assert read_predictions(url, "churn", version="4").num_rows == 0
    assert read_predictions(url, "churn", since=NOON + dt.timedelta(days=1)).num_rows == 0


def test_reading_refuses_unknown_models_and_empty_periods(tmp_path: Path) -> None:
    log, _ = _log(tmp_path)
    log.record(_answered(NOON, "one"))
    log.flush()
    with pytest.raises(NotFound, match="no predictions of 'other'"):
        read_predictions(str(tmp_path / "log"), "other")
    with pytest.raises(InvalidInput, match="must be after since"):
        read_predictions(str(tmp_path / "log"), "churn", since=NOON, until=NOON)


def test_sampling_keeps_the_given_share_and_counts_the_rest(tmp_path: Path) -> None:
    draws = itertools.cycle([0.1, 0.6, 0.3, 0.9])
    metrics = ServingMetrics()
    config = PredictionLogConfig(url=str(tmp_path / "log"), sample_rate=0.5)
    log = PredictionLog(config, metrics, draw=lambda: next(draws), clock=NOON.timestamp)
    for number in range(4):
        log.record(_answered(NOON, f"r{number}"))
    log.flush()
    assert read_predictions(str(tmp_path / "log"), "churn")["request_id"].to_pylist() == ["r0", "r2"]
    assert _logged(metrics, "sampled_out") == 2 and _logged(metrics, "written") == 2


def test_a_full_buffer_drops_and_counts_rows_instead_of_waiting(tmp_path: Path) -> None:
    log, metrics = _log(tmp_path, max_buffer_rows=3, flush_interval_s=3600)
    for number in range(3):
        log.record(_answered(NOON, f"r{number}", rows=2 if number == 1 else 1))
    assert log.buffered_rows == 3
    log.record(_answered(NOON, "r3"))
    assert log.buffered_rows == 3 and _logged(metrics, "dropped") == 2
    log.flush()
    assert log.buffered_rows == 0 and _logged(metrics, "written") == 3


def test_a_store_that_fails_loses_only_that_file_and_the_server_goes_on(tmp_path: Path) -> None:
    log, metrics = _log(tmp_path)
    (tmp_path / "log" / "churn").write_text("a file where the model's folder should be")
    log.record(_answered(NOON, "lost", rows=2))
    log.flush()
    assert _logged(metrics, "failed") == 2 and log.buffered_rows == 0
    (tmp_path / "log" / "churn").unlink()
    log.record(_answered(NOON, "kept"))
    log.flush()
    assert read_predictions(str(tmp_path / "log"), "churn")["request_id"].to_pylist() == ["kept"]


def test_the_writer_thread_writes_once_enough_rows_wait(tmp_path: Path) -> None:
    log, metrics = _log(tmp_path, flush_rows=2, flush_interval_s=3600)
    log.start()
    try:
        log.record(_answered(NOON, "a"))
        log.record(_answered(NOON, "b"))
        folder = tmp_path / "log" / "churn" / "predictions"
        for _ in range(200):  # the writer is woken by the second row; wait for its file, bounded
            if _logged(metrics, "written") == 2:
                break
            time.sleep(0.05)
        assert _logged(metrics, "written") == 2 and any(folder.rglob("*.parquet"))
    finally:
        log.close()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"actual": 1}, "needs a 'request_id'"),
        ({"request_id": "r"}, "needs a 'request_id' string and an 'actual'"),
        ({"feedback": []}, "at least one item"),
        ({"feedback": [{"request_id": "r", "actual": 1}, 3]}, r"feedback\[1\]"),
        ({"request_id": "r", "actual": [1, 2], "row": 0}, "not both"),
        ({"request_id": "r", "actual": 1, "row": -1}, "'row' must be a row number"),
        ({"request_id": "r", "actual": {"a": 1}}, "must be a number, a string"),
    ],
)
def test_bad_feedback_names_what_is_wrong(body: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_feedback(body, "churn", 0)


def test_feedback_to_a_server_without_a_log_or_with_a_bad_body_is_refused(tmp_path: Path) -> None:
    async def without_log(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        answer = await client.post("/v1/models/churn/feedback", json={"request_id": "r", "actual": 1})
        assert answer.status_code == 409 and "--log-predictions" in answer.json()["error"]["message"]
        missing = await client.post("/v1/models/other/feedback", json={"request_id": "r", "actual": 1})
        assert missing.status_code == 404

    async def with_log(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        answer = await client.post("/v1/models/churn/feedback", content=b"{not json")
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "INVALID_INPUT"

    serve(tmp_path / "plain", without_log)
    serve(tmp_path / "logged", with_log, {"prediction_log": {"url": str(tmp_path / "log")}})
