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


# chart: (its cap in components/sections/figures.py, its cached builder, its place on the Overview, the reps it
# keeps of the whole chart's, bottom-up; its title and the page's caption when capped; its title when not)
CAPPED = {
    "heatmap": ("HEATMAP_REPS", "_heatmap", 1, lambda reps, n: reps[:n],  # the most at stake first
                "The {n} of 24 reps with the most at stake against the team's top quartile",
                "shows the {n} reps with the most at stake of the 24 in view", "Each rep's drivers against the team's"),
    "pace": ("PACE_REPS", "_pace_by_rep", 0, lambda reps, n: reps[-n:],  # drawn bottom-up: the furthest behind last
             "Weekly pace against what quota needs: the {n} of 24 reps furthest behind on calls",
             "shows the {n} reps furthest behind on calls of the 24 in view",
             "Weekly pace against what quota needs, by rep"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("chart", "cap", "drawn"), [(c, cap, n) for c in CAPPED for cap, n in ((5, 5), (24, 24), (30, 24))]
)
def test_a_tall_chart_draws_its_cap_of_reps_and_says_so(demo_app, demo_engine, monkeypatch, chart, cap, drawn):
    setting, builder, place, kept, capped_title, caption, whole_title = CAPPED[chart]
    monkeypatch.setattr(figures, setting, cap)
    getattr(figures, builder).clear()
    try:
        at = demo_app()
        shown = shown_figures(at)[place]
    finally:
        getattr(figures, builder).clear()  # the next test draws the chart at its real cap
    everyone = domain_figures(demo_engine)[place]["data"][0]["y"]  # every rep of the view, in the chart's order
    assert len(everyone) == 24
    assert shown["data"][0]["y"] == kept(everyone, drawn)
    title = shown["layout"]["title"]["text"]
    captions = " ".join(c.value for c in at.caption)
    if drawn < 24:
        assert title.startswith(capped_title.format(n=drawn)) and caption.format(n=drawn) in captions
    else:
        assert title.startswith(whole_title) and caption.format(n=cap) not in captions
