"""A horizontal bar chart as SVG, rendered on the server (see visitt/improvement/charts.py
for the conventions): ``role="img"`` with ``<title>`` and ``<desc>``, no ``style``
attributes (CSP), and colours in ``currentColor`` so that it follows light and dark mode.
The numbers are also in the table beside it."""

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


def bar_chart_svg(bars: Sequence[tuple[str, int]], *, title: str, description: str) -> str:
    """One bar per (label, value), longest value the full width."""
    highest = max((value for _, value in bars), default=0) or 1
    plot_width = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = TOP * 2 + max(1, len(bars)) * (BAR_HEIGHT + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="bar-chart-title '
        f'bar-chart-desc" font-size="{FONT_SIZE}" fill="currentColor">',
        f'<title id="bar-chart-title">{escape(title)}</title>',
        f'<desc id="bar-chart-desc">{escape(description)}</desc>',
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
