"""``tether monitor``: reports and suites from Parquet and CSV files, and the exit codes CI relies on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.cli.runner import Cli, Store


@pytest.fixture
def files(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 600
    y = rng.integers(0, 2, n)
    ref = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "city": rng.choice(["a", "b", "c"], n),
            "churned": y,
            "score": np.clip(y * 0.5 + rng.random(n) * 0.5, 0, 1),
        }
    )
    cur = ref.copy()
    cur.loc[:59, "age"] = np.nan
    ref.to_parquet(tmp_path / "ref.parquet")
    cur.to_csv(tmp_path / "cur.csv", index=False)
    (tmp_path / "pass.yaml").write_text(
        "tests:\n"
        "  - {type: DuplicatedRowsShare, eq: 0}\n"
        "  - {type: Metric, name: roc_auc, gte: {relative: -0.05}}\n"
        "  - {type: NewCategoriesShare, column: city, lt: 0.01}\n"
    )
    (tmp_path / "fail.yaml").write_text(
        "tests:\n  - {type: MissingShare, column: age, lt: 0.05}\n  - {type: DuplicatedRowsShare, eq: 0}\n"
    )
    return tmp_path


def _args(files: Path, *extra: str) -> list[str]:
    return ["-r", str(files / "ref.parquet"), "-c", str(files / "cur.csv"), *extra]


def test_report_prints_figures_and_writes_html(sqlite_cli: Cli, files: Path) -> None:
    out = files / "report.html"
    result = sqlite_cli("monitor", "report", *_args(files, "-t", "churned", "-p", "score", "-o", str(out)))
    assert result.exit_code == 0, result.stderr
    assert "current rows: 600" in result.stdout
    assert "missing_share" in result.stdout and "roc_auc" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'class="chart"' in page


def test_report_json_and_chosen_metric(sqlite_cli: Cli, files: Path) -> None:
    out = files / "report.json"
    result = sqlite_cli(
        "monitor", "report", *_args(files, "--metric", "DataQuality", "-o", str(out), "--json")
    )
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert [m["metric"] for m in printed["metrics"]] == ["DataQuality"]
    assert json.loads(out.read_text())["metrics"][0]["values"]["missing_share.age"] == pytest.approx(0.1)


def test_default_metrics_add_performance_when_target_and_prediction_are_given(
    sqlite_cli: Cli, files: Path
) -> None:
    plain = json.loads(sqlite_cli("monitor", "report", *_args(files, "--json")).stdout)
    assert [m["metric"] for m in plain["metrics"]] == ["DataDrift", "DataQuality"]
    scored = json.loads(
        sqlite_cli("monitor", "report", *_args(files, "-t", "churned", "-p", "score", "--json")).stdout
    )
    assert [m["metric"] for m in scored["metrics"]] == [
        "DataDrift",
        "DataQuality",
        "ClassificationPerformance",
    ]


def test_check_passes_with_exit_0(sqlite_cli: Cli, files: Path) -> None:
    suite = str(files / "pass.yaml")
    result = sqlite_cli("monitor", "check", "-s", suite, *_args(files, "-t", "churned", "-p", "score"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "3 passed, 0 failed, 0 errors (PASSED)" in result.stdout


def test_check_fails_with_exit_1_and_writes_the_page(sqlite_cli: Cli, files: Path) -> None:
    out = files / "suite.html"
    result = sqlite_cli("monitor", "check", "-s", str(files / "fail.yaml"), *_args(files, "-o", str(out)))
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "missing_share.age = 0.1, expected < 0.05" in result.stdout
    assert "1 passed, 1 failed, 0 errors (FAILED)" in result.stdout
    assert 'class="badge fail"' in out.read_text(encoding="utf-8")


def test_check_json_and_a_test_that_cannot_be_evaluated(sqlite_cli: Cli, files: Path) -> None:
    suite = files / "error.yaml"
    suite.write_text("tests: [{type: RocAuc, gte: 0.5}]\n")
    result = sqlite_cli("monitor", "check", "-s", str(suite), *_args(files, "--json"))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["summary"] == {"pass": 0, "fail": 0, "error": 1, "total": 1}
    assert "needs a target" in document["tests"][0]["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-r", "missing.parquet", "-c", "cur.csv"], "error: the reference data file"),
        (["-r", "ref.parquet", "-c", "bad.csv"], "is not readable CSV"),
        (["-r", "ref.parquet", "-c", "cur.csv", "-t", "nope"], "column 'nope' is in neither"),
    ],
)
def test_bad_input_is_exit_1_with_one_line(
    sqlite_cli: Cli, files: Path, args: list[str], message: str
) -> None:
    (files / "bad.csv").write_text("a,b\n1,2\n1,2,3\n")
    located = [str(files / a) if a.endswith((".parquet", ".csv")) else a for a in args]
    result = sqlite_cli("monitor", "report", *located)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_bad_suite_file_is_exit_1(sqlite_cli: Cli, files: Path) -> None:
    suite = files / "typo.yaml"
    suite.write_text("tests: [{type: MissingShare, colum: age, lt: 0.1}]\n")
    result = sqlite_cli("monitor", "check", "-s", str(suite), *_args(files))
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: tests[0] (MissingShare): colum: unknown field"


@pytest.mark.parametrize(
    "extra",
    [["--bogus"], ["-o", "out.txt"], ["--metric", "Nope"]],
)
def test_usage_errors_are_exit_2(sqlite_cli: Cli, files: Path, extra: list[str]) -> None:
    result = sqlite_cli("monitor", "report", *_args(files, *extra))
    assert result.exit_code == 2
    assert "tether monitor report --help" in result.stderr


def test_help_has_examples(sqlite_cli: Cli) -> None:
    for verb in ("report", "check"):
        result = sqlite_cli("monitor", verb, "--help")
        assert result.exit_code == 0
        assert f"tether monitor {verb}" in result.stdout and "Example" in result.stdout


def test_results_are_kept_with_a_run_and_listed(cli: Cli, store: Store, files: Path) -> None:
    run_a = store.runs["a"]
    kept = cli(
        "monitor", "check", "-s", str(files / "fail.yaml"), *_args(files), "--run", run_a, "--name", "gate"
    )
    assert kept.exit_code == 1 and f"with run {run_a}" in kept.stderr
    report = cli("monitor", "report", *_args(files, "--metric", "DataDrift", "--run", run_a))
    assert report.exit_code == 0, report.stderr
    listed = cli("monitor", "ls", "--run", run_a)
    assert listed.exit_code == 0 and "FAIL" in listed.stdout and "1/2 passed" in listed.stdout
    documents = json.loads(cli("monitor", "ls", "--experiment", store.churn_name, "--json").stdout)
    assert [(d["name"], d["kind"], d["status"]) for d in documents] == [
        ("report", "report", None),
        ("gate", "suite", "fail"),
    ]


def test_keeping_with_a_missing_run_fails_with_one_line(cli: Cli, files: Path) -> None:
    result = cli("monitor", "report", *_args(files, "--metric", "DataDrift", "--run", "0" * 32))
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_listing_needs_a_run_or_an_experiment(sqlite_cli: Cli) -> None:
    assert sqlite_cli("monitor", "ls").exit_code == 2


def test_a_folder_of_parquet_files_is_read_as_one_dataset(sqlite_cli: Cli, files: Path) -> None:
    folder = files / "cur.parquet"
    folder.mkdir()
    frame = pd.read_csv(files / "cur.csv")
    frame.iloc[:300].to_parquet(folder / "part-0.parquet")
    frame.iloc[300:].to_parquet(folder / "part-1.parquet")
    result = sqlite_cli("monitor", "report", "-r", str(files / "ref.parquet"), "-c", str(folder), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["current_rows"] == 600
    csv_folder = files / "parts.csv"
    csv_folder.mkdir()
    refused = sqlite_cli("monitor", "report", "-r", str(files / "ref.parquet"), "-c", str(csv_folder))
    assert refused.exit_code == 1
    assert "is a folder" in refused.stderr and "Traceback" not in refused.stderr


def test_a_text_column_among_probability_columns_is_reported_not_a_traceback(
    sqlite_cli: Cli, files: Path
) -> None:
    frame = pd.read_parquet(files / "ref.parquet")
    frame["plan"] = np.where(frame["churned"] == 1, "pro", "free")
    frame.to_parquet(files / "plans.parquet")
    args = ["-r", str(files / "plans.parquet"), "-c", str(files / "plans.parquet"), "-t", "churned"]
    result = sqlite_cli(
        "monitor", "report", *args, "-p", "score", "-p", "plan", "-m", "ClassificationPerformance"
    )
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "probability column 'plan' in the current data holds" in " ".join(result.stdout.split())
