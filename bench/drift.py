"""Data drift: tether's DataDrift report against Evidently's DataDriftPreset on the same Parquet files.

Synthetic reference and current data, 20 columns (15 numeric, 5 of them shifted; 5 categorical with 10
levels, 2 of them shifted), fixed seeds, written once to Parquet. Each side runs in a fresh interpreter
of its own: tether in this venv, Evidently 0.7 (which needs pandas < 3) in ``bench/.peer-venv``, made on
first use. Two timings: reading the files plus the report (tether streams the Parquet files in chunks;
Evidently reads them with pandas), and the report alone on data already in memory. Peak RSS is the whole
worker process's. The table also says whether each tool flagged exactly the shifted columns.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c

PEER_VENV = Path(__file__).parent / ".peer-venv"
PEER_PYTHON = PEER_VENV / "bin" / "python"
PEER_PACKAGES = ["evidently==0.7.*", "pandas<3", "pyarrow"]
NUMERIC, SHIFTED_NUMERIC = 15, 5
CATEGORICAL, SHIFTED_CATEGORICAL, LEVELS = 5, 2, 10
EXPECTED = sorted(
    [f"num_{i}" for i in range(SHIFTED_NUMERIC)] + [f"cat_{i}" for i in range(SHIFTED_CATEGORICAL)]
)


def write_data(folder: Path, rows: int) -> tuple[Path, Path]:
    """Reference and current Parquet files; column i of each kind is shifted when i < its shifted count."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = []
    for side, seed in (("reference", 1), ("current", 2)):
        rng = np.random.default_rng(seed)
        shift = side == "current"
        columns: dict[str, Any] = {}
        for i in range(NUMERIC):
            moved = shift and i < SHIFTED_NUMERIC
            if i % 3 == 0:
                columns[f"num_{i}"] = rng.normal(10.0 + (0.5 if moved else 0.0), 2.0, rows)
            elif i % 3 == 1:
                columns[f"num_{i}"] = rng.lognormal(0.4 if moved else 0.0, 0.5, rows)
            else:
                columns[f"num_{i}"] = rng.uniform(0.0, 1.3 if moved else 1.0, rows)
        labels = np.array([f"level_{k}" for k in range(LEVELS)])
        for i in range(CATEGORICAL):
            weights = np.linspace(1.0, 4.0, LEVELS) if shift and i < SHIFTED_CATEGORICAL else np.ones(LEVELS)
            columns[f"cat_{i}"] = labels[rng.choice(LEVELS, rows, p=weights / weights.sum())]
        path = folder / f"{side}.parquet"
        pq.write_table(pa.table(columns), path, row_group_size=131_072)
        paths.append(path)
    return paths[0], paths[1]


# --- workers (each runs in a fresh interpreter) ------------------------------------------------------


class Resident:
    """Samples this process's resident memory every millisecond on a thread, so a worker can tell how much
    a step added above what was resident before it (imports, and data already loaded, excluded).
    /proc is read directly so the peer's venv needs nothing extra."""

    def __init__(self) -> None:
        import os
        import threading

        self._page = os.sysconf("SC_PAGE_SIZE")
        self._peak = self._base = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def now(self) -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._page

    def _sample(self) -> None:
        while not self._stop.wait(0.001):
            self._peak = max(self._peak, self.now())

    def start_step(self) -> None:
        self._peak = self._base = self.now()

    def added_mb(self) -> float:
        """Peak resident memory since ``start_step`` minus what was resident at it, in MB."""
        self._peak = max(self._peak, self.now())
        return (self._peak - self._base) / 1e6

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _warm_tether() -> None:
    """Import what the report will use, so the memory a step adds is the report's own. (SciPy is not among
    it: the distance tests chosen for samples this large are NumPy only.)"""
    import pyarrow.parquet  # noqa: F401

    import tether.monitoring.metrics.drift
    import tether.monitoring.stattests  # noqa: F401


def _flagged(values: dict[str, Any]) -> list[str]:
    return sorted(
        name.split(".", 1)[1] for name, value in values.items() if name.startswith("drifted.") and value
    )


def tether_files(config: dict[str, Any]) -> dict[str, Any]:
    """The report straight from the Parquet paths: read in chunks, never whole in memory."""
    from tether import monitoring as mon

    _warm_tether()
    report = mon.Report([mon.DataDrift()])
    resident = Resident()
    start = time.perf_counter()
    result = report.run(reference=config["reference"], current=config["current"])
    seconds = time.perf_counter() - start
    added = resident.added_mb()
    resident.close()
    return {"seconds": seconds, "added_mb": added, "flagged": _flagged(result.metrics[0].values)}


def tether_memory(config: dict[str, Any]) -> dict[str, Any]:
    """The report on Arrow tables already in memory (reading not timed)."""
    import pyarrow.parquet as pq

    from tether import monitoring as mon

    _warm_tether()
    reference, current = pq.read_table(config["reference"]), pq.read_table(config["current"])
    report = mon.Report([mon.DataDrift()])
    resident = Resident()
    start = time.perf_counter()
    result = report.run(reference=reference, current=current)
    seconds = time.perf_counter() - start
    added = resident.added_mb()
    resident.close()
    return {"seconds": seconds, "added_mb": added, "flagged": _flagged(result.metrics[0].values)}


def evidently_drift(config: dict[str, Any]) -> dict[str, Any]:
    """Evidently's preset on pandas frames; reading the files is timed apart from the report."""
    from importlib import metadata

    import pandas as pd
    from evidently import Report
    from evidently.presets import DataDriftPreset

    report = Report([DataDriftPreset()])
    resident = Resident()
    start = time.perf_counter()
    reference, current = pd.read_parquet(config["reference"]), pd.read_parquet(config["current"])
    read = time.perf_counter()
    read_added = resident.added_mb()
    resident.start_step()
    snapshot = report.run(current_data=current, reference_data=reference)
    document = snapshot.dict()
    seconds = time.perf_counter() - read
    report_added = resident.added_mb()
    resident.close()
    flagged = []
    for metric in document["metrics"]:
        settings = metric["config"]
        if not settings["type"].endswith("ValueDrift"):
            continue
        value, threshold = float(metric["value"]), float(settings["threshold"])
        drifted = value < threshold if "p_value" in settings["method"] else value >= threshold
        if drifted:
            flagged.append(settings["column"])
    return {
        "seconds": seconds,
        "read_s": read - start,
        "report_added_mb": report_added,
        "files_added_mb": read_added + report_added,
        "flagged": sorted(flagged),
        "version": metadata.version("evidently"),
    }


WORKERS: dict[str, c.Worker] = {
    "tether_files": tether_files,
    "tether_memory": tether_memory,
    "evidently": evidently_drift,
}


# --- the benchmark ------------------------------------------------------------------------------------


def peer_python() -> Path:
    """The peer venv's interpreter, making the venv first when it is missing."""
    if not PEER_PYTHON.exists():
        print(f"making {PEER_VENV} for Evidently (once)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_PYTHON), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)
    return PEER_PYTHON


def _peer(config: dict[str, Any]) -> c.WorkerResult:
    finished = c.run_process([str(peer_python()), __file__, "--worker", "evidently", json.dumps(config)])
    lines = [line for line in finished.stdout.splitlines() if line.startswith("BENCH-RESULT ")]
    if finished.returncode != 0 or not lines:
        raise RuntimeError(
            f"the Evidently worker failed (exit {finished.returncode}):\n{finished.stderr[-4000:]}"
        )
    return c.WorkerResult(json.loads(lines[-1][len("BENCH-RESULT ") :]), finished.peak_rss_mb)


def _ratio(peer: float, ours: float) -> str:
    return f"{peer / ours:,.1f}×" if ours > 0 else "n/a"


def bench(quick: bool) -> None:
    sizes = [20_000] if quick else [100_000, 1_000_000]
    repeats = 1 if quick else 3
    print("# Data drift report: tether DataDrift vs Evidently DataDriftPreset")
    print(f"{time.strftime('%Y-%m-%d')} · {c.platform.python_version()} · 20 columns (7 shifted)\n")
    rows: list[tuple[str, str, str, str]] = []
    flagged: list[str] = []
    version = "?"
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="tether-bench-drift-") as folder:
            reference, current = write_data(Path(folder), size)
            config = {"reference": str(reference), "current": str(current)}
            files = [c.run_worker(__file__, "tether_files", config) for _ in range(repeats)]
            memory = [c.run_worker(__file__, "tether_memory", config) for _ in range(repeats)]
            peer = _peer(config)
        version = peer.data["version"]
        label = f"{size:,} rows"
        peer_total = peer.data["read_s"] + peer.data["seconds"]
        for name, ours, peer_s, peer_added in (
            ("read files + report", files, peer_total, peer.data["files_added_mb"]),
            ("report, data in memory", memory, peer.data["seconds"], peer.data["report_added_mb"]),
        ):
            ours_s = c.median([r.data["seconds"] for r in ours])
            ours_mb = max(r.peak_rss_mb for r in ours)
            rows.append((f"{name}, s ({label})", c.number(ours_s), c.number(peer_s), _ratio(peer_s, ours_s)))
            rows.append(
                (
                    f"peak RSS, MB ({name}, {label})",
                    c.number(ours_mb),
                    c.number(peer.peak_rss_mb),
                    _ratio(peer.peak_rss_mb, ours_mb),
                )
            )
            ours_added = max(r.data["added_mb"] for r in ours)
            rows.append(
                (
                    f"memory the work adds, MB ({name}, {label})",
                    c.number(ours_added),
                    c.number(peer_added),
                    _ratio(peer_added, ours_added),
                )
            )
        ok = all(r.data["flagged"] == EXPECTED for r in [*files, *memory])
        rows.append(
            (
                f"flags exactly the 7 shifted columns ({label})",
                "yes" if ok else "NO",
                "yes" if peer.data["flagged"] == EXPECTED else "NO",
                "",
            )
        )
        flagged.append(f"{label}: tether {files[0].data['flagged']}; Evidently {peer.data['flagged']}")
    c.print_markdown(("operation", "tether", "evidently", "ratio"), rows)
    notes = [
        f"Evidently {version} in {PEER_VENV.name} (pandas < 3); tether in this venv.",
        f"tether: median of {repeats} fresh processes per row; Evidently: one process per size, whose read "
        "and report times give both of its rows (its peak RSS is that one process's).",
        "'read files + report': tether reads the Parquet paths itself, in chunks (reference twice: bins, "
        "then counts); Evidently reads them with pandas.read_parquet. 'data in memory': the files were read "
        "before the clock started (tether into Arrow tables, Evidently into pandas frames).",
        "Imports and building the report object happen before the clock starts on both sides; Evidently's "
        "time includes building its result document (snapshot.dict()).",
        "Peak RSS: the worker process's maximum resident memory, imports and data included.",
        "Memory the work adds: the peak resident memory during the timed step minus what was resident just "
        "before it (sampled every millisecond), so imports (and, for 'data in memory', the loaded data) "
        "are not counted. Evidently's read-plus-report figure adds its read's and its report's.",
        *flagged,
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
