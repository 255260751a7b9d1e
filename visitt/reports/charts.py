"""Bar and column charts as SVG, rendered on the server (see visitt/improvement/charts.py
for the conventions): ``role="img"`` with ``<title>`` and ``<desc>``, no ``style``
attributes (CSP), and colours in ``currentColor`` so that it follows light and dark mode.
The numbers are also in the table beside it. ``chart_id`` prefixes the ids of the title
and description, so that several charts fit on one page."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils.formats import number_format

WIDTH = 640
LABEL_WIDTH = 220
VALUE_ROOM = 48
BAR_HEIGHT = 22
GAP = 10
TOP = 8
FONT_SIZE = 13
LABEL_LENGTH = 30


def _short(label: str) -> str:
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"


def bar_chart_svg(
    bars: Sequence[tuple[str, int]], *, title: str, description: str, chart_id: str = "bar-chart"
) -> str:
    """One bar per (label, value), longest value the full width."""
    highest = max((value for _, value in bars), default=0) or 1
    plot_width = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = TOP * 2 + max(1, len(bars)) * (BAR_HEIGHT + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="{chart_id}-title '
        f'{chart_id}-desc" font-size="{FONT_SIZE}" fill="currentColor">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i, (label, value) in enumerate(bars):
        y = TOP + i * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + FONT_SIZE / 3
        width = round(plot_width * value / highest, 1)
        parts.append(
            f'<text class="bar-chart__label" x="{LABEL_WIDTH - 8}" y="{middle:.1f}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
        )
        parts.append(
            f'<rect class="bar-chart__bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" '
            f'height="{BAR_HEIGHT}" fill="currentColor" fill-opacity="0.75"/>'
        )
        parts.append(
            f'<text class="bar-chart__value" x="{LABEL_WIDTH + width + 6}" y="{middle:.1f}">'
            f"{escape(number_format(value))}</text>"
        )
    parts.append(
        f'<line class="bar-chart__axis" x1="{LABEL_WIDTH}" y1="{TOP}" x2="{LABEL_WIDTH}" '
        f'y2="{height - TOP}" stroke="currentColor"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


# --- Columns over time -------------------------------------------------------------------

COLUMN_HEIGHT = 260
COLUMN_LEFT = 48
COLUMN_RIGHT = 8
COLUMN_TOP = 30  # room for the legend
COLUMN_BOTTOM = 40  # two lines of period label
GRID_STEPS = 4
# The series differ in fill and outline, never in colour alone; the legend names them.
SERIES_OPACITY = ("0.85", "0.3")


def _number(value: float) -> str:
    rounded = round(value, 1)
    return number_format(int(rounded) if rounded == int(rounded) else rounded)


def column_chart_svg(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    description: str,
    chart_id: str,
    maximum: float | None = None,
    suffix: str = "",
) -> str:
    """Columns per period (``labels``, oldest first), one per series side by side.

    ``series`` is (name, values), a value per label; None draws no column (nothing to
    count in that period), which is not the same as 0. ``maximum`` fixes the scale (100
    for shares in per cent); else the highest value. ``suffix`` follows the axis numbers
    (" %").
    """
    values = [value for _, points in series for value in points if value is not None]
    top = maximum if maximum is not None else max(values, default=0)
    top = top or 1
    plot_left, plot_right = COLUMN_LEFT, WIDTH - COLUMN_RIGHT
    plot_top, plot_bottom = COLUMN_TOP, COLUMN_HEIGHT - COLUMN_BOTTOM
    plot_height = plot_bottom - plot_top
    slot = (plot_right - plot_left) / max(1, len(labels))
    column = min(28.0, slot * 0.8 / max(1, len(series)))

    def y_of(value: float) -> float:
        return plot_bottom - plot_height * min(value, top) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="column-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {COLUMN_HEIGHT}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="{FONT_SIZE}" '
        f'fill="currentColor">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for step in range(GRID_STEPS + 1):
        tick = top * step / GRID_STEPS
        y = y_of(tick)
        parts.append(
            f'<line class="column-chart__grid" x1="{plot_left}" y1="{y:.1f}" x2="{plot_right}" '
            f'y2="{y:.1f}" stroke="currentColor" stroke-opacity="0.25"/>'
        )
        parts.append(
            f'<text class="column-chart__tick" x="{plot_left - 6}" y="{y + FONT_SIZE / 3:.1f}" '
            f'text-anchor="end">{escape(_number(tick) + suffix)}</text>'
        )
    if len(series) > 1:
        key_x = float(plot_left)
        for index, (name, _points) in enumerate(series):
            opacity = SERIES_OPACITY[index % len(SERIES_OPACITY)]
            parts.append(
                f'<rect class="column-chart__key" x="{key_x:.0f}" y="8" width="14" height="14" '
                f'fill="currentColor" fill-opacity="{opacity}" stroke="currentColor"/>'
            )
            parts.append(f'<text x="{key_x + 20:.0f}" y="20">{escape(name)}</text>')
            key_x += 28 + len(name) * 8
    for i, label in enumerate(labels):
        centre = plot_left + slot * (i + 0.5)
        first = centre - column * len(series) / 2
        for index, (_name, points) in enumerate(series):
            value = points[i] if i < len(points) else None
            x = first + index * column
            if value is None:
                parts.append(
                    f'<text class="column-chart__missing" x="{x + column / 2:.1f}" '
                    f'y="{plot_bottom - 4}" text-anchor="middle">&#8211;</text>'
                )
                continue
            y = y_of(value)
            opacity = SERIES_OPACITY[index % len(SERIES_OPACITY)]
            parts.append(
                f'<rect class="column-chart__column" x="{x:.1f}" y="{y:.1f}" '
                f'width="{column - 2:.1f}" height="{plot_bottom - y:.1f}" fill="currentColor" '
                f'fill-opacity="{opacity}" stroke="currentColor"/>'
            )
        period, _space, year = label.rpartition(" ")
        lines = [period, year] if period else [label]
        parts.append(
            f'<text class="column-chart__label" x="{centre:.1f}" y="{plot_bottom + 16}" '
            f'text-anchor="middle">'
            + "".join(
                f'<tspan x="{centre:.1f}" dy="{0 if n == 0 else 15}">{escape(text)}</tspan>'
                for n, text in enumerate(lines)
            )
            + "</text>"
        )
    parts.append(
        f'<line class="column-chart__axis" x1="{plot_left}" y1="{plot_bottom}" '
        f'x2="{plot_right}" y2="{plot_bottom}" stroke="currentColor"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
