"""Web UI: 100,000 runs in one experiment and a 1,000,000-point metric, in tether's UI and MLflow's.

Both stores get the same runs as ``bench/server_search.py`` makes them (10 params, 10 metrics and 3 tags
each, one seeded generator; tether's through ``tether.Client`` and its ``log_batch``, MLflow's written in
bulk with its own SQLAlchemy models), plus, in an experiment of its own, one run with a metric of
1,000,000 points (tether: ``log_batch`` in calls of 100,000 points; MLflow: the rows its ``log_batch``
writes). Each tool's server (``tether server``, ``mlflow server --workers 1``) then serves its own UI,
and Debian's Chromium, driven by playwright, measures in a fresh browser context each time:

- **first rows**: from navigation to the experiment's page until the runs table shows its first rows;
- **filter + sort**: with the table shown and a filter typed in the search box, from applying it (Enter)
  and clicking a metric's column header until the table shows the filtered runs in that metric's order
  (the first row is the run the API puts first);
- **1M-point chart**: from navigation to the run's page until the metric's chart is drawn (a canvas with
  non-background pixels, or an SVG with a drawn line).

Times are read in the page (``performance.now()``, polled every animation frame) and are medians of
several tries; a step that does not finish within 60 s is reported as such.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import _common as c
import server_search

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
STEP_LIMIT_S = 60
FILTER = "params.p0 = 'v3'"
SORT_METRIC = "m1"
CHART_METRIC = "loss"
CHART_BATCH = 100_000
FIRST_STAMP_MS = server_search.FIRST_START_MS


def _chart_values(points: int) -> Iterator[tuple[int, float, int]]:
    """(step, value, timestamp) of the big metric: a noisy decaying loss, the same for both tools."""
    import numpy as np

    rng = np.random.default_rng(11)
    for first in range(0, points, CHART_BATCH):
        steps = np.arange(first, min(points, first + CHART_BATCH))
        values = 0.1 + 2.0 * np.exp(-steps / (points / 6)) + rng.normal(0, 0.02, steps.size)
        yield from zip(steps.tolist(), values.tolist(), (FIRST_STAMP_MS + steps).tolist(), strict=True)


# --- workers that fill the stores (each in a fresh interpreter) --------------------------------------


def tether_chart(config: dict[str, Any]) -> dict[str, Any]:
    """One run holding ``points`` points of one metric, logged through ``tether.Client.log_batch``."""
    import itertools

    import tether

    client = tether.Client(home=config["store"])
    experiment_id = client.create_experiment("chart")
    run_id = client.create_run(experiment_id, run_name="long-training", start_time=FIRST_STAMP_MS).run_id
    points = _chart_values(config["points"])
    while batch := list(itertools.islice(points, CHART_BATCH)):
        client.log_batch(run_id, [(CHART_METRIC, value, step, stamp) for step, value, stamp in batch])
    client.set_terminated(run_id, "FINISHED", FIRST_STAMP_MS + config["points"])
    return {"experiment_id": experiment_id, "run_id": run_id}


def mlflow_chart(config: dict[str, Any]) -> dict[str, Any]:
    """The same run in MLflow: the rows its ``log_batch`` writes, inserted in bulk."""
    import itertools

    from mlflow import MlflowClient
    from mlflow.store.tracking.dbmodels.models import SqlLatestMetric, SqlMetric
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
    from sqlalchemy import insert

    client = MlflowClient(tracking_uri=config["store"])
    experiment_id = client.create_experiment("chart")
    run_id = client.create_run(experiment_id, start_time=FIRST_STAMP_MS, run_name="long-training").info.run_id
    store = SqlAlchemyStore(config["store"], config["artifact_root"])
    points = _chart_values(config["points"])
    last: dict[str, Any] = {}
    while batch := list(itertools.islice(points, CHART_BATCH)):
        rows = [
            {"run_uuid": run_id, "key": CHART_METRIC, "value": v, "timestamp": t, "step": s, "is_nan": False}
            for s, v, t in batch
        ]
        last = rows[-1]
        with store.ManagedSessionMaker(read_only=False) as session:
            session.execute(insert(SqlMetric), rows)
    with store.ManagedSessionMaker(read_only=False) as session:
        session.execute(insert(SqlLatestMetric), [last])
    client.set_terminated(run_id, "FINISHED", FIRST_STAMP_MS + config["points"])
    return {"experiment_id": experiment_id, "run_id": run_id}


WORKERS: dict[str, c.Worker] = {
    "tether_build": server_search.tether_build,
    "mlflow_build": server_search.mlflow_build,
    "mlflow_bulk": server_search.mlflow_bulk,
    "tether_chart": tether_chart,
    "mlflow_chart": mlflow_chart,
}


class Stores:
    """One folder per tool with its SQLite file; the runs experiment and the chart run in each."""

    def __init__(self, tether_dir: Path, mlflow_dir: Path) -> None:
        self.folder = {"tether": tether_dir, "mlflow": mlflow_dir}
        self.url = {
            "tether": f"sqlite:///{tether_dir / 'tether.db'}",
            "mlflow": f"sqlite:///{mlflow_dir / 'mlflow.db'}",
        }
        self.experiment_id: dict[str, str] = {}
        self.chart: dict[str, dict[str, str]] = {}

    def build(self, runs: int, points: int) -> float:
        """Fill both stores, the two tools at the same time; returns the seconds it took."""
        start = time.perf_counter()
        artifacts = str(self.folder["mlflow"] / "mlartifacts")
        tether = {"store": str(self.folder["tether"]), "experiment_id": None, "first": 0, "last": runs}
        mlflow = {"store": self.url["mlflow"], "experiment_id": None, "artifact_root": artifacts}
        with ThreadPoolExecutor(2) as pool:
            tether_runs = pool.submit(c.run_worker, __file__, "tether_build", tether)
            made = c.run_worker(__file__, "mlflow_build", {**mlflow, "first": 0, "last": 0}).data
            mlflow = {**mlflow, "experiment_id": made["experiment_id"], "first": 0, "last": runs}
            c.run_worker(__file__, "mlflow_bulk", mlflow)
            self.chart["mlflow"] = c.run_worker(
                __file__,
                "mlflow_chart",
                {"store": self.url["mlflow"], "artifact_root": artifacts, "points": points},
            ).data
            self.experiment_id["tether"] = tether_runs.result().data["experiment_id"]
        self.experiment_id["mlflow"] = made["experiment_id"]
        self.chart["tether"] = c.run_worker(
            __file__, "tether_chart", {"store": str(self.folder["tether"]), "points": points}
        ).data
        return time.perf_counter() - start


def expected_names(runs: int) -> dict[str, str]:
    """The run each view must show first: the newest run, the newest run that passes the filter, and the
    filtered run with the largest m1. They must differ, or a view could pass for another."""
    best = ("", -1.0)
    newest_filtered = ""
    for _, name, metrics, params, _ in server_search._runs(0, runs):
        if params["p0"] == "v3":
            newest_filtered = name
            if metrics[SORT_METRIC] > best[1]:
                best = (name, metrics[SORT_METRIC])
    names = {"first": f"run-{runs - 1:06d}", "filtered": newest_filtered, "sorted": best[0]}
    if len(set(names.values())) != len(names):
        raise RuntimeError(f"the views' first runs must differ: {names}")
    return names


# --- what each tool's UI looks like to the browser ---------------------------------------------------

ROW_WITH_NAME = {
    # The runs grid of tether's UI: one element per run with a data-run-id, its name in a link.
    "tether": "name => { const row = document.querySelector('[role=grid] [role=row][data-run-id]');"
    " return row && row.textContent.includes(name) ? performance.now() : false }",
    # MLflow's ag-grid: the first row's "Run Name" cell (the pinned-left column).
    "mlflow": "name => { const cell = document.querySelector("
    '\'.ag-pinned-left-cols-container .ag-row[row-index="0"] [col-id="attributes.`Run Name`"]\');'
    " return cell && cell.textContent.includes(name) ? performance.now() : false }",
}
CHART_DRAWN = {
    # tether draws metrics on a canvas (uPlot): wait for coloured pixels (axes and grid are grey).
    "tether": """() => {
        for (const canvas of document.querySelectorAll('main canvas')) {
            if (canvas.width === 0 || canvas.height === 0) continue
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
            let coloured = 0
            for (let i = 0; i < pixels.length; i += 16) {
                const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]]
                if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1
            }
            if (coloured > 50) return performance.now()
        }
        return false
    }""",
    # MLflow draws with plotly (SVG): wait for the trace's line path.
    "mlflow": """() => {
        for (const line of document.querySelectorAll('.js-plotly-plot path.js-line')) {
            if ((line.getAttribute('d') || '').length > 200) return performance.now()
        }
        return false
    }""",
}
ARM = """kind => {
    window.__benchMark = null
    const mark = event => {
        if (kind === 'keydown' && event.key !== 'Enter') return
        window.__benchMark = event.timeStamp
        document.removeEventListener(kind, mark, true)
    }
    document.addEventListener(kind, mark, true)
}"""
"""Note the time of the next Enter key (or click) as the page receives it, before the UI handles it."""


def experiment_url(tool: str, base: str, experiment_id: str) -> str:
    if tool == "tether":
        return f"{base}/experiments/{experiment_id}"
    return f"{base}/#/experiments/{experiment_id}/runs"


def run_url(tool: str, base: str, experiment_id: str, run_id: str) -> str:
    if tool == "tether":
        return f"{base}/experiments/{experiment_id}/runs/{run_id}?tab=metrics"
    return f"{base}/#/experiments/{experiment_id}/runs/{run_id}/model-metrics"


def type_filter(tool: str, page: Any) -> None:
    """Type the filter into the search box and press Enter (the Enter is the moment timed from)."""
    box = (
        page.get_by_role("combobox", name="Filter runs")
        if tool == "tether"
        else page.get_by_test_id("search-box")
    )
    box.fill(FILTER)
    page.evaluate(ARM, "keydown")
    box.press("Enter")


def sort_by_metric(tool: str, page: Any) -> None:
    """Sort by the metric, largest first: tether's column header; MLflow's sort menu, then its item
    (the click on the header or the item is the moment timed from)."""
    if tool == "tether":
        target = page.get_by_title(f"Sort by metrics.{SORT_METRIC}")
    else:
        page.get_by_role("button", name="Sort: Created").click()
        page.get_by_placeholder("Search", exact=True).fill(SORT_METRIC)
        target = page.get_by_text(SORT_METRIC, exact=True)
    target.wait_for()
    page.evaluate(ARM, "click")
    target.click()


class Timer:
    """One Chromium for the whole benchmark; every try in a fresh context (no cache, no stored state)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser

    @contextlib.contextmanager
    def page(self) -> Iterator[Any]:
        context = self.browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(STEP_LIMIT_S * 1000)
        try:
            yield context.new_page()
        finally:
            context.close()

    @staticmethod
    def until(page: Any, script: str, arg: Any = None) -> float:
        """``performance.now()`` when ``script`` first holds, checked every animation frame."""
        handle = page.wait_for_function(script, arg=arg, polling="raf", timeout=STEP_LIMIT_S * 1000)
        return float(handle.json_value())

    def since_mark(self, page: Any, tool: str, name: str) -> float:
        """Milliseconds from the marked key press or click until the first row is run ``name``."""
        shown = self.until(page, ROW_WITH_NAME[tool], name)
        return shown - float(page.evaluate("window.__benchMark"))

    def first_rows(self, tool: str, url: str, names: dict[str, str]) -> dict[str, float]:
        with self.page() as page:
            page.goto(url, wait_until="commit")
            return {"first_rows": self.until(page, ROW_WITH_NAME[tool], names["first"])}

    def filter_and_sort(self, tool: str, url: str, names: dict[str, str]) -> dict[str, float]:
        with self.page() as page:
            page.goto(url, wait_until="commit")
            self.until(page, ROW_WITH_NAME[tool], names["first"])
            type_filter(tool, page)
            filtered = self.since_mark(page, tool, names["filtered"])
            sort_by_metric(tool, page)
            ordered = self.since_mark(page, tool, names["sorted"])
            return {"filter": filtered, "sort": ordered, "filter_sort": filtered + ordered}

    def chart(self, tool: str, url: str) -> dict[str, float]:
        with self.page() as page:
            page.goto(url, wait_until="commit")
            return {"chart": self.until(page, CHART_DRAWN[tool])}


Measured = dict[str, list[float] | None]


def measure(step: Callable[[], dict[str, float]], figures: tuple[str, ...], repeats: int) -> Measured:
    """Milliseconds of ``repeats`` tries after one warm-up try, per figure; None for every figure of a
    step that did not finish within the limit."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    found: dict[str, list[float]] = {figure: [] for figure in figures}
    try:
        step()
        for _ in range(repeats):
            for figure, value in step().items():
                found[figure].append(value)
    except PlaywrightTimeout:
        return dict.fromkeys(figures, None)
    return dict(found)


def _measure_tool(tool: str, stores: Stores, timer: Timer, names: dict[str, str], repeats: int) -> Measured:
    """Each step through a new server of ``tool``: a step abandoned at the limit may leave its server busy
    with the request (MLflow's one worker), and leaving the ``with`` stops it whatever it is doing."""
    folder, db_url = stores.folder[tool], stores.url[tool]
    chart = stores.chart[tool]
    steps: list[tuple[tuple[str, ...], Callable[[str], dict[str, float]]]] = [
        (
            ("first_rows",),
            lambda base: timer.first_rows(
                tool, experiment_url(tool, base, stores.experiment_id[tool]), names
            ),
        ),
        (
            ("filter", "sort", "filter_sort"),
            lambda base: timer.filter_and_sort(
                tool, experiment_url(tool, base, stores.experiment_id[tool]), names
            ),
        ),
        (
            ("chart",),
            lambda base: timer.chart(tool, run_url(tool, base, chart["experiment_id"], chart["run_id"])),
        ),
    ]
    found: Measured = {}
    for figures, step in steps:
        serve = c.tether_server(folder, db_url) if tool == "tether" else c.mlflow_server(folder, db_url)
        with serve as server:
            found.update(measure(lambda step=step, url=server.url: step(url), figures, repeats))
    return found


LABELS = {
    "first_rows": "{runs} runs: navigation to the table's first rows, ms",
    "filter": "{runs} runs: filter (Enter) to filtered rows shown, ms",
    "sort": "{runs} runs: sort by a metric (click) to sorted rows shown, ms",
    "filter_sort": "{runs} runs: filter + sort, the two together, ms",
    "chart": "{points}-point metric: navigation to the run's chart drawn, ms",
}
TARGETS_MS = {"first_rows": 1_000, "filter_sort": 500, "chart": 1_000}


def _row(key: str, runs: int, points: int, tether: list[float] | None, mlflow: list[float] | None) -> c.Row:
    operation = LABELS[key].format(runs=f"{runs:,}", points=f"{points:,}")
    limit = f"did not load in {STEP_LIMIT_S} s"
    if tether is None:
        return c.Row(operation, limit, limit if mlflow is None else c.number(c.median(mlflow)), "n/a")
    tether_ms = c.median(tether)
    if mlflow is None:
        return c.Row(operation, c.number(tether_ms), limit, f"> {STEP_LIMIT_S * 1000 / tether_ms:,.0f}×")
    return c.lower_better(operation, tether_ms, c.median(mlflow))


def _target(key: str, tether: list[float] | None) -> str:
    what = {"first_rows": "first rows", "filter_sort": "filter + sort", "chart": "chart"}[key]
    verdict = "met" if tether and c.median(tether) < TARGETS_MS[key] else "not met"
    return f"{what} < {TARGETS_MS[key]:,} ms: {verdict}"


def bench(quick: bool) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        sys.exit(f"this benchmark needs Chromium at {CHROMIUM} (make chromium)")
    runs, points, repeats = (2_000, 50_000, 2) if quick else (100_000, 1_000_000, 5)
    c.header(f"Web UI: {runs:,} runs in one experiment and a {points:,}-point metric, in Chromium")
    names = expected_names(runs)
    with c.fresh_dir("tether") as tether_dir, c.fresh_dir("mlflow") as mlflow_dir:
        stores = Stores(tether_dir, mlflow_dir)
        build_s = stores.build(runs, points)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            timer = Timer(browser)
            found = {
                tool: _measure_tool(tool, stores, timer, names, repeats) for tool in ("tether", "mlflow")
            }
            version = browser.version
            browser.close()
    c.print_table([_row(key, runs, points, found["tether"][key], found["mlflow"][key]) for key in LABELS])
    raw = {tool: {k: v and [round(x) for x in v] for k, v in found[tool].items()} for tool in found}
    notes = [
        f"Chromium {version}, headless, {VIEWPORT['width']}×{VIEWPORT['height']}, a fresh browser context "
        f"(empty cache) for every try; medians of {repeats} tries after one warm-up try. Times are read in "
        "the page: performance.now() when the view first shows the expected run (checked every animation "
        "frame), from navigation start, or from the Enter key or click as the page received it.",
        f"Filter {FILTER!r} (Enter in the search box), then a sort by metrics.{SORT_METRIC}, largest first "
        "(tether: a click on the column header; MLflow: its Sort menu, the search typed, a click on the "
        "metric). A view counts as shown when its first row is the expected run: "
        f"{names['first']} unfiltered, {names['filtered']} filtered, {names['sorted']} filtered and sorted.",
        "The chart counts as drawn when tether's canvas has coloured pixels (the line; axes and grid are "
        "grey), and when MLflow's plotly SVG has its line path.",
        "Servers: tether server and mlflow server --workers 1, both on SQLite, one after the other.",
        "Targets (issue): " + "; ".join(_target(key, found["tether"][key]) for key in TARGETS_MS) + ".",
        f"Building both stores took {build_s:.0f} s (not timed in the table).",
        "Raw tries, ms: " + json.dumps(raw),
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
