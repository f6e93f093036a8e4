"""The Talent page and the hidden-by-the-total call-out on the Overview, through AppTest: on the demo (the
figures the domain package works out, shown) and on thin databases (each part's empty state in words)."""

from __future__ import annotations

import datetime as dt

import pytest

from breakthrough import settings as settings_store
from breakthrough.access import OPEN
from breakthrough.metrics import periods, scorecard
from breakthrough.store import queries
from breakthrough.talent import hidden, ramp, shortfall

pytestmark = pytest.mark.postgres_pages  # these pages' figures against the domain's, on both databases

TALENT, OVERVIEW = "pages/talent.py", "pages/overview.py"


def assert_ok(at) -> None:
    assert not at.exception
    assert not [e.value for e in at.error]


def domain(engine):
    cfg = settings_store.load(engine)
    as_of = periods.as_of_date(queries.last_data_day(engine), dt.date.today())
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(engine, cfg, period, as_of)
    return cfg, as_of, card


def test_the_talent_page_on_the_demo_shows_the_domains_figures(demo_app, demo_engine):
    cfg, as_of, card = domain(demo_engine)
    rows = shortfall.build(demo_engine, cfg, as_of, OPEN)
    found = ramp.build(demo_engine, cfg, as_of)
    at = demo_app(TALENT)
    assert_ok(at)
    assert [s.value for s in at.subheader][:2] == [
        "Persistent shortfall: the conversation a manager owes",
        "Ramp: is each new hire ramping like the good ones did?",
    ]
    assert rows, "the demo plants persistent shortfalls"
    table = next(df.value for df in at.dataframe if "Periods behind" in df.value.columns)
    assert list(table["Rep"]) == [r.name for r in rows]
    assert list(table["What was done"]) == [r.text() for r in rows]
    assert [b.label for b in at.get("download_button") if b.label == "Evidence pack"] == ["Evidence pack"] * len(rows)
    said = " ".join(m.value for m in at.markdown)
    assert found.new_hires and all(h.text in said for h in found.new_hires.values())
    months = next(df.value for df in at.dataframe if "Pipeline created" in df.value.columns)
    mine = found.months[found.months["rep_id"].isin(list(found.new_hires))].sort_values(["name", "tenure_month"])
    assert list(zip(months["Rep"], months["Month of tenure"])) == list(zip(mine["name"], mine["tenure_month"]))
    assert months["Pipeline created"].tolist() == pytest.approx(mine["pipeline"].tolist())
    assert mine["pipeline"].sum() > 0, "the demo's new hires create pipeline"
    callouts = [h.text() for h in [hidden.hidden(card, cfg), *hidden.by_team(card, cfg)] if h is not None]
    assert [w.value for w in at.warning if "of pace, but" in w.value] == callouts


def test_the_overview_calls_out_reps_hidden_by_the_total(demo_app, demo_engine):
    cfg, _, card = domain(demo_engine)
    expected = [h.text() for h in [hidden.hidden(card, cfg), *hidden.by_team(card, cfg)] if h is not None]
    at = demo_app(OVERVIEW)
    assert_ok(at)
    assert expected, "the demo plants a team on track hiding reps behind"
    assert [w.value for w in at.warning if "of pace, but" in w.value] == expected


def test_the_talent_page_on_thin_data_says_what_is_missing(thin_app):
    at = thin_app("one rep", TALENT)
    assert_ok(at)
    said = [s.value for s in at.success] + [i.value for i in at.info]
    assert "Nobody in this view has been behind pace for two quarters running." in said
    assert not [df for df in at.dataframe if "Periods behind" in df.value.columns]
    assert not [w.value for w in at.warning if "of pace, but" in w.value]


def test_the_talent_page_without_quotas(thin_app):
    at = thin_app("no quotas", TALENT)
    assert_ok(at)
    assert "Nobody in this view has been behind pace for two quarters running." in [s.value for s in at.success]


def test_privacy_mode_hides_names_links_and_packs(demo_app, demo_engine):
    cfg, as_of, _ = domain(demo_engine)
    rows = shortfall.build(demo_engine, cfg, as_of, OPEN)
    at = demo_app(TALENT, anon="1")
    assert_ok(at)
    shown = " ".join([*(w.value for w in at.warning), *(m.value for m in at.markdown)])
    table = next(df.value for df in at.dataframe if "Periods behind" in df.value.columns)
    assert not {r.name for r in rows} & (set(table["Rep"]) | {n for n in [r.name for r in rows] if n in shown})
    assert all(str(name).startswith("Rep ") for name in table["Rep"])
    assert not [b for b in at.get("download_button") if b.label == "Evidence pack"]
