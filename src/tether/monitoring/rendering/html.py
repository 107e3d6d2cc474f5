"""A page for a report or a suite outcome, self-contained: inline CSS and SVG, nothing fetched.

The page opens offline and from an e-mail attachment alike. Every string that comes from data (column
names, category values, reasons) goes through ``html.escape``. Long per-column detail folds into
``<details>`` so a 100-column report stays readable. What a page shows is a ``HtmlPage``, which the documents
build (``documents.py``); this module only draws it, from the result shapes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape

from tether.monitoring.rendering import charts
from tether.monitoring.results import (
    Curve,
    Distribution,
    Item,
    Matrix,
    MetricResult,
    NotComputed,
    Scalar,
    Table,
    TestOutcome,
    Value,
)

OPEN_DISTRIBUTIONS = 4
"""A metric with more distributions than this shows each folded, under its name."""
OPEN_TABLE_ROWS = 25
"""A table with more rows than this starts folded."""

_CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--card:#f6f8fa;
--ref:#94a3b8;--cur:#2563eb;--pass:#1a7f37;--fail:#cf222e;--error:#9a6700;--nc:#eaeef2}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;
--card:#161b22;--ref:#64748b;--cur:#60a5fa;--pass:#3fb950;--fail:#f85149;--error:#d29922;--nc:#21262d}}
*{box-sizing:border-box}body{margin:0;padding:24px;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid var(--line);
padding-bottom:6px}h3{font-size:14px;margin:16px 0 6px}.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{background:var(--card);
border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}
.card .label{color:var(--muted);font-size:12px}.card .big{font-size:22px;font-weight:600}
.card .ref{color:var(--muted);font-size:12px}
.nc{background:var(--nc);border:1px dashed var(--muted);border-radius:8px;padding:10px 14px;margin:8px 0;
color:var(--muted)}table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{position:sticky;top:0;background:var(--card)}td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:520px;overflow:auto;max-width:100%}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-weight:600;color:#fff;font-size:12px}
.pass{background:var(--pass)}.fail{background:var(--fail)}.error{background:var(--error)}
details{margin:4px 0}summary{cursor:pointer}.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0}figcaption{font-weight:600;margin:4px 0}
svg.chart{max-width:100%;height:auto;color:var(--fg)}svg .axis{stroke:var(--muted);stroke-width:1}
svg .tick{fill:var(--muted);font-size:11px}svg .ref{fill:var(--ref)}svg .cur{fill:var(--cur)}
svg .line{fill:none;stroke-width:2}svg .cell-text{fill:#111;font-size:11px}
svg .series-0{stroke:var(--cur);fill:var(--cur)}svg .series-1{stroke:var(--ref);fill:var(--ref)}
svg .series-2{stroke:#f59e0b;fill:#f59e0b}svg .series-3{stroke:#10b981;fill:#10b981}
svg .series-4{stroke:#ef4444;fill:#ef4444}svg .series-5{stroke:#8b5cf6;fill:#8b5cf6}
svg .series-6{stroke:#ec4899;fill:#ec4899}svg .series-7{stroke:#14b8a6;fill:#14b8a6}
svg polyline.line{fill:none}
"""


@dataclass(frozen=True)
class Card:
    """A headline figure at the top of the page."""

    label: str
    value: Scalar
    detail: str = ""


@dataclass(frozen=True)
class HtmlPage:
    """What a page shows, top to bottom: a title, headline cards, a suite's tests, each metric's result."""

    title: str
    created_at: int
    """Milliseconds since the epoch, shown in UTC."""
    cards: Sequence[Card]
    metrics: Sequence[MetricResult]
    tests: Sequence[TestOutcome] | None = None
    """A suite's tests, listed before the metrics; None for a report."""


def render_page(page: HtmlPage) -> str:
    """The whole page as HTML text."""
    body = [f"<h1>{escape(page.title)}</h1>", f'<div class="muted">{escape(_when(page.created_at))}</div>']
    cards = "".join(_card(card.label, format_value(card.value), card.detail) for card in page.cards)
    body.append(f'<div class="cards">{cards}</div>')
    if page.tests is not None:
        body.append(_tests(page.tests))
    body += [_metric(metric) for metric in page.metrics]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(page.title)}</title><style>{_CSS}</style></head><body>"
        + "".join(body)
        + "</body></html>\n"
    )


def _when(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    return "created " + moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _card(label: str, big: str, detail: str = "") -> str:
    extra = f'<div class="ref">{escape(detail)}</div>' if detail else ""
    return (
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="big">{escape(big)}</div>{extra}</div>'
    )


def _tests(tests: Sequence[TestOutcome]) -> str:
    rows = []
    for test in tests:
        rows.append(
            f'<tr><td><span class="badge {escape(test.status)}">{escape(test.status)}</span></td>'
            f"<td>{escape(test.name)}</td><td><code>{escape(test.figure)}</code></td>"
            f"<td>{escape(test.condition)}</td><td class=num>{escape(format_value(test.value))}</td>"
            f"<td class=num>{escape(format_value(test.reference))}</td><td>{escape(test.message)}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>" for h in ("status", "test", "figure", "condition", "current", "reference", "detail")
    )
    return (
        '<h2 id="tests">Tests</h2><div class="scroll"><table class="tests"><thead><tr>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _metric(metric: MetricResult) -> str:
    parts = [f"<section><h2>{escape(metric.title or metric.metric)}</h2>"]
    values = [item for item in metric.items if isinstance(item, (Value, NotComputed))]
    if values:
        parts.append('<div class="cards">' + "".join(_value(item) for item in values) + "</div>")
    distributions = [item for item in metric.items if isinstance(item, Distribution)]
    folded = len(distributions) > OPEN_DISTRIBUTIONS
    graphic = [item for item in metric.items if isinstance(item, (Curve, Matrix))]
    for item in metric.items:
        if isinstance(item, Table):
            parts.append(_table(item))
    if distributions and folded:
        parts.append(f"<h3>Distributions ({len(distributions)})</h3>")
        parts += [_folded_chart(item) for item in distributions]
    elif distributions:
        parts.append('<div class="charts">' + "".join(_figure(item) for item in distributions) + "</div>")
    if graphic:
        parts.append('<div class="charts">' + "".join(_figure(item) for item in graphic) + "</div>")
    parts.append("</section>")
    return "".join(parts)


def _value(item: Value | NotComputed) -> str:
    if isinstance(item, NotComputed):
        return (
            f'<div class="nc card"><div class="label">{escape(item.title or item.name)}</div>'
            f"not computed: {escape(item.reason)}</div>"
        )
    detail = f"reference {format_value(item.reference)}" if item.reference is not None else ""
    return _card(item.title or item.name, format_value(item.value), detail)


def _table(item: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in item.columns)
    rows = (
        "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>" for row in item.rows)
        or f'<tr><td colspan="{max(len(item.columns), 1)}" class="muted">nothing to show</td></tr>'
    )
    table = f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'
    title = escape(item.title or item.name)
    if len(item.rows) > OPEN_TABLE_ROWS:
        return f"<details><summary><b>{title}</b> ({len(item.rows)} rows)</summary>{table}</details>"
    return f"<h3>{title}</h3>{table}"


def _cell(value: Scalar) -> str:
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    return f"<td{' class=num' if numeric else ''}>{escape(format_value(value))}</td>"


def _figure(item: Item) -> str:
    return f"<figure><figcaption>{escape(item.title or item.name)}</figcaption>{_chart(item)}</figure>"


def _folded_chart(item: Distribution) -> str:
    return f"<details><summary>{escape(item.title or item.name)}</summary>{_chart(item)}</details>"


def _chart(item: Item) -> str:
    if isinstance(item, Distribution):
        return charts.distribution(item)
    if isinstance(item, Curve):
        return charts.curve(item)
    if isinstance(item, Matrix):
        return charts.matrix(item)
    return ""


def format_value(value: Scalar) -> str:
    """A figure for people: 4 significant digits, yes/no for booleans, a dash when absent."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return _float(value)
    return str(value)


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
        return f"{value:.3e}"
    return f"{value:.4g}"
