"""The offline HTML page: charts drawn as inline SVG, every data string escaped, long detail folded."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from tether import monitoring as mon
from tether.monitoring.documents import ReportResult, render_html
from tether.monitoring.results import Distribution, MetricResult, NotComputed

EVIL = "<script>alert(1)</script>"


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    ref = pd.DataFrame(
        {
            EVIL: rng.normal(size=n),
            "b": rng.normal(size=n),
            "city": rng.choice(["<b>x</b>", "y"], n),
            "y": y,
            "score": np.clip(y * 0.5 + rng.random(n) * 0.5, 0, 1),
        }
    )
    cur = ref.copy()
    cur.loc[:20, "city"] = "<img src=x onerror=alert(2)>"
    return ref, cur


def test_report_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    ref, cur = _frames()
    report = mon.Report([mon.DataQuality(), mon.ClassificationPerformance()])
    result = report.run(ref, cur, target="y", prediction="score")
    page = render_html(result)
    assert "<script" not in page and "<img" not in page and "<b>x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"\b(src|href)\s*=", page.replace("&lt;img src=x", ""))
    assert "<link" not in page and "https://" not in page
    kinds = re.findall(r'<svg class="chart" data-kind="(\w+)"', page)
    assert kinds.count("curve") == 3 and kinds.count("matrix") == 3
    assert "prefers-color-scheme:dark" in page
    saved = result.save_html(tmp_path / "report.html").read_text(encoding="utf-8")
    assert saved.startswith("<!DOCTYPE html>") and saved.count('class="chart"') == len(kinds)


def test_suite_page_lists_tests_first_with_their_verdicts(tmp_path: Path) -> None:
    ref, cur = _frames()
    suite = mon.TestSuite([mon.MissingShare(lt=0.1), mon.NewCategoriesShare("city", lt=0.01), mon.Rmse(lt=1)])
    outcome = suite.run(ref, cur)
    page = render_html(outcome)
    assert page.index('id="tests"') < page.index("<section>")
    assert page.count('class="badge pass"') == 1
    assert page.count('class="badge fail"') == 1
    assert page.count('class="badge error"') == 1
    assert "1 passed" in page and "1 failed, 1 errors" in page
    assert "Test suite: failed" in page
    path = outcome.save_html(tmp_path / "suite.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def _report(metrics: list[MetricResult]) -> ReportResult:
    return ReportResult(
        created_at=0, reference_rows=10, current_rows=12, columns={"a": "numeric"}, metrics=metrics
    )


def test_many_distributions_fold_and_not_computed_is_a_grey_box() -> None:
    items = [
        Distribution(
            name=f"col{i}", numeric=True, bins=[0.0, 1.0, 2.0], reference=[0.5, 0.5], current=[0.2, 0.8]
        )
        for i in range(100)
    ]
    items.append(NotComputed(name="x", title="Thing", reason="no <target> given"))  # type: ignore[arg-type]
    page = render_html(_report([MetricResult(metric="M", title="Many", items=items)]))
    assert page.count("<details><summary>col") == 100
    assert page.count('data-kind="distribution"') == 100
    assert 'class="nc card"' in page and "not computed: no &lt;target&gt; given" in page


def test_categorical_distribution_and_dataset_drift_card() -> None:
    dist = Distribution(
        name="city", numeric=False, bins=["a", "<b>"], reference=[0.7, 0.3], current=[0.4, 0.6]
    )
    metric = MetricResult(
        metric="DataDrift",
        title="Drift",
        values={"dataset_drift": True, "share_of_drifted_columns": 0.5},
        items=[dist],
    )
    page = render_html(_report([metric]))
    assert "Dataset drift" in page and ">yes<" in page and "0.5 of columns drifted" in page
    assert "&lt;b&gt;" in page and "<b>" not in page.replace("<b>Distributions", "")


def test_wide_report_stays_readable_and_every_chart_is_well_formed_svg() -> None:
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({f"c{i}": rng.normal(size=300) for i in range(100)})
    cur = ref + rng.normal(0, 0.5, ref.shape)
    result = mon.Report([mon.DataQuality()]).run(ref, cur)
    page = render_html(result)
    charts = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert charts
    for chart in charts:
        ElementTree.fromstring(chart)
    assert "<details><summary><b>Columns</b> (100 rows)" in page
    assert len(page) < 3_000_000
