"""Names on the activity × results quadrant never sit on each other or on a quadrant's title (issue #19, item 2):
only the selected rep and the reps farthest from the centre are named, where there is room; hover names everyone.
The browser test (tests/test_visual_browser.py) checks the drawn text of every chart on every page."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from components.widgets import diagnosis_charts as charts


def rep(rep_id, name, activity, results, quadrant="accountability"):
    return SimpleNamespace(rep_id=rep_id, name=name, activity_pace=activity, results_pace=results, quadrant=quadrant)


CROWDED = [rep(i, f"Rep number {i:02d}", 0.50 + 0.01 * (i % 5), 0.40 + 0.01 * (i // 5)) for i in range(20)]
FAR = [rep(100, "Far Ahead", 2.8, 2.5, "retain"), rep(101, "Far Behind", 0.1, 0.3)]


def named(fig) -> dict[str, tuple[float, float, str]]:
    return {
        t: (x, y, p) for trace in fig.data for t, x, y, p in zip(trace.text, trace.x, trace.y, trace.textposition) if t
    }


def boxes(fig):
    """Each name's box in the pixels `_named` plans for."""
    x_top, y_top = fig.layout.xaxis.range[1], fig.layout.yaxis.range[1]
    return [
        (text, charts.label_box(text, x / x_top * charts.PLOT_WIDTH, (1 - y / y_top) * charts.PLOT_HEIGHT, p))
        for text, (x, y, p) in named(fig).items()
    ]


@pytest.mark.parametrize("selected", [None, 7])
def test_a_crowded_corner_names_only_what_fits(selected):
    fig = charts.quadrant([*CROWDED, *FAR], selected)
    shown = boxes(fig)
    assert 2 <= len(shown) <= charts.MOST_NAMED
    for i, (a, box_a) in enumerate(shown):
        for b, box_b in shown[i + 1 :]:
            assert not charts._overlap(box_a, box_b), (a, b)
    assert {"Far Ahead", "Far Behind"} <= set(named(fig))  # the extremes
    if selected is not None:
        assert "Rep number 07" in named(fig)
    hover = {h for trace in fig.data for h in trace.hovertext}
    assert hover == {r.name for r in [*CROWDED, *FAR]}  # every rep named on hover


def test_no_name_sits_on_a_quadrant_title():
    corner = [rep(i, f"Corner rep {i}", 2.9, 2.9 - 0.02 * i, "retain") for i in range(5)]
    fig = charts.quadrant(corner)
    retain_title = (charts.PLOT_WIDTH - 8.0 * len(charts.QUADRANTS["retain"][0]) - 6, 0, charts.PLOT_WIDTH, 22)
    assert all(not charts._overlap(box, retain_title) for _, box in boxes(fig))
