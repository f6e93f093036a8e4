"""The diagnosis on the pages (AppTest on the demo data): what is shown equals what the domain computes.

Plotly and dataframe clicks cannot be driven by AppTest: tests/test_drilldown_browser.py clicks in Chromium.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.diagnosis import focus as diagnosis
from breakthrough.diagnosis import hygiene, pipeline
from breakthrough.formatting import money
from breakthrough.metrics import drivers, periods, scorecard
from breakthrough.store import queries, records

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
AS_OF = dt.date(2026, 11, 27)
STORY_FOCUS = [
    ("low_activity", "Activity volume"),
    ("poor_call_to_meeting", "Call → meeting"),
    ("low_win_rate", "Win rate"),
    ("small_deals", "Deal size"),
]


@pytest.fixture
def app(demo_app):
    def make(page: str | None = None, **params) -> AppTest:
        at = demo_app(page, **params)
        assert not at.exception
        assert not [e.value for e in at.error]
        return at

    return make


@pytest.fixture(scope="module")
def expected(demo_engine):
    """The domain's figures for the default view (this quarter, as of the demo's today)."""
    cfg = settings_store.load(demo_engine)
    as_of = periods.as_of_date(queries.last_data_day(demo_engine), dt.date.today())
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(demo_engine, cfg, period, as_of)
    cycles = queries.won_cycles(demo_engine, as_of - dt.timedelta(days=cfg.lookback_days), as_of)
    diag = {b: diagnosis.build(card, cycles, cfg.shrinkage_k, b) for b in diagnosis.BENCHMARKS}
    return {"cfg": cfg, "card": card, "diag": diag, "as_of": as_of}


def rep_of(diag, name):
    return next(r for r in diag.reps.values() if r.name == name)


def table_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


# --- Overview --------------------------------------------------------------------------------------


def test_overview_names_each_reps_focus_with_its_money_value(app, expected):
    at = app()
    focus = table_with(at, "Focus: the one thing to coach").set_index("Rep")
    top = expected["diag"]["top quartile"]
    assert len(focus) == 24
    for rep in top.reps.values():  # whole money, as it is written: 11,266.79 → 11,267
        assert money(focus.loc[rep.name, "Worth"]) == money(rep.focus_impact)
        if rep.focus:
            assert focus.loc[rep.name, "Focus: the one thing to coach"] == drivers.label(rep.focus)
    assert list(focus["Worth"]) == sorted(focus["Worth"], reverse=True)  # most at stake first


@pytest.mark.parametrize("story, label", STORY_FOCUS)
def test_overview_names_the_planted_stories_focus(app, story, label):
    focus = table_with(app(), "Focus: the one thing to coach").set_index("Rep")
    assert focus.loc[demo.STORIES[story], "Focus: the one thing to coach"] == label


def test_overview_focus_follows_the_benchmark_in_the_url(app, expected):
    at = app(bench="Median")
    focus = table_with(at, "Focus: the one thing to coach").set_index("Rep")
    median = expected["diag"]["median"]
    for rep in median.reps.values():
        assert money(focus.loc[rep.name, "Worth"]) == money(rep.focus_impact)
    assert any("median" in c.value for c in at.caption)
    top = expected["diag"]["top quartile"]
    assert sum(r.focus_impact for r in median.reps.values()) < sum(r.focus_impact for r in top.reps.values())


# --- Rep ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("story, label", STORY_FOCUS)
def test_rep_page_states_the_focus_with_its_money_value(app, expected, story, label):
    name = demo.STORIES[story]
    at = app("pages/rep.py", rep=name)
    rep = rep_of(expected["diag"]["top quartile"], name)
    message = at.success[0].value
    assert f"the one thing to coach: {label}." in message
    assert money(rep.focus_impact, expected["cfg"].reporting_currency) in message


def test_rep_page_ranks_every_driver_with_value_benchmark_gap_and_impact(app, expected):
    name = demo.STORIES["low_win_rate"]
    at = app("pages/rep.py", rep=name)
    rep = rep_of(expected["diag"]["top quartile"], name)
    ranked = table_with(at, "Driver")
    assert list(ranked.columns) == ["Driver", "Rep's value", "Benchmark", "Gap", "Impact"]
    assert ranked["Driver"].tolist() == [drivers.label(f.key) for f in rep.ranked()]
    cur = expected["cfg"].reporting_currency
    assert ranked["Impact"].tolist() == [money(f.impact, cur) for f in rep.ranked()[:-1]] + ["–"]  # coverage: none
    win = ranked.set_index("Driver").loc["Win rate"]
    assert win["Gap"] == f"short by {rep.figures['win_rate'].gap * 100:.1f} pts"


def test_rep_page_shows_the_focus_drivers_records_by_default(app, expected, demo_engine):
    name = demo.STORIES["low_activity"]
    at = app("pages/rep.py", rep=name)
    assert any("Records behind Activity volume" in m.value for m in at.markdown)
    calls = table_with(at, "Subject")
    rep = rep_of(expected["diag"]["top quartile"], name)
    as_of = expected["as_of"]
    want = records.activity_records(demo_engine, [rep.rep_id], as_of - dt.timedelta(days=27), as_of, "call")
    assert sorted(calls["CRM id"]) == sorted(want["CRM id"])
    # the figure is its records: 4 weeks of calls ÷ 4 = the calls per week shown as the rep's value
    assert len(calls) / 4 == pytest.approx(rep.figures["activity"].value)
    assert calls["CRM id"].str.match(r"A\d{6}").all()
    assert at.get("download_button")


def test_the_driver_in_the_url_picks_its_records(app, expected, demo_engine):
    name = demo.STORIES["low_win_rate"]
    at = app("pages/rep.py", rep=name, driver="Win rate")
    assert any("Records behind Win rate" in m.value for m in at.markdown)
    closed = table_with(at, "Status")
    rep = rep_of(expected["diag"]["top quartile"], name)
    as_of, lookback = expected["as_of"], expected["cfg"].lookback_days
    want = records.deal_records(demo_engine, [rep.rep_id], status="won+lost",
                                closed=(as_of - dt.timedelta(days=lookback), as_of))  # fmt: skip
    assert sorted(closed["CRM id"]) == sorted(want["CRM id"])
    assert set(closed["Status"]) == {"won", "lost"}
    # the win rate's sample size is these deals: won + lost in the look-back window
    assert len(closed) == expected["card"].reps[rep.rep_id].rates["win_rate"].trials


@pytest.mark.parametrize(
    "param, value",
    [("driver", "Charisma"), ("bench", "Best ever"), ("driver", "<script>x</script>")],
)
def test_bad_driver_or_benchmark_in_the_url_gives_a_notice(app, param, value):
    at = app(**{param: value})
    notices = [w.value for w in at.warning]
    assert any(f"`{param}`" in n and "instead" in n for n in notices), notices
    assert "<script>" not in " ".join(notices)
    assert len(table_with(at, "Focus: the one thing to coach")) == 24


def test_month_end_says_nothing_more_can_close_this_period(app, expected):
    name = demo.STORIES["low_activity"]
    at = app("pages/rep.py", rep=name, kind="Month")
    assert not at.success
    assert any(re.search(r"Too little of Nov 2026 is left", i.value) for i in at.info)


# --- Pipeline ---------------------------------------------------------------------------------------


def test_pipeline_page_stage_funnel_equals_the_domain(app, expected, demo_engine):
    at = app("pages/pipeline.py")
    cfg, as_of = expected["cfg"], expected["as_of"]
    order = records.stage_order(demo_engine)
    cohort = records.stage_cohort(demo_engine, as_of - dt.timedelta(days=cfg.lookback_days), as_of)
    want = pipeline.funnel(cohort[cohort["rep_id"].isin(expected["card"].reps)], order, cfg)
    shown = table_with(at, "Drop-off")
    assert shown["Stage"].tolist() == want["Stage"].tolist() == [*order, "Won"]
    assert shown["Deals"].tolist() == want["Deals"].tolist()
    assert shown["Value"].tolist() == pytest.approx(want["Value"].tolist())
    assert shown["Deals"].is_monotonic_decreasing


def test_pipeline_page_for_one_rep_sets_them_beside_team_and_top_quartile(app, expected, demo_engine):
    name = demo.STORIES["low_win_rate"]
    at = app("pages/pipeline.py", rep=name)
    rep_id = rep_of(expected["diag"]["top quartile"], name).rep_id
    cfg, as_of = expected["cfg"], expected["as_of"]
    order = records.stage_order(demo_engine)
    cohort = records.stage_cohort(demo_engine, as_of - dt.timedelta(days=cfg.lookback_days), as_of)
    peers = diagnosis.peer_group(expected["card"], rep_id)
    want = pipeline.comparison(cohort, order, [rep_id], peers)
    shown = table_with(at, "Top quartile")
    assert list(shown.columns) == ["Step", name, "Team", "Top quartile"]
    assert shown[name].tolist() == pytest.approx(want["Selected"].tolist())
    assert shown["Top quartile"].tolist() == pytest.approx(want["Top quartile"].tolist())
    # the low-win-rate rep closes worse than the team's top quartile at the last step
    assert shown[name].iloc[-1] < shown["Top quartile"].iloc[-1]
    deals = table_with(at, "Days in stage")  # their deals with a hygiene problem, listed
    assert deals["CRM id"].str.match(r"O\d{6}").all()


def test_pipeline_page_lists_one_reps_hygiene_deals_as_the_domain_flags_them(app, expected, demo_engine):
    """The listing's rows (the page's flags carry no texts nor dates: it reads them for the rep it lists) are the
    rep's deals breaking a rule in `hygiene.read`'s full frame, value for value, in id order."""
    name = demo.STORIES["low_win_rate"]
    at = app("pages/pipeline.py", rep=name)
    rep_id = rep_of(expected["diag"]["top quartile"], name).rep_id
    full = hygiene.read(demo_engine, expected["as_of"])
    bad = full[(full["rep_id"] == rep_id) & full["any"]]
    shown = table_with(at, "Days in stage")
    assert shown["CRM id"].tolist() == bad["crm_id"].tolist() and len(bad) > 0
    assert shown["Stage"].tolist() == bad["stage"].tolist()
    assert [str(d) for d in shown["Close date"]] == [str(d) for d in bad["close_date"]]
    assert shown["Days in stage"].tolist() == bad["days_in_stage"].astype(int).tolist()
    assert shown["Close date pushes"].tolist() == bad["pushes"].tolist()
    for rule, label in hygiene.RULES.items():
        assert shown[label].tolist() == ["yes" if b else "" for b in bad[rule]]


def test_pipeline_page_hygiene_and_prospects_equal_the_domain(app, expected, demo_engine):
    at = app("pages/pipeline.py")
    as_of = expected["as_of"]
    flags = hygiene.flag(records.open_deals(demo_engine, as_of), records.close_date_history(demo_engine, as_of), as_of)
    want = hygiene.per_rep(flags, list(expected["card"].reps))
    shown = table_with(at, "Any problem").set_index("Rep")
    for rep_id, row in want.iterrows():
        name = expected["card"].reps[rep_id].name
        assert shown.loc[name, "Past due"] == row["past_due"]
        assert shown.loc[name, "Stalled in stage"] == row["stalled"]
        assert shown.loc[name, "Close date pushed twice or more"] == row["pushed"]
        assert shown.loc[name, "Any problem"] == row["any"]
    assert shown["Past due"].sum() > 0 and shown["No activity in 30 days"].sum() > 0
    coverage = table_with(at, "Coverage needed").set_index("Rep")
    for rep in expected["card"].reps.values():
        assert coverage.loc[rep.name, "Coverage needed"] == pytest.approx(rep.funnel.coverage_ratio)
    prospects = table_with(at, "Target share")
    assert prospects["Target share"].between(0, 1).all()


# --- one table of drivers: every label a page shows is the table's -------------------------------

LABELS = [d.label for d in drivers.TABLE]


def test_the_overview_names_drivers_by_the_tables_labels(app):
    at = app()
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    columns = [t["x"] for c in charts for t in c["data"] if t["type"] == "heatmap"]
    assert [[x.replace("<br>", " ") for x in found] for found in columns] == [LABELS]  # the heatmap's columns
    named = set(table_with(at, "Focus: the one thing to coach")["Focus: the one thing to coach"])
    assert named - {"–"} and named - {"–"} <= set(LABELS)
    assert at.selectbox(key="driver").options == ["All drivers", *LABELS]  # the sidebar's Driver filter


def test_the_rep_page_names_drivers_by_the_tables_labels(app, expected):
    name = demo.STORIES["small_deals"]
    at = app("pages/rep.py", rep=name)
    assert "the one thing to coach: Deal size." in at.success[0].value  # the focus text: the table's label
    assert sorted(table_with(at, "Rep's value")["Driver"]) == sorted(LABELS)  # the drivers table
    rates = ["Call → meeting", "Meeting → opportunity", "Win rate", "Deal size"]
    assert table_with(at, "Sample size")["Rate"].tolist() == rates
    assert sorted(table_with(at, "Cuts projected gap by")["Driver (10 % better)"]) == sorted(LABELS[:5])
    assert at.selectbox(key="rep_log_0_driver").options == ["none named", *LABELS]  # the session form's focus


# --- docs ---------------------------------------------------------------------------------------------


def test_diagnosis_doc_explains_the_focus_with_a_worked_example():
    text = (ROOT / "docs" / "diagnosis.md").read_text(encoding="utf-8")
    for words in (
        "## How the focus driver is found",
        "## Worked example",
        "## Activity × results quadrant",
        "## Pipeline hygiene",
        "## Stage funnel",
        "## Right prospects",
        "top quartile",
        "median",
    ):
        assert words in text, words
    for label in [d.label for d in drivers.TABLE]:
        assert label in text, label
    assert "docs/diagnosis.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_pages_doc_names_the_pipeline_page_and_the_new_url_parameters():
    text = (ROOT / "docs" / "pages.md").read_text(encoding="utf-8")
    assert "## Pipeline" in text
    assert "`bench`" in text and "`driver`" in text
