"""A first tour of tether: log a small training run, search and read it back, then check new data for drift.

Run with `make demo`. Everything is stored under $TETHER_HOME (default ~/.tether); this script uses a
folder of its own (./.tether-demo) so it never mixes with your real runs.
"""

from __future__ import annotations

import math
import random
import shutil
import sys
import tempfile
from pathlib import Path

import tether as tt

HOME = Path(__file__).resolve().parent.parent / ".tether-demo"


def train(lr: float, depth: int) -> float:
    """A stand-in training loop: the loss decays at a speed set by the hyperparameters."""
    loss = 1.0
    for step in range(1000):
        loss = 1.0 / (1 + step * lr * depth / 3) + random.random() * 0.002
        tt.log_metric("loss", loss, step=step)
        if step % 100 == 0:
            tt.log_metric("accuracy", 1 - loss / 2 + 0.01 * math.log1p(step), step=step)
    return loss


def main() -> None:
    random.seed(7)
    tt.configure(HOME)
    tt.set_experiment("churn")
    for lr, depth in [(0.05, 4), (0.1, 6), (0.2, 8)]:
        with tt.start_run(run_name=f"gbm-lr{lr}-d{depth}") as run:
            tt.log_params({"lr": lr, "depth": depth, "model": "gbm"})
            final = train(lr, depth)
            tt.log_dict(
                {"features": ["tenure", "plan", "monthly_charges"], "final_loss": final}, "features.json"
            )
            with tempfile.TemporaryDirectory() as tmp:
                model = Path(tmp) / "model.txt"
                model.write_text(f"a model trained with lr={lr}, depth={depth}\n")
                tt.log_artifact(model)
        print(f"logged run {run.run_id} ({run.run_name}): final loss {final:.4f}")

    best = tt.search_runs(
        filter="metrics.loss < 0.01 and params.model = 'gbm'", order_by=["metrics.loss ASC"]
    )
    print(f"\n{len(best)} runs reached a loss under 0.01; the best:")
    print(best[["run_name", "metrics.loss", "params.lr", "params.depth"]].to_string(index=False))
    client = tt.Client(HOME)
    top = best.iloc[0]["run_id"]
    print("\nartifacts of the best run:", ", ".join(a.path for a in client.list_artifacts(top)))
    history = client.get_metric_history(top, "loss", max_points=10)
    print("its loss curve, reduced to", len(history), "points:", [round(m.value, 3) for m in history])
    check_drift(top)
    tether = command("tether")
    print(f"\nexplore further: TETHER_HOME={HOME} {tether} runs ls --experiment churn")
    print(f"or in the browser: TETHER_HOME={HOME} {tether} server, then open http://127.0.0.1:5050")


def check_drift(run_id: str) -> None:
    """Compare this week's customers with the training data, and gate on the result as CI would."""
    import numpy as np
    import pandas as pd

    from tether import monitoring as mon

    rng = np.random.default_rng(7)
    n = 5000
    churned = rng.integers(0, 2, n)
    training = pd.DataFrame(
        {
            "tenure": rng.gamma(2.0, 12.0, n),
            "monthly_charges": rng.normal(70, 20, n),
            "plan": rng.choice(["basic", "plus", "pro"], n, p=[0.5, 0.3, 0.2]),
            "churned": churned,
            "score": np.clip(churned * 0.55 + rng.random(n) * 0.5, 0, 1),
        }
    )
    this_week = training.assign(
        monthly_charges=training["monthly_charges"] * 1.25,  # a price rise: this column drifts
        plan=rng.choice(["basic", "plus", "pro"], n, p=[0.3, 0.3, 0.4]),
    )
    suite = mon.TestSuite(
        [mon.DriftedColumnsShare(lt=0.3), mon.MissingShare(None, lt=0.05), mon.Metric("roc_auc", gte=0.8)]
    )
    outcome = suite.run(reference=training, current=this_week, target="churned", prediction="score")
    page = HOME / "drift.html"
    outcome.save_html(page)
    stored = tt.Client(HOME).log_report(run_id, outcome, name="weekly data check")
    drifted = outcome.report.value("number_of_drifted_columns")
    print(f"\nweekly data check: {drifted} columns drifted; suite {'passed' if outcome.passed else 'FAILED'}")
    for test in outcome.tests:
        observed = f"{test.value:.3g}" if isinstance(test.value, float) else test.value
        print(f"  {test.status.upper():5} {test.name}: {test.condition} (observed {observed})")
    print(f"the page: {page}; kept with the best run as report {stored.report_id}")


def command(name: str) -> str:
    """How to run one of this environment's commands from here: on PATH as it is, else by its path."""
    found = Path(sys.executable).parent / name
    if shutil.which(name) == str(found):
        return name
    try:
        return str(found.relative_to(Path.cwd()))
    except ValueError:
        return str(found)


if __name__ == "__main__":
    main()
