"""Inline SVG charts for the offline report page: bars, lines and a heat grid, drawn in plain Python.

Colours come from CSS classes of the page (``.ref``, ``.cur``, ``.series-N``), so one chart reads in
light and dark mode. Every label is escaped. Each ``<svg>`` carries ``class="chart"`` and a
``data-kind`` (distribution, curve, matrix) so a browser test can count what was drawn.
"""

from __future__ import annotations

import math
from html import escape

from tether.monitoring.results import Curve, Distribution, Matrix, Scalar

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 44
MAX_CATEGORIES = 40
"""Categorical distributions show the categories with the largest shares, at most this many."""
MAX_LABELLED = 30
"""A matrix with more rows than this draws its cells without row and column labels."""
SERIES = 8
"""Line colours cycle through this many CSS classes."""


def number(value: float) -> str:
    """Short tick text: 0.25, 1.2e+04, -3."""
    if value == 0 or math.isnan(value):
        return "0" if value == 0 else "NaN"
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        return f"{value:.2g}"
    return f"{value:.3g}"


def _open(kind: str, title: str, width: int = WIDTH, height: int = HEIGHT) -> str:
    return (
        f'<svg class="chart" data-kind="{kind}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    )


def _frame(x_labels: tuple[str, str], y_top: float) -> list[str]:
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    return [
        f'<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{escape(number(y_top))}</text>',
        f'<text class="tick" x="{LEFT - 4}" y="{bottom}" text-anchor="end">0</text>',
        f'<text class="tick" x="{LEFT}" y="{bottom + 14}">{escape(x_labels[0])}</text>',
        f'<text class="tick" x="{right}" y="{bottom + 14}" text-anchor="end">{escape(x_labels[1])}</text>',
    ]


def _legend(names: list[tuple[str, str]], y: float) -> list[str]:
    parts, x = [], float(LEFT)
    for css, name in names:
        parts.append(f'<rect class="{css}" x="{x:.1f}" y="{y - 8:.1f}" width="10" height="10"/>')
        parts.append(f'<text class="tick" x="{x + 14:.1f}" y="{y + 1:.1f}">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts


def distribution(item: Distribution) -> str:
    """Reference and current shares side by side in each bin (or category)."""
    labels = [str(b) for b in item.bins]
    labels += [str(i) for i in range(len(labels), len(item.current))]
    reference, current = list(item.reference), list(item.current)
    if not item.numeric and len(current) > MAX_CATEGORIES:
        order = sorted(range(len(current)), key=lambda i: -max(current[i], _at(reference, i)))[
            :MAX_CATEGORIES
        ]
        labels = [labels[i] for i in order]
        reference = [_at(reference, i) for i in order]
        current = [current[i] for i in order]
    count = len(current)
    top = max([*current, *reference, 1e-12])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(count, 1)
    parts = [_open("distribution", item.title or item.name)]
    ends = (_edge(item.bins[0]), _edge(item.bins[-1])) if item.numeric and item.bins else ("", "")
    parts += _frame(ends, top)
    for index in range(count):
        x = LEFT + index * slot
        for offset, css, shares in ((0.1, "ref", reference), (0.5, "cur", current)):
            if index >= len(shares):
                continue
            share = shares[index]
            height = plot_h * share / top
            tip = f"{labels[index] if not item.numeric else _bin_label(item, index)}: {share:.2%}"
            parts.append(
                f'<rect class="{css}" x="{x + slot * offset:.2f}" y="{TOP + plot_h - height:.2f}" '
                f'width="{max(slot * 0.4, 0.5):.2f}" height="{height:.2f}"><title>{escape(css)} '
                f"{escape(tip)}</title></rect>"
            )
        if not item.numeric and count <= 12:
            text = labels[index] if len(labels[index]) <= 12 else labels[index][:11] + "…"
            parts.append(
                f'<text class="tick" x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
    legend = [("cur", "current")] if not reference else [("ref", "reference"), ("cur", "current")]
    parts += _legend(legend, HEIGHT - 8)
    parts.append("</svg>")
    return "".join(parts)


def _at(values: list[float], index: int) -> float:
    return values[index] if index < len(values) else 0.0


def _edge(value: Scalar) -> str:
    return number(float(value)) if isinstance(value, (int, float)) else str(value)


def _bin_label(item: Distribution, index: int) -> str:
    if index + 1 < len(item.bins):
        return f"[{_edge(item.bins[index])}, {_edge(item.bins[index + 1])})"
    return str(item.bins[index]) if index < len(item.bins) else str(index)


def curve(item: Curve) -> str:
    """One polyline per line over shared axes, scaled to the data's range."""
    xs = [v for line in item.lines for v in line.x if math.isfinite(v)]
    ys = [v for line in item.lines for v in line.y if math.isfinite(v)]
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_low, y_high = (min(0.0, *ys), max(ys)) if ys else (0.0, 1.0)
    x_span, y_span = (x_high - x_low) or 1.0, (y_high - y_low) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [_open("curve", item.title or item.name)]
    parts += _frame((number(x_low), number(x_high)), y_high)
    parts.append(
        f'<text class="tick" x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - BOTTOM + 28}" '
        f'text-anchor="middle">{escape(item.x_label)}</text>'
    )
    parts.append(
        f'<text class="tick" x="12" y="{TOP + plot_h / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.0f})">{escape(item.y_label)}</text>'
    )
    legend = []
    for index, line in enumerate(item.lines):
        css = f"series-{index % SERIES}"
        points = " ".join(
            f"{LEFT + (x - x_low) / x_span * plot_w:.2f},{TOP + plot_h - (y - y_low) / y_span * plot_h:.2f}"
            for x, y in zip(line.x, line.y, strict=False)
            if math.isfinite(x) and math.isfinite(y)
        )
        parts.append(
            f'<polyline class="line {css}" points="{points}"><title>{escape(line.name)}</title></polyline>'
        )
        legend.append((css, line.name))
    parts += _legend(legend, HEIGHT - 4)
    parts.append("</svg>")
    return "".join(parts)


def matrix(item: Matrix) -> str:
    """A heat grid: blue to red around zero when values go negative, one hue by size otherwise."""
    rows, columns = len(item.values), max((len(r) for r in item.values), default=0)
    labelled = rows <= MAX_LABELLED and columns <= MAX_LABELLED
    margin = 96 if labelled else 8
    cell = max(4.0, min(36.0, 440 / max(rows, columns, 1)))
    width, height = int(margin + cell * columns + 8), int(margin + cell * rows + 8)
    finite = [v for row in item.values for v in row if math.isfinite(v)]
    signed = any(v < 0 for v in finite)
    scale = max((abs(v) for v in finite), default=1.0) or 1.0
    parts = [_open("matrix", item.title or item.name, width, height)]
    for r, row in enumerate(item.values):
        for c, value in enumerate(row):
            x, y = margin + c * cell, margin + r * cell
            label = f"{_label(item.row_labels, r)} / {_label(item.column_labels, c)}: {number(value)}"
            parts.append(
                f'<rect class="cell" x="{x:.1f}" y="{y:.1f}" width="{cell:.1f}" height="{cell:.1f}" '
                f'fill="{_colour(value, scale, signed)}"><title>{escape(label)}</title></rect>'
            )
            if labelled and cell >= 28 and math.isfinite(value):
                parts.append(
                    f'<text class="cell-text" x="{x + cell / 2:.1f}" y="{y + cell / 2 + 4:.1f}" '
                    f'text-anchor="middle">{escape(number(value))}</text>'
                )
    if labelled:
        for index, text in enumerate(item.row_labels):
            parts.append(
                f'<text class="tick" x="{margin - 4}" y="{margin + index * cell + cell / 2 + 4:.1f}" '
                f'text-anchor="end">{escape(_short(text))}</text>'
            )
        for index, text in enumerate(item.column_labels):
            x = margin + index * cell + cell / 2
            turn = f"rotate(-45 {x:.1f} {margin - 4})"
            shown = escape(_short(text))
            parts.append(f'<text class="tick" x="{x:.1f}" y="{margin - 4}" transform="{turn}">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _label(labels: list[str], index: int) -> str:
    return labels[index] if index < len(labels) else str(index)


def _short(text: str) -> str:
    return text if len(text) <= 14 else text[:13] + "…"


def _colour(value: float, scale: float, signed: bool) -> str:
    if not math.isfinite(value):
        return "rgb(150,150,150)"
    strength = min(abs(value) / scale, 1.0)
    if signed and value < 0:
        base = (59, 130, 246)
    elif signed:
        base = (239, 68, 68)
    else:
        base = (16, 148, 120)
    mixed = (round(245 - (245 - channel) * strength) for channel in base)
    return "rgb({},{},{})".format(*mixed)
