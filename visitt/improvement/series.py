"""What a measure's page shows: the current phase's points as a run chart with the
Anhøj analysis in words, annotations where the problem's actions were finished and its
PDSA cycles ran, and an SPC view (P, U or I chart). Reads nothing from the database:
the view passes the points, phases, actions and cycles in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from visitt.followup.plans import Action, Measure

from . import charts, periods, spc
from .models import MeasurePhase, MeasurePoint, PdsaCycle
from .runchart import RunChartAnalysis, analyse, describe
from .services import is_percent


@dataclass
class MeasureChart:
    phase: MeasurePhase | None
    labels: list[str]
    values: list[float | None]
    analysis: RunChartAnalysis
    words: str
    verdict: str  # "improvement", "deterioration", "signal", "none" or "too_few"
    annotations: list[tuple[int, str]] = field(default_factory=list)
    svg: str = ""
    spc_kind: str = ""
    spc_svg: str = ""
    spc_words: str = ""


def current_phase(phases: list[MeasurePhase], points: list[MeasurePoint]) -> MeasurePhase | None:
    """The last phase that has begun by the last point (else the first phase)."""
    if not phases:
        return None
    last = points[-1].period if points else None
    begun = [phase for phase in phases if last is None or phase.start <= last]
    return begun[-1] if begun else phases[0]


def verdict_of(analysis: RunChartAnalysis, better: str) -> str:
    if not analysis.enough_data:
        return "too_few"
    if not analysis.signal:
        return "none"
    if analysis.direction is None:
        return "signal"
    return (
        "improvement" if (analysis.direction == "up") == (better == "higher") else "deterioration"
    )


def _index(day: date, slots: list[date], frequency: str) -> int | None:
    period = periods.start_of(day, frequency)
    try:
        return slots.index(period)
    except ValueError:
        return None


def build(
    measure: Measure,
    points: list[MeasurePoint],
    phases: list[MeasurePhase],
    actions: list[Action],
    cycles: list[PdsaCycle],
    *,
    drawn: bool = True,
) -> MeasureChart:
    """The measure's chart. ``drawn=False`` gives only the analysis, its words and
    verdict, without labels, annotations or SVG: for summaries of hundreds of measures,
    where drawing them all took most of a second."""
    phase = current_phase(phases, points)
    shown = [point for point in points if phase is None or point.period >= phase.start]
    slots = (
        periods.all_between(shown[0].period, shown[-1].period, measure.frequency) if shown else []
    )
    by_period = {point.period: point for point in shown}
    values: list[float | None] = [
        float(by_period[slot].value) if slot in by_period else None for slot in slots
    ]
    labels = [periods.label(slot, measure.frequency) for slot in slots] if drawn else []
    baseline = phase.baseline_points if phase is not None else None
    analysis = analyse(values, baseline=baseline)
    words = describe(analysis, measure.better)
    chart = MeasureChart(
        phase, labels, values, analysis, words, verdict_of(analysis, measure.better)
    )
    if not drawn:
        return chart
    for action in actions:
        if action.finished_at is not None and action.status == Action.Status.DONE:
            index = _index(timezone.localtime(action.finished_at).date(), slots, measure.frequency)
            if index is not None:
                chart.annotations.append(
                    (index, _("Done: %(action)s") % {"action": _short(action.what)})
                )
    for cycle in cycles:
        index = _index(cycle.start_date, slots, measure.frequency)
        if index is not None:
            chart.annotations.append((index, _("PDSA: %(plan)s") % {"plan": _short(cycle.plan)}))
    chart.annotations.sort()
    if not slots:
        return chart
    title = measure.name
    chart.svg = charts.run_chart_svg(
        labels,
        values,
        analysis,
        title=title,
        description=words,
        annotations=tuple(chart.annotations),
        id_prefix=f"run-{measure.pk}",
    )
    _spc(chart, measure, shown, slots, by_period, baseline)
    return chart


def _spc(
    chart: MeasureChart,
    measure: Measure,
    shown: list[MeasurePoint],
    slots: list[date],
    by_period: dict[date, MeasurePoint],
    baseline: int | None,
) -> None:
    fractions = [point for point in shown if point.has_fraction]
    has_denominator = bool(fractions)
    proportion = is_percent(measure) or all(point.value <= 1 for point in fractions)
    kind = spc.chart_kind(has_denominator, proportion)
    if has_denominator:

        def part(slot: date, name: str) -> float | None:
            point = by_period.get(slot)
            number = getattr(point, name, None) if point is not None else None
            return float(number) if number is not None else None

        numerators = [part(slot, "numerator") for slot in slots]
        denominators = [part(slot, "denominator") for slot in slots]
        multiplier = 100.0 if is_percent(measure) else 1.0
        make = spc.p_chart if kind == spc.ChartKind.P else spc.u_chart
        analysis = make(numerators, denominators, baseline=baseline, multiplier=multiplier)
    else:
        analysis = spc.i_chart(chart.values, baseline=baseline)
    names = {
        spc.ChartKind.P: _("P chart (proportion)"),
        spc.ChartKind.U: _("U chart (rate)"),
        spc.ChartKind.I: _("I chart (individual values)"),
    }
    chart.spc_kind = str(names.get(kind, kind))
    if analysis.signal:
        chart.spc_words = _(
            "%(count)d points lie outside the control limits: a special cause to look for."
        ) % {"count": len(analysis.outside)}
    else:
        chart.spc_words = _("All points lie within the control limits.")
    chart.spc_svg = charts.spc_chart_svg(
        chart.labels,
        analysis,
        title=f"{measure.name}: {chart.spc_kind}",
        description=chart.spc_words,
        annotations=tuple(chart.annotations),
        id_prefix=f"spc-{measure.pk}",
    )


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
