"""DataDrift, TargetDrift and PredictionDrift on synthetic data with known shifts, chunked and profiled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import ValidationError

from tether import monitoring as mon
from tether.errors import InvalidData, InvalidInput
from tether.monitoring.data.sources import Dataset
from tether.monitoring.metrics.base import metric_from_settings
from tether.monitoring.metrics.drift import ColumnSettings
from tether.monitoring.results import Distribution, MetricResult, NotComputed, Table

SHIFTED = ["num_0", "num_1", "cat_0"]


def frame(rows: int, seed: int, shift: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for i in range(5):
        data[f"num_{i}"] = rng.normal(0.6 if shift and i < 2 else 0.0, 1.0, rows)
    for i in range(3):
        shares = np.linspace(1, 4, 6) if shift and i == 0 else np.ones(6)
        data[f"cat_{i}"] = rng.choice([f"level_{k}" for k in range(6)], rows, p=shares / shares.sum())
    score = rng.random(rows) * (0.7 if shift else 1.0)
    data["score"] = score
    data["churned"] = (rng.random(rows) < (0.6 if shift else 0.3)).astype(np.int64)
    return pd.DataFrame(data)


def drift(result: mon.ReportResult) -> MetricResult:
    return result.metrics[0]


def not_computed(result: MetricResult) -> dict[str, str]:
    return {item.name: item.reason for item in result.items if isinstance(item, NotComputed)}


def table_rows(result: MetricResult) -> dict[str, list[object]]:
    table = next(item for item in result.items if isinstance(item, Table))
    return {str(row[0]): list(row) for row in table.rows}


@pytest.mark.parametrize(
    ("rows", "seed", "numeric_test", "categorical_test"),
    [(600, 14, "ks", "chisquare"), (20_000, 1, "wasserstein", "jensenshannon")],
)
def test_flags_exactly_the_shifted_columns(
    rows: int, seed: int, numeric_test: str, categorical_test: str
) -> None:
    reference, current = frame(rows, seed, False), frame(rows, seed + 1, True)
    result = mon.Report([mon.DataDrift()]).run(
        reference=reference, current=current, target="churned", prediction="score"
    )
    metric = drift(result)
    flagged = sorted(
        name[len("drifted.") :]
        for name, value in metric.values.items()
        if name.startswith("drifted.") and value
    )
    assert flagged == sorted(SHIFTED)
    assert result.value("number_of_drifted_columns") == 3
    assert result.value("share_of_drifted_columns") == pytest.approx(3 / 8)
    assert result.value("dataset_drift") is False
    rows_by_column = table_rows(metric)
    assert rows_by_column["num_3"][2] == numeric_test
    assert rows_by_column["cat_2"][2] == categorical_test
    assert "churned" not in rows_by_column and "score" not in rows_by_column
    charts = [item for item in metric.items if isinstance(item, Distribution)]
    assert len(charts) == 8
    for chart in charts:
        assert sum(chart.reference) == pytest.approx(1.0)
        assert sum(chart.current) == pytest.approx(1.0)
        assert len(chart.bins) == len(chart.current) + (1 if chart.numeric else 0)


def test_dataset_drift_follows_drift_share() -> None:
    reference, current = frame(3_000, 1, False), frame(3_000, 2, True)
    result = mon.Report([mon.DataDrift(drift_share=0.3)]).run(reference=reference, current=current)
    assert result.value("dataset_drift") is True


def test_settings_per_report_kind_and_column() -> None:
    reference, current = frame(3_000, 1, False), frame(3_000, 2, True)
    spec = mon.DataDrift(
        columns=["num_0", "num_2", "cat_0"],
        stattest="psi",
        threshold=0.2,
        per_kind={"categorical": ColumnSettings(stattest="chisquare")},
        per_column={"num_2": {"stattest": "ks", "threshold": 0.01}},  # type: ignore[dict-item]
    )
    rows = table_rows(drift(mon.Report([spec]).run(reference=reference, current=current)))
    assert set(rows) == {"num_0", "num_2", "cat_0"}
    assert rows["num_0"][2:5:2] == ["psi", 0.2]
    assert rows["num_2"][2:5:2] == ["ks", 0.01]
    assert rows["cat_0"][2:5:2] == ["chisquare", 0.05]


def test_settings_round_trip_and_unknown_tests_are_refused() -> None:
    spec = mon.DataDrift(stattest="psi", per_column={"age": {"stattest": "ks", "threshold": 0.01}})  # type: ignore[dict-item]
    assert metric_from_settings(spec.settings()) == spec
    with pytest.raises(InvalidInput, match="unknown stat test 'psx'"):
        mon.DataDrift(stattest="psx")
    with pytest.raises(ValidationError):
        mon.DataDrift(drift_share=0)


def test_a_test_that_does_not_fit_the_column_is_not_computed() -> None:
    reference, current = frame(500, 1, False), frame(500, 2, True)
    metric = drift(
        mon.Report([mon.DataDrift(columns=["cat_1", "num_1"], stattest="ks")]).run(
            reference=reference, current=current
        )
    )
    assert "does not apply to categorical" in not_computed(metric)["drift.cat_1"]
    assert metric.values["number_of_columns"] == 1


def test_bad_columns_become_not_computed_entries() -> None:
    reference, current = frame(2_000, 1, False), frame(2_000, 2, False)
    reference["only_ref"] = 1.0
    current["only_cur"] = "x"
    reference["empty"] = np.nan
    current["empty"] = np.nan
    current["num_4"] = current["num_4"].astype(str)
    current["cat_2"] = np.nan
    result = mon.Report([mon.DataDrift()]).run(reference=reference, current=current)
    reasons = not_computed(drift(result))
    assert reasons["drift.only_ref"] == "'only_ref' is only in the reference data"
    assert reasons["drift.only_cur"] == "'only_cur' is only in the current data"
    assert reasons["drift.empty"] == "every value of 'empty' is missing in the reference data"
    assert "number values (double) in the reference data and string values" in reasons["drift.num_4"]
    assert reasons["drift.cat_2"] == "every value of 'cat_2' is missing in the current data"
    assert result.value("number_of_columns") == 8


def test_empty_data_is_refused_before_any_work() -> None:
    reference = frame(100, 1, False)
    with pytest.raises(InvalidData, match="current data has no rows"):
        mon.Report([mon.DataDrift()]).run(reference=reference, current=reference.iloc[:0])


def test_no_comparable_column_is_reported() -> None:
    reference = pd.DataFrame({"a": [np.nan, np.nan]})
    result = mon.Report([mon.DataDrift()]).run(reference=reference, current=pd.DataFrame({"a": [1.0, 2.0]}))
    assert result.value("share_of_drifted_columns") is None
    assert "no column could be compared" in not_computed(drift(result))["dataset_drift"]


def test_text_drifts_by_length_and_datetimes_by_time() -> None:
    rng = np.random.default_rng(3)
    words = ["lorem ipsum dolor sit amet consectetur " * int(k) for k in rng.integers(1, 4, 800)]
    longer = ["lorem ipsum dolor sit amet consectetur " * int(k) for k in rng.integers(3, 7, 800)]
    start = pd.Timestamp("2024-01-01")
    reference = pd.DataFrame(
        {"note": words, "at": start + pd.to_timedelta(rng.integers(0, 30, 800), unit="D")}
    )
    current = pd.DataFrame(
        {"note": longer, "at": start + pd.to_timedelta(rng.integers(20, 50, 800), unit="D")}
    )
    result = mon.Report([mon.DataDrift()]).run(reference=reference, current=current)
    rows = table_rows(drift(result))
    assert rows["note"][1:3] == ["text", "ks"]
    assert rows["at"][1:3] == ["datetime", "ks"]
    assert result.value("drifted.note") is True and result.value("drifted.at") is True


def test_target_and_prediction_drift() -> None:
    reference, current = frame(5_000, 1, False), frame(5_000, 2, True)
    result = mon.Report([mon.TargetDrift(), mon.PredictionDrift()]).run(
        reference=reference, current=current, target="churned", prediction="score"
    )
    assert result.value("target_drift") is True
    assert result.value("drifted.churned") is True
    assert table_rows(result.metrics[0])["churned"][1:3] == ["categorical", "jensenshannon"]
    assert result.value("prediction_drift") is True
    assert table_rows(result.metrics[1])["score"][1:3] == ["numeric", "wasserstein"]
    assert result.value("prediction_drift_score") == result.value("drift_score.score")


def test_target_drift_without_target_or_with_target_on_one_side() -> None:
    reference, current = frame(300, 1, False), frame(300, 2, False)
    result = mon.Report([mon.TargetDrift(), mon.PredictionDrift()]).run(reference=reference, current=current)
    assert not_computed(result.metrics[0]) == {"TargetDrift": "no target column was given"}
    assert not_computed(result.metrics[1]) == {"PredictionDrift": "no prediction column was given"}
    result = mon.Report([mon.TargetDrift()]).run(
        reference=reference, current=current.drop(columns=["churned"]), target="churned"
    )
    assert not_computed(result.metrics[0]) == {"drift.churned": "'churned' is only in the reference data"}


def comparable(result: mon.ReportResult) -> list[dict[str, object]]:
    return [metric.model_dump() for metric in result.metrics]


@pytest.mark.parametrize("rows", [3_000, 24_000])
def test_parquet_read_in_chunks_gives_the_in_memory_report(tmp_path: Path, rows: int) -> None:
    reference, current = frame(rows, 1, False), frame(rows, 2, True)
    pq.write_table(pa.Table.from_pandas(reference), tmp_path / "ref.parquet", row_group_size=900)
    pq.write_table(pa.Table.from_pandas(current), tmp_path / "cur.parquet", row_group_size=700)
    report = mon.Report([mon.DataDrift(), mon.TargetDrift(), mon.PredictionDrift()])
    memory = report.run(reference=reference, current=current, target="churned", prediction="score")
    chunked = report.run(
        reference=Dataset.of(tmp_path / "ref.parquet", "reference", batch_rows=1000),
        current=Dataset.of(tmp_path / "cur.parquet", "current", batch_rows=1000),
        target="churned",
        prediction="score",
    )
    assert comparable(chunked) == comparable(memory)


def test_saved_profile_gives_the_report_of_the_raw_reference(tmp_path: Path) -> None:
    reference, current = frame(12_000, 1, False), frame(9_000, 2, True)
    reference["note"] = ["a fairly long free text value that reads as text " * 2] * len(reference)
    current["note"] = ["a fairly long free text value that reads as text"] * len(current)
    report = mon.Report([mon.DataDrift(), mon.TargetDrift(), mon.PredictionDrift()])
    raw = report.run(reference=reference, current=current, target="churned", prediction="score")
    profile = mon.summarize(reference, target="churned", prediction="score")
    path = profile.save(tmp_path / "ref.json")
    loaded = mon.load_profile(path)
    assert loaded.kinds["note"] == "text"
    profiled = report.run(reference=loaded, current=current, target="churned", prediction="score")
    assert comparable(profiled) == comparable(raw)
    assert profiled.reference_rows == 12_000


def test_strings_declared_numeric_are_not_computed() -> None:
    reference = pd.DataFrame({"code": ["a", "b"] * 50, "x": np.arange(100.0)})
    result = mon.Report([mon.DataDrift()]).run(
        reference=reference, current=reference, mapping=mon.ColumnMapping(numeric=["code"])
    )
    assert "cannot be read as numeric" in not_computed(drift(result))["drift.code"]
    assert result.value("drifted.x") is False


def test_public_names() -> None:
    assert "wasserstein" in mon.stattests.names()
    assert mon.stattests.get("psi").default_threshold == 0.1
    for name in ("DataDrift", "TargetDrift", "PredictionDrift", "summarize", "load_profile", "stattests"):
        assert name in mon.__all__


# --- regressions: unusual column types -----------------------------------------------------------------


def test_nanosecond_timestamps_and_huge_integers_are_compared() -> None:
    stamps = pd.date_range("2024-01-01", periods=40, freq="h").as_unit("ns")
    frame = pd.DataFrame({"t": stamps, "id_hash": np.arange(40, dtype=np.int64) + 2**60})
    result = mon.Report([mon.DataDrift()]).run(frame, frame)
    assert result.value("number_of_columns") == 2
    assert result.value("drifted.t") is False and result.value("drifted.id_hash") is False


def test_nested_columns_are_not_computed_and_half_floats_are_numbers() -> None:
    table = pa.table(
        {
            "items": [[1], [2, 3]] * 20,
            "point": [{"x": 1}, {"x": 2}] * 20,
            "half": pa.array(np.arange(40, dtype=np.float16)),
        }
    )
    result = mon.Report([mon.DataDrift(), mon.DataQuality()]).run(table, table)
    assert result.value("number_of_columns") == 1
    assert result.value("drifted.half") is False
    reasons = not_computed(result.metrics[0])
    assert "list<item: int64>" in reasons["drift.items"]
    assert "struct" in reasons["drift.point"]
    assert result.value("missing_share.items") == 0.0
