"""DataQuality against pandas closed forms, in memory and batch by batch from Parquet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tether.monitoring.data.mapping import ColumnMapping, resolve
from tether.monitoring.data.sources import Dataset
from tether.monitoring.data.tallies import Frequencies, Moments
from tether.monitoring.metrics.base import compute
from tether.monitoring.metrics.context import Context
from tether.monitoring.metrics.quality import DataQuality
from tether.monitoring.report import Report
from tether.monitoring.results import Matrix, MetricResult, NotComputed, Table


def _frames(n: int = 3000) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    ref = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "income": rng.lognormal(10, 1, n),
            "city": rng.choice(["paris", "lyon", "nice"], n),
            "flag": np.where(rng.random(n) < 0.97, "a", "b"),
            "one": np.ones(n),
        }
    )
    ref["spend"] = ref["income"] * 0.1 + rng.normal(0, 1000, n)
    cur = ref.sample(frac=1.0, random_state=1).reset_index(drop=True)
    cur["age"] = cur["age"] + 15
    cur.loc[:299, "income"] = np.nan
    cur.loc[:59, "city"] = "berlin"
    cur.loc[60:89, "city"] = "rome"
    cur["spend"] = -cur["spend"]
    cur.iloc[1000:1100] = cur.iloc[2000:2100].to_numpy()
    return ref, cur


def _run(ref: object, cur: object, **settings: object) -> MetricResult:
    return Report([DataQuality(**settings)]).run(ref, cur).metrics[0]  # type: ignore[arg-type]


def test_figures_match_pandas() -> None:
    ref, cur = _frames()
    result = _run(ref, cur)
    v, r = result.values, result.reference_values
    assert v["missing_share.income"] == pytest.approx(cur["income"].isna().mean())
    assert r["missing_share.income"] == 0.0
    assert v["missing_share"] == pytest.approx(cur.isna().to_numpy().mean())
    inside = cur["age"].between(ref["age"].min(), ref["age"].max())
    assert v["out_of_range_share.age"] == pytest.approx(1 - inside.mean())
    assert v["out_of_range_share.one"] == 0.0
    new = ~cur["city"].isin(ref["city"].unique())
    assert v["new_categories_share.city"] == pytest.approx(new.mean())
    assert v["duplicated_rows_share"] == pytest.approx(cur.duplicated().mean())
    assert r["duplicated_rows_share"] == pytest.approx(ref.duplicated().mean())
    assert v["constant_columns"] == 1
    assert v["almost_constant_columns"] == 2  # "one", and "flag" at ~97%
    assert v["type_mismatches"] == 0
    before, after = (
        ref[["age", "income", "one", "spend"]].corr(),
        cur[["age", "income", "one", "spend"]].corr(),
    )
    assert v["max_correlation_change"] == pytest.approx(np.nanmax(np.abs((after - before).to_numpy())))
    matrix = next(i for i in result.items if isinstance(i, Matrix))
    assert matrix.row_labels == ["age", "income", "one", "spend"]
    assert matrix.values[1][3] == pytest.approx(after.loc["income", "spend"] - before.loc["income", "spend"])
    columns = next(i for i in result.items if isinstance(i, Table) and i.name == "columns")
    city = next(row for row in columns.rows if row[0] == "city")
    assert city[8] == "berlin, rome"


def test_parquet_read_in_small_batches_gives_the_same_figures(tmp_path: Path) -> None:
    ref, cur = _frames()
    for name, frame in (("ref", ref), ("cur", cur)):
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False),
            tmp_path / f"{name}.parquet",
            row_group_size=500,
        )
    whole = _run(ref, cur)
    reference = Dataset.of(tmp_path / "ref.parquet", "reference", batch_rows=333)
    current = Dataset.of(tmp_path / "cur.parquet", "current", batch_rows=333)
    context = Context(reference, current, resolve(ColumnMapping(), reference, current))
    batched = compute(DataQuality(), context)
    assert batched.values.keys() == whole.values.keys()
    for key, value in whole.values.items():
        assert batched.values[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key


def test_type_mismatch_and_one_sided_columns() -> None:
    ref = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "gone": [1, 2, 3]})
    cur = pd.DataFrame({"a": ["1", "2", "3"], "b": ["x", "y", "y"], "new": [1, 2, 3]})
    result = _run(ref, cur)
    assert result.values["type_mismatches"] == 1
    one_sided = next(i for i in result.items if isinstance(i, Table) and i.name == "unmatched_columns")
    assert one_sided.rows == [["gone", "reference"], ["new", "current"]]


def test_one_numeric_column_has_no_correlation() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]})
    result = _run(frame, frame)
    assert "max_correlation_change" not in result.values
    assert any(isinstance(i, NotComputed) and i.name == "correlation_changes" for i in result.items)


def test_all_missing_column_is_constant_without_warnings() -> None:
    frame = pd.DataFrame({"a": [np.nan, np.nan, np.nan], "b": [1.0, 2.0, 3.0], "c": [2.0, 1.0, 0.0]})
    result = _run(frame, frame)
    assert result.values["missing_share.a"] == 1.0
    assert result.values["constant_columns"] == 1
    assert "out_of_range_share.a" not in result.values
    assert result.values["max_correlation_change"] == 0.0


def test_columns_setting_limits_and_checks_names() -> None:
    ref, cur = _frames(200)
    result = _run(ref, cur, columns=["city"])
    assert [k for k in result.values if k.startswith("missing_share.")] == ["missing_share.city"]
    bad = _run(ref, cur, columns=["nope"])
    assert isinstance(bad.items[0], NotComputed) and "nope" in bad.items[0].reason


def test_high_cardinality_columns_are_sampled_but_keep_their_top_share() -> None:
    rng = np.random.default_rng(5)
    values = np.where(rng.random(400_000) < 0.96, 0.0, rng.normal(size=400_000))
    tally = Frequencies(cap=1000)
    for start in range(0, values.size, 50_000):
        tally.add(pa.array(values[start : start + 50_000]))
    assert not tally.exact
    assert tally.top() / values.size == pytest.approx(np.mean(values == 0.0), abs=0.005)


# --- regressions: batch-independent duplicates, huge values, large integers ----------------------------


def test_duplicated_rows_do_not_depend_on_where_batches_split(tmp_path: Path) -> None:
    # Rows 2-7 repeat in rows 9-14; the first batch of 7 holds a null, which made pandas read the
    # integers as floats there and as ints in the second batch, so equal rows hashed differently.
    table = pa.table(
        {
            "a": pa.array([None, 1, 2, 3, 4, 5, 6, 9, 1, 2, 3, 4, 5, 6], pa.int64()),
            "b": list("abcdefg") + list("zbcdefg"),
            "c": pa.array([True, None, True, False, True, False, True] * 2),
        }
    )
    table = table.set_column(2, "c", pa.array([None, True, False, True, False, True, False] * 2))
    path = tmp_path / "dup.parquet"
    pq.write_table(table, path)
    memory = Report([DataQuality()]).run(table, table).value("duplicated_rows_share")
    frame = table.to_pandas()
    assert memory == pytest.approx(frame.duplicated().mean())
    for batch_rows in (1, 7, 8):
        chunked = Report([DataQuality()]).run(
            Dataset.of(path, "reference", batch_rows=batch_rows),
            Dataset.of(path, "current", batch_rows=batch_rows),
        )
        assert chunked.value("duplicated_rows_share") == memory


def test_correlation_of_huge_values_matches_numpy() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=200)
    frame = pd.DataFrame({"a": a * 1e200, "b": (a + rng.normal(size=200)) * 1e200, "c": rng.normal(size=200)})
    moments = Moments(3)
    moments.add(frame.to_numpy()[:100])
    moments.add(frame.to_numpy()[100:] * [1.0, 1.0, 1e250])  # a later batch far larger than the first
    expected = np.corrcoef((frame.to_numpy() / 1e200)[:, :2].T)[0, 1]
    assert moments.correlation()[0, 1] == pytest.approx(expected)
    result = Report([DataQuality()]).run(frame, frame)
    assert result.value("max_correlation_change") == pytest.approx(0.0, abs=1e-12)


def test_ids_beyond_2_53_are_tallied() -> None:
    frame = pd.DataFrame({"id_hash": np.array([2**60, 2**60 + 1, 3]), "x": [1.0, 2.0, 3.0]})
    result = Report([DataQuality()]).run(frame, frame)
    assert result.value("out_of_range_share.id_hash") == 0.0
    assert result.value("duplicated_rows_share") == 0.0
