"""A first tour of tether: log a small training run, then search and read it back.

Run with `make demo`. Everything is stored under $TETHER_HOME (default ~/.tether); this script uses a
folder of its own (./.tether-demo) so it never mixes with your real runs.
"""

from __future__ import annotations

import math
import random
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
    print(f"\nexplore further: TETHER_HOME={HOME} tether runs ls --experiment churn")


if __name__ == "__main__":
    main()
