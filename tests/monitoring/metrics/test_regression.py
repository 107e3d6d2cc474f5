"""RegressionPerformance against scikit-learn and NumPy closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from tether.monitoring.metrics.regression import RegressionPerformance
from tether.monitoring.report import Report
from tether.monitoring.results import Distribution, MetricResult, NotComputed


def _frame(seed: int, bias: float = 0.0, n: int = 1500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.normal(10, 3, n)
    return pd.DataFrame({"x": rng.normal(size=n), "y": y, "pred": y + bias + rng.normal(0, 1, n)})


def _run(ref: pd.DataFrame, cur: pd.DataFrame, **settings: float) -> MetricResult:
    report = Report([RegressionPerformance(**settings)])  # type: ignore[arg-type]
    return report.run(ref, cur, target="y", prediction="pred").metrics[0]


def test_figures_match_sklearn() -> None:
    ref, cur = _frame(1), _frame(2, bias=0.5)
    result = _run(ref, cur)
    y, p = cur["y"].to_numpy(), cur["pred"].to_numpy()
    v = result.values
    assert v["mae"] == pytest.approx(sk.mean_absolute_error(y, p))
    assert v["rmse"] == pytest.approx(sk.root_mean_squared_error(y, p))
    assert v["mape"] == pytest.approx(sk.mean_absolute_percentage_error(y, p))
    assert v["r2"] == pytest.approx(sk.r2_score(y, p))
    assert v["median_absolute_error"] == pytest.approx(sk.median_absolute_error(y, p))
    assert v["max_error"] == pytest.approx(sk.max_error(y, p))
    assert v["mean_error"] == pytest.approx(np.mean(p - y))
    assert result.reference_values["rmse"] == pytest.approx(sk.root_mean_squared_error(ref["y"], ref["pred"]))
    assert v["mean_error"] > result.reference_values["mean_error"]  # type: ignore[operator]


def test_under_and_overestimation_with_tolerance() -> None:
    cur = pd.DataFrame({"y": [10.0, 10.0, 10.0, 10.0, 10.0], "pred": [7.0, 9.5, 10.0, 10.4, 13.0]})
    v = _run(cur, cur, tolerance=0.5).values
    assert v["underestimation_share"] == pytest.approx(1 / 5)
    assert v["overestimation_share"] == pytest.approx(1 / 5)
    assert v["mean_underestimation"] == pytest.approx(-3.0)
    assert v["mean_overestimation"] == pytest.approx(3.0)
    exact = _run(cur, cur).values
    assert exact["underestimation_share"] == pytest.approx(2 / 5)
    assert exact["overestimation_share"] == pytest.approx(2 / 5)


def test_mape_skips_zero_targets_and_says_so() -> None:
    cur = pd.DataFrame({"y": [0.0, 2.0, 4.0, 0.0], "pred": [1.0, 3.0, 3.0, -1.0]})
    result = _run(cur, cur)
    assert result.values["mape"] == pytest.approx((0.5 + 0.25) / 2)
    assert result.values["mape_skipped_rows"] == 2
    assert any(i.name == "mape_skipped_rows" for i in result.items)
    zeros = pd.DataFrame({"y": [0.0, 0.0], "pred": [1.0, 0.0]})
    zero_result = _run(zeros, zeros)
    assert zero_result.values["mape"] is None
    assert any(isinstance(i, NotComputed) and i.name == "mape" for i in zero_result.items)


def test_constant_target_r2_follows_sklearn() -> None:
    cur = pd.DataFrame({"y": [3.0, 3.0, 3.0], "pred": [3.0, 3.0, 3.0]})
    assert _run(cur, cur).values["r2"] == sk.r2_score(cur["y"], cur["pred"]) == 1.0
    off = pd.DataFrame({"y": [3.0, 3.0, 3.0], "pred": [2.0, 3.0, 4.0]})
    assert _run(off, off).values["r2"] == sk.r2_score(off["y"], off["pred"]) == 0.0


def test_error_distribution_shares_bins_and_sums_to_one() -> None:
    result = _run(_frame(3), _frame(4, bias=2.0))
    dist = next(i for i in result.items if isinstance(i, Distribution))
    assert len(dist.bins) == 31 and len(dist.current) == len(dist.reference) == 30
    assert sum(dist.current) == pytest.approx(1.0) and sum(dist.reference) == pytest.approx(1.0)


def test_missing_rows_are_skipped_and_text_prediction_is_not_computed() -> None:
    cur = pd.DataFrame({"y": [1.0, np.nan, 3.0], "pred": [1.5, 2.0, None]})
    assert _run(cur, cur).values["mae"] == pytest.approx(0.5)
    words = pd.DataFrame({"y": [1.0, 2.0], "pred": ["a", "b"]})
    result = _run(words, words)
    assert result.values == {}
    assert isinstance(result.items[0], NotComputed) and "not numbers" in result.items[0].reason


def test_huge_values_give_the_figures_of_the_scaled_data() -> None:
    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    p = y + rng.normal(0, 0.3, 300)
    plain = _run(*(2 * [pd.DataFrame({"y": y, "pred": p})])).values
    huge = _run(*(2 * [pd.DataFrame({"y": y * 1e300, "pred": p * 1e300})])).values
    assert huge["r2"] == pytest.approx(sk.r2_score(y, p))
    assert huge["r2"] == pytest.approx(plain["r2"])
    for name in ("mae", "rmse", "mean_error", "max_error", "median_absolute_error"):
        assert huge[name] == pytest.approx(plain[name] * 1e300)  # type: ignore[operator]


def test_integers_beyond_2_53_are_read() -> None:
    y = np.arange(50, dtype=np.int64) + 2**60
    frame = pd.DataFrame({"y": y, "pred": y + 1024})
    result = _run(frame, frame).values
    assert result["mean_error"] == pytest.approx(1024.0, rel=0.01)
