"""ClassificationPerformance against scikit-learn: labels, binary scores and class probabilities."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from tether.monitoring.data.mapping import ColumnMapping
from tether.monitoring.metrics import curves
from tether.monitoring.metrics.classification import ClassificationPerformance
from tether.monitoring.report import Report
from tether.monitoring.results import Curve, Matrix, MetricResult, NotComputed


def _run(
    ref: pd.DataFrame, cur: pd.DataFrame, prediction: str | list[str], **settings: object
) -> MetricResult:
    report = Report([ClassificationPerformance(**settings)])  # type: ignore[arg-type]
    return report.run(ref, cur, target="y", prediction=prediction).metrics[0]


def _binary(seed: int, n: int = 2000, noise: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, noise, n))))
    return pd.DataFrame({"x": rng.normal(size=n), "y": y, "score": np.round(score, 3)})


def test_binary_scores_match_sklearn() -> None:
    ref, cur = _binary(1), _binary(2, noise=2.0)
    result = _run(ref, cur, "score")
    y, p = cur["y"].to_numpy(), cur["score"].to_numpy()
    labels = (p >= 0.5).astype(int)
    v = result.values
    assert v["accuracy"] == pytest.approx(sk.accuracy_score(y, labels))
    assert v["precision"] == pytest.approx(sk.precision_score(y, labels))
    assert v["recall"] == pytest.approx(sk.recall_score(y, labels))
    assert v["f1"] == pytest.approx(sk.f1_score(y, labels))
    assert v["precision.0"] == pytest.approx(sk.precision_score(y, labels, pos_label=0))
    assert v["f1_macro"] == pytest.approx(sk.f1_score(y, labels, average="macro"))
    assert v["recall_weighted"] == pytest.approx(sk.recall_score(y, labels, average="weighted"))
    assert v["roc_auc"] == pytest.approx(sk.roc_auc_score(y, p))
    assert v["pr_auc"] == pytest.approx(sk.average_precision_score(y, p))
    assert v["log_loss"] == pytest.approx(sk.log_loss(y, y_proba=p))
    ref_y, ref_p = ref["y"].to_numpy(), ref["score"].to_numpy()
    assert result.reference_values["roc_auc"] == pytest.approx(sk.roc_auc_score(ref_y, ref_p))
    assert result.reference_values["roc_auc"] > v["roc_auc"]  # type: ignore[operator]
    matrix = next(i for i in result.items if isinstance(i, Matrix) and i.name == "confusion_matrix")
    assert np.array_equal(np.array(matrix.values), sk.confusion_matrix(y, labels))
    roc = next(i for i in result.items if isinstance(i, Curve) and i.name == "roc_curve")
    assert [line.name for line in roc.lines] == ["current", "reference"]
    assert all(len(line.x) <= 200 for line in roc.lines)
    assert roc.lines[0].x[0] == 0.0 and roc.lines[0].x[-1] == 1.0


def test_threshold_moves_labels_not_ranking() -> None:
    cur = _binary(3)
    low = _run(cur, cur, "score", threshold=0.2).values
    high = _run(cur, cur, "score", threshold=0.8).values
    assert low["roc_auc"] == high["roc_auc"]
    assert low["recall"] > high["recall"]  # type: ignore[operator]
    labels = (cur["score"] >= 0.8).astype(int)
    assert high["precision"] == pytest.approx(sk.precision_score(cur["y"], labels))


def test_curves_match_sklearn_at_every_point() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 500).astype(bool)
    scores = np.round(rng.random(500), 2)
    fpr, tpr, _ = curves.roc(y, scores)  # type: ignore[misc]
    sk_fpr, sk_tpr, _ = sk.roc_curve(y, scores, drop_intermediate=False)
    assert np.allclose(fpr, sk_fpr) and np.allclose(tpr, sk_tpr)
    recall, precision, _ = curves.precision_recall(y, scores)  # type: ignore[misc]
    sk_precision, sk_recall, _ = sk.precision_recall_curve(y, scores, drop_intermediate=False)
    assert np.allclose(precision, sk_precision) and np.allclose(recall, sk_recall)
    from sklearn.calibration import calibration_curve

    observed, predicted = calibration_curve(y, scores, n_bins=10)
    mine_predicted, mine_observed = curves.calibration(y, scores, 10)
    assert np.allclose(mine_predicted, predicted) and np.allclose(mine_observed, observed)
    x, _ = curves.thin(np.arange(1000.0), np.arange(1000.0), 200)
    assert len(x) == 200 and x[0] == 0 and x[-1] == 999


def test_multiclass_labels() -> None:
    rng = np.random.default_rng(5)
    y = rng.choice(["cat", "dog", "eel"], 900)
    pred = np.where(rng.random(900) < 0.7, y, rng.choice(["cat", "dog", "eel", "fox"], 900))
    cur = pd.DataFrame({"y": y, "pred": pred})
    result = _run(cur, cur, "pred")
    v = result.values
    assert v["accuracy"] == pytest.approx(sk.accuracy_score(y, pred))
    assert v["precision"] == pytest.approx(sk.precision_score(y, pred, average="macro", zero_division=0))
    assert v["f1_weighted"] == pytest.approx(sk.f1_score(y, pred, average="weighted", zero_division=0))
    assert v["recall.dog"] == pytest.approx(sk.recall_score(y, pred, labels=["dog"], average="macro"))
    assert v["precision.fox"] == 0.0
    assert "roc_auc" not in v
    reasons = {i.name: i.reason for i in result.items if isinstance(i, NotComputed)}
    assert "labels, not probabilities" in reasons["roc_auc"]


def test_multiclass_probabilities_and_top_k() -> None:
    rng = np.random.default_rng(6)
    n = 1200
    y = rng.integers(0, 3, n)
    logits = rng.normal(0, 1, (n, 3)) + np.eye(3)[y] * 1.5
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    cur = pd.DataFrame({"y": y, "0": proba[:, 0], "1": proba[:, 1], "2": proba[:, 2]})
    result = _run(cur, cur, ["0", "1", "2"], top_k=2)
    v = result.values
    assert v["accuracy"] == pytest.approx(sk.accuracy_score(y, proba.argmax(axis=1)))
    assert v["roc_auc"] == pytest.approx(sk.roc_auc_score(y, proba, multi_class="ovr"))
    assert v["log_loss"] == pytest.approx(sk.log_loss(y, y_proba=proba))
    expected_ap = np.mean([sk.average_precision_score(y == k, proba[:, k]) for k in range(3)])
    assert v["pr_auc"] == pytest.approx(expected_ap)
    assert v["top_k_accuracy"] == pytest.approx(sk.top_k_accuracy_score(y, proba, k=2))
    roc = next(i for i in result.items if isinstance(i, Curve) and i.name == "roc_curve")
    assert [line.name for line in roc.lines] == ["class 0", "class 1", "class 2"]


def test_two_probability_columns_are_binary_on_pos_label() -> None:
    frame = _binary(7)
    frame["no"], frame["yes"] = 1 - frame["score"], frame["score"]
    frame["y"] = np.where(frame["y"] == 1, "yes", "no")
    report = Report([ClassificationPerformance()])
    result = report.run(frame, frame, target="y", prediction=["no", "yes"]).metrics[0]
    assert result.values["roc_auc"] == pytest.approx(sk.roc_auc_score(frame["y"] == "yes", frame["score"]))
    assert result.values["precision"] == result.values["precision.yes"]


def test_bool_target_with_int_prediction_and_missing_rows() -> None:
    cur = pd.DataFrame(
        {"y": [True, False, True, None, True, False], "pred": [1.0, 0.0, 0.0, 1.0, np.nan, 1.0]}
    )
    cur["y"] = cur["y"].astype("boolean")
    result = _run(cur, cur, "pred")
    # 1.0/0.0 lie in [0, 1], so they read as scores of the positive class "True"
    assert result.values["accuracy"] == pytest.approx(2 / 4)
    assert result.values["recall.True"] == pytest.approx(1 / 2)
    assert any(i.name == "rows_skipped" for i in result.items)


def test_reference_without_target_is_not_computed_but_current_is() -> None:
    cur = _binary(8)
    ref = cur.drop(columns=["y"])
    result = _run(ref, cur, "score")
    assert result.reference_values == {}
    assert "accuracy" in result.values
    assert any(isinstance(i, NotComputed) and i.name == "reference" for i in result.items)


def test_single_class_target_leaves_auc_undefined() -> None:
    cur = pd.DataFrame({"y": [1, 1, 1, 1], "score": [0.9, 0.2, 0.7, 0.6]})
    result = _run(cur, cur, "score")
    assert result.values["roc_auc"] is None
    assert result.values["recall"] == pytest.approx(0.75)
    assert not math.isnan(result.values["log_loss"])  # type: ignore[arg-type]


def test_no_prediction_column_in_current_is_not_computed() -> None:
    ref = _binary(9)
    cur = ref.drop(columns=["score"])
    result = _run(ref, cur, "score")
    assert result.values == {}
    assert isinstance(result.items[0], NotComputed)
    assert "score" in result.items[0].reason


def test_a_continuous_target_read_as_classes_is_not_computed() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"y": rng.normal(size=3000), "p": rng.normal(size=3000), "x": rng.normal(size=3000)})
    mapping = ColumnMapping(task="classification")
    result = Report([ClassificationPerformance()]).run(
        frame, frame, target="y", prediction="p", mapping=mapping
    )
    reasons = [item.reason for item in result.metrics[0].items if isinstance(item, NotComputed)]
    assert reasons and "distinct labels" in reasons[0] and "RegressionPerformance" in reasons[0]


# --- regressions: how predictions are read -------------------------------------------------------------


def _not_computed(result: MetricResult) -> dict[str, str]:
    return {item.name: item.reason for item in result.items if isinstance(item, NotComputed)}


def test_binary_scores_outside_0_1_are_refused_not_read_as_labels() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    frame = pd.DataFrame({"y": y, "s": y * 2 + rng.normal(size=200)})
    result = _run(frame, frame, "s")
    assert "accuracy" not in result.values
    assert _not_computed(result) == {
        "ClassificationPerformance": "prediction 's' holds scores outside [0, 1]"
    }


def test_float_labels_are_still_labels() -> None:
    frame = pd.DataFrame({"y": [0, 1, 2, 2, 1, 0], "s": [0.0, 1.0, 2.0, 1.0, 1.0, 0.0]})
    result = _run(frame, frame, "s")
    assert result.values["accuracy"] == pytest.approx(5 / 6)
    assert result.values["support.2"] == 2


def test_a_current_batch_with_one_class_keeps_the_reference_classes_and_positive_class() -> None:
    rng = np.random.default_rng(0)
    y = rng.choice(["no", "yes"], 200)
    ref = pd.DataFrame({"y": y, "p": np.where(y == "yes", "yes", "no")})
    cur = pd.DataFrame({"y": ["no"] * 50, "p": ["no"] * 45 + ["yes"] * 5})
    result = _run(ref, cur, "p")
    truth, labels = cur["y"].to_numpy(), cur["p"].to_numpy()
    assert result.values["precision"] == pytest.approx(
        sk.precision_score(truth, labels, pos_label="yes", zero_division=0)
    )
    assert result.values["support.yes"] == 0
    assert result.reference_values["precision"] == 1.0  # the same class: "yes"
    only_no = pd.DataFrame({"y": ["no"] * 50, "p": ["no"] * 50})
    assert sorted(k for k in _run(ref, only_no, "p").values if k.startswith("precision.")) == [
        "precision.no",
        "precision.yes",
    ]


def test_scores_with_string_labels_do_not_invent_class_1() -> None:
    rng = np.random.default_rng(0)
    y = rng.choice(["no", "yes"], 200)
    ref = pd.DataFrame({"y": y, "p": np.where(y == "yes", 0.9, 0.1)})
    cur = pd.DataFrame({"y": ["no"] * 50, "p": rng.random(50)})
    result = _run(ref, cur, "p")
    assert sorted(k for k in result.values if k.startswith("support.")) == ["support.no", "support.yes"]
    assert result.values["support.no"] == 50
    lone = pd.DataFrame({"y": ["no"] * 50, "p": rng.random(50)})
    reason = _not_computed(_run(lone, lone, "p"))["ClassificationPerformance"]
    assert "only the class 'no'" in reason and "pos_label" in reason


@pytest.mark.parametrize("column", [["x"] * 10, pd.date_range("2024", periods=10)])
def test_a_non_numeric_probability_column_is_a_reason_not_an_exception(column: object) -> None:
    frame = pd.DataFrame({"y": ["a", "b"] * 5, "a": np.linspace(0, 1, 10), "b": column})
    reason = _not_computed(_run(frame, frame, ["a", "b"]))["ClassificationPerformance"]
    assert reason.startswith("probability column 'b' in the current data holds")


def test_class_probabilities_that_do_not_sum_to_1_are_normalised_for_every_figure() -> None:
    rng = np.random.default_rng(7)
    n = 600
    y = rng.integers(0, 3, n)
    raw = rng.random((n, 3)) + np.eye(3)[y] * 0.6
    frame = pd.DataFrame({"y": y, "0": raw[:, 0], "1": raw[:, 1], "2": raw[:, 2]}) / [1, 2, 2, 2]
    frame["y"] = y
    values = frame[["0", "1", "2"]].to_numpy()
    normalised = values / values.sum(axis=1, keepdims=True)
    result = _run(frame, frame, ["0", "1", "2"])
    expected_auc = sk.roc_auc_score(y, normalised, multi_class="ovr", average="macro")
    assert result.values["roc_auc"] == pytest.approx(expected_auc)
    assert result.values["log_loss"] == pytest.approx(sk.log_loss(y, normalised))
    assert result.values["accuracy"] == pytest.approx(sk.accuracy_score(y, normalised.argmax(axis=1)))


def test_unnormalised_class_scores_are_normalised_and_negative_ones_refused() -> None:
    rng = np.random.default_rng(0)
    n = 200
    y = rng.integers(0, 3, n)
    raw = rng.random((n, 3))
    raw[np.arange(n), y] += 0.5  # values above 1: votes or counts, not yet probabilities
    frame = pd.DataFrame({"y": y, "0": raw[:, 0], "1": raw[:, 1], "2": raw[:, 2]})
    normalised = raw / raw.sum(axis=1, keepdims=True)
    values = _run(frame, frame, ["0", "1", "2"]).values
    assert values["roc_auc"] == pytest.approx(sk.roc_auc_score(y, normalised, multi_class="ovr"))
    assert values["log_loss"] == pytest.approx(sk.log_loss(y, normalised))
    frame["0"] -= 0.5
    reason = _not_computed(_run(frame, frame, ["0", "1", "2"]))["ClassificationPerformance"]
    assert reason == "the probability columns in the current data hold negative or infinite values"
