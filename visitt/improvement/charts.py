"""Run charts and SPC charts as SVG, rendered on the server.

The same string serves the page, the PDF (WeasyPrint) and screen readers: ``role="img"``
with a ``<title>`` and a ``<desc>``, and the data as a table beside it in the template.

No ``style`` attributes and no ``<style>`` element (the CSP allows style sheets from our
own origin only); colours are SVG presentation attributes. Text, axes and the data use
``currentColor``, so they follow the page's text colour in light and dark mode; the
reference lines use mid tones that keep 3:1 contrast (WCAG 1.4.11) on both Designsystemet
backgrounds (#fff/#f3f3f4 and #17181a/#26282b). Every kind of line also differs in its
dash pattern, and signal points in their shape, so colour is never the only cue. Each
element carries a class, so a style sheet can restyle it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import number_format
from django.utils.translation import gettext

from visitt.improvement.runchart import RunChartAnalysis
from visitt.improvement.spc import SPCAnalysis

# Contrast >= 3:1 against #fff, #f3f3f4, #17181a and #26282b.
MEDIAN_COLOUR = "#3b82c4"  # blue
LIMIT_COLOUR = "#cc4b4b"  # red
ANNOTATION_COLOUR = "#8a63c9"  # purple
SIGNAL_COLOUR = "#b65c00"  # orange

WIDTH = 640
HEIGHT = 300
LEFT = 56
RIGHT = 96  # room for the line labels ("Median", "Upper limit") at the right end
TOP = 34  # room for the annotation labels
BOTTOM = 40
FONT_SIZE = 13
MAX_X_LABELS = 8
ANNOTATION_LABEL_LENGTH = 22


def format_number(value: float) -> str:
    """The value as the page shows it: at most two decimals, in the active language."""
    rounded = round(value, 2)
    if rounded == int(rounded):
        return number_format(int(rounded))
    return number_format(rounded)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    ticks = []
    k = 0
    while first + k * step <= last + step / 1000:
        ticks.append(round(first + k * step, 10))
        k += 1
    return ticks


class _Frame:
    """Scales from data to the viewBox."""

    def __init__(self, count: int, numbers: Sequence[float]) -> None:
        self.count = count
        self.ticks = [0.0, 1.0]
        if numbers:
            # A little room so that no point sits on the axis, but never below zero for
            # values that cannot be negative.
            low, high = min(numbers), max(numbers)
            pad = (high - low) * 0.05
            self.ticks = _nice_ticks(max(0.0, low - pad) if low >= 0 else low - pad, high + pad)
        self.low, self.high = self.ticks[0], self.ticks[-1]
        self.plot_width = WIDTH - LEFT - RIGHT
        self.plot_height = HEIGHT - TOP - BOTTOM

    def x(self, index: int) -> float:
        if self.count <= 1:
            return LEFT + self.plot_width / 2
        return LEFT + index * self.plot_width / (self.count - 1)

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return TOP + self.plot_height * (1 - share)


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _text(x: float, y: float, text: str, *, anchor: str = "start", css: str = "") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="currentColor"'
        f" class={quoteattr('chart-text ' + css)}>{escape(text)}</text>"
    )


def _open(id_prefix: str, title: str, description: str, css: str) -> list[str]:
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%"'
        f' role="img" aria-labelledby={quoteattr(f"{title_id} {desc_id}")}'
        f' class={quoteattr("visitt-chart " + css)} font-size="{FONT_SIZE}"'
        f' font-family="inherit" fill="currentColor">',
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>",
        f"<desc id={quoteattr(desc_id)}>{escape(description)}</desc>",
    ]


def _shown_labels(labels: Sequence[str], spacing: float) -> list[int]:
    """At most about MAX_X_LABELS evenly spread period labels, always the last one, and
    far enough apart (``spacing``: the distance between two periods) not to overlap."""
    count = len(labels)
    if count == 0:
        return []
    # A rough width of the widest label (about 0.6 em a character), plus a gap.
    widest = max(len(label) for label in labels) * FONT_SIZE * 0.6 + 8
    every = max(1, math.ceil(count / MAX_X_LABELS))
    if count > 1 and spacing > 0:
        every = max(every, math.ceil(widest / spacing))
    shown = list(range(0, count, every))
    if shown[-1] != count - 1:
        if len(shown) > 1:
            shown.pop()  # closer than a step to the last label
        shown.append(count - 1)
    return shown


def _axes(frame: _Frame, labels: Sequence[str]) -> list[str]:
    parts = ['<g class="chart-axes">']
    for tick in frame.ticks:
        y = frame.y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{_n(y)}" x2="{WIDTH - RIGHT}" y2="{_n(y)}"'
            ' stroke="currentColor" stroke-opacity="0.15" class="chart-grid"/>'
        )
        parts.append(_text(LEFT - 6, y + 4, format_number(tick), anchor="end", css="chart-tick"))
    bottom = HEIGHT - BOTTOM
    parts.append(
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"'
        ' stroke="currentColor" class="chart-axis"/>'
    )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="currentColor"'
        ' class="chart-axis"/>'
    )
    spacing = frame.plot_width / (frame.count - 1) if frame.count > 1 else frame.plot_width
    for i in _shown_labels(labels, spacing):
        label = labels[i]
        x = frame.x(i)
        parts.append(
            f'<line x1="{_n(x)}" y1="{bottom}" x2="{_n(x)}" y2="{bottom + 5}"'
            ' stroke="currentColor" class="chart-axis"/>'
        )
        parts.append(_text(x, bottom + 20, label, anchor="middle", css="chart-label"))
    parts.append("</g>")
    return parts


def _horizontal(
    frame: _Frame, value: float, label: str, colour: str, dash: str, css: str, width: float = 2
) -> list[str]:
    y = frame.y(value)
    return [
        f'<line x1="{LEFT}" y1="{_n(y)}" x2="{WIDTH - RIGHT}" y2="{_n(y)}" stroke="{colour}"'
        f' stroke-width="{_n(width)}"{f" stroke-dasharray={quoteattr(dash)}" if dash else ""}'
        f" class={quoteattr(css)}/>",
        _text(WIDTH - RIGHT + 6, y + 4, label, css=css + "-label"),
    ]


def _data(
    frame: _Frame,
    labels: Sequence[str],
    values: Sequence[float | None],
    marked: set[int],
    mark_colour: str,
    mark_label: str,
) -> list[str]:
    parts = ['<g class="chart-data">']
    # The line breaks where a value is missing rather than inventing the missing point.
    segment: list[str] = []
    for i, value in enumerate([*values, None]):
        if value is None:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="currentColor"'
                    ' stroke-width="2" class="chart-line"/>'
                )
            segment = []
            continue
        segment.append(f"{_n(frame.x(i))},{_n(frame.y(value))}")
    for i, value in enumerate(values):
        if value is None:
            continue
        x, y = frame.x(i), frame.y(value)
        label = labels[i] if i < len(labels) else ""
        tip = f"{label}: {format_number(value)}"
        if i in marked:
            # A diamond, larger than the ordinary dots: the shape tells it, not only colour.
            tip = f"{tip} ({mark_label})"
            parts.append(
                f'<path d="M{_n(x)} {_n(y - 6)} L{_n(x + 6)} {_n(y)} L{_n(x)} {_n(y + 6)}'
                f' L{_n(x - 6)} {_n(y)} Z" fill="{mark_colour}" stroke="currentColor"'
                f' stroke-width="1" class="chart-point chart-point-signal"'
                f' data-index="{i}"><title>{escape(tip)}</title></path>'
            )
        else:
            parts.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="currentColor"'
                f' class="chart-point" data-index="{i}"><title>{escape(tip)}</title></circle>'
            )
    parts.append("</g>")
    return parts


def _annotations(frame: _Frame, annotations: Sequence[tuple[int, str]]) -> list[str]:
    if not annotations:
        return []
    parts = ['<g class="chart-annotations">']
    for row, (index, text) in enumerate(sorted(annotations, key=lambda a: a[0])):
        if not 0 <= index < frame.count:
            continue
        x = frame.x(index)
        short = (
            text
            if len(text) <= ANNOTATION_LABEL_LENGTH
            else text[: ANNOTATION_LABEL_LENGTH - 1] + "…"
        )
        # Two rows of labels, alternating, so that neighbours overlap less.
        label_y = 12 if row % 2 == 0 else 27
        anchor = "start" if x < WIDTH / 2 else "end"
        parts.append(
            f'<line x1="{_n(x)}" y1="{label_y + 3}" x2="{_n(x)}" y2="{HEIGHT - BOTTOM}"'
            f' stroke="{ANNOTATION_COLOUR}" stroke-width="1.5" stroke-dasharray="2 3"'
            f' class="chart-annotation" data-index="{index}"><title>{escape(text)}</title></line>'
        )
        parts.append(
            f'<text x="{_n(x + (3 if anchor == "start" else -3))}" y="{label_y}"'
            f' text-anchor="{anchor}" fill="currentColor" font-size="{FONT_SIZE - 2}"'
            f' class="chart-text chart-annotation-label">{escape(short)}</text>'
        )
    parts.append("</g>")
    return parts


def _background(
    frame: _Frame, labels: Sequence[str], annotations: Sequence[tuple[int, str]]
) -> list[str]:
    return _axes(frame, labels) + _annotations(frame, annotations)


def run_chart_svg(
    labels: Sequence[str],
    values: Sequence[float | None],
    analysis: RunChartAnalysis,
    *,
    title: str,
    description: str,
    id_prefix: str,
    annotations: Sequence[tuple[int, str]] = (),
) -> str:
    """A run chart: the points, the median (dashed) and annotations at point indexes.

    ``labels`` are the periods, one per value. When the analysis has a shift signal, the
    points of the longest run are drawn as orange diamonds. ``id_prefix`` must be unique
    on the page (the ids of the title and the description derive from it)."""
    numbers = [v for v in values if v is not None]
    if analysis.median is not None:
        numbers.append(analysis.median)
    frame = _Frame(len(values), numbers)
    marked: set[int] = set()
    if analysis.shift_signal and analysis.longest_run_start is not None:
        assert analysis.longest_run_end is not None
        marked = {
            i
            for i in range(analysis.longest_run_start, analysis.longest_run_end + 1)
            if values[i] is not None and values[i] != analysis.median
        }
    parts = _open(id_prefix, title, description, "visitt-run-chart")
    parts += _background(frame, labels, annotations)
    if analysis.median is not None:
        parts += _horizontal(
            frame, analysis.median, gettext("Median"), MEDIAN_COLOUR, "6 4", "chart-median"
        )
    parts += _data(frame, labels, values, marked, SIGNAL_COLOUR, gettext("part of a long run"))
    parts.append("</svg>")
    return "\n".join(parts)


def _step_path(frame: _Frame, limits: Sequence[float | None]) -> str:
    """A limit that varies with the denominator, drawn as steps centred on each point."""
    half = frame.plot_width / (2 * max(frame.count - 1, 1))
    commands = []
    pen_down = False
    for i, limit in enumerate(limits):
        if limit is None:
            pen_down = False
            continue
        x, y = frame.x(i), frame.y(limit)
        left, right = max(LEFT, x - half), min(WIDTH - RIGHT, x + half)
        commands.append(f"{'L' if pen_down else 'M'}{_n(left)} {_n(y)} L{_n(right)} {_n(y)}")
        pen_down = True
    return " ".join(commands)


def spc_chart_svg(
    labels: Sequence[str],
    analysis: SPCAnalysis,
    *,
    title: str,
    description: str,
    id_prefix: str,
    annotations: Sequence[tuple[int, str]] = (),
) -> str:
    """An SPC chart: the plotted values of ``analysis``, the centre line, the upper and
    lower 3-sigma limits (stepped where they vary with the denominator), and points
    outside the limits as red diamonds."""
    values = analysis.values
    numbers = [v for v in (*values, *analysis.lower, *analysis.upper) if v is not None]
    if analysis.centre is not None:
        numbers.append(analysis.centre)
    frame = _Frame(len(values), numbers)
    parts = _open(id_prefix, title, description, "visitt-spc-chart")
    parts += _background(frame, labels, annotations)
    if analysis.centre is not None:
        parts += _horizontal(
            frame, analysis.centre, gettext("Centre line"), MEDIAN_COLOUR, "", "chart-centre"
        )
    for limits, name, css in (
        (analysis.upper, gettext("Upper limit"), "chart-limit chart-limit-upper"),
        (analysis.lower, gettext("Lower limit"), "chart-limit chart-limit-lower"),
    ):
        path = _step_path(frame, limits)
        if not path:
            continue
        parts.append(
            f'<path d="{path}" fill="none" stroke="{LIMIT_COLOUR}" stroke-width="2"'
            f' stroke-dasharray="8 3 2 3" class={quoteattr(css)}/>'
        )
        last = next(v for v in reversed(limits) if v is not None)
        parts.append(_text(WIDTH - RIGHT + 6, frame.y(last) + 4, name, css="chart-limit-label"))
    parts += _data(
        frame, labels, values, set(analysis.outside), LIMIT_COLOUR, gettext("outside the limits")
    )
    parts.append("</svg>")
    return "\n".join(parts)
