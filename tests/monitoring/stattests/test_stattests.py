"""Each drift test against SciPy or its textbook formula, on whole values and on binned summaries."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from scipy.spatial import distance

from tether.errors import InvalidData, InvalidInput
from tether.monitoring import stattests
from tether.monitoring.data.sources import Dataset
from tether.monitoring.data.summaries import SummaryKind
from tether.monitoring.data.summarize import summarize_columns
from tether.monitoring.metrics.column_drift import observed
from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import CategoricalData, NumericData, StatTest
from tether.monitoring.stattests.jensenshannon import jensen_shannon
from tether.monitoring.stattests.wasserstein import wasserstein_distance


def observe(reference: object, current: object, kind: SummaryKind = "numeric") -> stattests.ColumnData:
    """Both sides summarised the way a report does it, as a stat test reads them."""
    ref = summarize_columns(Dataset.of(pa.table({"x": reference}), "reference"), {"x": kind})
    cur = summarize_columns(Dataset.of(pa.table({"x": current}), "current"), {"x": kind}, ref.bins())
    return observed(ref.columns["x"], cur.columns["x"])


def numeric(reference: np.ndarray, current: np.ndarray) -> NumericData:
    data = observe(reference, current)
    assert isinstance(data, NumericData)
    return data


def categorical(reference: list[str], current: list[str]) -> CategoricalData:
    data = observe(reference, current, "categorical")
    assert isinstance(data, CategoricalData)
    return data


@pytest.fixture
def small() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    return rng.normal(0, 1, 400), rng.normal(0.3, 1.2, 600)


@pytest.fixture
def large() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(8)
    return rng.normal(0, 1, 60_000), rng.normal(0.2, 1.1, 80_000)


def test_registry_lists_the_built_in_tests() -> None:
    assert stattests.names() == [
        "anderson",
        "chisquare",
        "cramer_von_mises",
        "hellinger",
        "jensenshannon",
        "kl_div",
        "ks",
        "psi",
        "wasserstein",
        "z",
    ]
    assert stattests.get("ks").kind == "p_value"
    assert stattests.get("psi").applies_to == frozenset({"numeric", "categorical"})
    with pytest.raises(InvalidInput, match="unknown stat test 'nope'"):
        stattests.get("nope")


def test_a_test_can_be_registered_once() -> None:
    mean_gap = StatTest(
        name="test_mean_gap",
        title="gap of means",
        kind="distance",
        default_threshold=0.5,
        numeric=lambda data: abs(float(data.reference_sample.mean() - data.current_sample.mean())),
    )
    stattests.register(mean_gap, replace=True)
    assert stattests.get("test_mean_gap") is mean_gap
    with pytest.raises(InvalidInput, match="already registered"):
        stattests.register(mean_gap)


def test_ks_matches_scipy_on_whole_values(small: tuple[np.ndarray, np.ndarray]) -> None:
    reference, current = small
    data = numeric(reference, current)
    assert data.exact
    expected = stats.ks_2samp(reference, current).pvalue
    assert stattests.get("ks").score(data) == pytest.approx(expected, rel=1e-12)


def test_ks_on_bins_is_exact_in_statistic_when_edges_hold_every_reference_value() -> None:
    rng = np.random.default_rng(3)
    reference, current = rng.normal(0, 1, 3_000), rng.normal(0.05, 1, 20_000)
    data = numeric(reference, current)
    assert not data.exact
    expected = stats.ks_2samp(reference, current)
    assert binning.ks_statistic(data.binned) == pytest.approx(expected.statistic, rel=1e-9)
    assert stattests.get("ks").score(data) == pytest.approx(expected.pvalue, rel=0.05)


def test_wasserstein_normed_matches_scipy_on_whole_values(small: tuple[np.ndarray, np.ndarray]) -> None:
    reference, current = small
    expected = stats.wasserstein_distance(reference, current) / np.std(reference)
    assert stattests.get("wasserstein").score(numeric(reference, current)) == pytest.approx(
        expected, rel=1e-12
    )


def test_wasserstein_on_bins_is_close_to_scipy(large: tuple[np.ndarray, np.ndarray]) -> None:
    reference, current = large
    data = numeric(reference, current)
    assert not data.exact
    expected = stats.wasserstein_distance(reference, current) / np.std(reference)
    assert stattests.get("wasserstein").score(data) == pytest.approx(expected, rel=0.02)


def test_wasserstein_on_bins_is_exact_for_discrete_values_inside_the_reference_range() -> None:
    rng = np.random.default_rng(4)
    reference = rng.integers(0, 40, 50_000).astype(float)
    current = rng.integers(3, 40, 70_000).astype(float)
    data = numeric(reference, current)
    assert not data.exact
    expected = stats.wasserstein_distance(reference, current)
    assert binning.wasserstein(data.binned) == pytest.approx(expected, rel=1e-9)
    assert binning.reference_std(data.binned) == pytest.approx(np.std(reference), rel=1e-9)


def test_wasserstein_of_a_constant_reference_uses_the_floor() -> None:
    score = stattests.get("wasserstein").score(numeric(np.full(100, 2.0), np.full(100, 2.5)))
    assert score == pytest.approx(0.5 / 0.001)


def test_anderson_matches_scipy() -> None:
    rng = np.random.default_rng(9)
    reference, current = rng.normal(0, 1, 400), rng.normal(0.15, 1, 300)
    expected = stats.anderson_ksamp([reference, current], variant="midrank").pvalue
    assert stattests.get("anderson").score(numeric(reference, current)) == pytest.approx(expected)


def test_anderson_p_value_is_capped_without_a_warning() -> None:
    rng = np.random.default_rng(5)
    reference, current = rng.normal(size=300), rng.normal(size=300)
    assert stattests.get("anderson").score(numeric(reference, current)) == pytest.approx(0.25)
    assert stattests.get("anderson").score(numeric(np.ones(10), np.ones(12))) == 1.0


def test_cramer_von_mises_matches_scipy(small: tuple[np.ndarray, np.ndarray]) -> None:
    reference, current = small
    expected = stats.cramervonmises_2samp(reference, current).pvalue
    assert stattests.get("cramer_von_mises").score(numeric(reference, current)) == pytest.approx(expected)
    with pytest.raises(InvalidData, match="at least two values"):
        stattests.get("cramer_von_mises").score(numeric(np.array([1.0]), np.array([1.0, 2.0])))


def test_chisquare_matches_scipy() -> None:
    reference = ["a"] * 50 + ["b"] * 30 + ["c"] * 20
    current = ["a"] * 40 + ["b"] * 40 + ["c"] * 40
    data = categorical(reference, current)
    expected = stats.chisquare([40, 40, 40], np.array([50, 30, 20]) * 1.2).pvalue
    assert stattests.get("chisquare").score(data) == pytest.approx(expected, rel=1e-12)


def test_chisquare_new_category_is_certain_drift_and_one_category_is_none() -> None:
    assert stattests.get("chisquare").score(categorical(["a", "b"] * 10, ["a", "b", "z"] * 10)) == 0.0
    assert stattests.get("chisquare").score(categorical(["a"] * 10, ["a"] * 7)) == 1.0


def test_z_test_matches_the_closed_form() -> None:
    data = categorical(["y"] * 60 + ["n"] * 40, ["y"] * 45 + ["n"] * 55)
    p1, p2, pooled = 0.6, 45 / 100, 105 / 200
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 100))
    expected = 2 * (1 - stats.norm.cdf(abs(z)))
    assert stattests.get("z").score(data) == pytest.approx(expected, rel=1e-9)
    assert stattests.get("z").score(categorical(["y"] * 5, ["y"] * 9)) == 1.0


def test_psi_and_kl_match_their_formulas_with_zero_shares_filled() -> None:
    data = categorical(["a"] * 50 + ["b"] * 50, ["a"] * 30 + ["b"] * 60 + ["c"] * 10)
    reference = np.array([0.5, 0.5, 1e-4])
    current = np.array([0.3, 0.6, 0.1])
    assert stattests.get("psi").score(data) == pytest.approx(
        np.sum((reference - current) * np.log(reference / current))
    )
    assert stattests.get("kl_div").score(data) == pytest.approx(stats.entropy(reference, current))


def test_jensenshannon_and_hellinger_match_their_formulas() -> None:
    data = categorical(["a"] * 50 + ["b"] * 50, ["a"] * 30 + ["b"] * 60 + ["c"] * 10)
    reference, current = np.array([0.5, 0.5, 0.0]), np.array([0.3, 0.6, 0.1])
    assert stattests.get("jensenshannon").score(data) == pytest.approx(
        distance.jensenshannon(reference, current)
    )
    hellinger = np.sqrt(np.sum((np.sqrt(reference) - np.sqrt(current)) ** 2)) / np.sqrt(2)
    assert stattests.get("hellinger").score(data) == pytest.approx(hellinger)


def test_share_tests_on_numbers_use_reference_deciles(large: tuple[np.ndarray, np.ndarray]) -> None:
    reference, current = large
    data = numeric(reference, current)
    ref_shares, cur_shares = binning.shares(data)
    assert ref_shares.size in (10, 11, 12)
    assert ref_shares.sum() == pytest.approx(1.0)
    assert cur_shares.sum() == pytest.approx(1.0)
    deciles = data.binned.edges[data.binned.coarse]
    assert deciles.size == 11
    assert ref_shares[1:11] == pytest.approx(np.full(10, 0.1), abs=0.015)
    inside = np.histogram(current, deciles)[0] / current.size
    assert cur_shares[1:11] == pytest.approx(inside, abs=1e-12)
    assert cur_shares[0] == pytest.approx(np.mean(current < deciles[0]))


def test_same_distribution_is_not_drift_and_a_shift_is(large: tuple[np.ndarray, np.ndarray]) -> None:
    rng = np.random.default_rng(11)
    same = numeric(rng.normal(size=20_000), rng.normal(size=20_000))
    shifted = numeric(rng.normal(size=20_000), rng.normal(0.5, 1, 20_000))
    for name in (
        "psi",
        "jensenshannon",
        "wasserstein",
        "kl_div",
        "hellinger",
        "ks",
        "anderson",
        "cramer_von_mises",
    ):
        test = stattests.get(name)
        threshold = test.default_threshold
        assert not test.drifted(test.score(same), threshold), name
        assert test.drifted(test.score(shifted), threshold), name


def test_numeric_tests_refuse_categorical_columns_and_back() -> None:
    with pytest.raises(InvalidData, match="ks test does not apply to categorical"):
        stattests.get("ks").score(categorical(["a", "b"], ["a"]))
    rng = np.random.default_rng(2)
    with pytest.raises(InvalidData, match="chisquare test applies to categorical"):
        stattests.get("chisquare").score(numeric(rng.normal(size=200), rng.normal(size=200)))


def test_a_numeric_column_with_few_values_is_read_value_by_value() -> None:
    reference = np.array([0.0, 1.0, 2.0] * 100)
    current = np.array([0.0] * 100 + [1.0] * 150 + [2.0] * 40 + [7.0] * 10)
    view = numeric(reference, current).as_categorical()
    assert view is not None
    assert view.labels == [0.0, 1.0, 2.0, "other values"]
    assert view.reference.tolist() == [100, 100, 100, 0]
    assert view.current.tolist() == [100, 150, 40, 10]


@pytest.mark.parametrize(
    ("kind", "rows", "distinct", "expected"),
    [
        ("numeric", 1000, 100, "ks"),
        ("numeric", 1000, 5, "chisquare"),
        ("numeric", 1000, 2, "z"),
        ("numeric", 1001, 100, "wasserstein"),
        ("numeric", 5000, 4, "jensenshannon"),
        ("categorical", 200, 2, "z"),
        ("categorical", 200, 7, "chisquare"),
        ("categorical", 1001, 2, "jensenshannon"),
        ("categorical", 10**6, 50, "jensenshannon"),
    ],
)
def test_default_table(kind: stattests.base.DataKind, rows: int, distinct: int, expected: str) -> None:
    assert stattests.default_stattest(kind, rows, distinct) == expected


def test_default_for_observed_columns() -> None:
    rng = np.random.default_rng(1)
    assert stattests.default_for(numeric(rng.normal(size=500), rng.normal(size=500))) == "ks"
    assert stattests.default_for(numeric(rng.normal(size=1500), rng.normal(size=500))) == "wasserstein"
    assert (
        stattests.default_for(numeric(rng.integers(0, 3, 1500).astype(float), np.zeros(50)))
        == "jensenshannon"
    )
    assert stattests.default_for(numeric(rng.integers(0, 2, 500).astype(float), np.ones(50))) == "z"
    assert stattests.default_for(categorical(["a", "b", "c"] * 100, ["a"])) == "chisquare"
    assert stattests.default_for(categorical(["a", "b", "c"] * 400, ["a"])) == "jensenshannon"


# --- regressions: outer bins, small samples, huge values, the Z-test's category -------------------------


def _drift_score(reference: np.ndarray, current: np.ndarray, test: str) -> float:
    data = numeric(reference, current)
    return stattests.get(test).score(data)


@pytest.mark.parametrize("seed", [0, 1])
def test_binned_wasserstein_beyond_the_reference_range_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref, cur = rng.normal(size=8000), rng.normal(size=8000)
    cur[:80] = ref.max() + 0.01
    cur[80] = ref.max() + 200
    cur[81:90] = ref.min() - 3
    data = numeric(ref, cur)
    assert not data.exact
    exact = stats.wasserstein_distance(ref, cur) / ref.std()
    assert _drift_score(ref, cur, "wasserstein") == pytest.approx(exact, rel=0.05)  # was 15x too large


def test_binned_wasserstein_of_a_shifted_column_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    ref, cur = rng.normal(size=9000), rng.normal(0.7, 1.3, size=12_000)
    exact = stats.wasserstein_distance(ref, cur) / ref.std()
    assert _drift_score(ref, cur, "wasserstein") == pytest.approx(exact, rel=0.03)


def test_binned_wasserstein_estimates_many_values_beyond_the_range_from_their_sample() -> None:
    rng = np.random.default_rng(4)
    ref, cur = rng.normal(size=8000), rng.normal(size=30_000)
    cur[:12_000] = ref.max() + rng.exponential(5.0, 12_000)  # more than the 5,000 kept
    exact = stats.wasserstein_distance(ref, cur) / ref.std()
    assert _drift_score(ref, cur, "wasserstein") == pytest.approx(exact, rel=0.03)


@pytest.mark.parametrize("rows", [5000, 5001])
def test_wasserstein_of_two_constants_does_not_depend_on_keeping_values_whole(rows: int) -> None:
    score = _drift_score(np.full(rows, 5.0), np.full(rows, 6.0), "wasserstein")
    assert score == pytest.approx(1.0 / 0.001)


def test_ks_on_small_samples_with_ties_warns_nothing() -> None:
    # SciPy's exact method gives up on these and warns; pytest turns the warning into an error.
    ref, cur = np.arange(1.0, 8.0), np.arange(2.0, 9.0)
    assert _drift_score(ref, cur, "ks") == pytest.approx(stats.ks_2samp(ref, cur, method="asymp").pvalue)


def test_anderson_needs_two_values_on_each_side() -> None:
    with pytest.raises(InvalidData, match="at least two values"):
        _drift_score(np.array([1.0]), np.array([2.0]), "anderson")


def test_z_test_on_a_numeric_column_uses_the_most_common_reference_value() -> None:
    ref = np.r_[[0] * 10, [1] * 50, [2] * 40].astype(float)
    cur = np.r_[[0] * 30, [1] * 50, [2] * 20].astype(float)
    as_numbers = _drift_score(ref, cur, "z")
    as_text = stattests.get("z").score(categorical([str(int(v)) for v in ref], [str(int(v)) for v in cur]))
    assert as_numbers == pytest.approx(as_text) == pytest.approx(1.0)  # 50% of both sides are 1


@pytest.mark.parametrize("size", [50, 8000])
def test_wasserstein_on_huge_values_equals_the_scaled_score(size: int) -> None:
    rng = np.random.default_rng(5)
    ref, cur = rng.normal(size=size), rng.normal(0.5, 1.0, size=size)
    plain = _drift_score(ref, cur, "wasserstein")
    assert plain > 0.3
    assert _drift_score(ref * 1e300, cur * 1e300, "wasserstein") == pytest.approx(plain, rel=1e-9)


def test_values_spanning_the_whole_float_range_are_binned() -> None:
    ref = np.r_[-1.5e308, np.linspace(-1.0, 1.0, 6000), 1.5e308]
    data = numeric(ref, ref)
    assert int(data.binned.current.sum()) == ref.size
    assert np.array_equal(data.binned.current, data.binned.reference)
    assert _drift_score(ref, ref, "wasserstein") == 0.0


def test_the_default_large_sample_tests_do_not_load_scipy() -> None:
    """SciPy costs about 70 MB and a second of import; distance tests on large samples do without it."""
    script = (
        "import sys, numpy as np, pandas as pd\n"
        "from tether import monitoring as mon\n"
        "rng = np.random.default_rng(0)\n"
        "frame = pd.DataFrame({'a': rng.normal(size=20_000), 'c': rng.choice(list('abcdefghij'), 20_000)})\n"
        "result = mon.Report([mon.DataDrift()]).run(frame, frame.assign(a=frame.a + 0.5))\n"
        "assert result.value('drifted.a') and not result.value('drifted.c')\n"
        "print('scipy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("seed", range(4))
def test_numpy_distances_match_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    u, v = rng.normal(size=int(rng.integers(1, 400))), rng.normal(1, 2, size=int(rng.integers(1, 400)))
    assert wasserstein_distance(u, v) == pytest.approx(stats.wasserstein_distance(u, v), rel=1e-12)
    p, q = rng.random(12), rng.random(12)
    q[rng.integers(0, 12)] = 0.0
    assert jensen_shannon(p, q) == pytest.approx(float(distance.jensenshannon(p, q)), rel=1e-12)
