"""Reference profiles: saved summaries that stand in for a reference, and the damaged ones refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tether import monitoring as mon
from tether.errors import InvalidData
from tether.monitoring.data.sources import Dataset


def reference() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "age": rng.normal(40, 10, 500),
            "plan": rng.choice(["basic", "pro"], 500),
            "churned": rng.integers(0, 2, 500),
        }
    )


def test_a_saved_profile_reads_back_the_same(tmp_path: Path) -> None:
    profile = mon.summarize(reference(), target="churned")
    loaded = mon.load_profile(profile.save(tmp_path / "ref.json"))
    assert loaded.to_dict() == profile.to_dict()
    assert (loaded.kinds, loaded.target, loaded.task) == (
        {"age": "numeric", "plan": "categorical"},
        "churned",
        "classification",
    )
    assert mon.summarize(loaded) is loaded


def test_profile_stands_in_only_for_metrics_that_read_summaries() -> None:
    profile = mon.summarize(reference(), target="churned")
    dataset = Dataset.of(profile, "reference")
    assert (dataset.num_rows, dataset.columns, dataset.profile) == (500, ["age", "plan", "churned"], profile)
    with pytest.raises(InvalidData, match="saved profile"):
        next(dataset.batches())


def test_damaged_or_missing_profiles_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidData, match="does not exist"):
        mon.load_profile(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InvalidData, match="is not JSON"):
        mon.load_profile(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"format": "something else"}')
    with pytest.raises(InvalidData, match="not a tether reference profile"):
        mon.load_profile(tmp_path / "other.json")
