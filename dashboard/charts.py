"""Server-rendered SVG charts: no JavaScript library, readable when printed, styled by app.css."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None where there is no point
    css_class: str = "series-0"


@dataclass(frozen=True)
class CutOff:
    """A horizontal line: where a band begins (e.g. "high" from 90)."""

    label: str
    value: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    css_class: str = "bar"
    text: str | None = None  # shown above the bar; the value when None


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def nice_step(span: float, most: int = 6) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving at most `most` ticks."""
    magnitude = 10 ** math.floor(math.log10(span / most)) if span > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if span / (factor * magnitude) <= most:
            return factor * magnitude
    return 10 * magnitude


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    cut_offs: Sequence[CutOff] = (),
    *,
    y_min: float = 0.0,
    y_max: float | None = None,
    title: str = "",
    width: int = 640,
    height: int = 240,
) -> Markup:
    """Lines over weeks, with band cut-offs drawn as dashed lines and a legend."""
    left, right, top, bottom = 40, 120, 16, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    high = y_max if y_max is not None else max([*values, *(c.value for c in cut_offs), 1.0])
    high = high if high > y_min else y_min + 1

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(len(x_labels), 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - (min(max(v, y_min), high) - y_min) / (high - y_min))

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    step = nice_step(high - y_min)
    ticks = [y_min + step * n for n in range(int((high - y_min) // step) + 1)]
    for v in ticks:
        parts.append(
            f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">'
            f"{_number(v)}</text>"
        )
    for c in cut_offs:
        parts.append(
            f'<line class="cutoff" x1="{left}" x2="{left + plot_w}" y1="{y(c.value):.1f}" '
            f'y2="{y(c.value):.1f}"/><text class="cutoff-label" x="{left + plot_w + 6}" '
            f'y="{y(c.value) + 4:.1f}">{escape(c.label)} ≥ {_number(c.value)}</text>'
        )
    label_every = max(1, len(x_labels) // 8)
    for i, label in enumerate(x_labels):
        if i % label_every == 0 or i == len(x_labels) - 1:
            parts.append(
                f'<text class="axis" x="{x(i):.1f}" y="{height - 10}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    legend_y = top + plot_h - 14 * len(series)
    for n, s in enumerate(series):
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline class="line {s.css_class}" points="{path}"/>')
        for px, py in points:
            parts.append(f'<circle class="dot {s.css_class}" cx="{px:.1f}" cy="{py:.1f}" r="3"/>')
        ly = legend_y + 14 * n
        parts.append(
            f'<line class="line {s.css_class}" x1="{left + plot_w + 6}" x2="{left + plot_w + 20}" '
            f'y1="{ly}" y2="{ly}"/><text class="legend" x="{left + plot_w + 24}" y="{ly + 4}">'
            f"{escape(s.name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str = "",
    y_max: float | None = None,
    width: int = 420,
    height: int = 200,
) -> Markup:
    """Vertical bars with their values on top."""
    left, right, top, bottom = 12, 12, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    high = y_max if y_max is not None else max([b.value for b in bars] + [1.0])
    slot = plot_w / max(len(bars), 1)
    bar_w = min(56.0, slot * 0.6)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}"/>',
    ]
    for i, b in enumerate(bars):
        h = plot_h * (min(b.value, high) / high if high else 0)
        cx = left + slot * (i + 0.5)
        parts.append(
            f'<rect class="{escape(b.css_class)}" x="{cx - bar_w / 2:.1f}" '
            f'y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" rx="3"/>'
            f'<text class="value" x="{cx:.1f}" y="{top + plot_h - h - 6:.1f}" '
            f'text-anchor="middle">{escape(b.text if b.text is not None else _number(b.value))}'
            f'</text><text class="axis" x="{cx:.1f}" y="{height - 10}" text-anchor="middle">'
            f"{escape(b.label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
