"""Serving: `tether serve` beside BentoML 1.4 (adaptive batching) and a plain FastAPI endpoint, same model.

One scikit-learn HistGradientBoostingClassifier (20 numeric features, trained on synthetic data, fixed
seeds) is served three ways, each on a free port of 127.0.0.1 in a process group of its own that is always
stopped. The three run side by side and each level of load goes to each in turn (the others idle), so a
busy spell on the machine falls on all of them alike:

- tether: the package logged with ``tether.Client.log_model`` (skops), ``tether serve runs:/…`` with its
  defaults (adaptive batching, at most 256 rows per predict call, one predict thread);
- BentoML: ``bentoml serve`` on a ``@bentoml.service(workers=1)`` whose ``@bentoml.api(batchable=True,
  max_batch_size=256)`` predicts; its ``max_latency_ms`` stays at BentoML's default, as BentoML cancels
  (503) requests it expects to miss that bound, where tether's bound only limits how long it holds a batch;
  access logging is off, as in the other two. BentoML conflicts with our pins, so it runs from
  ``bench/.venv-bentoml``, made on first use, with the same scikit-learn, pandas, NumPy, uvloop and
  httptools versions as this venv;
- FastAPI: one uvicorn process, a ``def`` endpoint (FastAPI runs it on its thread pool) that calls the
  model's ``predict`` once per request.

The peers load the same fitted estimator from a joblib file; all three build a DataFrame with the
feature names and predict on it, and all must return the estimator's own labels for 200 requests before
any load is sent. Every server gets the same request bodies: ``{"instances": [[20 numbers]]}``, one row.

Load comes from a separate process (a worker of this script): C asyncio tasks on uvloop, each with one
keep-alive HTTP/1.1 connection, sending a request as soon as the previous answer is in (closed loop), at
C = 1, 16 and 64, for 15 s each after a 3 s warm-up. The client is a few lines over asyncio streams rather
than httpx, as it shares the machine's two cores with the server: it spends about 30 µs of CPU a request,
where httpx's AsyncClient with 64 tasks on one pool spent about 7 ms and could not send more than about
150 requests/s. Every process (client and servers) runs with OMP_NUM_THREADS=1 (also
OpenBLAS and MKL): one server process each, so no server gets more cores than another, and the client
always has the rest.

Then a torch MLP (64 → 256 → 256 → 1, safetensors) served by tether at C = 64, with batching (defaults)
and without (``--max-batch-rows 1``): rows per second for both.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import _common as c

FEATURES = 20
COLUMNS = [f"f{i}" for i in range(FEATURES)]
TRAIN_ROWS = 20_000
REQUEST_ROWS = 1024
"""Distinct single-row bodies each client cycles through."""
CHECKED_REQUESTS = 200
LEVELS = (1, 16, 64)
MLP_INIT = {"inputs": 64, "width": 256, "depth": 2, "outputs": 1}
MLP_CONCURRENCY = 64
MLP_VARIANTS: dict[str, tuple[str, ...]] = {"batching": (), "no-batching": ("--max-batch-rows", "1")}
TETHER_PATH = "/v1/models/m/predict"
FULL = {"warmup_s": 3.0, "duration_s": 15.0}
QUICK = {"warmup_s": 0.5, "duration_s": 2.0}
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
TARGET_SPEEDUP, TARGET_P99_MS, TARGET_P50_GAP_MS = 2.0, 272.0, 1.0

HERE = Path(__file__).resolve().parent
PEER_VENV = HERE / ".venv-bentoml"
PEER_BIN = PEER_VENV / "bin"
PINNED_LIKE_OURS = ("scikit-learn", "pandas", "numpy", "uvloop", "httptools")

BENTOML_SERVICE = textwrap.dedent(
    f"""\
    import os

    import bentoml
    import joblib
    import numpy as np
    import pandas as pd

    COLUMNS = {COLUMNS!r}


    @bentoml.service(workers=1, logging={{"access": {{"enabled": False}}}})
    class HGB:
        def __init__(self) -> None:
            self.model = joblib.load(os.environ["BENCH_MODEL"])

        @bentoml.api(batchable=True, max_batch_size=256)
        def predict(self, instances: np.ndarray) -> np.ndarray:
            return self.model.predict(pd.DataFrame(instances, columns=COLUMNS))
    """
)

FASTAPI_APP = textwrap.dedent(
    f"""\
    import os

    import joblib
    import pandas as pd
    from fastapi import FastAPI
    from pydantic import BaseModel

    COLUMNS = {COLUMNS!r}
    model = joblib.load(os.environ["BENCH_MODEL"])
    app = FastAPI()


    class Body(BaseModel):
        instances: list[list[float]]


    @app.post("/predict")
    def predict(body: Body) -> dict[str, list[int]]:
        return {{"predictions": model.predict(pd.DataFrame(body.instances, columns=COLUMNS)).tolist()}}


    @app.get("/health")
    def health() -> dict[str, str]:
        return {{"status": "ok"}}
    """
)


# --- workers (each runs in a fresh interpreter) ------------------------------------------------------


def prepare(config: dict[str, Any]) -> dict[str, Any]:
    """Train the model, log it and the MLP with tether, dump the estimator for the peers, and write the
    request rows with the answers every server must give."""
    import joblib  # type: ignore[import-untyped]
    import numpy as np
    import pandas as pd
    import torch
    from sklearn.ensemble import HistGradientBoostingClassifier

    import tether
    from _nets import MLP

    folder = Path(config["folder"])
    rng = np.random.default_rng(7)
    train = pd.DataFrame(rng.normal(size=(TRAIN_ROWS, FEATURES)), columns=COLUMNS)
    noise = rng.normal(scale=0.3, size=TRAIN_ROWS)
    labels = (train.f0 + 0.5 * train.f1 - train.f2 * train.f3 + noise > 0).astype(int)
    model = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)
    model.fit(train, labels)
    rows = np.round(np.random.default_rng(8).normal(size=(REQUEST_ROWS, FEATURES)), 6)
    joblib.dump(model, folder / "hgb.joblib")

    torch.manual_seed(0)
    mlp = MLP(**MLP_INIT).eval()
    tensors = np.round(np.random.default_rng(9).normal(size=(REQUEST_ROWS, 64)), 6).astype("float32")
    with torch.inference_mode():
        scores = mlp(torch.from_numpy(tensors)).numpy()[:, 0]

    client = tether.Client(home=str(folder / "store"))
    run_id = client.create_run(experiment_id="0").run_id
    hgb_uri = client.log_model(run_id, model, name="hgb", input_example=train.head(5)).model_uri
    mlp_uri = client.log_model(
        run_id, mlp, name="mlp", input_example=tensors[:5], options={"init": MLP_INIT}
    ).model_uri
    data = {
        "hgb": {
            "rows": rows.tolist(),
            "expected": model.predict(pd.DataFrame(rows, columns=COLUMNS)).tolist(),
        },
        "mlp": {"rows": tensors.tolist(), "expected": scores.tolist()},
    }
    (folder / "requests.json").write_text(json.dumps(data))
    return {"hgb": hgb_uri, "mlp": mlp_uri}


def load(config: dict[str, Any]) -> dict[str, Any]:
    """Closed-loop load on one server: check its answers first when asked, then warm up and measure."""
    import resource

    import uvloop

    result: dict[str, Any] = uvloop.run(_load(config))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["client_cpu_s"] = usage.ru_utime + usage.ru_stime
    return result


class _Window:
    """Which answers count: those to requests sent after the warm-up and answered before the end."""

    def __init__(self, warmup_s: float, duration_s: float) -> None:
        now = time.perf_counter()
        self.start = now + warmup_s
        self.end = self.start + duration_s
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.answers = 0
        """Every answer, warm-up included, to share out the server's CPU time."""

    def over(self) -> bool:
        return time.perf_counter() >= self.end

    def record(self, sent: float, answered: float, outcome: str) -> None:
        if outcome.isdigit():
            self.answers += 1
        if sent < self.start or answered > self.end:
            return
        if outcome == "200":
            self.latencies.append(answered - sent)
        else:
            self.errors[outcome] = self.errors.get(outcome, 0) + 1


async def _load(config: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    data = json.loads(Path(config["data"]).read_text())[config["model"]]
    port, path = config["port"], config["path"]
    requests = [_request(port, path, {"instances": [row]}) for row in data["rows"]]
    checked = await _check(port, requests[:CHECKED_REQUESTS], data["expected"]) if config["check"] else 0
    window = _Window(config["warmup_s"], config["duration_s"])
    concurrency = config["concurrency"]
    tasks = [
        asyncio.create_task(_client(port, requests[i::concurrency] or requests, window))
        for i in range(concurrency)
    ]
    _done, unfinished = await asyncio.wait(tasks, timeout=window.end - time.perf_counter() + 30)
    for task in unfinished:
        task.cancel()
    if unfinished:
        window.errors["unanswered after 30 s"] = len(unfinished)
    latencies_ms = np.array(window.latencies) * 1000
    return {
        "rate": len(latencies_ms) / config["duration_s"],
        "answers": window.answers + checked,
        "errors": window.errors,
        "p50_ms": float(np.percentile(latencies_ms, 50)) if len(latencies_ms) else float("nan"),
        "p99_ms": float(np.percentile(latencies_ms, 99)) if len(latencies_ms) else float("nan"),
    }


def _request(port: int, path: str, document: Any) -> bytes:
    body = json.dumps(document, separators=(",", ":")).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _exchange(stream: Stream, request: bytes) -> tuple[int, bytes, bool]:
    """One request on a keep-alive connection: status, body, and whether the server closes it."""
    reader, writer = stream
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status, length, chunked, close = int(head[9:12]), 0, False, False
    for line in head[:-4].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            close = value == b"close"
    body = await _chunked(reader) if chunked else await reader.readexactly(length)
    return status, body, close


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    """A body sent in chunks, as any HTTP/1.1 server may answer."""
    parts = []
    while size := int((await reader.readline()).split(b";")[0], 16):
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
    await reader.readline()  # the empty line after the last chunk (no trailers are sent here)
    return b"".join(parts)


async def _client(port: int, requests: Sequence[bytes], window: _Window) -> None:
    """One connection sending requests back to back until the window ends; reconnects after a failure."""
    stream: Stream | None = None
    index = 0
    while not window.over():
        if stream is None:
            try:
                stream = await asyncio.open_connection("127.0.0.1", port)
            except OSError as error:
                window.record(time.perf_counter(), time.perf_counter(), type(error).__name__)
                await asyncio.sleep(0.05)
                continue
        request = requests[index % len(requests)]
        index += 1
        sent = time.perf_counter()
        try:
            status, _, close = await _exchange(stream, request)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            window.record(sent, time.perf_counter(), type(error).__name__)
            stream[1].close()
            stream = None
            continue
        window.record(sent, time.perf_counter(), str(status))
        if close:
            stream[1].close()
            stream = None
    if stream is not None:
        stream[1].close()


async def _check(port: int, requests: Sequence[bytes], expected: Sequence[float]) -> int:
    """Each request's answer must be the model's own prediction for its row (labels exactly, MLP scores
    to float32 precision); returns how many were checked."""
    stream = await asyncio.open_connection("127.0.0.1", port)
    try:
        for index, request in enumerate(requests):
            status, body, _ = await _exchange(stream, request)
            answer = _first_number(json.loads(body)) if status == 200 else None
            if answer is None or abs(answer - expected[index]) > 1e-4 * max(1.0, abs(expected[index])):
                raise RuntimeError(
                    f"request {index}: status {status}, {body[:300]!r}; expected {expected[index]}"
                )
    finally:
        stream[1].close()
    return len(requests)


def _first_number(document: Any) -> float | None:
    """The prediction in an answer: ``{"predictions": [[x]]}``, ``[x]`` and the like."""
    if isinstance(document, dict):
        document = document.get("predictions")
    while isinstance(document, list) and document:
        document = document[0]
    return float(document) if isinstance(document, (int, float)) else None


WORKERS: dict[str, c.Worker] = {"prepare": prepare, "load": load}


# --- the servers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A running server, the path it predicts on, and which request rows (``requests.json``) it takes."""

    server: c.Server
    path: str
    model: str


def _env(**extra: str) -> dict[str, str]:
    """Every server's environment: no TETHER_* setting of this shell, one thread for the maths libraries."""
    return c.tether_env(**THREADS, **extra)


@contextlib.contextmanager
def tether_target(folder: Path, uri: str, model: str, *options: str) -> Iterator[Target]:
    """``tether serve`` on a logged model; ``_nets`` (the MLP's class) importable from bench/."""
    port = c.free_port()
    command = [
        *(str(c.BIN / "tether"), "serve", uri, "--name", "m", "--port", str(port)),
        *("--log-level", "warning", *options),
    ]
    env = _env(TETHER_HOME=str(folder.parent / "store"), PYTHONPATH=str(HERE))
    with c.serve_process(command, env, folder, port) as server:
        yield Target(server, TETHER_PATH, model)


@contextlib.contextmanager
def bentoml_target(folder: Path) -> Iterator[Target]:
    """``bentoml serve`` from BentoML's own venv on a service file written into ``folder``."""
    (folder / "service.py").write_text(BENTOML_SERVICE)
    port = c.free_port()
    command = [str(PEER_BIN / "bentoml"), "serve", "service:HGB", "--host", "127.0.0.1", "--port", str(port)]
    env = _env(
        BENCH_MODEL=str(folder.parent / "hgb.joblib"),
        BENTOML_HOME=str(folder / "bentoml-home"),
        BENTOML_DO_NOT_TRACK="True",
    )
    with c.serve_process(command, env, folder, port, health="/readyz") as server:
        yield Target(server, "/predict", "hgb")


@contextlib.contextmanager
def fastapi_target(folder: Path) -> Iterator[Target]:
    """uvicorn (this venv's) on a FastAPI app file written into ``folder``."""
    (folder / "fastapi_app.py").write_text(FASTAPI_APP)
    port = c.free_port()
    command = [
        *(str(c.BIN / "uvicorn"), "fastapi_app:app", "--host", "127.0.0.1", "--port", str(port)),
        *("--log-level", "warning", "--no-access-log"),
    ]
    env = _env(BENCH_MODEL=str(folder.parent / "hgb.joblib"))
    with c.serve_process(command, env, folder, port) as server:
        yield Target(server, "/predict", "hgb")


def peer_bin() -> Path:
    """BentoML's venv, made (or brought in line with this venv's versions) when its requirements changed."""
    wanted = ["bentoml>=1.4,<1.5", *(f"{name}=={metadata.version(name)}" for name in PINNED_LIKE_OURS)]
    stamp = PEER_VENV / "bench-requirements.txt"
    if not stamp.exists() or stamp.read_text().split() != wanted:
        print(f"making {PEER_VENV} for BentoML…", file=sys.stderr)
        if not (PEER_BIN / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_BIN / "python"), "-m", "pip", "install", "--quiet", *wanted], check=True)
        stamp.write_text("\n".join(wanted))
    return PEER_BIN


def _bentoml_version() -> str:
    script = "from importlib.metadata import version; print(version('bentoml'))"
    return subprocess.run(
        [str(PEER_BIN / "python"), "-c", script], check=True, capture_output=True, text=True
    ).stdout.strip()


# --- measuring ----------------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by a server: its first process and every process under it."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for process in (root, *root.children(recursive=True)):
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def _batches(server: c.Server) -> tuple[float, float]:
    """tether's predict calls so far and the rows they held, from its Prometheus metrics."""
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/metrics", timeout=10) as response:
        text = response.read().decode()
    found = {"count": 0.0, "sum": 0.0}
    for line in text.splitlines():
        if line.startswith("tether_batch_rows_"):
            name, _, value = line.partition(" ")
            found[name.split("{")[0].rsplit("_", 1)[1]] = float(value)
    return found["count"], found["sum"]


def measure(
    target: Target, concurrency: int, timing: dict[str, float], data: Path, check: bool
) -> dict[str, Any]:
    """One level of load from a fresh client process, with the server's CPU time over it."""
    server = target.server
    tether = target.path == TETHER_PATH
    batches = _batches(server) if tether else (0.0, 0.0)
    cpu, start = _cpu_seconds(server.pid), time.perf_counter()
    config = {
        **timing,
        **{"port": int(server.url.rsplit(":", 1)[1]), "path": target.path, "model": target.model},
        **{"data": str(data), "check": check, "concurrency": concurrency},
    }
    found = c.run_worker(__file__, "load", config, env=c.child_env(**THREADS)).data
    spent, cpu = time.perf_counter() - start, _cpu_seconds(server.pid) - cpu
    found["server_cpu_ms"] = cpu * 1000 / max(found["answers"], 1)
    found["server_cores"] = cpu / spent
    found["client_cores"] = found["client_cpu_s"] / spent
    if tether:
        calls, rows = (after - before for after, before in zip(_batches(server), batches, strict=True))
        found["rows_per_call"] = rows / calls if calls else float("nan")
    return found


def rounds(
    targets: dict[str, Target], levels: Sequence[int], timing: dict[str, float], data: Path
) -> dict[str, dict[int, dict[str, Any]]]:
    """Each level on every server in turn, so that a busy spell on the machine falls on all of them alike;
    the first level also checks every server's answers."""
    found: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in targets}
    for index, level in enumerate(levels):
        for name, target in targets.items():
            found[name][level] = measure(target, level, timing, data, check=index == 0)
    return found


def _folder(root: Path, name: str) -> Path:
    """A folder of one server's own (its log, its service file) under ``root``."""
    folder = root / name
    folder.mkdir()
    return folder


def bench(quick: bool) -> None:
    timing = QUICK if quick else FULL
    bin_dir = peer_bin()
    c.header(
        "Serving: tether serve beside BentoML and plain FastAPI (single-row JSON, closed loop)",
        ("tether", "fastapi", "uvicorn", "scikit-learn", "torch"),
    )
    print(f"BentoML {_bentoml_version()} in {bin_dir.parent.name}\n")
    with c.fresh_dir("serving") as root:
        uris = c.run_worker(__file__, "prepare", {"folder": str(root)}).data
        data = root / "requests.json"
        with contextlib.ExitStack() as stack:
            targets = {
                "tether": stack.enter_context(tether_target(_folder(root, "tether"), uris["hgb"], "hgb")),
                "bentoml": stack.enter_context(bentoml_target(_folder(root, "bentoml"))),
                "fastapi": stack.enter_context(fastapi_target(_folder(root, "fastapi"))),
            }
            found = rounds(targets, LEVELS, timing, data)
        with contextlib.ExitStack() as stack:
            targets = {
                name: stack.enter_context(tether_target(_folder(root, name), uris["mlp"], "mlp", *options))
                for name, options in MLP_VARIANTS.items()
            }
            runs = rounds(targets, (MLP_CONCURRENCY,), timing, data)
            mlp = {name: levels[MLP_CONCURRENCY] for name, levels in runs.items()}
    report(found, mlp, timing)


# --- the report ---------------------------------------------------------------------------------------


def _rows(
    tether: dict[int, dict[str, Any]], peer: dict[int, dict[str, Any]]
) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for level in LEVELS:
        t, p = tether[level], peer[level]
        for row in (
            c.higher_better(f"c={level}: requests/s", t["rate"], p["rate"]),
            c.lower_better(f"c={level}: p50 latency, ms", t["p50_ms"], p["p50_ms"]),
            c.lower_better(f"c={level}: p99 latency, ms", t["p99_ms"], p["p99_ms"]),
            c.lower_better(f"c={level}: server CPU per request, ms", t["server_cpu_ms"], p["server_cpu_ms"]),
        ):
            rows.append((row.operation, row.tether, row.mlflow, row.ratio))
        rows.append((f"c={level}: errors", _errors(t), _errors(p), ""))
    return rows


def _errors(found: dict[str, Any]) -> str:
    errors: dict[str, int] = found["errors"]
    return ", ".join(f"{count:,} × {kind}" for kind, count in sorted(errors.items())) or "0"


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def report(
    found: dict[str, dict[int, dict[str, Any]]], mlp: dict[str, dict[str, Any]], timing: dict[str, float]
) -> None:
    batched, single = mlp["batching"], mlp["no-batching"]
    tether = found["tether"]
    for peer, label in (("bentoml", "BentoML"), ("fastapi", "FastAPI (plain, one process)")):
        print(f"\n## HistGradientBoostingClassifier: tether against {label}\n")
        c.print_markdown(("operation", "tether", peer, "ratio"), _rows(tether, found[peer]))
    print("\n## torch MLP 64 → 256 → 256 → 1, tether, c=64: adaptive batching against --max-batch-rows 1\n")
    rows = [
        c.higher_better("rows/s", batched["rate"], single["rate"]),
        c.lower_better("p50 latency, ms", batched["p50_ms"], single["p50_ms"]),
        c.lower_better("p99 latency, ms", batched["p99_ms"], single["p99_ms"]),
        c.lower_better("server CPU per row, ms", batched["server_cpu_ms"], single["server_cpu_ms"]),
    ]
    table = [(r.operation, r.tether, r.mlflow, r.ratio) for r in rows]
    table.append(("errors", _errors(batched), _errors(single), ""))
    c.print_markdown(("operation", "batching", "no batching", "ratio"), table)

    top, low = max(LEVELS), min(LEVELS)
    speedup = tether[top]["rate"] / found["bentoml"][top]["rate"]
    p99 = tether[top]["p99_ms"]
    gap = tether[low]["p50_ms"] - found["fastapi"][low]["p50_ms"]
    print("\nTargets:")
    met = _verdict(speedup >= TARGET_SPEEDUP)
    print(f"- c={top}: tether ≥ {TARGET_SPEEDUP:.0f}× BentoML's requests/s: {speedup:.2f}× — {met}")
    print(f"- c={top}: tether p99 ≤ {TARGET_P99_MS:.0f} ms: {p99:.1f} ms — {_verdict(p99 <= TARGET_P99_MS)}")
    print(
        f"- c={low}: tether p50 within {TARGET_P50_GAP_MS:.0f} ms of FastAPI's: {gap:+.2f} ms "
        f"({tether[low]['p50_ms']:.2f} against {found['fastapi'][low]['p50_ms']:.2f}) — "
        f"{_verdict(gap <= TARGET_P50_GAP_MS)}"
    )
    per_call = ", ".join(f"c={level}: {tether[level]['rows_per_call']:.1f}" for level in LEVELS)
    cores = ", ".join(
        f"{tool} {max(r['server_cores'] for r in levels.values()):.2f}" for tool, levels in found.items()
    )
    client = max(r["client_cores"] for levels in found.values() for r in levels.values())
    notes = [
        f"{timing['duration_s']:g} s per level after a {timing['warmup_s']:g} s warm-up; requests/s "
        "counts 200 answers only; latency from the request's first byte out to its answer's last byte in.",
        f"tether's rows per predict call (from its metrics): {per_call}; MLP with batching "
        f"{batched['rows_per_call']:.1f}.",
        f"server CPU, most cores used at any level: {cores}; the client used at most {client:.2f} cores.",
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
