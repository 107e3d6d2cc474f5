"""Realistic demo data for the browser tests and the documentation screenshots, logged through the SDK.

Three experiments: a churn classifier with two dozen tuning runs (params, tags, curves of a few hundred
steps, a CSV of predictions, a stored monitoring report), a smaller fraud model and a demand forecast.
Everything comes from one seeded generator, so every call makes the same runs with the same numbers.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import tether as tt
from tether import monitoring as mon

CHURN = "churn-classifier"
FRAUD = "fraud-detection"
FORECAST = "demand-forecast"
STEPS = 300
PREDICTIONS = "predictions/validation.csv"
MODELS = ("gradient_boosting", "random_forest", "logistic_regression")
SHORT = {"gradient_boosting": "gbm", "random_forest": "rf", "logistic_regression": "logreg"}
FAILED_RUN = 10
RUNNING_RUN = 0
"""Indexes of the churn runs left FAILED and RUNNING; the others finish."""


@dataclass
class Demo:
    """What was logged: experiment ids by name, run ids by run name, and the runs of interest."""

    experiments: dict[str, str] = field(default_factory=dict)
    runs: dict[str, str] = field(default_factory=dict)
    churn_runs: list[str] = field(default_factory=list)
    """Names of the churn experiment's runs, in the order they were logged."""
    best_run: str = ""
    """The churn run with the highest val_auc; it holds the CSV artifact and the monitoring report."""
    report_id: str = ""
    report_name: str = ""


def populate(client: tt.Client, *, runs: int = 24) -> Demo:
    """Log the demo experiments through ``client`` (embedded or remote) and say what was made."""
    rng = np.random.default_rng(20251124)
    # The first run started about four hours ago, the others a few minutes apart, to the whole minute.
    start = (int(time.time()) // 60 - 4 * 60) * 60_000
    demo = Demo()
    demo.experiments[CHURN] = client.create_experiment(CHURN, {"owner": "ml-platform", "dataset": "churn-v3"})
    scores = {}
    for index in range(runs):
        name, run_id, auc = _churn_run(client, demo.experiments[CHURN], start, index, rng)
        demo.runs[name] = run_id
        demo.churn_runs.append(name)
        scores[name] = auc
    best = max(scores, key=lambda n: scores[n])
    demo.best_run = demo.runs[best]
    client.log_text(demo.best_run, _predictions(rng).to_csv(index=False), PREDICTIONS)
    client.log_text(demo.best_run, _importances(rng).to_csv(index=False), "feature_importance.csv")
    client.log_dict(
        demo.best_run, {"features": list(FEATURES), "target": "churned", "seed": 7}, "config.json"
    )
    client.log_text(demo.best_run, "model trained on churn-v3, 48,210 rows\n", "notes.txt")
    demo.report_name = "weekly drift check"
    demo.report_id = client.log_report(demo.best_run, _report(rng), demo.report_name).report_id

    demo.experiments[FRAUD] = client.create_experiment(FRAUD, {"owner": "risk"})
    for index in range(6):
        name, run_id = _simple_run(
            client, demo.experiments[FRAUD], start, f"fraud-xgb-{index + 1:02d}", index, rng
        )
        demo.runs[name] = run_id
    demo.experiments[FORECAST] = client.create_experiment(FORECAST, {"owner": "supply-chain"})
    for index in range(9):
        name, run_id = _simple_run(
            client, demo.experiments[FORECAST], start, f"lgbm-weekly-{index + 1:02d}", index, rng
        )
        demo.runs[name] = run_id
    for name, owner, prefix, count in (
        ("search-ranking", "search", "lambdamart", 4),
        ("ltv-regression", "finance", "catboost-ltv", 5),
    ):
        demo.experiments[name] = client.create_experiment(name, {"owner": owner})
        for index in range(count):
            run_name, run_id = _simple_run(
                client, demo.experiments[name], start, f"{prefix}-{index + 1:02d}", index, rng
            )
            demo.runs[run_name] = run_id
    return demo


def _churn_run(
    client: tt.Client, experiment_id: str, first_start: int, index: int, rng: np.random.Generator
) -> tuple[str, str, float]:
    model = MODELS[index % len(MODELS)]
    lr = float([0.3, 0.1, 0.05, 0.01][index // 3 % 4])
    depth = [4, 6, 8, 10][index // 2 % 4]
    trees = [100, 200, 400][index % 3]
    c = [0.1, 1.0, 10.0][index // 3 % 3]
    shape = f"c{c:g}" if model == "logistic_regression" else f"lr{lr:g}-d{depth}"
    name = f"{SHORT[model]}-{shape}-{index + 1:02d}"
    start = first_start + index * 7 * 60_000
    tags = {"team": "growth", "dataset": "churn-v3", "git_commit": f"{rng.integers(0, 2**28):07x}"}
    run = client.create_run(experiment_id, run_name=name, tags=tags, start_time=start)
    ceiling = {"gradient_boosting": 0.905, "random_forest": 0.885, "logistic_regression": 0.842}[model]
    if model == "logistic_regression":
        final_auc = ceiling - 0.01 * abs(math.log10(c)) + rng.normal(0, 0.003)
    else:
        final_auc = (
            ceiling - 0.015 * abs(math.log10(lr) + 1.3) - 0.004 * abs(depth - 6) + rng.normal(0, 0.004)
        )
    tau = 18 + 400 * lr**0.5 / (1 + 30 * lr)
    steps = np.arange(STEPS)
    decay = np.exp(-steps / tau)
    overfit = max(0, depth - 6) * 0.00012 * steps
    noise = rng.normal(0, 1, (4, STEPS))
    train_loss = 0.22 + 0.48 * decay - 0.5 * overfit + 0.006 * noise[0]
    val_loss = 0.29 + 0.41 * decay + overfit + 0.009 * noise[1]
    val_auc = final_auc - (final_auc - 0.5) * decay - 0.4 * overfit + 0.003 * noise[2]
    accuracy = 0.6 + (val_auc - 0.5) * 0.62 + 0.004 * noise[3]
    stamps = start + steps * 2_000
    points = [
        (key, float(value), int(step), int(stamp))
        for key, series in (
            ("train_loss", train_loss),
            ("val_loss", val_loss),
            ("val_auc", val_auc),
            ("accuracy", accuracy),
        )
        for step, value, stamp in zip(steps, series, stamps, strict=True)
    ]
    points.append(("val_f1", float(val_auc[-1] - 0.11 + rng.normal(0, 0.005)), STEPS - 1, int(stamps[-1])))
    shape_params: dict[str, object] = (
        {"C": c, "penalty": "l2"}
        if model == "logistic_regression"
        else {"learning_rate": lr, "max_depth": depth, "n_estimators": trees}
    )
    params = {
        "model": model,
        **shape_params,
        "features": "v3-full" if index % 4 else "v3-lite",
        "class_weight": "balanced" if index % 2 else "none",
    }
    client.log_batch(run.run_id, points, params)
    if index == FAILED_RUN:
        client.set_terminated(run.run_id, "FAILED", end_time=int(stamps[STEPS // 2]))
    elif index != RUNNING_RUN:
        client.set_terminated(run.run_id, "FINISHED", end_time=int(stamps[-1]) + 4_000)
    return name, run.run_id, float(val_auc[-1])


def _simple_run(
    client: tt.Client, experiment_id: str, first_start: int, name: str, index: int, rng: np.random.Generator
) -> tuple[str, str]:
    start = first_start - 86_400_000 * (3 - index % 3) + index * 600_000
    run = client.create_run(experiment_id, run_name=name, start_time=start)
    steps = np.arange(120)
    loss = 0.9 * np.exp(-steps / (20 + 5 * index)) + 0.1 + rng.normal(0, 0.01, steps.size)
    points = [("loss", float(v), int(s), start + int(s) * 5_000) for s, v in zip(steps, loss, strict=True)]
    points.append(
        ("rmse" if "lgbm" in name else "pr_auc", float(0.6 + 0.03 * index + rng.normal(0, 0.01)), 119, start)
    )
    client.log_batch(run.run_id, points, {"num_leaves": 31 + 8 * index, "learning_rate": 0.05})
    client.set_terminated(run.run_id, "FINISHED", end_time=start + 600_000)
    return name, run.run_id


FEATURES = ("tenure_months", "monthly_charges", "support_calls", "plan", "region")


def _customers(rng: np.random.Generator, n: int, shift: float = 0.0) -> pd.DataFrame:
    tenure = rng.gamma(2.2, 12 + shift * 8, n).round().clip(1, 72)
    charges = (rng.normal(64 + shift * 6, 18, n)).round(2).clip(18, 140)
    calls = rng.poisson(1.3 + shift, n)
    plan = rng.choice(["basic", "standard", "premium"], n, p=[0.45, 0.35, 0.2])
    region = rng.choice(["north", "south", "east", "west"], n)
    logit = -1.2 - 0.04 * tenure + 0.015 * charges + 0.45 * calls + np.where(plan == "basic", 0.4, -0.2)
    probability = 1 / (1 + np.exp(-logit))
    churned = (rng.random(n) < probability).astype(int)
    score = np.clip(probability + rng.normal(0, 0.08, n), 0, 1).round(4)
    return pd.DataFrame(
        {
            "tenure_months": tenure,
            "monthly_charges": charges,
            "support_calls": calls,
            "plan": plan,
            "region": region,
            "churned": churned,
            "score": score,
        }
    )


def _predictions(rng: np.random.Generator) -> pd.DataFrame:
    frame = _customers(rng, 250)
    frame.insert(0, "customer_id", [f"C{100_000 + i}" for i in range(len(frame))])
    frame["predicted"] = (frame["score"] >= 0.5).astype(int)
    return frame.rename(columns={"score": "churn_probability", "churned": "actual"})


def _importances(rng: np.random.Generator) -> pd.DataFrame:
    weights = rng.dirichlet(np.ones(len(FEATURES)) * 2)
    frame = pd.DataFrame({"feature": FEATURES, "importance": weights.round(4)})
    return frame.sort_values("importance", ascending=False)


def _report(rng: np.random.Generator) -> mon.ReportResult:
    reference = _customers(rng, 3_000)
    current = _customers(rng, 3_000, shift=0.6)
    report = mon.Report([mon.DataDrift(), mon.DataQuality(), mon.ClassificationPerformance()])
    return report.run(reference=reference, current=current, target="churned", prediction="score")


def as_json(demo: Demo) -> str:
    return json.dumps(demo.__dict__, indent=2)
