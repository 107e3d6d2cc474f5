"""Formatting helpers and the run layout rules, tested as plain functions without a store."""

from __future__ import annotations

import json
import math
from datetime import datetime

import pytest
import typer

from tether.cli import output, runs_view
from tether.tracking.schemas import Run


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (None, ""),
        (0, "0ms"),
        (850, "850ms"),
        (12_340, "12.3s"),
        (245_000, "4m05s"),
        (7_380_000, "2h03m"),
        (273_600_000, "3d04h"),
    ],
)
def test_duration(ms: int | None, text: str) -> None:
    assert output.duration(ms) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (None, ""),
        (0, "0 B"),
        (1023, "1023 B"),
        (1536, "1.5 KiB"),
        (5 * 1024**2, "5.0 MiB"),
        (3 * 1024**4, "3.0 TiB"),
    ],
)
def test_size(n: int | None, text: str) -> None:
    assert output.size(n) == text


def test_numbers_keep_six_significant_digits_and_name_non_finite_values() -> None:
    assert [output.number(v) for v in (0.1234567, 1e-9, 3.0, math.nan, math.inf, -math.inf)] == [
        "0.123457",
        "1e-09",
        "3",
        "NaN",
        "inf",
        "-inf",
    ]


def test_times() -> None:
    ms = 1_700_000_000_123
    assert output.iso_utc(ms) == "2023-11-14T22:13:20.123+00:00"
    assert output.iso_utc(None) is None
    local = output.local_time(ms)
    assert datetime.fromisoformat(local) == datetime.fromtimestamp(ms // 1000)
    assert output.with_times({"t": ms, "u": None}, "t", "u") == {
        "t": ms,
        "u": None,
        "t_iso": "2023-11-14T22:13:20.123+00:00",
        "u_iso": None,
    }


def test_json_output_is_strict_json(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_json({"values": [math.nan, math.inf, -math.inf, 1.5], "nested": {"x": (math.nan,)}})
    text = capsys.readouterr().out
    document = json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON: {name}"))
    assert document == {"values": ["NaN", "Infinity", "-Infinity", 1.5], "nested": {"x": ["NaN"]}}


def test_table_cells_are_text_not_markup(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_table(["value"], [["[bold]not bold[/bold]"], [("[1, 2]", "red")]])
    out = capsys.readouterr().out
    assert "[bold]not bold[/bold]" in out
    assert "[1, 2]" in out


def make_run(name: str, params: dict[str, str], metrics: dict[str, float]) -> Run:
    return Run(
        run_id=name * 32,
        experiment_id="0",
        run_name=name,
        status="FINISHED",
        lifecycle_stage="active",
        user_id="",
        start_time=0,
        params=params,
        metrics=metrics,
    )


def test_parse_columns() -> None:
    assert runs_view.parse_columns(["metrics.loss, params.lr", "tags.team,,metrics.loss"]) == [
        "metrics.loss",
        "params.lr",
        "tags.team",
    ]
    for bad in (["loss"], ["metrics."], ["attributes.status"]):
        with pytest.raises(typer.BadParameter):
            runs_view.parse_columns(bad)


def test_auto_columns_prefer_common_metrics_and_params_that_vary() -> None:
    found = [
        make_run("a", {"model": "gbm", "seed": "1", "lr": "0.1"}, {"loss": 1.0, "auc": 0.5}),
        make_run("b", {"model": "gbm", "seed": "1", "lr": "0.2"}, {"loss": 0.5, "rare": 1.0}),
        make_run("c", {"model": "gbm", "seed": "2", "lr": "0.3"}, {"loss": 0.2, "auc": 0.7, "zeta": 1.0}),
    ]
    assert runs_view.auto_columns(found, room=200) == [
        "metrics.loss",
        "metrics.auc",
        "metrics.rare",
        "params.lr",
        "params.seed",
    ]
    narrow = output.column_width("metrics.loss", ["1"]) + output.column_width("params.lr", [])
    assert runs_view.auto_columns(found, room=narrow) == ["metrics.loss", "params.lr"]
    assert runs_view.cell(found[1], "metrics.auc") == ""
    assert runs_view.cell(found[1], "params.lr") == "0.2"


def test_comparison_treats_nan_as_equal_and_missing_as_different() -> None:
    rows = runs_view.comparison(
        [
            make_run("a", {"lr": "0.1"}, {"loss": math.nan, "auc": 0.5}),
            make_run("b", {"lr": "0.1"}, {"loss": math.nan}),
        ]
    )
    by_key = {row.key: row for row in rows}
    assert [row.key for row in rows] == ["params.lr", "metrics.auc", "metrics.loss"]
    assert by_key["params.lr"].differs is False
    assert by_key["metrics.loss"].differs is False
    assert by_key["metrics.auc"].differs is True
    assert by_key["metrics.auc"].values == [0.5, None]


def test_comparison_shows_every_digit_when_rounding_would_hide_a_difference(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = [make_run("a", {}, {"auc": 0.91234561}), make_run("b", {}, {"auc": 0.91234564})]
    runs_view.print_comparison(found, runs_view.comparison(found), hidden=0)
    out = capsys.readouterr().out
    assert "0.91234561" in out
    assert "0.91234564" in out
