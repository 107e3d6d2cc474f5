"""Datasets from pandas, Arrow and Parquet (read in chunks), and the errors for unusable input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tether.errors import InvalidData
from tether.monitoring.data.sources import Dataset, as_float


def test_pandas_and_arrow_are_one_batch_source() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, None], "b": ["x", "y", "z"]})
    for data in (frame, pa.Table.from_pandas(frame)):
        dataset = Dataset.of(data, "reference")
        assert dataset.columns == ["a", "b"]
        assert dataset.num_rows == 3
        assert pa.types.is_floating(dataset.type_of("a"))
        assert [batch.num_rows for batch in dataset.batches(["a"])] == [3]
        assert dataset.column_values("b").to_pylist() == ["x", "y", "z"]
    assert Dataset.of(dataset, "reference") is dataset


def test_parquet_is_read_in_chunks_of_batch_rows(tmp_path: Path) -> None:
    table = pa.table({"a": np.arange(2_500, dtype=np.float64), "b": np.arange(2_500) % 7})
    pq.write_table(table, tmp_path / "data.parquet", row_group_size=300)
    dataset = Dataset.of(tmp_path / "data.parquet", "current", batch_rows=1000)
    assert dataset.num_rows == 2_500
    sizes = [batch.num_rows for batch in dataset.batches(["a"])]
    assert max(sizes) <= 1000 and sum(sizes) == 2_500
    assert all(batch.num_columns == 1 for batch in dataset.batches(["a"]))
    assert dataset.column_values("b").to_pylist() == table.column("b").to_pylist()
    assert Dataset.of(str(tmp_path / "data.parquet"), "current").num_rows == 2_500


def test_bad_paths_and_types_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidData, match="does not exist"):
        Dataset.of(tmp_path / "missing.parquet", "reference")
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(InvalidData, match="not readable Parquet"):
        Dataset.of(tmp_path / "bad.parquet", "reference")
    with pytest.raises(InvalidData, match="must be a pandas DataFrame"):
        Dataset.of([1, 2, 3], "current")  # type: ignore[arg-type]


def test_repeated_and_mixed_columns_are_refused() -> None:
    repeated = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(InvalidData, match="repeated column names"):
        Dataset.of(repeated, "reference")
    mixed = pd.DataFrame({"a": pd.Series([1, "two", 3.0], dtype=object)})
    with pytest.raises(InvalidData, match="mixed types"):
        Dataset.of(mixed, "current")


def test_as_float_reads_numbers_booleans_and_missing_values() -> None:
    assert as_float(pa.array([1, None, 3])).tolist()[::2] == [1.0, 3.0]
    assert np.isnan(as_float(pa.array([1, None, 3]))[1])
    assert as_float(pa.array([True, False])).tolist() == [1.0, 0.0]
    chunked = pa.chunked_array([[1.5], [2.5]])
    assert as_float(chunked).tolist() == [1.5, 2.5]


def test_as_float_reads_large_integers_and_nanosecond_timestamps_without_a_checked_cast() -> None:
    big = pa.array([2**60, 2**60 + 1, None, 3], pa.int64())
    assert as_float(big)[[0, 3]].tolist() == [float(2**60), 3.0]
    assert np.isnan(as_float(big)[2])
    assert as_float(pa.array([2**64 - 1], pa.uint64())).tolist() == [float(2**64)]
    stamps = pa.array(pd.date_range("2024-01-01", periods=3, freq="h").as_unit("ns"))
    assert as_float(stamps).tolist() == [float(v) for v in stamps.cast(pa.int64()).to_pylist()]
    assert as_float(pa.array(np.arange(3, dtype=np.float16))).tolist() == [0.0, 1.0, 2.0]


def test_time_zone_aware_columns_convert_without_a_pandas_warning() -> None:
    # pytest runs with warnings as errors: Arrow's own conversion of such a column warns on pandas 3.
    stamps = pd.Series(pd.date_range("2020-03-28", periods=4, freq="D", tz="Europe/Paris"))
    stamps[2] = pd.NaT
    frame = pd.DataFrame({"x": [1, 2, 3, 4], "at": stamps, "utc": stamps.dt.tz_convert("UTC")})
    dataset = Dataset.of(frame, "reference")
    assert dataset.columns == ["x", "at", "utc"]
    assert dataset.type_of("at") == pa.timestamp(stamps.dtype.unit, tz="Europe/Paris")
    values = dataset.column_values("at").to_pylist()
    assert values[2] is None
    assert values[0] == stamps[0].to_pydatetime()
    only = Dataset.of(frame[["at"]], "reference")
    assert only.num_rows == 4


def test_a_folder_of_parquet_files_is_one_dataset(tmp_path: Path) -> None:
    folder = tmp_path / "data.parquet"
    folder.mkdir()
    pq.write_table(pa.table({"a": [1.0, 2.0]}), folder / "part-0.parquet")
    pq.write_table(pa.table({"a": [3.0]}), folder / "part-1.parquet")
    dataset = Dataset.of(folder, "current", batch_rows=1)
    assert dataset.num_rows == 3
    assert dataset.column_values("a").to_pylist() == [1.0, 2.0, 3.0]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not parquet")
    with pytest.raises(InvalidData, match="not readable Parquet"):
        Dataset.of(tmp_path / "empty", "current")
