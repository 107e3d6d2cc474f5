"""Column mapping: kinds inferred from the data, roles, overrides, and the errors for bad mappings."""

from __future__ import annotations

import pandas as pd
import pytest

from tether.errors import InvalidData, InvalidInput
from tether.monitoring.data.mapping import ColumnMapping, missing_columns, resolve
from tether.monitoring.data.sources import Dataset


def data(frame: pd.DataFrame, name: str = "reference") -> Dataset:
    return Dataset.of(frame, name)


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": [31, 45, 28, 52],
            "income": [1.5, 2.0, 3.5, 0.5],
            "city": ["Oslo", "Rome", "Oslo", "Lima"],
            "member": [True, False, True, True],
            "joined": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]),
            "review": ["a long free-text review that goes on and on and on"] * 4,
            "churned": [0, 1, 0, 1],
            "score": [0.1, 0.8, 0.3, 0.6],
            "user": ["u1", "u2", "u3", "u4"],
        }
    )


def test_kinds_are_inferred_and_roles_left_out(frame: pd.DataFrame) -> None:
    mapping = ColumnMapping(target="churned", prediction="score", id="user")
    resolved = resolve(mapping, data(frame), data(frame, "current"))
    assert resolved.kinds == {
        "age": "numeric",
        "income": "numeric",
        "city": "categorical",
        "member": "categorical",
        "joined": "datetime",
        "review": "text",
    }
    assert resolved.target == "churned"
    assert resolved.prediction == ["score"]
    assert resolved.task == "classification"
    assert resolved.columns_of("numeric") == ["age", "income"]


def test_task_is_regression_for_a_float_target(frame: pd.DataFrame) -> None:
    resolved = resolve(ColumnMapping(target="income"), data(frame), data(frame, "current"))
    assert resolved.task == "regression"
    assert resolve(ColumnMapping(), data(frame), data(frame, "current")).task is None


def test_many_distinct_integers_make_a_regression_target() -> None:
    frame = pd.DataFrame({"y": range(200), "x": [1.0] * 200})
    assert resolve(ColumnMapping(target="y"), data(frame), data(frame, "current")).task == "regression"


def test_overrides_and_exclusions(frame: pd.DataFrame) -> None:
    mapping = ColumnMapping(categorical=["age"], text=["city"], exclude=["income", "user"])
    resolved = resolve(mapping, data(frame), data(frame, "current"))
    assert resolved.kinds["age"] == "categorical"
    assert resolved.kinds["city"] == "text"
    assert "income" not in resolved.kinds and "user" not in resolved.kinds
    assert resolved.exclude == ["income", "user"]
    with pytest.raises(InvalidInput, match="declared both numeric and categorical"):
        resolve(ColumnMapping(numeric=["age"], categorical=["age"]), data(frame), data(frame, "current"))


def test_columns_on_one_side_are_not_features(frame: pd.DataFrame) -> None:
    current = frame.drop(columns=["city"]).assign(extra=1)
    resolved = resolve(ColumnMapping(), data(frame), data(current, "current"))
    assert "city" not in resolved.kinds and "extra" not in resolved.kinds
    assert missing_columns(data(frame), data(current, "current")) == (["city"], ["extra"])


def test_target_may_be_missing_on_one_side(frame: pd.DataFrame) -> None:
    current = frame.drop(columns=["churned"])
    resolved = resolve(ColumnMapping(target="churned"), data(frame), data(current, "current"))
    assert resolved.task == "classification"


def test_bad_mappings_are_refused(frame: pd.DataFrame) -> None:
    with pytest.raises(InvalidData, match="'nope' is in neither"):
        resolve(ColumnMapping(target="nope"), data(frame), data(frame, "current"))
    with pytest.raises(InvalidData, match="'ghost' is not in the reference data"):
        resolve(ColumnMapping(numeric=["ghost"]), data(frame), data(frame, "current"))
    with pytest.raises(InvalidData, match="reference data has no rows"):
        resolve(ColumnMapping(), data(frame.iloc[:0]), data(frame, "current"))
