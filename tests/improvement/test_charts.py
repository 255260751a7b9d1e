"""The SVG charts: accessible names, the points, the median and limits, escaping, CSP."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

from django.utils import translation

from visitt.improvement.charts import run_chart_svg, spc_chart_svg
from visitt.improvement.runchart import analyse
from visitt.improvement.spc import i_chart, p_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
VALUES = [5, 6, 4, 5, 6, 4, 3, 3, None, 3, 3, 3, 3, 3, 3]
LABELS = [f"{m:02d}.2025" for m in range(1, 13)] + ["01.2026", "02.2026", "03.2026"]


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def find_all(root: ET.Element, css: str) -> list[ET.Element]:
    return [e for e in root.iter() if css in classes(e)]


def run_chart(**extra) -> ET.Element:
    analysis = analyse(VALUES, baseline=6)
    svg = run_chart_svg(
        LABELS,
        VALUES,
        analysis,
        title=extra.pop("title", "Falls"),
        description=extra.pop("description", "Fewer falls since June."),
        id_prefix="measure-7",
        **extra,
    )
    return ET.fromstring(svg)


def test_the_run_chart_is_an_image_named_by_its_title_and_description():
    root = run_chart()
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox")
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text == "Falls"
    assert desc is not None and desc.text == "Fewer falls since June."
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.get("id") == "measure-7-title"


def test_the_run_chart_draws_every_present_point_and_a_dashed_median():
    root = run_chart()
    points = find_all(root, "chart-point")
    assert sorted(int(p.get("data-index", "")) for p in points) == [
        i for i, v in enumerate(VALUES) if v is not None
    ]
    # The longest run (indexes 5 to 14, without the gap) signals a shift: diamonds.
    signal = find_all(root, "chart-point-signal")
    assert sorted(int(p.get("data-index", "")) for p in signal) == [5, 6, 7, 9, 10, 11, 12, 13, 14]
    (median,) = [e for e in find_all(root, "chart-median") if e.tag.endswith("line")]
    assert median.get("stroke-dasharray")
    # The median (5) lies between the lines of the points at 6 and at 4.
    y = {int(p.get("data-index", "")): float(p.get("cy") or 0) for p in points if p.get("cy")}
    assert y[1] < float(median.get("y1", "")) < y[2]
    assert median.get("y1") == median.get("y2")
    # The line breaks at the missing month: two segments.
    assert len(find_all(root, "chart-line")) == 2


def test_annotations_are_marked_at_their_points_with_a_short_label():
    root = run_chart(
        annotations=[(5, "Fall risk assessed at admission, every patient"), (7, "PDSA 1")]
    )
    lines = find_all(root, "chart-annotation")
    assert [line.get("data-index") for line in lines] == ["5", "7"]
    labels = [e.text or "" for e in find_all(root, "chart-annotation-label")]
    assert labels[1] == "PDSA 1"
    assert labels[0].endswith("…") and len(labels[0]) <= 22
    # The full text stays available as the line's tooltip.
    assert lines[0].find("svg:title", NS).text == "Fall risk assessed at admission, every patient"


def test_text_is_escaped_and_nothing_needs_inline_style_or_script():
    svg = run_chart_svg(
        ["<b>jan</b>", "feb & mar"],
        [1, 2],
        analyse([1, 2]),
        title='Falls <script>alert("x")</script>',
        description="A & B",
        id_prefix="x",
        annotations=[(0, "<i>change</i>")],
    )
    root = ET.fromstring(svg)
    assert root.find("svg:title", NS).text == 'Falls <script>alert("x")</script>'
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    assert all("style" not in e.attrib for e in root.iter())
    assert not [e for e in root.iter() if e.tag.endswith(("style", "script"))]
    assert "feb &amp; mar" in svg


def test_numbers_follow_the_language():
    analysis = analyse([0.5, 1.5, 2.5])
    with translation.override("nb"):
        svg = run_chart_svg(
            ["a", "b", "c"], [0.5, 1.5, 2.5], analysis, title="t", description="d", id_prefix="n"
        )
    assert "a: 0,5" in svg


def test_an_empty_chart_still_renders():
    root = ET.fromstring(
        run_chart_svg([], [], analyse([]), title="Empty", description="No data yet.", id_prefix="e")
    )
    assert root.find("svg:title", NS).text == "Empty"
    assert not find_all(root, "chart-point")


def test_the_spc_chart_draws_the_centre_the_limits_and_points_outside():
    analysis = p_chart([2, 5, 3, 9], [10, 20, 10, 10], multiplier=100)
    svg = spc_chart_svg(
        ["jan", "feb", "mar", "apr"],
        analysis,
        title="Share with a risk assessment",
        description="One point above the upper limit.",
        id_prefix="spc-3",
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "spc-3-title spc-3-desc"
    assert [e for e in find_all(root, "chart-centre") if e.tag.endswith("line")]
    upper = find_all(root, "chart-limit-upper")
    lower = find_all(root, "chart-limit-lower")
    assert len(upper) == 1 and len(lower) == 1
    # Four steps in the upper limit, one per point.
    assert upper[0].get("d", "").count("M") + upper[0].get("d", "").count("L") == 8
    signal = find_all(root, "chart-point-signal")
    assert [p.get("data-index") for p in signal] == ["3"]
    assert len(find_all(root, "chart-point")) == 4


def test_the_i_chart_renders_with_missing_points():
    analysis = i_chart([10, 12, None, 11, 15, 30], baseline=4)
    root = ET.fromstring(
        spc_chart_svg(list("abcdef"), analysis, title="I", description="d", id_prefix="i")
    )
    assert len(find_all(root, "chart-point")) == 5
    assert [p.get("data-index") for p in find_all(root, "chart-point-signal")] == ["5"]


def test_the_period_labels_keep_apart_and_the_last_is_shown():
    labels = [f"Sep {2010 + i}" for i in range(16)]
    values = [9, 10, 11, 12, 9, 10, 11, 12, 3, 4, 5, 2, 3, 4, 5, 2]
    svg = run_chart_svg(
        labels, values, analyse(values), title="Fall", description="", id_prefix="m"
    )
    shown = find_all(ET.fromstring(svg), "chart-label")
    xs = [float(e.get("x", "0")) for e in shown]
    assert shown[-1].text == labels[-1]
    # About 0.6 em a character at 13 px: neighbouring labels must not overlap.
    assert min(b - a for a, b in pairwise(xs)) > len(labels[0]) * 13 * 0.6
