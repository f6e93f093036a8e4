"""The Overview's charts are built once per view and data version (components.sections.figures) and still show the view.

The cache is shared by the whole test process; the views below run one after another, so a cache key
missing a part of the view (benchmark, period, the reps in view, privacy) would hand a later view an
earlier view's chart, and `test_each_view_shows_its_own_charts` would fail.
"""

from __future__ import annotations

import datetime as dt
import json

import plotly.io
import pytest

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.diagnosis import focus
from breakthrough.metrics import periods, scorecard
from breakthrough.metrics.view import reps_in_scope
from breakthrough.store import queries
from components.sections import figures
from components.widgets import charts, diagnosis_charts

TODAY = dt.date(2026, 11, 27)
KINDS = {"Quarter": "quarter", "Month": "month"}
BENCHMARKS = {"Top quartile": "top quartile", "Median": "median"}


def domain_figures(engine, kind="Quarter", bench="Top quartile", team=None) -> list[dict]:
    """The pace chart, driver heatmap and quadrant built straight from the domain for one view."""
    cfg = settings_store.load(engine)
    as_of = periods.as_of_date(queries.last_data_day(engine), TODAY)
    period = periods.period_containing(as_of, KINDS[kind], cfg.fiscal_year_start_month)
    card = scorecard.build(engine, cfg, period, as_of)
    ids = list(reps_in_scope(queries.people(engine), team, None).index)
    cycles = queries.won_cycles(engine, as_of - dt.timedelta(days=cfg.lookback_days), as_of)
    diag = focus.build(card, cycles, cfg.shrinkage_k, BENCHMARKS[bench], cfg.on_track_threshold)
    reps = sorted((diag.reps[i] for i in ids if i in diag.reps), key=lambda r: -r.focus_impact)
    built = [
        charts.pace_by_rep(scorecard.overview_rows(card, ids)),
        diagnosis_charts.heatmap(reps, cfg.reporting_currency, diag.benchmark),
        diagnosis_charts.quadrant(reps),
    ]
    return [json.loads(plotly.io.to_json(fig.to_dict(), validate=False)) for fig in built]


def shown_figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize(
    "params",
    [{}, {"bench": "Median"}, {"kind": "Month"}, {"team": "EMEA"}, {"team": "EMEA", "bench": "Median"}, {}],
)
def test_each_view_shows_its_own_charts(demo_app, demo_engine, params):
    at = demo_app(**params)
    assert not at.exception
    want = domain_figures(
        demo_engine, params.get("kind", "Quarter"), params.get("bench", "Top quartile"), params.get("team")
    )
    assert shown_figures(at) == want


@pytest.fixture
def builds(monkeypatch):
    """How many times each chart was built (the cache emptied first)."""
    count = {"pace": 0, "heatmap": 0, "quadrant": 0}
    for module, name, key in (
        (charts, "pace_by_rep", "pace"),
        (diagnosis_charts, "heatmap", "heatmap"),
        (diagnosis_charts, "quadrant", "quadrant"),
    ):
        original = getattr(module, name)

        def counted(*args, _original=original, _key=key, **kwargs):
            count[_key] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    for cached in (figures._pace_by_rep, figures._heatmap, figures._quadrant):
        cached.clear()
    return count


def test_a_rerun_draws_the_same_charts_without_building_them(demo_app, builds):
    at = demo_app()
    first = shown_figures(at)
    assert builds == {"pace": 1, "heatmap": 1, "quadrant": 1}
    at.run()
    assert builds == {"pace": 1, "heatmap": 1, "quadrant": 1}  # the second run reused all three
    assert shown_figures(at) == first
    demo_app(team="EMEA")
    assert builds == {"pace": 2, "heatmap": 2, "quadrant": 2}  # another view: built for it


def test_privacy_mode_charts_hide_names_and_leave_the_named_charts_alone(demo_app):
    named = shown_figures(demo_app())
    names = set(named[0]["data"][0]["y"])  # the pace chart's reps
    assert len(names) == 24
    selected = demo.STORIES["low_activity"]
    hidden = json.dumps(shown_figures(demo_app(anon="1", rep=selected)))
    assert [n for n in names - {selected} if n in hidden] == [] and selected in hidden
    assert "Rep A" in hidden
    assert shown_figures(demo_app()) == named  # hiding names worked on a copy: the shared charts keep them


@pytest.mark.parametrize(("cap", "rows"), [(10, 10), (24, 24), (30, 24)])
def test_the_heatmap_draws_the_reps_with_most_at_stake_up_to_its_cap(demo_app, demo_engine, monkeypatch, cap, rows):
    monkeypatch.setattr(figures, "HEATMAP_REPS", cap)
    figures._heatmap.clear()
    try:
        at = demo_app()
        heatmap = shown_figures(at)[1]
    finally:
        figures._heatmap.clear()  # the next test draws the heatmap at its real cap
    _, drawn_heatmap, _ = domain_figures(demo_engine)  # every rep of the view, the most at stake first
    everyone = drawn_heatmap["data"][0]["y"]
    assert len(everyone) == 24
    assert heatmap["data"][0]["y"] == everyone[:rows]  # the first `rows` of the ranking, in its order
    title = heatmap["layout"]["title"]["text"]
    captions = " ".join(c.value for c in at.caption)
    if rows < 24:
        assert title.startswith(f"The {rows} of 24 reps with the most at stake against the team's top quartile")
        assert f"shows the {rows} reps with the most at stake of the 24 in view" in captions
    else:
        assert title.startswith("Each rep's drivers against the team's top quartile")
        assert "with the most at stake of the" not in captions


@pytest.mark.parametrize(("cap", "bars"), [(5, 5), (24, 24), (30, 24)])
def test_the_pace_chart_draws_the_reps_furthest_behind_up_to_its_cap(demo_app, demo_engine, monkeypatch, cap, bars):
    monkeypatch.setattr(figures, "PACE_REPS", cap)
    figures._pace_by_rep.clear()
    try:
        at = demo_app()
        pace = shown_figures(at)[0]
    finally:
        figures._pace_by_rep.clear()  # the next test draws the chart at its real cap
    everyone = domain_figures(demo_engine)[0]["data"][0]["y"]  # bottom-up: the furthest behind on calls last
    assert len(everyone) == 24
    assert pace["data"][0]["y"] == everyone[-bars:]
    title = pace["layout"]["title"]["text"]
    captions = " ".join(c.value for c in at.caption)
    if bars < 24:
        assert title == f"Weekly pace against what quota needs: the {bars} of 24 reps furthest behind on calls"
        assert f"shows the {bars} reps furthest behind on calls of the 24 in view" in captions
    else:
        assert title == "Weekly pace against what quota needs, by rep"
        assert "furthest behind on calls of the" not in captions
