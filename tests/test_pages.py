"""Pages run through AppTest on the demo data: they show what the domain package computes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.formatting import money, number, percent
from breakthrough.metrics import periods, scorecard
from breakthrough.store import queries

pytestmark = pytest.mark.postgres_pages  # these pages' figures against the domain's, on both databases

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app(demo_url, monkeypatch):
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", demo_url)

    def make(**params) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        return at

    return make


def expected_card(engine, kind="quarter"):
    cfg = settings_store.load(engine)
    as_of = periods.as_of_date(queries.last_data_day(engine), dt.date.today())
    period = periods.period_containing(as_of, kind, cfg.fiscal_year_start_month)
    return scorecard.build(engine, cfg, period, as_of), cfg


def assert_ok(at: AppTest) -> None:
    """No traceback and no "something went wrong" message on the page."""
    assert not at.exception
    assert not [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_totals_equal_the_domain_figures(app, demo_engine):
    at = app().run()
    assert_ok(at)
    card, cfg = expected_card(demo_engine)
    totals = card.totals()
    shown = metrics(at)
    assert shown["Quota"] == money(totals["quota"], cfg.reporting_currency)
    assert shown["Won"] == money(totals["won"], cfg.reporting_currency)
    assert shown["Gap to quota"] == money(totals["gap"], cfg.reporting_currency)
    assert shown["Attainment"] == percent(totals["attainment"])
    attainment = next(m for m in at.metric if m.label == "Attainment")
    points = (totals["attainment"] - totals["elapsed_share"]) * 100
    assert attainment.delta == f"{points:+.0f} pts vs {percent(totals['elapsed_share'])}"  # fits the card
    assert f"the {percent(totals['elapsed_share'])} of the period's working days gone" in attainment.help
    assert totals["quota"] > 0 and totals["won"] > 0


def test_overview_lists_every_rep_with_their_figures(app, demo_engine):
    at = app().run()
    assert_ok(at)
    card, _ = expected_card(demo_engine)
    table = at.dataframe[0].value.set_index("Rep")
    assert len(table) == 24
    for rep in card.reps.values():
        assert table.loc[rep.name, "Quota"] == pytest.approx(round(rep.quota))
        calls = rep.funnel.stages["calls"]  # the table holds the figure rounded as it is written: 45.75 → 45.8
        assert f"{table.loc[rep.name, 'Calls/wk actual']:,.1f}" == number(calls.actual_pw, 1)
        assert table.loc[rep.name, "Calls status"].endswith(calls.status)


def test_overview_shows_demo_notice_and_statuses_in_words(app):
    at = app().run()
    assert any("demo data" in i.value for i in at.info)
    statuses = set(at.dataframe[0].value["Calls status"])
    assert statuses <= {"on track", "at risk", "behind"}
    assert "behind" in statuses  # the low-activity rep at least


def test_team_in_the_url_narrows_the_overview(app, demo_engine):
    at = app(team="EMEA").run()
    assert_ok(at)
    card, cfg = expected_card(demo_engine)
    emea = [r for r in card.reps.values() if r.team == "EMEA"]
    assert metrics(at)["Quota"] == money(sum(r.quota for r in emea), cfg.reporting_currency)
    assert sorted(at.dataframe[0].value["Rep"]) == sorted(r.name for r in emea)


def test_month_period_in_the_url_changes_the_quota(app, demo_engine):
    at = app(kind="Month").run()
    card, cfg = expected_card(demo_engine, kind="month")
    assert metrics(at)["Quota"] == money(card.totals()["quota"], cfg.reporting_currency)


@pytest.mark.parametrize(
    "param, value, named",
    [
        ("rep", "Nobody Atall", "`rep`"),
        ("team", "<b>Atlantis</b>", "`team`"),
        ("manager", "Ghost", "`manager`"),
        ("asof", "2026-13-45", "`asof`"),
        ("asof", "9999-12-31", "`asof`"),  # a date, but past any the picker offers: replaced, and said
        ("asof", "1900-01-01", "`asof`"),  # before the data's first day
        ("period", "Q9 FY1999", "`period`"),
        ("kind", "Decade", "`kind`"),
    ],
)
def test_stale_or_bad_url_values_give_a_notice_and_fall_back(app, param, value, named):
    at = app(**{param: value}).run()
    assert_ok(at)
    notices = [w.value for w in at.warning]
    assert any(named in n and "instead" in n for n in notices), notices
    assert len(at.dataframe[0].value) == 24  # fell back to the full view


def test_rep_page_shows_the_selected_reps_funnel(app, demo_engine):
    name = demo.STORIES["low_activity"]
    at = app(rep=name).run()
    at.switch_page("pages/rep.py").run()
    assert_ok(at)
    card, cfg = expected_card(demo_engine)
    rep = next(r for r in card.reps.values() if r.name == name)
    assert at.header[0].value == name
    # under the name: the rep's own team and manager, then the period, each said once
    line = at.caption[0].value
    assert line.startswith(f"{rep.team} · manager {rep.manager} · ") and "Q4 FY2026 · as of 27 Nov 2026" in line
    assert "All teams" not in line and name not in line
    shown = metrics(at)
    assert shown["Quota"] == money(rep.quota, cfg.reporting_currency)
    assert shown["Gap to quota"] == money(rep.funnel.gap, cfg.reporting_currency)
    tables = [d.value for d in at.dataframe]  # found by their columns: the diagnosis section's tables come first
    funnel_table = next(t for t in tables if "Needed per week" in t.columns).set_index("Stage")
    assert funnel_table.loc["Calls", "Actual per week"] == pytest.approx(rep.funnel.stages["calls"].actual_pw)
    assert funnel_table.loc["Calls", "Status"] == "behind"
    rates = next(t for t in tables if "Sample size" in t.columns).set_index("Rate")
    assert rates.loc["Win rate", "Sample size"] == int(rep.rates["win_rate"].trials)


def test_rep_page_without_a_rep_offers_the_reps(app):
    at = app(team="EMEA").run()
    at.switch_page("pages/rep.py").run()
    assert_ok(at)
    assert any("Choose a rep" in i.value for i in at.info)


def test_settings_page_saves_and_figures_follow(demo_copy, monkeypatch):
    from breakthrough.store.db import make_engine

    url = demo_copy(seed=3, today=dt.date(2026, 11, 27))
    eng = make_engine(url)
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/settings.py").run()
    assert_ok(at)
    at.radio[0].set_value("fixed")
    at.number_input[0].set_value(4.0)
    at.button[0].click().run()
    assert_ok(at)
    assert settings_store.load(eng).coverage_policy == "fixed"
    at.switch_page("pages/overview.py").run()
    needed = at.dataframe[0].value["Coverage needed"]
    assert set(needed.dropna()) == {4.0}
    eng.dispose()


@pytest.mark.parametrize("value", ["9999-12-31", "1900-01-01"])
def test_a_date_out_of_range_in_the_link_says_which_day_is_shown(app, demo_engine, value):
    at = app(asof=value).run()
    assert_ok(at)
    last = periods.as_of_date(queries.last_data_day(demo_engine), dt.date.today())
    shown = at.date_input(key="asof").value
    assert shown == last
    notices = [w.value for w in at.warning if "`asof`" in w.value]
    assert (
        len(notices) == 1
        and value.replace("-", "\\-") in notices[0]
        and f"the latest data, {last.isoformat()}" in notices[0]
    )


def test_a_date_in_range_in_the_link_is_taken_without_a_notice(app):
    at = app(asof="2026-10-15").run()
    assert at.date_input(key="asof").value == dt.date(2026, 10, 15)
    assert not [w.value for w in at.warning if "`asof`" in w.value]
