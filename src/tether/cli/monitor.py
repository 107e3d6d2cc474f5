"""``tether monitor``: compare reference and current data from files, as a report or as a test suite.

Exit codes: 0 when the command did its work (for ``check``: every test passed); 1 when a test failed or
could not be evaluated, and for bad input that is not a usage mistake (a missing or unreadable data file,
a suite file with an unknown test); 2 for usage errors (an unknown option, an unknown ``--metric``, an
output file that is neither .html nor .json). Monitoring code loads inside the commands, so ``tether
--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli import output
from tether.cli.options import Json

if TYPE_CHECKING:
    from tether.monitoring.data.sources import Dataset
    from tether.monitoring.documents import ReportResult, SuiteOutcome
    from tether.monitoring.metrics.base import MetricSpec
    from tether.monitoring.metrics.context import Context

app = typer.Typer(
    help="Compare current data with reference data: drift, quality and model performance.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

CSV_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".tsv.gz")
OUTPUT_SUFFIXES = (".html", ".htm", ".json")

Reference = Annotated[
    Path,
    typer.Option(
        "--reference",
        "-r",
        metavar="PATH",
        help="Reference data: a Parquet file or folder, or a CSV file.",
        show_default=False,
    ),
]
Current = Annotated[
    Path,
    typer.Option(
        "--current",
        "-c",
        metavar="PATH",
        help="Current data: a Parquet file or folder, or a CSV file.",
        show_default=False,
    ),
]
Target = Annotated[
    str | None,
    typer.Option("--target", "-t", metavar="COLUMN", help="The target column.", show_default=False),
]
Prediction = Annotated[
    list[str] | None,
    typer.Option(
        "--prediction",
        "-p",
        metavar="COLUMN",
        help="The prediction column; repeat it for one probability column per class.",
        show_default=False,
    ),
]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the result to FILE: .html (a page) or .json.",
        show_default=False,
    ),
]
KeepWith = Annotated[
    str | None,
    typer.Option(
        "--run",
        metavar="RUN_ID",
        help="Also keep the result with this run (in the store TETHER_HOME or TETHER_URI points at), "
        "where the web UI shows it on the run's page.",
        show_default=False,
    ),
]
Name = Annotated[str, typer.Option("--name", help="The name the kept result is listed under.")]


@app.command(
    "report",
    epilog="""Examples:

\b
  tether monitor report --reference ref.parquet --current cur.parquet -o drift.html
  tether monitor report -r ref.csv -c cur.csv --target churned --prediction score -o report.json
  tether monitor report -r ref.parquet -c cur.parquet --metric DataQuality --json""",
)
def report(
    reference: Reference,
    current: Current,
    target: Target = None,
    prediction: Prediction = None,
    metrics: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            "-m",
            metavar="TYPE",
            help="A metric to compute (DataDrift, DataQuality, ClassificationPerformance, "
            "RegressionPerformance); repeat for several. Default: DataDrift and DataQuality, plus the "
            "performance metric when --target and --prediction are given.",
            show_default=False,
        ),
    ] = None,
    out: Output = None,
    run_id: KeepWith = None,
    name: Name = "report",
    as_json: Json = False,
) -> None:
    """Compute a monitoring report and print its headline figures (or write it to a file)."""
    _check_output(out)
    chosen = [_metric(name) for name in metrics or []]
    from tether.monitoring.report import run_metrics

    context = _context(reference, current, target, prediction)
    result = run_metrics(chosen or _default_metrics(context), context)
    _write(result, out)
    _keep(result, run_id, name)
    if as_json:
        output.print_json(result.as_dict())
        return
    _print_report(result)
    if out is not None:
        output.note(f"wrote {out}")


@app.command(
    "check",
    epilog="""Examples:

\b
  tether monitor check --suite suite.yaml --reference ref.parquet --current cur.parquet
  tether monitor check -s suite.yaml -r ref.csv -c cur.csv --target churned --prediction score -o report.html

\b
A suite file:
  metrics: [{type: DataDrift, stattest: psi}]
  tests:
    - {type: DriftedColumnsShare, lt: 0.3}
    - {type: MissingShare, column: age, lt: 0.05}
    - {type: Metric, name: roc_auc, gte: {relative: -0.05}}

Exit status: 0 when every test passes, 1 when one fails or cannot be evaluated (or the input is unusable),
2 on a usage error.""",
)
def check(
    suite: Annotated[
        Path, typer.Option("--suite", "-s", metavar="FILE", help="The suite file (YAML).", show_default=False)
    ],
    reference: Reference,
    current: Current,
    target: Target = None,
    prediction: Prediction = None,
    out: Output = None,
    run_id: KeepWith = None,
    name: Name = "suite",
    as_json: Json = False,
) -> None:
    """Run a test suite; exit 1 when any test fails."""
    _check_output(out)
    from tether.monitoring.report import run_metrics
    from tether.monitoring.suites.files import load_suite
    from tether.monitoring.suites.suite import judge

    tests = load_suite(suite)
    context = _context(reference, current, target, prediction)
    outcome = judge(tests.tests, run_metrics(tests.metrics(), context))
    _write(outcome, out)
    _keep(outcome, run_id, name)
    if as_json:
        output.print_json(outcome.as_dict())
    else:
        _print_outcome(outcome)
        if out is not None:
            output.note(f"wrote {out}")
    if not outcome.passed:
        raise typer.Exit(1)


@app.command(
    "ls",
    epilog="""Examples:

\b
  tether monitor ls --run 0123456789abcdef0123456789abcdef
  tether monitor ls --experiment churn --json""",
)
def list_reports(
    run_id: Annotated[
        str | None,
        typer.Option("--run", metavar="RUN_ID", help="Reports kept with this run.", show_default=False),
    ] = None,
    experiment: Annotated[
        str | None,
        typer.Option(
            "--experiment", "-e", help="Reports of this experiment (id or name).", show_default=False
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """List kept reports and suite outcomes, newest first, with pass/fail at a glance."""
    if (run_id is None) == (experiment is None):
        raise typer.BadParameter("give one of them", param_hint="'--run' / '--experiment'")
    from tether.cli.experiments import resolve
    from tether.cli.session import connected

    with connected() as backend:
        if run_id is not None:
            page = backend.monitoring.list_reports(subject=f"run:{run_id}", max_results=1000)
        else:
            found = resolve(backend.tracking, str(experiment))
            page = backend.monitoring.list_reports(experiment_id=found.experiment_id, max_results=1000)
    if as_json:
        output.print_json([output.with_times(r.model_dump(), "created_at") for r in page.items])
        return
    styles = {"pass": "green", "fail": "bold red"}
    rows: list[list[output.Cell]] = [
        [
            r.report_id,
            r.name,
            r.kind,
            (r.status.upper(), styles[r.status]) if r.status else "",
            _headline(r.summary),
            output.local_time(r.created_at),
            r.subject,
        ]
        for r in page.items
    ]
    output.print_table(
        ["id", "name", "kind", "status", "headline", "created", "subject"], rows, no_wrap=["id"]
    )


def _headline(summary: dict[str, Any]) -> str:
    if "total" in summary:
        return f"{summary.get('pass', 0)}/{summary['total']} passed"
    share = summary.get("share_of_drifted_columns")
    return "" if share is None else f"{output.number(float(share) * 100)}% of columns drifted"


def _keep(result: ReportResult | SuiteOutcome, run_id: str | None, name: str) -> None:
    if run_id is None:
        return
    from tether.cli.session import connected

    with connected() as backend:
        stored = backend.monitoring.log_report(f"run:{run_id}", result.as_dict(), name)
    output.note(f"kept as report {stored.report_id} with run {run_id}")


def _check_output(out: Path | None) -> None:
    if out is not None and not out.name.lower().endswith(OUTPUT_SUFFIXES):
        raise typer.BadParameter("the file name must end in .html or .json", param_hint="'--output'")


def _metric(name: str) -> MetricSpec:
    from tether.errors import InvalidInput
    from tether.monitoring.metrics.base import metric_from_settings

    try:
        return metric_from_settings({"type": name})
    except InvalidInput as error:
        raise typer.BadParameter(error.message, param_hint="'--metric'") from None


def _default_metrics(context: Context) -> list[MetricSpec]:
    names = ["DataDrift", "DataQuality"]
    mapping = context.mapping
    if mapping.target and mapping.prediction:
        names.append("RegressionPerformance" if mapping.task == "regression" else "ClassificationPerformance")
    return [_metric(name) for name in names]


def _context(reference: Path, current: Path, target: str | None, prediction: list[str] | None) -> Context:
    from tether.monitoring.report import prepare

    chosen: str | list[str] | None = None
    if prediction:
        chosen = prediction[0] if len(prediction) == 1 else list(prediction)
    return prepare(_open(reference, "reference"), _open(current, "current"), target, chosen)


def _open(path: Path, side: str) -> Dataset:
    """A Parquet file (or folder of them) read lazily in row groups, or a CSV file read whole with pyarrow."""
    from tether.errors import InvalidData
    from tether.monitoring.data.sources import Dataset

    if not path.exists():
        raise InvalidData(f"the {side} data file {str(path)!r} does not exist")
    csv_file = path.name.lower().endswith(CSV_SUFFIXES)
    if path.is_dir() and csv_file:
        raise InvalidData(
            f"the {side} data {str(path)!r} is a folder; give a CSV file, or a Parquet file or folder"
        )
    if not csv_file:
        return Dataset.of(path, side)
    import pyarrow as pa
    from pyarrow import csv

    tab = ".tsv" in path.name.lower()
    try:
        table = csv.read_csv(path, parse_options=csv.ParseOptions(delimiter="\t" if tab else ","))
    except (pa.ArrowInvalid, OSError) as error:
        message = " ".join(str(error).split())
        raise InvalidData(f"the {side} data file {str(path)!r} is not readable CSV: {message}") from None
    return Dataset.of(table, side)


def _write(result: ReportResult | SuiteOutcome, out: Path | None) -> None:
    if out is None:
        return
    if out.name.lower().endswith(".json"):
        result.save_json(out)
    else:
        result.save_html(out)


def _print_report(result: ReportResult) -> None:
    output.done(
        f"reference rows: {result.reference_rows:,}  current rows: {result.current_rows:,}  "
        f"columns: {len(result.columns)}"
    )
    rows: list[list[output.Cell]] = []
    for metric in result.metrics:
        for name, value in metric.values.items():
            if "." in name:
                continue
            rows.append([metric.metric, name, _cell(value), _cell(metric.reference_values.get(name))])
        for item in metric.items:
            if item.kind == "not_computed" and item.name == metric.metric:
                rows.append([metric.metric, "(not computed)", getattr(item, "reason", ""), ""])
    output.print_table(["metric", "figure", "current", "reference"], rows, right=["current", "reference"])


def _print_outcome(outcome: SuiteOutcome) -> None:
    styles = {"pass": "green", "fail": "bold red", "error": "yellow"}
    rows: list[list[output.Cell]] = [
        [
            (test.status.upper(), styles[test.status]),
            test.name,
            test.condition,
            _cell(test.value),
            _cell(test.reference),
            "" if test.status == "pass" else test.message,
        ]
        for test in outcome.tests
    ]
    output.print_table(
        ["status", "test", "condition", "current", "reference", "detail"],
        rows,
        no_wrap=["status"],
        right=["current", "reference"],
    )
    summary = outcome.summary
    output.done(
        f"{summary['pass']} passed, {summary['fail']} failed, {summary['error']} errors "
        f"({'PASSED' if outcome.passed else 'FAILED'})"
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return output.number(value)
    return str(value)
